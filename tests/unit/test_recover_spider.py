"""The recover spider's routing: which captures of the index it fetches, notes or leaves, and which redirects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse

from bhg_crawler.app.cli import main
from bhg_crawler.core import signals
from bhg_crawler.extract.cdx import Capture, parse_num_pages
from bhg_crawler.sites.urls import article_of
from bhg_crawler.spiders.recover import RecoverSpider
from tests.helpers import FIELDS, project_crawler, saved

CDX = "http://127.0.0.1:9/bhg/cdx"
REPLAY = "http://127.0.0.1:9/bhg"
ARTICLE = "https://baohagiang.vn/xa-hoi/202101/tin-khac-778801"
OTHER = "https://baohagiang.vn/xa-hoi/202101/tin-khac-778802"


class Recovery:
    """The spider on a crawler with its state, and the pages it reported as giving no record."""

    def __init__(self, folder: Path):
        self.crawler = project_crawler(RecoverSpider, BHG_STATE=str(folder / "state.sqlite3"))
        self.spider = RecoverSpider.from_crawler(self.crawler, cdx=CDX)
        self.crawler.spider = self.spider
        self.failed: list[tuple[str, str, bool]] = []
        self.crawler.signals.connect(self._failed, signals.fetch_failed)

    def _failed(self, request: scrapy.Request, reason: str, retry: bool, **_: Any) -> None:
        self.failed.append((request.url, reason, retry))


@pytest.fixture
def recovery(tmp_path: Path) -> Iterator[Recovery]:
    found = Recovery(tmp_path)
    yield found
    found.spider.state.close()


def capture(
    timestamp: str, url: str = ARTICLE, status: str = "200", digest: str = "", mime: str = "text/html"
) -> Capture:
    return Capture("", timestamp, url, mime, status, digest)


def test_the_captures_of_each_article_are_fetched_oldest_first_and_the_others_noted(recovery: Recovery) -> None:
    spider = recovery.spider
    found = [
        capture("20230101000000", ARTICLE, digest="B"),
        capture("20210101000000", "http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801?utm_source=x", digest="A"),
        capture("20220101000000", ARTICLE, digest="A"),  # the same payload as 2021's: not fetched
        capture("20240101000000", ARTICLE, "404"),
        capture("20200101000000", OTHER, digest="C"),  # recovered by an earlier run
        capture("20200101000000", "https://baohagiang.vn/xa-hoi"),  # a listing page
    ]
    spider.captures = {c.key: c for c in found}
    spider.state.captured(found[4].key, "baohagiang.vn:778802")
    spider.walks = 1
    requests = list(spider._walk_over())
    assert [r.url for r in requests] == [f"{REPLAY}/20210101000000id_/{found[1].original}"]
    assert requests[0].meta["bhg_article"] == ARTICLE
    assert recovery.failed == [(f"{REPLAY}/20240101000000id_/{ARTICLE}", "the capture of 20240101000000 answered HTTP 404",
                                False)]  # fmt: skip
    assert [c.timestamp for c in spider.queues["baohagiang.vn:778801"]] == ["20230101000000"]
    stats = spider.crawler.stats
    assert stats is not None
    assert stats.get_value("bhg/recover/captures/same_digest") == 1
    assert stats.get_value("bhg/recover/captures/recovered_before") == 1
    assert stats.get_value("bhg/recover/captures/skip") == 1


@pytest.mark.parametrize(
    ("location", "followed"),
    [
        (f"{REPLAY}/20210101000000id_/{ARTICLE}", ARTICLE),  # http to https, in the replay's form
        (f"/bhg/20210101000000id_/{ARTICLE}/", f"{ARTICLE}/"),  # a relative Location, a trailing slash
        (f"{REPLAY}/20210101000000id_/http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801",
         "http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801"),
        (ARTICLE, ARTICLE),  # an archive that gives the original Location
        (f"{REPLAY}/20210101000000id_/{OTHER}", None),  # another article
        (f"{REPLAY}/20210101000000id_/https://baohagiang.vn/xa-hoi", None),  # a listing: a soft 404
        (f"{REPLAY}/20210101000000id_/https://baotuyenquang.com.vn/khu-vuc/202101/tin-khac-778801", None),
    ],
)  # fmt: skip
def test_a_redirect_is_followed_to_the_same_article_only(
    recovery: Recovery, location: str, followed: str | None
) -> None:
    spider = recovery.spider
    article = article_of(ARTICLE, spider.sites)
    assert article is not None
    request = spider._capture_request(capture("20210101000000", "http://baohagiang.vn/xa-hoi/202101/tin-khac-778801",
                                              "301"), article)  # fmt: skip
    response = HtmlResponse(request.url, status=301, headers={"Location": location}, request=request)
    out = list(spider.parse_capture(response))
    if followed is None:
        assert out == []
        [(_, reason, retry)] = recovery.failed
        assert "not to this article" in reason
        assert retry is False
    else:
        [again] = out
        assert again.url == f"{REPLAY}/20210101000000id_/{followed}"
        assert again.meta["bhg_captures"] == request.meta["bhg_captures"]
        assert again.meta["bhg_hops"] == 1


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({}, "recover needs a CDX endpoint"),
        ({"cdx": "ftp://x/cdx"}, "recover needs a CDX endpoint"),
        ({"cdx": CDX, "since": "2021-01"}, "--since is a capture timestamp"),
        ({"cdx": CDX, "until": "123"}, "--until is a capture timestamp"),
        ({"cdx": CDX, "limit": "many"}, "--limit is a number"),
        ({"cdx": "https://index.commoncrawl.org/CC-MAIN-2024-10-index"}, "give the replay prefix"),
        ({"warc_files": "nowhere.warc.gz"}, "names no WARC file"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_fetched(arguments: dict[str, str], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        RecoverSpider(**arguments)


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (
            ["recover", "ftp://x/cdx"],
            "bhg-crawl: recover needs a CDX endpoint, an http(s) URL, or WARC files, not 'ftp://x/cdx'\n",
        ),
        (["recover", CDX, CDX], "bhg-crawl: recover reads one CDX endpoint, or local WARC files, not "),
        (["recover", "nowhere/*.warc.gz"], "bhg-crawl: nowhere/*.warc.gz names no WARC file (.warc, .warc.gz)\n"),
        (["recover", CDX, "--from", "2021-01"], "bhg-crawl: --since is a capture timestamp of 4 to 14 digits"),
    ],
)
def test_the_command_refuses_bad_arguments_in_one_line(
    argv: list[str], error: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--state", str(tmp_path / "state.sqlite3")]) == 2
    assert capsys.readouterr().err.startswith(error)
    assert not (tmp_path / "state.sqlite3").exists()  # nothing opened, nothing fetched


def test_a_capture_is_read_as_a_crawl_reads_the_page_with_its_source(recovery: Recovery) -> None:
    html, truth = saved("bhg-era-a-2018-captions")
    spider, captured = recovery.spider, truth["url"].replace("https://", "http://www.") + "?utm_source=zalo"
    article = article_of(captured, spider.sites)
    assert article is not None
    request = spider._capture_request(capture("20190105083000", captured, digest="D"), article)
    aliases: list[list[str]] = []
    recovery.crawler.signals.connect(lambda record_id, urls: aliases.append(urls), signals.aliases_found, weak=False)
    response = HtmlResponse(request.url, body=html.encode("utf-8"), encoding="utf-8", request=request,
                            headers={"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
    [record] = list(spider.parse_capture(response))
    assert {field: record[field] for field in FIELDS} == {field: truth[field] for field in FIELDS}
    assert record["source"] == {"archive": CDX, "timestamp": "20190105083000", "original_url": captured,
                                "digest": "D"}  # fmt: skip
    assert record["fetched_at"] == "2019-01-05T08:30:00Z"
    assert aliases == [[truth["url"].replace("https://", "http://www.")]]  # the URL as captured, tracking dropped


def test_an_answer_that_is_no_index_ends_its_walk_and_says_why(recovery: Recovery) -> None:
    spider = recovery.spider
    spider.walks = 2
    request = spider._index_request("baohagiang.vn/*", None)
    response = HtmlResponse(request.url, body=b"<html>Service Unavailable</html>", request=request)
    assert list(spider.parse_index(response)) == []
    assert spider.walks == 1
    [(url, reason, retry)] = recovery.failed
    assert url == request.url
    assert reason.startswith("not a CDX answer: a CDX line of 2 fields")
    assert retry is True


def test_an_index_paged_by_number_is_asked_each_page_then_planned(tmp_path: Path) -> None:
    crawler = project_crawler(RecoverSpider, BHG_STATE=str(tmp_path / "state.sqlite3"))
    spider = RecoverSpider.from_crawler(crawler, cdx=CDX, pages="1")
    crawler.spider = spider
    spider.walks = 2  # two hosts: this one, and one still walking
    count = spider._index_request("baohagiang.vn/*", None, count=True)
    assert count.url == f"{CDX}?url=baohagiang.vn%2F%2A&output=json&showNumPages=true"
    answer = HtmlResponse(count.url, body=b'{"pages": 2, "pageSize": 5, "blocks": 9}', request=count)
    pages = list(spider.parse_pages(answer))
    assert [r.url for r in pages] == [f"{CDX}?url=baohagiang.vn%2F%2A&output=json&page={n}" for n in (0, 1)]
    line = json.dumps({"timestamp": "20210101000000", "url": ARTICLE, "mime": "text/html", "status": "200"})
    for request in pages:
        body = (line + "\n\n" + "resume-key-ignored\n").encode()  # a page asked by number follows no resume key
        assert list(spider.parse_index(HtmlResponse(request.url, body=body, request=request))) == []
    assert spider.walks == 1
    spider.captures.clear()
    assert list(spider._walk_over()) == []  # the last walk over: nothing found to fetch
    spider.state.close()


@pytest.mark.parametrize(
    ("text", "pages"), [('{"pages": 3, "pageSize": 5, "blocks": 12}', 3), ("42", 42), ('{"pages": 0}', 0)]
)
def test_numbers_of_pages(text: str, pages: int) -> None:
    assert parse_num_pages(text) == pages


@pytest.mark.parametrize("text", ['{"blocks": 3}', "-1", "true", '"3"', "<html>"])
def test_what_is_no_number_of_pages(text: str) -> None:
    with pytest.raises(ValueError, match="not a number of pages"):
        parse_num_pages(text)


@pytest.fixture
def local(tmp_path: Path) -> Iterator[RecoverSpider]:
    """The spider on a crawler, reading a local WARC file (empty: the index is set by each test)."""
    (tmp_path / "a.warc.gz").write_bytes(b"")
    crawler = project_crawler(RecoverSpider, BHG_STATE=str(tmp_path / "state.sqlite3"))
    spider = RecoverSpider.from_crawler(crawler, warc_files=str(tmp_path / "*.warc.gz"), since="2021", until="202203")
    crawler.spider = spider
    yield spider
    spider.state.close()


def test_a_capture_of_a_local_file_is_read_from_its_offset_and_its_record_says_where(
    local: RecoverSpider, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="read whole: --replay, --warcs"):
        RecoverSpider(warc_files=str(tmp_path / "a.warc.gz"), warcs="http://127.0.0.1:9/warcs")
    html, truth = saved("bhg-era-a-2018-captions")
    path = str(tmp_path / "a.warc.gz")
    found = Capture("", "20210105083000", truth["url"], "text/html", "200", "D", "120", "4096", path)
    article = article_of(found.original, local.sites)
    assert article is not None
    request = local._capture_request(found, article)
    assert request.url == f"{(tmp_path / 'a.warc.gz').as_uri()}#4096"
    assert request.meta["bhg_warc_file"] == {"path": path, "offset": 4096, "length": 120}
    assert request.meta["bhg_warc_range"] is True
    assert "Range" not in request.headers
    assert local.allowed_domains == []
    response = HtmlResponse(request.url, body=html.encode("utf-8"), encoding="utf-8", request=request,
                            headers={"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
    [record] = list(local._read(response))
    assert record["source"] == {"archive": path, "offset": 4096, "timestamp": "20210105083000",
                                "original_url": truth["url"], "digest": "D"}  # fmt: skip


@pytest.mark.parametrize(
    ("timestamp", "kept"),
    [("20201231235959", False), ("20210101000000", True), ("20220331235959", True), ("20220401000000", False),
     ("2021", True), ("2023", False)],
)  # fmt: skip
def test_local_captures_are_kept_from_since_to_until_as_a_cdx_server_reads_them(
    local: RecoverSpider, timestamp: str, kept: bool
) -> None:
    assert local._in_range(Capture("", timestamp, ARTICLE)) is kept
