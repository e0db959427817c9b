"""End to end: requests refused on purpose (too large, robots.txt, not HTML, a redirect off the site) count: by
kind, in the crawl-error monitor (but robots.txt's), in the ledger, which backs off and gives up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bhg_crawler.runs.outcome import ExitCode
from bhg_replica.answers import Response
from bhg_replica.faults import garbage
from bhg_replica.site import Site
from tests.helpers import bhg_run, ledger_rows, manifests, serving, stats

MAXSIZE = 200_000  # DOWNLOAD_MAXSIZE of these runs: the large page is over it


class RefusingSite(Site):
    """The replica, where the article at ``path`` gets a request refused: ``size`` (a page over MAXSIZE as
    received), ``inflated`` (one over MAXSIZE once decompressed), ``robots`` (robots.txt disallows it),
    ``not_html`` (a PDF), ``redirect`` (a 302 to another host)."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(seed=5, articles=60)
        self.path, self.kind = path, kind

    def respond(self, host: str, path: str, query: str = "") -> Response:
        if host.removeprefix("www.") != "baohagiang.vn":
            return super().respond(host, path, query)
        if path == "/robots.txt" and self.kind == "robots":
            return Response(200, f"User-agent: *\nDisallow: {self.path}\n".encode(), "text/plain")
        if path.rstrip("/") != self.path:
            return super().respond(host, path, query)
        if self.kind in ("size", "inflated"):
            page = super().respond(host, path, query)
            filler = garbage(path, MAXSIZE).hex().encode() if self.kind == "size" else b"x" * MAXSIZE
            return Response(200, page.body + b"<!-- " + filler + b" -->")
        if self.kind == "not_html":
            return Response(200, b"%PDF-1.4\n" + b"0" * 2000, "application/pdf")
        if self.kind == "redirect":
            return Response(302, b"", headers={"Location": "https://elsewhere.example/bai-viet"})
        return super().respond(host, path, query)


@pytest.mark.parametrize(
    ("served", "kind", "code", "reason"),
    [
        ("size", "size", ExitCode.CRAWL_ERRORS, "DownloadCancelledError: Expected to receive"),
        ("inflated", "size", ExitCode.CRAWL_ERRORS, "IgnoreRequest: Ignored response"),
        ("robots", "robots", ExitCode.NOTHING_NEW, "IgnoreRequest: Forbidden by robots.txt"),  # the owner's wish
        ("not_html", "not_html", ExitCode.CRAWL_ERRORS, "not an HTML page (application/pdf)"),
        ("redirect", "redirect", ExitCode.CRAWL_ERRORS,
         "RefusedRedirect: a redirect to another host: https://elsewhere.example/"),
    ],
)  # fmt: skip
def test_a_run_whose_article_was_refused_says_so(
    tmp_path: Path, served: str, kind: str, code: ExitCode, reason: str
) -> None:
    probe = Site(seed=5, articles=60)
    slot = probe.catalog.live[7]
    url = probe.writer.canonical_url(slot)
    listing = tmp_path / "urls.txt"
    listing.write_text(url + "\n", encoding="utf-8")
    with serving(RefusingSite(probe.writer.path(slot), served)) as proxy:
        result = bhg_run(proxy, 0, tmp_path, "--urls-file", str(listing), "-s", f"DOWNLOAD_MAXSIZE={MAXSIZE}")
    assert result.returncode == code, result.stdout[-2000:] + result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    assert manifest["accounting"]["discovered"] == 1 and manifest["accounting"]["refused"] == {kind: 1}
    assert stats(tmp_path, manifest)[f"bhg/failures/refused/{kind}"] == 1
    [(record_id, tries, retry, _, why, where)] = ledger_rows(tmp_path)
    assert (record_id, tries, retry, where) == (f"baohagiang.vn:{slot.article_id}", "1", "yes", url)
    assert why.startswith(reason)


def test_a_refused_article_backs_off_then_is_given_up(tmp_path: Path) -> None:
    probe = Site(seed=5, articles=60)
    slot = probe.catalog.live[-1]  # the newest: on its section's first listing page
    section = slot.section.slug
    seen: list[tuple[int, str, dict[str, int], dict[str, int], int, str]] = []
    with serving(RefusingSite(probe.writer.path(slot), "size")) as proxy:
        for _ in range(5):
            result = bhg_run(proxy, 0, tmp_path, "--sections", section, "-s", f"DOWNLOAD_MAXSIZE={MAXSIZE}",
                             "-s", "BHG_LEDGER_GIVE_UP_TRIES=3")  # fmt: skip
            accounting = manifests(tmp_path)[-1]["accounting"]
            [(_, tries, retry, _, why, _)] = [row for row in ledger_rows(tmp_path) if slot.article_id in row[0]]
            seen.append((result.returncode, why.split(":")[0], accounting["refused"], accounting["deferred"],
                         accounting["given_up"], f"{tries} {retry}"))  # fmt: skip
    size = {"size": 1}
    assert seen == [
        (ExitCode.CRAWL_ERRORS, "DownloadCancelledError", size, {}, 0, "1 yes"),  # the walk finds it
        (ExitCode.CRAWL_ERRORS, "DownloadCancelledError", size, {}, 0, "2 after 1 runs"),  # the ledger retries it
        (ExitCode.NOTHING_NEW, "DownloadCancelledError", {}, {"backoff": 1}, 0, "2 yes"),  # held back a run
        (ExitCode.CRAWL_ERRORS, "given up after 3 tries", size, {}, 0, "3 given up"),  # the third try
        (ExitCode.NOTHING_NEW, "given up after 3 tries", {}, {}, 1, "3 given up"),  # listed, never requested
    ]
    last = manifests(tmp_path)[-1]
    failures = (tmp_path / "exports" / last["run_id"] / "failures.jsonl").read_text(encoding="utf-8").splitlines()
    [told] = [json.loads(line) for line in failures]  # each run's failures say what it did not fetch
    assert (told["url"], told["kind"]) == (probe.writer.canonical_url(slot), "article")
    assert told["reason"].startswith("given up after 3 tries: DownloadCancelledError: Expected to receive")
