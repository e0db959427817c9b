"""End to end: article URLs that answer with something other than their page: a redirect to a page that is no
article (a soft 404), a meta refresh off the site or to the page itself, the CMS's "page not found" or maintenance
page answered 200; through the replica's faults, and a meta refresh home through a site of its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bhg_crawler.runs.outcome import ExitCode
from bhg_replica import faults
from bhg_replica.answers import Response
from bhg_replica.catalog import Slot
from bhg_replica.site import Site
from tests.helpers import bhg_run, exported, exported_records, ledger_rows, manifests, replica, serving, stats


class SoftSite(Site):
    """The replica, with article paths of baohagiang.vn that send the reader to ``target``: with a 302, or with
    a ``<meta http-equiv="refresh">`` page (``meta``, as long as real pages are: sent gzipped)."""

    def __init__(self, deleted: set[str], target: str, meta: bool = False) -> None:
        super().__init__(seed=5, articles=120)
        self.deleted, self.target, self.meta = deleted, target, meta

    def respond(self, host: str, path: str, query: str = "") -> Response:
        if host.removeprefix("www.") == "baohagiang.vn" and path.rstrip("/") in self.deleted:
            if self.meta:
                page = f'<html><head><meta http-equiv="refresh" content="0; url={self.target}"></head>'
                page += f"<body><!-- {'x' * 2000} --></body></html>"  # past the size the replica gzips at
                return Response(200, page.encode())
            return Response(302, b"", headers={"Location": self.target})
        return super().respond(host, path, query)


@pytest.mark.parametrize(
    ("target", "meta", "reason", "code", "outcome"),
    [
        ("https://baohagiang.vn/", False, "redirected to https://baohagiang.vn/, a page that is no article",
         ExitCode.OK, "gone"),
        ("https://baohagiang.vn/", True, "redirected to https://baohagiang.vn/, a page that is no article",
         ExitCode.OK, "gone"),
        ("https://elsewhere.example/", True,
         "RefusedRedirect: a meta refresh to another host: https://elsewhere.example/", ExitCode.CRAWL_ERRORS,
         "refused/redirect"),
        ("SELF", True, "RefusedRedirect: a meta refresh loop: {url} -> {url}", ExitCode.CRAWL_ERRORS,
         "refused/redirect"),
    ],
)  # fmt: skip
def test_an_article_sent_elsewhere_is_no_record_and_says_why(
    tmp_path: Path, target: str, meta: bool, reason: str, code: ExitCode, outcome: str
) -> None:
    probe = Site(seed=5, articles=120)
    slot = probe.catalog.live[3]
    path, url = probe.writer.path(slot), probe.writer.canonical_url(slot)
    site = SoftSite({path}, url if target == "SELF" else target, meta)
    listing = tmp_path / "urls.txt"
    listing.write_text(url + "\n" + probe.writer.canonical_url(probe.catalog.live[4]) + "\n", encoding="utf-8")
    with serving(site) as proxy:
        result = bhg_run(proxy, 0, tmp_path, "--urls-file", str(listing))
    [manifest] = manifests(tmp_path)
    records = exported(tmp_path, manifest)
    assert result.returncode == code, result.stdout[-2000:] + result.stderr[-2000:]
    assert [r["article_id"] for r in records] == [probe.catalog.live[4].article_id]
    assert manifest["counts"]["rejects"] == 0
    assert stats(tmp_path, manifest)[f"bhg/failures/{outcome}"] == 1
    term, _, kind = outcome.partition("/")
    accounting = manifest["accounting"]
    assert (accounting["discovered"], accounting["exported"], accounting[term]) == (2, 1, {kind: 1} if kind else 1)
    [entry] = ledger(tmp_path).values()
    assert entry[0] == f"baohagiang.vn:{slot.article_id}" and entry[2] == ("yes" if kind else "no")  # refused: later
    assert entry[4] == reason.format(url=url) and entry[5] == url


def ledger(work: Path) -> dict[str, list[str]]:
    """``bhg-crawl ledger``'s rows (``ledger_rows``) by their URL."""
    return {fields[5]: fields for fields in ledger_rows(work)}


def faulted(site: Site, kinds: list[str]) -> dict[str, Slot]:
    """For each fault kind (``None``: no fault), a Vietnamese article of a section robots.txt allows that has it."""
    found: dict[str, Slot] = {}
    for slot in site.catalog.live:
        path = site.writer.path(slot)
        fault = site.fault_of(path)
        kind = fault.kind if fault is not None else "none"
        usable = slot.section.language == "vi" and slot.section.slug.split("/")[0] not in site.faults.disallowed
        if usable and kind in kinds and slot.article_id not in site.moved:
            found.setdefault(kind, slot)
    assert sorted(found) == sorted(kinds)
    return found


