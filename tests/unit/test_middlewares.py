"""Downloader middlewares: backing off on 429 and 503, the guards of redirects, robots.txt with no answer."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.core.downloader import Slot
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred

from bhg_crawler.core.errors import RefusedRedirect, RobotsRedirectLoop, Unsent
from bhg_crawler.middlewares import (
    BackoffMiddleware,
    EncodingMiddleware,
    MetaRefreshGuardMiddleware,
    RedirectGuardMiddleware,
    RobotsRulesMiddleware,
    retry_after,
)
from bhg_replica import faults

NOW = datetime(2025, 7, 1, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), ("Tue, 01 Jul 2025 16:00:30 GMT", 30.0), ("Tue, 01 Jul 2025 15:00:00 GMT", 0.0),
     ("soon", None), (None, None), ("", None)],
)  # fmt: skip
def test_retry_after(header: str | None, seconds: float | None) -> None:
    assert retry_after(header, NOW) == seconds


def middleware(**settings: object) -> tuple[BackoffMiddleware, Slot]:
    crawler = get_crawler(Spider, {"BHG_BACKOFF_BASE": 2, "BHG_BACKOFF_MAX": 60, "BHG_BACKOFF_TRIES": 2, **settings})
    slot = Slot(concurrency=2, delay=0.5, jitter=0)
    crawler.engine = SimpleNamespace(downloader=SimpleNamespace(slots={"baohagiang.vn": slot}))  # type: ignore[assignment]
    return BackoffMiddleware.from_crawler(crawler), slot


def answer(request: Request, status: int, retry: str | None = None) -> HtmlResponse:
    headers = {"Retry-After": retry} if retry else {}
    return HtmlResponse(request.url, status=status, headers=headers, body=b"", request=request)


def test_a_429_pauses_the_host_for_retry_after_and_tries_again() -> None:
    backoff, slot = middleware()
    request = Request("https://baohagiang.vn/xa-hoi", meta={"download_slot": "baohagiang.vn"})
    retry = backoff.process_response(request, answer(request, 429, "30"))
    assert isinstance(retry, Request)
    assert retry.dont_filter
    assert retry.meta["bhg_backoff_tries"] == 1
    assert slot.delay == 30
    stats = backoff.crawler.stats
    assert stats is not None
    assert stats.get_value("bhg/backoff/429") == 1
    assert stats.get_value("bhg/backoff/seconds") == 30


def test_after_the_pause_the_host_gets_its_delay_back() -> None:
    backoff, slot = middleware(BHG_BACKOFF_BASE=0.1)
    slot.delay = 0
    request = Request("https://baohagiang.vn/xa-hoi", meta={"download_slot": "baohagiang.vn"})
    retry = backoff.process_response(request, answer(request, 503))
    assert isinstance(retry, Request)
    assert slot.delay == 0.1
    passed = backoff.process_response(retry, answer(retry, 200))
    assert isinstance(passed, Response) and passed.status == 200
    assert slot.delay == 0.1  # still paused
    time.sleep(0.15)
    backoff.process_response(retry, answer(retry, 200))
    assert slot.delay == 0


def test_without_retry_after_the_wait_doubles_then_gives_up() -> None:
    backoff, slot = middleware()
    request = Request("https://baohagiang.vn/xa-hoi", meta={"download_slot": "baohagiang.vn"})
    first = backoff.process_response(request, answer(request, 503))
    assert isinstance(first, Request)
    assert slot.delay == 2
    second = backoff.process_response(first, answer(first, 503))
    assert isinstance(second, Request)
    assert slot.delay == 4
    last = answer(second, 503)
    assert backoff.process_response(second, last) is last  # out of tries: an error like any other
    stats = backoff.crawler.stats
    assert stats is not None
    assert stats.get_value("bhg/backoff/gave_up") == 1


def test_a_wait_longer_than_the_limit_is_not_honoured() -> None:
    backoff, slot = middleware()
    request = Request("https://baohagiang.vn/xa-hoi", meta={"download_slot": "baohagiang.vn"})
    response = answer(request, 429, "3600")
    assert backoff.process_response(request, response) is response
    assert slot.delay == 0.5


def test_other_answers_pass() -> None:
    backoff, _ = middleware()
    request = Request("https://baohagiang.vn/xa-hoi")
    response = answer(request, 200)
    assert backoff.process_response(request, response) is response


TEXT = "Lãnh đạo tỉnh làm việc với huyện Quản Bạ, Đồng Văn và Mèo Vạc: ượu, ễ, ỡ"


def encoding_middleware() -> EncodingMiddleware:
    crawler = get_crawler(Spider)
    crawler.spider = Spider(name="bhg")
    return EncodingMiddleware.from_crawler(crawler)


@pytest.mark.parametrize(
    ("body", "declared", "read"),
    [
        (faults.windows_1258(TEXT), "utf-8", "cp1258"),
        (TEXT.encode(), "windows-1258", "utf-8"),
        (TEXT.encode(), "utf-8", "utf-8"),
        (faults.windows_1258(TEXT), "windows-1258", "cp1258"),
        (b"plain ascii", "windows-1258", "cp1258"),
    ],
)
def test_a_wrongly_declared_encoding_is_read_right(body: bytes, declared: str, read: str) -> None:
    request = Request("https://baohagiang.vn/a")
    page = b"<html><body><p>" + body + b"</p></body></html>"
    response = HtmlResponse(request.url, body=page, headers={"Content-Type": f"text/html; charset={declared}"})
    fixed = encoding_middleware().process_response(request, response)
    assert isinstance(fixed, HtmlResponse)
    assert fixed.encoding == read or (read == "cp1258" and fixed.encoding == "cp1258")
    if body != b"plain ascii":
        import unicodedata

        assert TEXT in unicodedata.normalize("NFC", fixed.text)


def redirect(location: str, *chain: str) -> tuple[Request, Response]:
    request = Request("https://baohagiang.vn/a/202001/x-123456", meta={"redirect_urls": list(chain)})
    return request, Response(request.url, status=302, headers={"Location": location}, request=request)


def guard(kind: type[RedirectGuardMiddleware] = RedirectGuardMiddleware) -> RedirectGuardMiddleware:
    """A guard of 3xx redirects (or ``kind``: of meta refreshes) on a crawler of baohagiang.vn."""
    crawler = get_crawler(Spider)
    crawler.spider = Spider(name="bhg", allowed_domains=["baohagiang.vn"])
    return kind.from_crawler(crawler)


def test_redirects_within_the_site_pass() -> None:
    request, response = redirect("https://www.baohagiang.vn/a/202001/x-123456")
    assert guard().process_response(request, response) is response
    request, response = redirect("/a/202001/x-123456/")
    assert guard().process_response(request, response) is response


def test_a_redirect_to_another_host_is_refused_with_its_reason() -> None:
    request, response = redirect("https://bhg-mirror.example.net/a")
    with pytest.raises(IgnoreRequest, match=r"a redirect to another host: https://bhg-mirror\.example\.net/a"):
        guard().process_response(request, response)


def test_a_redirect_loop_is_refused_with_its_reason() -> None:
    request, response = redirect("https://baohagiang.vn/b", "https://baohagiang.vn/b")
    with pytest.raises(IgnoreRequest, match="a redirect loop"):
        guard().process_response(request, response)
    request, response = redirect(request.url)
    with pytest.raises(IgnoreRequest, match="a redirect loop"):
        guard().process_response(request, response)


@pytest.mark.parametrize(
    ("content", "refused"),
    [
        ("0; url=https://elsewhere.example/a", "a meta refresh to another host: https://elsewhere.example/a"),
        ("0;URL='https://baohagiang.vn/a/202001/x-123456'", "a meta refresh loop: "
         "https://baohagiang.vn/a/202001/x-123456 -> https://baohagiang.vn/a/202001/x-123456"),
        ("5; url=/xa-hoi", None),  # within the site: followed
        ("0; url=https://www.baohagiang.vn/", None),
        ("600; url=https://elsewhere.example/a", None),  # past METAREFRESH_MAXDELAY: a page, not a redirect
        ("0; url=http://[::1", "a meta refresh to an unusable URL: Invalid IPv6 URL"),
    ],
)  # fmt: skip
def test_a_meta_refresh_is_guarded_as_a_redirect_is(content: str, refused: str | None) -> None:
    request = Request("https://baohagiang.vn/a/202001/x-123456")
    body = f'<html><head><meta http-equiv="refresh" content="{content}"></head><body></body></html>'
    response = HtmlResponse(request.url, body=body.encode(), encoding="utf-8", request=request)
    if refused is None:
        assert guard(MetaRefreshGuardMiddleware).process_response(request, response) is response
    else:
        with pytest.raises(RefusedRedirect, match=re.escape(refused)):
            guard(MetaRefreshGuardMiddleware).process_response(request, response)
    assert guard().process_response(request, response) is response  # the 3xx guard reads no page


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (ConnectionRefusedError("refused"), "its robots.txt could not be fetched (ConnectionRefusedError: refused)"),
        (RobotsRedirectLoop("a loop"), None),  # RFC 9309: no rules
        (Unsent("not sent: the run closed"), None),  # the run is closing: the host's requests are cut, not refused
    ],
    ids=["no answer", "a loop of redirects", "cut by the close"],
)
def test_a_robots_txt_with_no_answer_refuses_its_host_but_one_cut_by_the_close(
    error: Exception, unavailable: str | None
) -> None:
    robots = RobotsRulesMiddleware(get_crawler(Spider, {"ROBOTSTXT_OBEY": True}))
    waiting: Deferred[RobotParser | None] = Deferred()
    robots._parsers["baohagiang.vn"] = waiting
    rules: list[RobotParser | None] = []
    waiting.addCallback(rules.append)
    robots._robots_error(error, "baohagiang.vn")
    assert robots.unavailable.get("baohagiang.vn") == unavailable
    assert rules == [None]  # the requests that waited for the rules go on: refused, or cut in their turn
    assert robots.crawler.stats is not None
    assert robots.crawler.stats.get_value("bhg/robots/unavailable") == (1 if unavailable else None)
