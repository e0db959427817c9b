"""The reports' pure parts: holes, months, reasons, sections, the ledger by reason, past runs, escaping, the SVG."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from lxml import etree
from scrapy import Request, Spider

from bhg_crawler.extract.record import ArticleRecord
from bhg_crawler.runs import charts, export
from bhg_crawler.runs.export import RunExport
from bhg_crawler.runs.overview import UNDATED, counted, ledger_by_reason, month_of
from bhg_crawler.runs.report import NO_SECTION, by_section, past_runs, reason_kind, run_report, section_of_url
from bhg_crawler.sites.profiles import BAOHAGIANG, with_successors
from bhg_crawler.state.values import GIVEN_UP, NO_ANSWER, Known
from tests.helpers import extract, project_crawler, saved, tables

SITES = with_successors(BAOHAGIANG)

HOLES = {
    "steady": ([10, 10, 10, 10, 10], [None] * 5),
    "one month far below": ([10, 10, 10, 2, 10, 10, 10], [None, None, None, 10, None, None, None]),
    "an empty month": ([8, 9, 10, 0, 10, 9, 8], [None, None, None, 9, None, None, None]),
    "half is no hole": ([10, 10, 10, 5, 10, 10, 10], [None] * 7),
    "just under half is": ([10, 10, 10, 4, 10, 10, 10], [None, None, None, 10, None, None, None]),
    "too sparse to tell": ([3, 3, 0, 3, 3], [None] * 5),
    "at the floor": ([4, 4, 4, 1, 4, 4, 4], [None, None, None, 4, None, None, None]),
    "the first month and the last (the month under way) never": ([1, 10, 10, 10, 1], [None] * 5),
    "the second month, against one before and three after": ([10, 1, 10, 10, 10], [None, 10, None, None, None]),
    "two holes side by side": ([10, 10, 10, 1, 1, 10, 10, 10], [None, None, None, 10, 10, None, None, None]),
    "a section that grows is no hole": ([4, 6, 8, 10, 12, 14, 16], [None] * 7),
    "one month": ([5], [None]),
    "none": ([], []),
}


@pytest.mark.parametrize(("counts", "expected"), HOLES.values(), ids=HOLES.keys())
def test_a_hole_is_far_below_the_median_of_its_neighbours(counts: list[int], expected: list[float | None]) -> None:
    assert charts.holes(counts) == expected


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("2020-11", "2021-02", ["2020-11", "2020-12", "2021-01", "2021-02"]),
        ("2020-05", "2020-05", ["2020-05"]),
        ("2020-05", "2020-04", []),
    ],
)
def test_months_between(first: str, last: str, expected: list[str]) -> None:
    assert charts.months_between(first, last) == expected


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("HTTP 404", "HTTP 404"),
        ("RefusedRedirect: a redirect to another host: https://bhg-mirror.example.net/xa-hoi/201904/a-1",
         "RefusedRedirect: a redirect to another host: <url>"),
        ("redirected to https://baohagiang.vn/, a page that is no article",
         "redirected to <url>, a page that is no article"),
        ("IgnoreRequest: Ignored response <200 https://baohagiang.vn/a-720120> because its body (260934 B compressed)",
         "IgnoreRequest: Ignored response <200 <url>> because its body (N B compressed)"),
        (f"{GIVEN_UP}5 tries: HTTP 503", "given up after 5 tries: HTTP 503"),
        ("  error page: Không tìm thấy trang ", "error page: Không tìm thấy trang"),
        ("x" * 130, "x" * 119 + "…"),
    ],
)  # fmt: skip
def test_a_reason_is_told_by_its_kind(reason: str, kind: str) -> None:
    assert reason_kind(reason) == kind


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("https://baohagiang.vn/xa-hoi/201512/nuoc-sach-ve-voi-dong-bao-691120", "xa-hoi"),
        ("https://baohagiang.vn/kinh-te/cong-nghiep/202201/bai-viet-cc21d4d", "kinh-te/cong-nghiep"),
        ("https://baohagiang.vn/the-thao", "the-thao"),
        ("https://baohagiang.vn/", NO_SECTION),
        ("https://example.org/xa-hoi/201512/a-691120", NO_SECTION),
    ],
)
def test_the_section_a_url_names(url: str, section: str) -> None:
    assert section_of_url(url, SITES) == section


def replica_record(name: str, **changes: Any) -> ArticleRecord:
    """The record of a saved replica page, with ``changes``."""
    html, truth = saved(name)
    return cast(ArticleRecord, {**extract(html, truth["fetched_from"]), **changes})


XH = "https://baohagiang.vn/xa-hoi/201904/a-720120"
# What a run's export is told, in order (records exported, records rejected, pages not fetched, an article given
# up), and what its sections' figures must then be.
TOLD: list[Callable[[RunExport], None]] = [
    lambda e: e.item_scraped(replica_record("bhg-era-a-seed")),  # xay-dung-dang, version 1
    lambda e: e.item_scraped(replica_record("bhg-era-b-desc", version=2)),  # xa-hoi
    lambda e: e.item_scraped(replica_record("bhg-era-a-2018-captions")),  # xa-hoi
    lambda e: e.item_scraped(replica_record("bhg-era-b-desc", section=None)),  # no section: its URL's, xa-hoi
    lambda e: e.record_rejected({**replica_record("bhg-era-a-english"), "section": {"slug": "kinh-te", "name": "Kinh tế"}},
                                "title: None is not of type 'string'"),
    lambda e: e.record_rejected({"url": "https://baohagiang.vn/the-thao/202001/bai-moi-760001", "section": None},
                                "section: None is not of type 'object'"),
    lambda e: e.record_rejected({"item": "<an item of another shape>"}, "error in a pipeline"),  # no URL, no section
    lambda e: e.fetch_failed(Request(XH), "HTTP 503"),
    lambda e: e.fetch_failed(Request("https://baohagiang.vn/the-thao"),
                             "RefusedRedirect: a redirect to another host: https://a.example/1"),
    lambda e: e.article_held(XH.replace("720120", "720121"), "given_up", f"{GIVEN_UP}5 tries: HTTP 503"),
    lambda e: e.fetch_failed(Request("https://baohagiang.vn/"), "HTTP 500"),
]  # fmt: skip
FIGURES = {
    NO_SECTION: {"rejected": 1, "not fetched": 1, "reason: HTTP 500": 1},
    "kinh-te": {"rejected": 1},
    "the-thao": {"rejected": 1, "not fetched": 1, "reason: RefusedRedirect: a redirect to another host: <url>": 1},
    "xa-hoi": {"new": 2, "new version": 1, "not fetched": 2, "reason: HTTP 503": 1,
               "reason: given up after 5 tries: HTTP 503": 1},
    "xay-dung-dang": {"new": 1},
}  # fmt: skip


SECTIONS_TABLE = "Per section: records exported, rejected, and pages not fetched"
SECTION_ROWS = [  # FIGURES as the report shows them: new, new version, rejected, not fetched
    [NO_SECTION, "0", "0", "1", "1"],
    ["kinh-te", "0", "0", "1", "0"],
    ["the-thao", "0", "0", "1", "1"],
    ["xa-hoi", "2", "1", "0", "2"],
    ["xay-dung-dang", "1", "0", "0", "0"],
]


class SitesSpider(Spider):
    name = "bhg"
    sites = SITES


def without_chart_ids(page: str) -> str:
    """A report without the ids pygal draws at random for each chart."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", page)


