"""End to end: robots.txt by RFC 9309: a 4xx answer is no rules, a 5xx answer or none is crawl nothing there; its
Crawl-delay kept. Through the replica's fault profiles, and answers it does not give through a site of its own."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from bhg_crawler.runs.outcome import ExitCode
from bhg_crawler.sites.profiles import get_profile
from bhg_replica import faults
from bhg_replica.answers import Response
from bhg_replica.site import Site
from tests.helpers import bhg_run, exported, ledger_rows, manifests, serving, stats


class RobotsSite(Site):
    """The replica, with baohagiang.vn's robots.txt answered as ``answer`` says: a status, "reset" (the
    connection cut halfway through the answer), "moved" (a 301 to another host), "loop" (a 301 to itself), or
    the rules themselves ("User-agent: ...")."""

    def __init__(self, answer: int | str) -> None:
        super().__init__(seed=5, articles=60)
        self.answer = answer

    def respond(self, host: str, path: str, query: str = "") -> Response:
        if host == "cdn.other-host.example" and path == "/robots.txt":  # where a robots.txt may be sent
            return Response(200, b"User-agent: *\nDisallow: /the-thao/\n", "text/plain")
        if host.removeprefix("www.") == "baohagiang.vn" and path == "/robots.txt":
            if self.answer in ("moved", "loop"):
                to = "http://cdn.other-host.example/robots.txt" if self.answer == "moved" else "/robots.txt"
                return Response(301, b"", headers={"Location": to})
            if self.answer == "reset":
                return Response(200, b"User-agent: *\nDisallow:\n" * 200, "text/plain", cut="reset")
            if isinstance(self.answer, str) and self.answer.startswith("User-agent"):
                return Response(200, self.answer.encode(), "text/plain")
            return Response(int(self.answer), b"<html><body>Service Unavailable</body></html>", "text/html")
        return super().respond(host, path, query)


@pytest.mark.parametrize(
    ("answer", "code", "why"),
    [
        ("robots-503", ExitCode.ROBOTS_UNAVAILABLE, "its robots.txt answered 503"),
        ("robots-unreachable", ExitCode.ROBOTS_UNAVAILABLE, "its robots.txt could not be fetched"),
        ("robots-404", ExitCode.OK, None),  # no robots.txt: no rules
        (500, ExitCode.ROBOTS_UNAVAILABLE, "its robots.txt answered 500"),
        ("reset", ExitCode.ROBOTS_UNAVAILABLE, "its robots.txt could not be fetched"),
        (403, ExitCode.OK, None),
        ("moved", ExitCode.OK, None),  # followed to another host (RFC 9309, 2.3.1.2)
        ("loop", ExitCode.OK, None),  # redirects in a loop: unavailable, as a 4xx is: no rules
    ],
)
def test_a_robots_txt_that_does_not_answer_keeps_the_crawl_off_its_host(
    tmp_path: Path, answer: int | str, code: ExitCode, why: str | None
) -> None:
    """``answer``: a fault profile of the replica (``robots-...``), else what ``RobotsSite`` answers."""
    profile = str(answer) if str(answer).startswith("robots-") else None
    site = Site(seed=5, articles=60, fault_profile=profile) if profile else RobotsSite(answer)
    with serving(site) as proxy:
        started = time.monotonic()
        result = bhg_run(proxy, 0, tmp_path, "--sections", "xa-hoi")
        took = time.monotonic() - started
    [manifest] = manifests(tmp_path)
    records = exported(tmp_path, manifest)
    assert result.returncode == code, result.stdout[-2000:] + result.stderr[-2000:]
    numbers = stats(tmp_path, manifest)
    assert bool(profile) == bool(site.injected)  # the replica's profile was acted out
    if why is None:
        assert records and "bhg/robots/unavailable" not in numbers
        return
    assert records == [] and numbers["bhg/robots/unavailable"] == 1 and numbers["bhg/robots/refused"] >= 1
    assert took < 60  # no minutes of back-off on the robots.txt's 503
    assert "Exit 13 (robots_unavailable): the robots.txt of 1 host gave no answer" in result.stdout
    [entry] = ledger_rows(tmp_path)  # the section's listing: nothing else was seen
    assert entry[0] == "baohagiang.vn:listing:/xa-hoi" and entry[2] == "yes"  # the next run asks again
    assert entry[4].startswith(f"RobotsUnavailable: not crawled: {why}")


class TimedSite(Site):
    """The replica with the ``crawl-delay`` fault profile (robots.txt asks for ``faults.CRAWL_DELAY`` seconds),
    noting when each other request to baohagiang.vn came."""

    def __init__(self) -> None:
        super().__init__(seed=5, articles=60, fault_profile="crawl-delay")
        self.asked: list[float] = []

    def respond(self, host: str, path: str, query: str = "") -> Response:
        if host.removeprefix("www.") == "baohagiang.vn" and path != "/robots.txt":
            self.asked.append(time.monotonic())
        return super().respond(host, path, query)


@pytest.mark.parametrize(("cap", "kept"), [(30.0, faults.CRAWL_DELAY), (0.4, 0.4)])
def test_a_crawl_delay_is_kept_up_to_its_cap(tmp_path: Path, cap: float, kept: float) -> None:
    site = TimedSite()
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(site.writer.canonical_url(s) for s in site.catalog.live[:4]), encoding="utf-8")
    with serving(site) as proxy:
        result = bhg_run(proxy, 0, tmp_path, "--urls-file", str(listing), "-s", f"BHG_MAX_CRAWL_DELAY={cap}")
    [manifest] = manifests(tmp_path)
    assert result.returncode == ExitCode.OK, result.stderr[-2000:]
    assert len(exported(tmp_path, manifest)) == 4
    assert stats(tmp_path, manifest)["bhg/robots/crawl_delay"] == kept
    gaps = [later - earlier for earlier, later in itertools.pairwise(site.asked)]
    assert len(gaps) == 3 and min(gaps) >= 0.9 * kept  # the replica's settings ask for no delay at all
    assert site.injected["crawl_delay"] == 1


def test_the_rules_hold_for_every_request_that_waited_for_them(tmp_path: Path) -> None:
    """Many requests to a host before its robots.txt answers (a list of URLs, the ledger's retries): each one
    is judged by the rules, not only the first."""
    probe = Site(seed=5, articles=60)
    listing = tmp_path / "urls.txt"
    listing.write_text("".join(probe.writer.canonical_url(slot) + "\n" for slot in probe.catalog.live[:8]))
    with serving(RobotsSite("User-agent: *\nDisallow: /\n")) as proxy:
        result = bhg_run(proxy, 0, tmp_path, "--urls-file", str(listing))
    [manifest] = manifests(tmp_path)
    assert result.returncode == ExitCode.NOTHING_NEW, result.stderr[-2000:]  # the owner's wish: no crawl error
    assert exported(tmp_path, manifest) == []
    assert stats(tmp_path, manifest)["robotstxt/forbidden"] == 8
    assert manifest["accounting"]["refused"] == {"robots": 8}


@pytest.mark.parametrize("profile", ["robots-unreachable", "robots-503"])
def test_a_first_run_that_reaches_no_site_says_so_and_keeps_every_page_for_the_next(
    tmp_path: Path, profile: str
) -> None:
    """A first run whose proxy answers but whose site does not: partial, and every page it did not fetch (the
    home page, each section's first page) in the ledger with its reason; the next run, with the site back,
    fetches them all and empties the ledger."""
    with serving(Site(seed=5, articles=60, fault_profile=profile)) as proxy:
        offline = bhg_run(proxy, 0, tmp_path)
    assert offline.returncode == ExitCode.ROBOTS_UNAVAILABLE, offline.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    assert (manifest["status"], manifest["outcome"]["name"]) == ("partial", "robots_unavailable")
    rows = {row[0]: row for row in ledger_rows(tmp_path)}
    profile_sections = get_profile("baohagiang.vn").sections
    assert sorted(rows) == sorted(
        ["baohagiang.vn:listing:/", *(f"baohagiang.vn:listing:/{slug}" for slug in profile_sections)]
    )
    assert rows["baohagiang.vn:listing:/"][5] == "https://baohagiang.vn/"
    assert all(row[2] == "yes" and row[4].startswith("RobotsUnavailable: not crawled: ") for row in rows.values())
    assert manifest["counts"]["failures"] == len(rows)  # each page not fetched, in failures.jsonl too

    with serving(Site(seed=5, articles=60)) as proxy:
        back = bhg_run(proxy, 0, tmp_path)
    assert back.returncode == ExitCode.OK, back.stderr[-2000:]
    assert [m["status"] for m in manifests(tmp_path)] == ["partial", "complete"]
    assert [row for row in ledger_rows(tmp_path) if ":listing:" in row[0]] == []
