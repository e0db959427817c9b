"""End to end: a section walked over Tuyên Quang's ``/trang-N.html`` pages, a walk that misses a page, and the
replica's listings that never end."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bhg_crawler.runs.outcome import ExitCode
from bhg_crawler.sites.profiles import BAOHAGIANG
from bhg_replica.answers import Response, html_page
from bhg_replica.site import Site
from tests.helpers import ARTICLES, bhg_run, exported, manifests, replica, serving, stats

HOST = "baotuyenquang.com.vn"


class FlakySite(Site):
    """The replica, with listing pages of the successor that answer 500 as long as they are in ``failing``."""

    def __init__(self) -> None:
        super().__init__(seed=5, articles=ARTICLES)
        self.failing: set[str] = set()

    def respond(self, host: str, path: str, query: str = "") -> Response:
        if host == HOST and path in self.failing:
            return html_page("<html><body><h1>500 Internal Server Error</h1></body></html>", 500)
        return super().respond(host, path, query)


@pytest.fixture(scope="module")
def flaky() -> Iterator[tuple[str, FlakySite]]:
    site = FlakySite()
    with serving(site) as url:
        yield url, site


def paged_section(site: Site) -> str:
    """The successor's section with the most listing pages (two or more)."""
    catalog = site.successor.catalog
    slug = max(sorted(catalog.listings), key=catalog.page_count)
    assert catalog.page_count(slug) >= 2
    return slug


def listed(site: Site, slug: str, pages: range) -> set[str]:
    catalog = site.successor.catalog
    return {slot.article_id for page in pages for slot in catalog.listing_page(slug, page)}


def run(url: str, work: Path, run_id: str, slug: str, *extra: str) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
    result = bhg_run(url, 0, work, "--site", HOST, "--sections", slug, "-s", f"BHG_RUN_ID={run_id}", *extra)
    manifest = next(m for m in manifests(work) if m["run_id"] == run_id)
    return result.returncode, exported(work, manifest), stats(work, manifest)


def test_a_section_is_walked_over_all_its_trang_pages(flaky: tuple[str, FlakySite], tmp_path: Path) -> None:
    url, site = flaky
    slug = paged_section(site)
    code, records, numbers = run(url, tmp_path, "whole", slug)
    assert code == ExitCode.OK
    assert listed(site, slug, range(1, site.successor.catalog.page_count(slug) + 1)) <= {
        str(r["article_id"]) for r in records}  # fmt: skip
    assert "bhg/listings/missed" not in numbers


def test_a_walk_that_misses_a_page_says_so_and_the_next_run_fetches_it(
    flaky: tuple[str, FlakySite], tmp_path: Path
) -> None:
    url, site = flaky
    slug = paged_section(site)
    count = site.successor.catalog.page_count(slug)
    second = f"/{slug}/trang-2.html"
    site.failing.add(second)
    try:
        code, records, numbers = run(url, tmp_path, "missing", slug)
    finally:
        site.failing.discard(second)
    assert code == ExitCode.PAGES_MISSED
    assert numbers["bhg/listings/missed"] == count - 1  # the failed page, and those it would have led to
    first = {str(r["article_id"]) for r in records}
    ledger = bhg_ledger(tmp_path)
    assert f"https://{HOST}{second}" in ledger.stdout
    assert f"bhg-crawl: 0 articles and {count - 1} listing pages in the ledger, {count - 1} to retry" in ledger.stderr

    code, records, numbers = run(url, tmp_path, "recovered", slug)
    assert code == (ExitCode.OK if records else ExitCode.NOTHING_NEW)  # related links may have led to them all
    assert listed(site, slug, range(1, count + 1)) <= first | {str(r["article_id"]) for r in records}
    assert f"https://{HOST}{second}" not in bhg_ledger(tmp_path).stdout


def bhg_ledger(work: Path) -> subprocess.CompletedProcess[str]:
    """``bhg-crawl ledger`` of the successor: one line an entry, and the count on standard error."""
    line = [sys.executable, "-m", "bhg_crawler", "ledger", "--state", str(work / "state.sqlite3"), "--site", HOST]
    return subprocess.run(line, capture_output=True, text=True, check=True)


@pytest.mark.parametrize("kind", ["repeat", "empty", "cap"])
def test_a_listing_that_never_ends_is_walked_to_its_real_end(tmp_path: Path, kind: str) -> None:
    """The replica's ``endless-pages`` (pages past the end repeat the last one) and ``empty-pages`` (they list
    nothing), each with a next link: the walk ends there; with BHG_MAX_LISTING_PAGES at the section's page count,
    it ends there instead, the section not walked."""
    profile = "empty-pages" if kind == "empty" else "endless-pages"
    with replica(0, 120, faults=profile) as (url, site):
        catalog = site.catalog
        walkable = [s for s in BAOHAGIANG.sections if s in catalog.listings and not catalog.paged_by_query(s)]
        slug = max(sorted(walkable), key=catalog.page_count)  # paged /trang-N.html
        count = catalog.page_count(slug)
        cap = ("-s", f"BHG_MAX_LISTING_PAGES={count}") if kind == "cap" else ()
        result = bhg_run(url, 0, tmp_path, "--sections", slug, *cap)
    [manifest] = manifests(tmp_path)
    numbers = stats(tmp_path, manifest)
    assert result.returncode == ExitCode.OK, result.stderr[-2000:]
    listed = {slot.article_id for page in range(1, count + 1) for slot in catalog.listing_page(slug, page)}
    assert listed <= {str(r["article_id"]) for r in exported(tmp_path, manifest)}
    assert dict(site.injected) == ({} if kind == "cap" else {profile.replace("-", "_"): 1})  # one page past the end
    assert [name for name in numbers if name.startswith("bhg/listings/stopped_at_")] == [
        f"bhg/listings/stopped_at_{kind}"
    ]
    assert numbers[f"bhg/listings/stopped_at_{kind}"] == 1
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        walked = {row[0] for row in db.execute("SELECT slug FROM sections")}
    assert walked == (set() if kind == "cap" else {slug})