def test_the_report_has_the_sections_figures_its_export_counted_and_its_files_say(tmp_path: Path) -> None:
    crawler = project_crawler(SitesSpider, BHG_EXPORTS=str(tmp_path), BHG_RUN_ID="unit", BHG_STATE="")
    exporter, spider = RunExport.from_crawler(crawler), SitesSpider()
    exporter.spider_opened(spider)
    for told in TOLD:
        told(exporter)
    exporter.spider_closed(spider, reason="finished")
    manifest = json.loads((tmp_path / "runs" / "unit.json").read_text(encoding="utf-8"))

    assert exporter.sections.counts() == FIGURES  # counted as each line was written
    assert by_section(tmp_path, manifest, SITES) == FIGURES  # read again from the published files
    written = (tmp_path / "runs" / "unit.html").read_text(encoding="utf-8")
    assert without_chart_ids(written) == without_chart_ids(run_report(tmp_path, manifest, SITES))
    assert tables(written)[SECTIONS_TABLE] == SECTION_ROWS


def test_a_run_that_publishes_an_earlier_runs_files_reports_that_run_from_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, spider = str(tmp_path / "state.sqlite3"), SitesSpider()
    earlier = RunExport.from_crawler(project_crawler(SitesSpider, BHG_EXPORTS=str(tmp_path), BHG_RUN_ID="r1",
                                                     BHG_STATE=state))  # fmt: skip
    earlier.spider_opened(spider)
    for told in TOLD:
        told(earlier)
    with monkeypatch.context() as killed:  # killed past its commit point, before it publishes
        killed.setattr(export, "publish", lambda folder, manifest: 0)
        killed.setattr(earlier.state, "published", lambda run_id: None)
        earlier.spider_closed(spider, reason="finished")
    earlier.state.close()
    assert not (tmp_path / "runs" / "r1.html").exists()

    later = RunExport.from_crawler(project_crawler(SitesSpider, BHG_EXPORTS=str(tmp_path), BHG_RUN_ID="r2",
                                                   BHG_STATE=state))  # fmt: skip
    later.spider_opened(spider)  # publishes r1, and writes its report from its files
    later.state.close()
    written = (tmp_path / "runs" / "r1.html").read_text(encoding="utf-8")
    assert tables(written)[SECTIONS_TABLE] == SECTION_ROWS


