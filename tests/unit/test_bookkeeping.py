"""What the state learns from a run, through the one component that writes it: the spider only routes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy import signals as scrapy_signals
from scrapy.http import HtmlResponse, Response
from twisted.python.failure import Failure

from bhg_crawler.core import signals
from bhg_crawler.core.errors import error_in
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.middlewares import StateBookkeeping
from bhg_crawler.spiders.bhg import BhgSpider
from bhg_crawler.state.store import StateStore
from bhg_crawler.state.values import NO_ANSWER
from tests.helpers import project_crawler

OLD = "https://baohagiang.vn/kinh-te/202506/gia-le-tang-f6d06b9"
NEW = "https://baotuyenquang.com.vn/khu-vuc/202506/gia-le-tang-f6d06b9"
ARTICLE = "https://baohagiang.vn/xa-hoi/202101/bai-moi-756980"
OLD_HOME = "https://baohagiang.vn/xa-hoi/202101/bai-cu-756111"  # an article that redirects to another one
NEW_HOME = "https://baohagiang.vn/xa-hoi/202101/bai-moi-756980"


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


@pytest.mark.parametrize(
    ("url", "reason", "record_id"),
    [
        ("https://baohagiang.vn/", "HTTP 503", "baohagiang.vn:listing:/"),
        ("https://baohagiang.vn/", "RobotsUnavailable: not crawled: its robots.txt answered 503",
         "baohagiang.vn:listing:/"),
        ("https://baotuyenquang.com.vn/", "TimeoutError: timed out", "baotuyenquang.com.vn:listing:/"),
    ],
)  # fmt: skip
def test_a_home_page_not_fetched_is_in_the_ledger_until_fetched(
    books: Books, url: str, reason: str, record_id: str
) -> None:
    home = Request(url, meta={"bhg_kind": "HOME"})
    books.spider._not_exported(home, reason, "error", None)
    failed = [(row["record_id"], row["url"], row["reason"], row["retry"]) for row in books.rows("run_failed")]
    assert failed == [(record_id, url, reason, 1)]
    assert books.stat("bhg/listings/missed") is None  # no walk missed it: not a page the pagination showed
    books.output(HtmlResponse(url, body=b"<html></html>", request=home))
    assert books.rows("run_cleared") == [{"record_id": record_id}]
    assert books.rows("run_articles") == []


def test_a_home_page_in_the_ledger_is_no_article_to_retry(books: Books) -> None:
    books.spider._not_exported(Request("https://baohagiang.vn/", meta={"bhg_kind": "HOME"}), "HTTP 503", "error", 503)
    assert {record_id: entry["url"] for record_id, entry in commit(books).items()} == {
        "baohagiang.vn:listing:/": "https://baohagiang.vn/"
    }
    assert [request.url for request in books.spider._ledger_retries()] == []  # each run of every section asks it


def test_walked_sections_and_found_aliases_are_written(books: Books) -> None:
    send = books.crawler.signals.send_catch_log
    send(signals.section_walked, site="baohagiang.vn", slug="xa-hoi")
    send(signals.aliases_found, record_id="baohagiang.vn:756980", urls=[ARTICLE + "/"])
    assert books.rows("run_sections") == [{"site": "baohagiang.vn", "slug": "xa-hoi"}]
    assert books.state.record_of(ARTICLE + "/") == "baohagiang.vn:756980"


PIPELINE_ERROR = Failure(KeyError("sha"))  # type: ignore[no-untyped-call]


def commit(books: Books) -> dict[str, dict[str, Any]]:
    """The run committed: the failures ledger, by record id."""
    books.state.begin_run("r1", "exports")
    books.state.commit_run("r1", "complete", {})
    return {entry["record_id"]: entry for entry in books.state.ledger("baohagiang.vn")}


def test_a_callback_that_raises_gives_the_ledger_its_error(books: Books, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: ArticlePage) -> None:
        raise ValueError("no title in the page")

    monkeypatch.setattr(ArticlePage, "extracted", broken)
    request = article_request(ARTICLE)
    books.books.get_processed_request(request, None)  # discovered: the spider asked for it
    page = HtmlResponse(ARTICLE, body=b"<html><body><p>x</p></body></html>", request=request)
    try:
        list(books.spider.parse_article(page))
    except ValueError:
        failure = Failure()  # type: ignore[no-untyped-call]
    # what Scrapy's scraper does when a callback raises
    books.crawler.signals.send_catch_log(
        scrapy_signals.spider_error, failure=failure, response=page, spider=books.spider
    )
    reason = error_in("the spider", failure)  # as the run's failures.jsonl says it
    assert reason == "error in the spider: ValueError: no title in the page"
    entry = commit(books)["baohagiang.vn:756980"]
    assert (entry["reason"], entry["url"], entry["retry"]) == (reason, ARTICLE, 1)


@pytest.mark.parametrize(
    ("signal", "arguments", "record_id", "reason", "retry"),
    [
        # a pipeline raised on the record
        ("item_error", {"item": record(ARTICLE, "756980"), "response": None, "failure": PIPELINE_ERROR},
         "baohagiang.vn:756980", "error in a pipeline: KeyError: 'sha'", 1),
        # a redirect to an article this run requested already: the article redirected says so
        ("request_dropped", {"request": article_request(NEW_HOME, redirect_urls=[OLD_HOME])},
         "baohagiang.vn:756111", f"redirected to {NEW_HOME}, which this run requested already", 1),
        # a redirect to the home page, which this run requested already: a soft 404, gone
        ("request_dropped", {"request": article_request("https://baohagiang.vn/", redirect_urls=[ARTICLE])},
         "baohagiang.vn:756980", "redirected to https://baohagiang.vn/, a page that is no article", 0),
        # a redirect of the article to its own other URL: its own request says what became of it
        ("request_dropped", {"request": article_request(ARTICLE, redirect_urls=[ARTICLE + "/"])},
         "baohagiang.vn:756980", NO_ANSWER, 1),
    ],
)  # fmt: skip
def test_every_request_that_ends_without_a_record_says_why(
    books: Books, signal: str, arguments: dict[str, Any], record_id: str, reason: str, retry: int
) -> None:
    for url in (ARTICLE, OLD_HOME):
        books.books.get_processed_request(article_request(url), None)
    books.crawler.signals.send_catch_log(getattr(scrapy_signals, signal), spider=books.spider, **arguments)
    entry = commit(books)[record_id]
    assert (entry["reason"], entry["retry"]) == (reason, retry)


def test_an_article_url_longer_than_scrapy_takes_is_not_requested_and_says_so(books: Books) -> None:
    long = "https://baohagiang.vn/xa-hoi/202101/" + "a" * 2100 + "-756980"
    books.books.get_processed_request(article_request(long), None)
    entry = commit(books)["baohagiang.vn:756980"]
    assert (entry["reason"], entry["retry"]) == (
        "not requested: its URL is longer than URLLENGTH_LIMIT (2083 characters)",
        0,
    )


LIVE = "https://baohagiang.vn/van-hoa/202003/mua-hoa-tam-giac-mach-756980"
DOUBLED = "https://baohagiang.vn/van-hoa/202101/van-hoa/202003/mua-hoa-tam-giac-mach-756980"  # a link resolved wrong


@pytest.mark.parametrize(
    ("fetched_first", "status", "ledger"),
    [
        # fetched at its URL in this run, then a 404 at a wrong link to it: exported, not gone, out of the ledger
        (True, 404, None),
        (True, 410, None),
        # known at nothing else: the 404 is the article's
        (False, 404, ("HTTP 404", DOUBLED, 0)),
        (False, 503, ("HTTP 503", DOUBLED, 1)),
    ],
)
def test_a_404_at_a_link_off_the_articles_url_does_not_make_it_gone(
    books: Books, fetched_first: bool, status: int, ledger: tuple[str, str, int] | None
) -> None:
    if fetched_first:
        live = article_request(LIVE)
        books.books.get_processed_request(live, None)
        books.output(HtmlResponse(LIVE, body=b"<html></html>", request=live), record(LIVE, "756980"))
        books.state.exporting({**record(LIVE, "756980"), "url_aliases": [], "content_sha256": "0" * 64, "version": 1})
    wrong = article_request(DOUBLED)
    books.books.get_processed_request(wrong, None)
    books.spider._not_exported(wrong, f"HTTP {status}", "gone", status)
    assert books.stat("bhg/articles/dead_links") == (1 if fetched_first and status in (404, 410) else None)
    found = commit(books).get("baohagiang.vn:756980")
    assert ((found["reason"], found["url"], found["retry"]) if found else None) == ledger
    known = books.state.known("baohagiang.vn:756980")
    assert ((known.url, known.last_status) if known else None) == (
        (LIVE, 200) if fetched_first else (DOUBLED, status) if status in (404, 410) else None
    )


def test_a_dead_link_to_an_article_known_alive_keeps_its_record_and_url(books: Books) -> None:
    books.state.begin_run("r0", "exports")
    books.state.fetched("baohagiang.vn:756980", LIVE, 200, datetime.now(UTC), published=None)
    books.state.failed("baohagiang.vn:756980", LIVE, "rejected: no body", retry=True)
    books.state.commit_run("r0", "complete", {})
    books.state.file.commit()
    wrong = article_request(DOUBLED)
    books.books.get_processed_request(wrong, None)
    books.spider._not_exported(wrong, "HTTP 404", "gone", 404)
    entry = commit(books)["baohagiang.vn:756980"]
    assert (entry["reason"], entry["url"], entry["retry"]) == (
        f"HTTP 404 at {DOUBLED}, a link to it off its URL",
        LIVE,
        1,
    )
    known = books.state.known("baohagiang.vn:756980")
    assert known is not None
    assert (known.url, known.last_status) == (LIVE, 200)


def test_an_article_gone_at_a_wrong_link_is_requested_at_its_own_url(books: Books) -> None:
    books.state.begin_run("r0", "exports")
    books.state.fetched("baohagiang.vn:756980", DOUBLED, 404, datetime.now(UTC), published=None)
    books.state.commit_run("r0", "complete", {})
    spider = books.spider
    assert spider._article_request(DOUBLED, spider._article_of(DOUBLED)) is None  # gone there: settled
    request = spider._article_request(LIVE, spider._article_of(LIVE))
    assert request is not None and request.url == LIVE


def test_an_unusable_image_url_is_counted_and_the_article_kept(books: Books) -> None:
    html = (
        '<html><head><base href="https://baohagiang.vn/"></head><body><h1>Lễ hội xuân ở vùng cao</h1>'
        '<div id="date">08:15, 05/01/2021</div><div id="content"><p>BHG - Người dân vùng cao đón xuân vui vẻ.</p>'
        '<p>Lễ hội diễn ra trong ba ngày, thu hút hàng nghìn du khách.</p><p><img src="http://[::1"></p>'
        '<p><img src="dataimages/ảnh đẹp 1.jpg"></p><p><a href="javascript:void(0)">In</a></p></div></body></html>'
    )
    request = article_request(ARTICLE)
    page = HtmlResponse(ARTICLE, body=html.encode(), request=request, encoding="utf-8")
    [record] = [item for item in books.spider.parse_article(page) if isinstance(item, dict)]
    assert [image["url"] for image in record["images"]] == [
        "https://baohagiang.vn/dataimages/%E1%BA%A3nh%20%C4%91%E1%BA%B9p%201.jpg"]  # fmt: skip
    assert (books.stat("bhg/urls/unusable/image"), books.stat("bhg/urls/unusable/link")) == (1, 1)


def test_an_article_found_after_a_dead_link_to_it_keeps_its_own_url(books: Books) -> None:
    wrong = article_request(DOUBLED)
    books.books.get_processed_request(wrong, None)
    books.spider._not_exported(wrong, "HTTP 404", "gone", 404)  # first: nothing else known of the article
    live = article_request(LIVE)
    books.books.get_processed_request(live, None)
    books.output(HtmlResponse(LIVE, body=b"<html></html>", request=live), record(LIVE, "756980"))
    [row] = books.rows("run_articles")
    assert (row["url"], row["status"]) == (LIVE, 200)


@pytest.mark.parametrize(("why", "deferred"), [("backoff", ["baohagiang.vn:756980"]), ("given_up", []),
                                              ("max_articles", [])])  # fmt: skip
def test_an_article_held_back_by_the_ledger_waits_one_run_more(books: Books, why: str, deferred: list[str]) -> None:
    for _ in range(2):  # held back twice in a run: one run waited
        books.crawler.signals.send_catch_log(signals.article_held, record_id="baohagiang.vn:756980", url=ARTICLE,
                                             why=why)  # fmt: skip
    assert [row["record_id"] for row in books.rows("run_deferred")] == deferred
    assert books.rows("run_discovered") == []  # not requested: no try to count


SAME_SECTION = "https://baohagiang.vn/xa-hoi/202101/bai-cung-chuyen-muc-756981"
OTHER_SECTION = "https://baohagiang.vn/van-hoa/202101/bai-chuyen-muc-khac-756982"


@pytest.mark.parametrize(
    ("arguments", "followed"),
    [
        ({}, [SAME_SECTION, OTHER_SECTION]),  # a run of every section follows every related link
        ({"sections": "xa-hoi"}, [SAME_SECTION]),  # of a section: its own, the others recorded only
        ({"sections": "xa-hoi", "follow_related": "1"}, [SAME_SECTION, OTHER_SECTION]),
        ({"sections": "van-hoa"}, [OTHER_SECTION]),
    ],
)
def test_a_run_of_sections_follows_the_related_links_of_its_sections(
    tmp_path: Path, arguments: dict[str, str], followed: list[str]
) -> None:
    crawler = project_crawler(BhgSpider, BHG_STATE=str(tmp_path / "state.sqlite3"))
    spider = BhgSpider.from_crawler(crawler, **arguments)
    crawler.spider = spider
    related = "".join(
        f'<li><a href="{url}">Một bài khác {n}</a></li>' for n, url in enumerate([SAME_SECTION, OTHER_SECTION])
    )
    html = (
        '<html><body><h1>Lễ hội xuân ở vùng cao</h1><div id="date">08:15, 05/01/2021</div><div id="content">'
        "<p>BHG - Người dân vùng cao đón xuân vui vẻ.</p><p>Lễ hội diễn ra trong ba ngày.</p></div>"
        f"<div><h3>Cùng chuyên mục</h3><ul>{related}</ul></div></body></html>"
    )
    page = HtmlResponse(ARTICLE, body=html.encode(), request=article_request(ARTICLE), encoding="utf-8")
    found = list(spider.parse_article(page))
    [record] = [item for item in found if isinstance(item, dict)]
    assert [item["url"] for item in record["related"]] == [SAME_SECTION, OTHER_SECTION]  # recorded, all
    assert [request.url for request in found if isinstance(request, Request)] == followed
    assert crawler.stats.get_value("bhg/related/not_followed", 0) == 2 - len(followed)
    spider.state.close()
