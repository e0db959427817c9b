"""What the state learns from a run, through the one component that writes it: the spider only routes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from bhg_crawler.core import signals
from bhg_crawler.middlewares import StateBookkeeping
from bhg_crawler.spiders.bhg import BhgSpider
from bhg_crawler.state.store import StateStore
from tests.helpers import project_crawler

OLD = "https://baohagiang.vn/kinh-te/202506/gia-le-tang-f6d06b9"
NEW = "https://baotuyenquang.com.vn/khu-vuc/202506/gia-le-tang-f6d06b9"
ARTICLE = "https://baohagiang.vn/xa-hoi/202101/bai-moi-756980"


class Books:
    """The spider and its bookkeeping on one crawler, and the rows this run wrote in the state."""

    def __init__(self, folder: Path):
        self.crawler = project_crawler(BhgSpider, BHG_STATE=str(folder / "state.sqlite3"))
        self.spider = BhgSpider.from_crawler(self.crawler)
        self.crawler.spider = self.spider
        self.books = StateBookkeeping.from_crawler(self.crawler)

    @property
    def state(self) -> StateStore:
        return self.spider.state

    def rows(self, table: str) -> list[dict[str, Any]]:
        return [dict(row) for row in self.state.file.db.execute(f"SELECT * FROM {table} ORDER BY 1")]

    def output(self, response: Response, *results: Any) -> list[Any]:
        self.books.process_spider_input(response)
        return list(self.books.process_spider_output(response, iter(results)))

    def stat(self, name: str) -> Any:
        return self.spider.crawler.stats.get_value(name) if self.spider.crawler.stats else None


@pytest.fixture
def books(tmp_path: Path) -> Iterator[Books]:
    found = Books(tmp_path)
    yield found
    found.state.close()


def article_request(url: str, **meta: Any) -> Request:
    return Request(url, meta={"bhg_kind": "ARTICLE", **meta})


def record(url: str, article_id: str, site: str = "baohagiang.vn") -> dict[str, Any]:
    return {"record_id": f"{site}:{article_id}", "site": site, "article_id": article_id, "url": url,
            "fetched_at": "2026-11-25T03:00:00Z", "published_at": "2021-01-05T21:52:00+07:00"}  # fmt: skip


def test_article_requests_are_discovered_and_others_are_not(books: Books) -> None:
    listing = Request("https://baohagiang.vn/xa-hoi", meta={"bhg_kind": "LISTING"})
    wanted = [article_request(ARTICLE + "?utm_source=zalo"), listing, article_request("https://baohagiang.vn/x")]
    page = HtmlResponse("https://baohagiang.vn/xa-hoi", body=b"<html></html>", request=listing)
    assert books.output(page, *wanted) == wanted  # everything passes on, unchanged
    assert books.rows("run_discovered") == [{"record_id": "baohagiang.vn:756980", "url": ARTICLE}]


def test_a_record_is_fetched_with_its_validators_and_publication_time(books: Books) -> None:
    request = article_request(ARTICLE)
    page = HtmlResponse(ARTICLE, body=b"<html></html>", request=request,
                        headers={"ETag": '"v1"', "Last-Modified": "Tue, 05 Jan 2021 15:00:00 GMT"})  # fmt: skip
    books.output(page, record(ARTICLE, "756980"))
    [row] = books.rows("run_articles")
    assert (row["record_id"], row["status"], row["etag"], row["last_modified"], row["published_utc"]) == (
        "baohagiang.vn:756980",
        200,
        '"v1"',
        "Tue, 05 Jan 2021 15:00:00 GMT",
        "2021-01-05T14:52:00Z",
    )
    assert row["fetched_at"] == "2026-11-25T03:00:00Z"


def test_the_old_home_of_a_moved_article_is_done_and_its_url_an_alias(books: Books) -> None:
    request = article_request(NEW, redirect_urls=[OLD])
    page = HtmlResponse(NEW, body=b"<html></html>", request=request)
    books.output(page, record(NEW, "f6d06b9", "baotuyenquang.com.vn"))
    statuses = {row["record_id"]: row["status"] for row in books.rows("run_articles")}
    assert statuses == {"baotuyenquang.com.vn:f6d06b9": 200, "baohagiang.vn:f6d06b9": 301}
    assert books.state.record_of(OLD) == "baotuyenquang.com.vn:f6d06b9"
    assert books.stat("bhg/articles/moved") == 1


def test_a_revisit_answered_304_keeps_the_validators_it_was_sent_with(books: Books) -> None:
    request = article_request(ARTICLE, handle_httpstatus_list=[304])
    request.headers["If-None-Match"] = '"v1"'
    books.output(Response(ARTICLE, status=304, request=request))
    [row] = books.rows("run_articles")
    assert (row["record_id"], row["status"], row["etag"], row["current"]) == ("baohagiang.vn:756980", 304, '"v1"', 1)
    assert books.stat("bhg/articles/not_modified") == 1


@pytest.mark.parametrize(
    ("status", "retry", "gone"),
    [(503, True, False), (None, True, False), (404, False, True), (410, False, True)],
)
def test_a_failure_at_the_new_home_is_the_old_records_reason_too(
    books: Books, status: int | None, retry: bool, gone: bool
) -> None:
    request = article_request(NEW, redirect_urls=[OLD])
    reason = f"HTTP {status}" if status else "TimeoutError: timed out"
    books.spider._not_exported(request, reason, "error", status)
    failed = {row["record_id"]: (row["reason"], bool(row["retry"])) for row in books.rows("run_failed")}
    assert failed == {
        "baotuyenquang.com.vn:f6d06b9": (reason, retry),
        "baohagiang.vn:f6d06b9": (f"{reason} at {NEW}", retry),
    }
    assert [row["status"] for row in books.rows("run_articles")] == ([status] if gone else [])


def test_listing_pages_a_walk_missed_are_in_the_ledger_until_fetched(books: Books) -> None:
    listing = Request("https://baohagiang.vn/xa-hoi", meta={"bhg_kind": "LISTING"})
    books.spider._not_exported(listing, "HTTP 503", "error", 503)
    books.crawler.signals.send_catch_log(signals.listing_missed, reason="the walk ended at page 2 of 9",
                                         urls=["https://baohagiang.vn/xa-hoi/trang-3.html?utm_source=zalo"])  # fmt: skip
    failed = {row["record_id"]: (row["url"], row["reason"], row["retry"]) for row in books.rows("run_failed")}
    assert failed == {
        "baohagiang.vn:listing:/xa-hoi": ("https://baohagiang.vn/xa-hoi", "HTTP 503", 1),
        "baohagiang.vn:listing:/xa-hoi/trang-3.html": (
            "https://baohagiang.vn/xa-hoi/trang-3.html?utm_source=zalo", "the walk ended at page 2 of 9", 1),
    }  # fmt: skip
    assert books.stat("bhg/listings/missed") == 2
    fetched = Request("https://www.baohagiang.vn/xa-hoi/trang-3.html", meta={"bhg_kind": "LISTING"})
    books.output(HtmlResponse(fetched.url, body=b"<html></html>", request=fetched))
    assert books.rows("run_cleared") == [{"record_id": "baohagiang.vn:listing:/xa-hoi/trang-3.html"}]
    assert books.rows("run_articles") == []  # a listing page is no article


def test_walked_sections_and_found_aliases_are_written(books: Books) -> None:
    send = books.crawler.signals.send_catch_log
    send(signals.section_walked, site="baohagiang.vn", slug="xa-hoi")
    send(signals.aliases_found, record_id="baohagiang.vn:756980", urls=[ARTICLE + "/"])
    assert books.rows("run_sections") == [{"site": "baohagiang.vn", "slug": "xa-hoi"}]
    assert books.state.record_of(ARTICLE + "/") == "baohagiang.vn:756980"