def known(url: str, published: str | None) -> Known:
    return Known("baohagiang.vn:1", url, published, None, None, None, 1, 200)


@pytest.mark.parametrize(
    ("url", "published", "month"),
    [
        ("https://baohagiang.vn/xa-hoi/202005/a-760000", "2020-05-15T01:00:00Z", "2020-05"),
        ("https://baohagiang.vn/xa-hoi/202005/a-760000", "2020-05-31T17:30:00Z", "2020-06"),  # 00:30 in Hà Giang
        ("https://baohagiang.vn/xa-hoi/202005/a-760000", None, "2020-05"),  # the month the URL names
        ("https://baohagiang.vn/some-page", None, UNDATED),
    ],
)
def test_the_month_of_an_article_is_the_sites(url: str, published: str | None, month: str) -> None:
    assert month_of(known(url, published), SITES) == month


def entry(reason: str, retry: int = 1, attempts: int = 1, record_id: str = "baohagiang.vn:1") -> dict[str, Any]:
    return {"record_id": record_id, "reason": reason, "retry": retry, "attempts": attempts, "waited": 0}


def test_the_ledger_by_reason_says_what_each_reason_waits_for() -> None:
    entries = [
        entry("HTTP 503"), entry("HTTP 503", attempts=2), entry("HTTP 503", attempts=3),
        entry(f"{GIVEN_UP}5 tries: HTTP 503", retry=0, attempts=5), entry("HTTP 404", retry=0),
        entry("HTTP 404", retry=0), entry(NO_ANSWER, attempts=4), entry("HTTP 502", record_id="baohagiang.vn:listing:/a"),
        entry("RefusedRedirect: a redirect to another host: https://a.example/1"),
        entry("RefusedRedirect: a redirect to another host: https://a.example/2", attempts=2),
    ]  # fmt: skip
    assert ledger_by_reason(entries, give_up=5) == [
        ("HTTP 503", 3, 1, 2, 0),
        ("HTTP 404", 2, 0, 0, 2),
        ("RefusedRedirect: a redirect to another host: <url>", 2, 1, 1, 0),
        ("HTTP 502", 1, 1, 0, 0),
        ("given up after 5 tries: HTTP 503", 1, 0, 0, 1),
        (NO_ANSWER, 1, 1, 0, 0),
    ]


def manifest(run_id: str, started: str, **kind: Any) -> dict[str, Any]:
    return {"run_id": run_id, "started_at": started, "spider": "bhg", "site": "baohagiang.vn", "arguments": {},
            **kind}  # fmt: skip