SENT_ELSEWHERE = {  # the fault kind: the ledger's reason ({url}: the article's, {offsite}: the replica's other host)
    "redirect_home": ("redirected to https://baohagiang.vn/, a page that is no article", "no"),
    "meta_refresh_offsite": ("RefusedRedirect: a meta refresh to another host: {offsite}", "yes"),  # refused: later
    "meta_refresh_self": ("RefusedRedirect: a meta refresh loop: {url} -> {url}", "yes"),
    "not_found_200": ("error page: Không tìm thấy trang", "no"),
    "maintenance_200": ("error page: Hệ thống đang bảo trì", "yes"),
}


def test_the_replicas_articles_sent_elsewhere_are_no_record_and_say_why(tmp_path: Path) -> None:
    with replica(0, 600, faults="mixed") as (proxy, site):
        chosen = faulted(site, [*SENT_ELSEWHERE, "none"])
        listing = tmp_path / "urls.txt"
        listing.write_text("".join(site.writer.canonical_url(slot) + "\n" for slot in chosen.values()))
        result = bhg_run(proxy, 0, tmp_path, "--urls-file", str(listing))
    [manifest] = manifests(tmp_path)
    assert result.returncode == ExitCode.CRAWL_ERRORS, result.stderr[-2000:]  # two refused of seven
    assert [r["article_id"] for r in exported(tmp_path, manifest)] == [chosen["none"].article_id]
    numbers = stats(tmp_path, manifest)
    counted = ("bhg/failures/gone", "bhg/failures/refused/redirect", "bhg/failures/error_page")
    assert [numbers[name] for name in counted] == [1, 2, 2]
    entries = ledger(tmp_path)
    for kind, (reason, retry) in SENT_ELSEWHERE.items():
        url = site.writer.canonical_url(chosen[kind])
        offsite = faults.OFFSITE + site.writer.path(chosen[kind]).lstrip("/")
        entry = entries.pop(url)
        assert (entry[0], entry[2], entry[4]) == (
            f"baohagiang.vn:{chosen[kind].article_id}",
            retry,
            reason.format(url=url, offsite=offsite),
        ), kind
    assert entries == {}


def test_a_known_article_that_answers_an_error_page_keeps_its_record(tmp_path: Path) -> None:
    with replica(0, 600) as (proxy, site):
        chosen = faulted(Site(seed=5, articles=600, fault_profile="mixed"), ["not_found_200", "maintenance_200"])
        listing = tmp_path / "urls.txt"
        listing.write_text("".join(site.writer.canonical_url(slot) + "\n" for slot in chosen.values()))
        first = bhg_run(proxy, 0, tmp_path, "--urls-file", str(listing), "-s", "BHG_RUN_ID=before")
    assert first.returncode == ExitCode.OK, first.stderr[-2000:]
    with replica(0, 600, faults="mixed") as (proxy, _):
        later = bhg_run(proxy, 0, tmp_path, "--urls-file", str(listing), "-s", "BHG_RUN_ID=after")
    assert later.returncode == ExitCode.FEWER_ARTICLES, later.stderr[-2000:]  # none exported, two the time before
    before, after = manifests(tmp_path)
    assert sorted(r["article_id"] for r in exported(tmp_path, before)) == sorted(s.article_id for s in chosen.values())
    assert exported(tmp_path, after) == [] and after["counts"]["rejects"] == 0
    assert stats(tmp_path, after)["bhg/failures/error_page"] == 2
    failures = {f["url"]: f["reason"] for f in exported_records(tmp_path / "exports", after, "failures")}
    assert failures == {
        site.writer.canonical_url(chosen["not_found_200"]): "error page: Không tìm thấy trang",
        site.writer.canonical_url(chosen["maintenance_200"]): "error page: Hệ thống đang bảo trì",
    }
    assert ledger(tmp_path) == {}  # exported before: never in the ledger
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        known = {row[0]: row[1:] for row in db.execute("SELECT record_id, version, last_status FROM articles")}
    assert known == {  # the record kept; the one the site said was not found is gone
        f"baohagiang.vn:{chosen['not_found_200'].article_id}": (1, 404),
        f"baohagiang.vn:{chosen['maintenance_200'].article_id}": (1, 200),
    }