def test_a_run_is_compared_with_the_last_runs_of_its_kind(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    runs = [
        manifest("r1", "2026-11-01T00:00:00Z"),
        manifest("r2", "2026-11-02T00:00:00Z", arguments={"sections": "xa-hoi"}),
        manifest("r3", "2026-11-03T00:00:00Z", site="baotuyenquang.com.vn"),
        manifest("r4", "2026-11-04T00:00:00Z"),
        manifest("r5", "2026-11-05T00:00:00Z"),
        manifest("r7", "2026-11-07T00:00:00Z"),  # after the run: not yet
    ]
    for run in runs:
        (tmp_path / "runs" / f"{run['run_id']}.json").write_text(json.dumps(run), encoding="utf-8")
    (tmp_path / "runs" / "r0.json").write_text("{not json", encoding="utf-8")
    this = manifest("r6", "2026-11-06T00:00:00Z")
    assert [m["run_id"] for m in past_runs(tmp_path, this)] == ["r1", "r4", "r5", "r6"]
    assert [m["run_id"] for m in past_runs(tmp_path, this, limit=2)] == ["r5", "r6"]


HOSTILE = '<script>alert("x")</script> & <img src="https://cdn.example/x.png">'


def test_a_page_escapes_what_comes_from_pages_and_loads_nothing() -> None:
    page = charts.page(HOSTILE, [charts.table(HOSTILE, ("reason", "pages"), [(HOSTILE, 3)])])
    assert "<script" not in page and "<img" not in page
    assert (
        page.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img") == 4
    )  # title, h1, caption, cell
    assert '<td class="n">3</td>' in page
    assert "default-src 'none'" in page


def test_a_chart_is_an_inline_svg_that_loads_nothing() -> None:
    svgs = [
        charts.bars(HOSTILE, {HOSTILE: {"new": 3, "rejected": 1}}, ["new", "rejected"]),
        charts.calendar(HOSTILE, {"2020-01": 10, "2020-02": 1, "2020-03": 10}, {"2020-02": 10.0}),
        charts.trend(HOSTILE, ["r1", "r2"], [4, 5]),
    ]
    for svg in svgs:
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert "<script" not in svg and "<img" not in svg and "<?xml" not in svg
        links = [v for e in etree.fromstring(svg).iter() for k, v in e.attrib.items() if k.endswith(("href", "src"))]
        assert all(link.startswith("#") for link in links), links
        assert "&lt;script&gt;" in svg
    assert svgs[1].count(f"fill: {charts.HOLE}") == 1
    assert "2020-02: 1 articles; a hole: its neighbours' median is 10" in svgs[1]


def test_a_calendar_draws_each_month_in_its_year_and_column() -> None:
    counts = dict.fromkeys(charts.months_between("2019-01", "2021-12"), 10) | {"2021-06": 0}
    svg = etree.fromstring(charts.calendar("xa-hoi", counts, {"2021-06": 10.0}))
    texts = {text.text: text.attrib for text in svg.iter("{*}text")}
    years = {year: float(texts[year]["y"]) for year in ("2019", "2020", "2021")}
    months = {month: float(texts[month]["x"]) for month in ("May", "Jun", "Jul")}
    dots = [(dot.attrib, group.attrib) for group in svg.iter("{*}g") for dot in group.iterchildren("{*}circle")]
    [hole] = [dot for dot, group in dots if charts.HOLE in str(group.get("style"))]
    assert min(years, key=lambda year: abs(years[year] - float(hole["cy"]))) == "2021"
    assert min(months, key=lambda month: abs(months[month] - float(hole["cx"]))) == "Jun"
    assert hole["r"] == str(charts.HOLE_RADIUS)
    assert years["2019"] < years["2020"] < years["2021"]  # the first year on top


@pytest.mark.parametrize(
    ("number", "noun", "said"),
    [(0, "hole", "0 holes"), (1, "hole", "1 hole"), (2, "hole", "2 holes"), (1, "section", "1 section"),
     (602, "article", "602 articles")],
)  # fmt: skip
def test_a_count_says_its_noun_in_the_singular_for_one_only(number: int, noun: str, said: str) -> None:
    assert counted(number, noun) == said
