"""The project's middlewares: the downloader's (proxy, User-Agent, back-off, redirects, encodings) and the spider's
(the state's bookkeeping)."""

from __future__ import annotations

import codecs
import logging
import math
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, cast
from urllib.parse import urldefrag, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import DownloadConnectionRefusedError, IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.response import get_meta_refresh
from twisted.internet import error as tcp
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from bhg_crawler.core import signals
from bhg_crawler.core.components import CrawlerComponent
from bhg_crawler.core.errors import (
    ArchiveGone,
    RefusedRedirect,
    RobotsRedirectLoop,
    RobotsUnavailable,
    Unsent,
    error_in,
)
from bhg_crawler.core.identity import user_agent
from bhg_crawler.core.requests import RequestKind, article_url_of, captures_of, kind_of
from bhg_crawler.extract.encoding import page_encoding
from bhg_crawler.extract.record import ArticleRecord
from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import ArticleUrl, article_of, listing_id, moved_from, resolve_url, site_of
from bhg_crawler.state.binding import state_of
from bhg_crawler.state.store import StateStore
from bhg_crawler.state.values import GONE, MOVED

REDIRECTS = frozenset([301, 302, 303, 307, 308])
logger = logging.getLogger(__name__)


class ViaMiddleware:
    """Routes every request through an HTTP proxy given by ``BHG_VIA``.

    Pointed at the replica (``bhg-crawl replica serve``), the crawl fetches the site's real
    URLs, and the replica answers for the site's hosts: URLs, hosts, redirects and robots.txt
    behave as on the live site. Off when ``BHG_VIA`` is empty.
    """

    def __init__(self, via: str):
        self.via = via

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ViaMiddleware:
        via = crawler.settings.get("BHG_VIA")
        if not via:
            raise NotConfigured  # off, as by default: no warning in the log
        parts = urlsplit(via)
        if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/"):
            raise ValueError(f"BHG_VIA must look like http://HOST:PORT, not {via!r}")
        return cls(f"http://{parts.netloc}")

    def process_request(self, request: Request) -> None:
        request.meta.setdefault("proxy", self.via)


class ContactUserAgentMiddleware:
    """Sets the User-Agent, filling ``{contact}`` in ``USER_AGENT`` with ``BHG_CONTACT``."""

    def __init__(self, user_agent: str):
        self.user_agent = user_agent

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContactUserAgentMiddleware:
        return cls(user_agent(crawler.settings))

    def process_request(self, request: Request) -> None:
        request.headers.setdefault(b"User-Agent", self.user_agent)


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date; None if unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class BackoffMiddleware(CrawlerComponent):
    """429 and 503 slow the whole host down, and the request is tried again later.

    The wait is the response's Retry-After when it gives one, else ``BHG_BACKOFF_BASE`` seconds doubled
    on each try; the host's download slot sends nothing for that long, then goes back to the delay it had
    (with the first answer after the pause). After ``BHG_BACKOFF_TRIES`` tries, or when the wait would exceed
    ``BHG_BACKOFF_MAX`` seconds, the response goes on as an error. Stats: ``bhg/backoff/<status>``,
    ``bhg/backoff/seconds``, ``bhg/backoff/gave_up``.
    """

    STATUSES = (429, 503)

    def __init__(self, crawler: Crawler, base: float, longest: float, tries: int):
        super().__init__(crawler)
        self.base = base
        self.longest = longest
        self.tries = tries
        self.paused: dict[str, tuple[float, float, float]] = {}  # slot -> (until, delay while paused, delay before)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffMiddleware:
        settings = crawler.settings
        return cls(crawler, settings.getfloat("BHG_BACKOFF_BASE"), settings.getfloat("BHG_BACKOFF_MAX"),
                   settings.getint("BHG_BACKOFF_TRIES"))  # fmt: skip

    def process_response(self, request: Request, response: Response) -> Request | Response:
        self._resume(request)
        if response.status not in self.STATUSES or _robots_txt(request):
            return response  # a robots.txt that answers 503 is read at once (RobotsRulesMiddleware)
        stats = self.stats
        tries = int(request.meta.get("bhg_backoff_tries", 0))
        header = response.headers.get("Retry-After")
        wait = retry_after(header.decode("latin-1") if header else None, datetime.now(UTC))
        if wait is None:
            wait = self.base * 2**tries
        if tries >= self.tries or wait > self.longest:
            stats.inc_value("bhg/backoff/gave_up")
            return response
        stats.inc_value(f"bhg/backoff/{response.status}")
        stats.inc_value("bhg/backoff/seconds", math.ceil(wait))
        self._pause(request, wait)
        retry = request.replace(dont_filter=True)
        retry.meta["bhg_backoff_tries"] = tries + 1
        return retry

    def _slot(self, request: Request) -> tuple[str, Any]:
        engine = self.crawler.engine
        key = request.meta.get("download_slot", "")
        return key, engine.downloader.slots.get(key) if engine else None

    def _pause(self, request: Request, wait: float) -> None:
        """The host's slot sends nothing for ``wait`` seconds (as AutoThrottle does, through its delay)."""
        key, slot = self._slot(request)
        if slot is None:
            return
        before = self.paused[key][2] if key in self.paused else slot.delay
        slot.delay = max(slot.delay, wait)
        slot.lastseen = time.monotonic()
        self.paused[key] = (slot.lastseen + wait, slot.delay, before)

    def _resume(self, request: Request) -> None:
        """The pause is over: the slot gets back the delay it had, unless something else changed it."""
        key, slot = self._slot(request)
        if key not in self.paused or time.monotonic() < self.paused[key][0]:
            return
        _, paused_delay, before = self.paused.pop(key)
        if slot is not None and slot.delay == paused_delay:
            slot.delay = before


class ArchiveGoneMiddleware(CrawlerComponent):
    """A web archive host that refused ``REFUSED_IN_A_ROW`` connections in a row to a recovery's captures (no
    answer between them) is gone for the run: its captures after that are not asked (``ArchiveGone``, an error
    the next run asks again, counted in ``bhg/recover/unrequested`` as requests), rather than each tried
    against a refused connection. Stat ``bhg/recover/archive_gone`` (hosts: exit 4,
    ``monitoring.monitors.CrawlErrors``)."""

    REFUSED_IN_A_ROW = 10

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.refused: dict[str, int] = {}  # host:port -> the connections it refused since its last answer

    def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).netloc
        if "bhg_capture" in request.meta and self.refused.get(host, 0) >= self.REFUSED_IN_A_ROW:
            self.stats.inc_value("bhg/recover/unrequested")  # a capture noted with no request: counted as one
            raise ArchiveGone(f"not asked: the archive {host} refused {self.REFUSED_IN_A_ROW} connections in a row")

    def process_response(self, request: Request, response: Response) -> Response:
        self.refused.pop(urlsplit(request.url).netloc, None)  # an answer: the host is there
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if "bhg_capture" not in request.meta or not isinstance(
            exception, (DownloadConnectionRefusedError, tcp.ConnectionRefusedError)
        ):
            return
        host = urlsplit(request.url).netloc
        self.refused[host] = self.refused.get(host, 0) + 1
        if self.refused[host] == self.REFUSED_IN_A_ROW:
            self.stats.inc_value("bhg/recover/archive_gone")
            logger.warning("The archive %s refused %d connections in a row: the captures left of it are not "
                                "asked, the next run asks them", host, self.REFUSED_IN_A_ROW)  # fmt: skip


class RedirectGuardMiddleware(CrawlerComponent):
    """Refuses a redirect by a 3xx answer to a host that is not the site's, back to a URL of the same chain (the
    page itself included), or to an unusable URL (``sites.urls.resolve_url``: ``Location: http://[::1``), with a
    reason the request's errback records (Scrapy would follow the first to the offsite filter and drop the
    second as a duplicate, both with nothing said, and fail on the third with an error of its own). A
    robots.txt is followed to any host, as RFC 9309 (2.3.1.2) asks; a loop of its redirects is no rules
    (``RobotsRedirectLoop``). Before Scrapy's ``RedirectMiddleware`` (600)."""

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if response.status in REDIRECTS and location and not request.meta.get("dont_redirect"):
            self._guard(request, location.decode("latin-1"), "a redirect")
        return response

    def _guard(self, request: Request, location: str, what: str) -> None:
        """``RefusedRedirect`` with its reason when ``location`` is no place to follow ``request`` to."""
        resolved = resolve_url(location, request.url)
        if resolved is None:
            raise RefusedRedirect(f"{what} to an unusable URL: {location!r}")
        target = urldefrag(resolved)[0]
        chain = [urldefrag(url)[0] for url in [*request.meta.get("redirect_urls", []), request.url]]
        robots = _robots_txt(request) or request.meta.get("bhg_robots_txt")
        if target in chain:
            loop = f"{what} loop: {' -> '.join([*chain, target])}"
            raise RobotsRedirectLoop(loop) if robots else RefusedRedirect(loop)
        if robots:
            request.meta["allow_offsite"] = request.meta["bhg_robots_txt"] = True  # the redirect's request keeps both
            return
        hosts = getattr(self.crawler.spider, "allowed_domains", None) or []
        host = urlsplit(target).hostname or ""
        if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
            raise RefusedRedirect(f"{what} to another host: {target}")


class MetaRefreshGuardMiddleware(RedirectGuardMiddleware):
    """Refuses a redirect by a ``<meta http-equiv="refresh">`` page as ``RedirectGuardMiddleware`` refuses a 3xx:
    read after decompression (``HttpCompressionMiddleware``, 590), before Scrapy's ``MetaRefreshMiddleware``
    (580) follows it."""

    def process_response(self, request: Request, response: Response) -> Response:
        settings = self.crawler.settings
        if request.meta.get("dont_redirect") or not isinstance(response, HtmlResponse):
            return response
        if not settings.getbool("METAREFRESH_ENABLED"):
            return response
        try:
            interval, url = get_meta_refresh(response, ignore_tags=settings.getlist("METAREFRESH_IGNORE_TAGS"))
        except ValueError as error:  # w3lib resolves the URL, and an unusable one raises
            raise RefusedRedirect(f"a meta refresh to an unusable URL: {error}") from error
        if url is not None and interval is not None and interval < settings.getint("METAREFRESH_MAXDELAY"):
            self._guard(request, url, "a meta refresh")
        return response


class EncodingMiddleware(CrawlerComponent):
    """Pages whose declared encoding is wrong: each page is read in the encoding its byte order mark, header,
    ``<meta>`` and the site's legacy code page (the profile's ``legacy_encoding``, Windows-1258) agree on, each
    reading weighed as Vietnamese (``extract.encoding.page_encoding``): a body that is valid UTF-8 is UTF-8
    whatever it declares, one stray invalid byte leaves a UTF-8 page UTF-8 (the byte replaced), a page in
    Windows-1258 is read in it whatever it declares. Stats: ``bhg/encoding/<declared>-as-<read>``.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or response.body.isascii():
            return response
        declared = codecs.lookup(response.encoding).name
        profile = getattr(self.crawler.spider, "profile", None)
        legacy = profile.legacy_encoding if isinstance(profile, SiteProfile) else SiteProfile.legacy_encoding
        read = page_encoding(response.body, _header(response, "Content-Type"), legacy)
        return response if read == declared else self._read_as(response, declared, read)

    def _read_as(self, response: TextResponse, declared: str, encoding: str) -> Response:
        self.stats.inc_value(f"bhg/encoding/{declared}-as-{codecs.lookup(encoding).name}")
        return response.replace(encoding=encoding)


class RobotsRulesMiddleware(RobotsTxtMiddleware):
    """robots.txt as RFC 9309 reads it (section 2.3.1.3, 2.3.1.4), where Scrapy reads any answer as rules and no
    answer as none: a 4xx answer means no rules (crawl everything); a 5xx answer, or none (the connection
    failed), means crawl nothing on that host in this run: each of its requests is refused with the reason
    (``bhg/robots/unavailable`` counts the hosts, ``bhg/robots/refused`` the requests), the failures ledger
    keeps the articles to retry, and the run exits 13. Replaces Scrapy's ``RobotsTxtMiddleware`` (its
    ``_parse_robots`` and ``_robots_error`` hooks, Scrapy 2.19)."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.unavailable: dict[str, str] = {}  # host (netloc) -> why its robots.txt gave no rules

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._stats.inc_value("robotstxt/response_count")
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            self._refuse_host(netloc, f"its robots.txt answered {response.status}")
            return
        if response.status >= 400:
            response = response.replace(body=b"")  # no robots.txt: no rules
        await super()._parse_robots(response, netloc, request)

    async def robot_parser(self, request: Request) -> Any:
        """The rules of the request's host, read again once its robots.txt is answered: Scrapy 2.19 has every
        request that waits for the answer await one Deferred, which hands the rules to the first two waiters
        and None (no rules: allowed) to the rest."""
        awaited = await super().robot_parser(request)
        found = self._parsers.get(urlsplit(request.url).netloc, awaited)
        return awaited if isinstance(found, Deferred) else found

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        # A loop of redirects: RFC 9309 (2.3.1.2) reads it as unavailable, as a 4xx: no rules. A robots.txt cut by
        # the closing run (Unsent): the host's requests that waited for its rules are cut in turn, unsent.
        if isinstance(exc, RobotsRedirectLoop | Unsent):
            super()._robots_error(exc, netloc)
            return
        self.unavailable.setdefault(netloc, f"its robots.txt could not be fetched ({type(exc).__name__}: {exc})")
        self._stats.inc_value("bhg/robots/unavailable")
        super()._robots_error(exc, netloc)

    def _refuse_host(self, netloc: str, why: str) -> None:
        self.unavailable[netloc] = why
        self._robots_error(IgnoreRequest(why), netloc)

    def process_request_2(self, rp: Any, request: Request) -> None:
        why = self.unavailable.get(urlsplit(request.url).netloc)
        if why is not None:
            self._stats.inc_value("bhg/robots/refused")
            raise RobotsUnavailable(f"not crawled: {why} (RFC 9309: a host whose rules are unknown is not crawled)")
        super().process_request_2(rp, request)
        if rp is not None:
            self._keep_crawl_delay(rp, request)

    def _keep_crawl_delay(self, rp: Any, request: Request) -> None:
        """The host's ``Crawl-delay`` for the crawl's User-Agent, at most ``BHG_MAX_CRAWL_DELAY`` seconds: the
        least time between two of its requests, neither shortened by AutoThrottle nor by the delay's jitter
        (``bhg/robots/crawl_delay``: the delay kept, in seconds)."""
        agent = self._robotstxt_useragent or request.headers.get(b"User-Agent", self._default_useragent)
        asked = rp.crawl_delay(agent) if hasattr(rp, "crawl_delay") else None
        if not asked or self.crawler.engine is None:
            return
        delay = min(float(asked), self.crawler.settings.getfloat("BHG_MAX_CRAWL_DELAY"))
        request.meta["autothrottle_dont_adjust_delay"] = True
        _, slot = self.crawler.engine.downloader._get_slot(request)  # the host's slot, made if it is not yet
        if slot.delay < delay or slot.jitter:
            slot.delay, slot.jitter = max(slot.delay, delay), 0.0
            self._stats.max_value("bhg/robots/crawl_delay", delay)


def _robots_txt(request: Request) -> bool:
    """Whether a request is the robots.txt request of the robots.txt middleware."""
    return bool(request.meta.get("dont_obey_robotstxt")) and urlsplit(request.url).path == "/robots.txt"


def _header(message: Response | Request | None, name: str) -> str | None:
    value = message.headers.get(name) if message is not None else None
    return value.decode("latin-1") if value else None


class StateBookkeeping(CrawlerComponent, BaseSpiderMiddleware):
    """Tells the state what a run learns of articles from the spider's requests, the responses and the failures
    the spider reports, so that the spider only routes (a spider middleware). What becomes of each record
    afterwards is the pipelines' to record (``bhg_crawler.pipelines``), and the WARC middleware and the
    dupefilter keep their own (payloads archived, requests seen).

    It sees what the spider makes and what the spider reports, and writes it to the state store:

    - an article request the spider makes: discovered (at the run's end it is done, or in the ledger);
    - a record the spider yields: its article fetched (status, ETag, Last-Modified, publication time); the
      old records of a moved article (``sites.urls.moved_from``) done as ``MOVED``, their URLs the record's
      aliases (``bhg/articles/moved``);
    - a revisit answered 304: the exported version is current (``bhg/articles/not_modified``);
    - a page that gave no record (``signals.fetch_failed``): why, in the failures ledger, for the article
      (a capture of a web archive to ask again keeps it there, whatever was exported: ``StateStore.pending``)
      and for its old homes in the redirect chain (a page that is no article, under ``meta["bhg_ledger_id"]``:
      a local WARC file a recovery could not read); a 404 or 410 is gone, unless the article is known at another
      URL (fetched there in this run, or found there by a committed run and not gone): then it is a dead link
      to it (``bhg/articles/dead_links``), and the ledger keeps the article's own URL;
    - a callback that raised (Scrapy's ``spider_error``) or a pipeline (``item_error``): the error, as the
      run's failures say it (``core.errors.error_in``), is the page's reason; a redirect to a URL the run
      requested already (``request_dropped``) is the reason of the articles redirected; an article URL longer
      than ``URLLENGTH_LIMIT`` (which Scrapy drops, saying nothing) is not requested, and says so;
    - a section walked to its last page (``signals.section_walked``), and URLs found for a record
      (``signals.aliases_found``);
    - listing pages a walk missed (``signals.listing_missed``, or a listing page that failed), and a home page
      that failed: in the ledger under their ``sites.urls.listing_id``, until a run fetches them;
    - an article of the ledger held back by its back-off (``signals.article_held``): one more run waited.

    The spider's ``sites`` (its site, then the sites its articles moved to) say which article a URL names.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.homes: dict[str, str] = {}  # record id -> the URL this run fetched it at
        self.url_limit = crawler.settings.getint("URLLENGTH_LIMIT")  # 0: no limit
        self.listen("fetch_failed", "section_walked", "aliases_found", "listing_missed", "spider_error",
                    "item_error", "request_dropped", "article_held")  # fmt: skip

    @property
    def state(self) -> StateStore:
        """The run's state store."""
        return state_of(self.crawler)

    @property
    def sites(self) -> tuple[SiteProfile, ...]:
        """The spider's sites: its own, then those its articles moved to."""
        return tuple(getattr(self.crawler.spider, "sites", ()))

    def process_spider_input(self, response: Response) -> None:
        kind = kind_of(response)
        if response.status == 304 and kind is RequestKind.ARTICLE:
            self._not_modified(response)
        elif response.status == 200 and kind in (RequestKind.LISTING, RequestKind.HOME):
            site = site_of(response.url, self.sites)
            if site is not None:  # a listing page (or the home page) fetched: it leaves the ledger if it was there
                self.state.cleared(listing_id(response.url, site))

    def get_processed_request(self, request: Request, response: Response | None) -> Request:
        article = article_of(article_url_of(request), self.sites) if kind_of(request) is RequestKind.ARTICLE else None
        if article is not None:
            self.state.discovered(article.record_id, article.canonical)
            if self.url_limit and len(request.url) > self.url_limit:  # UrlLengthMiddleware drops it unsaid
                reason = f"not requested: its URL is longer than URLLENGTH_LIMIT ({self.url_limit} characters)"
                self.state.failed(article.record_id, article.canonical, reason, retry=False)
        return request

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        if response is not None and isinstance(item, dict) and item.get("article_id"):
            self._fetched(cast(ArticleRecord, item), response)
            for key in captures_of(response):
                self.state.captured(key, item["record_id"])
        return item

    def _fetched(self, record: ArticleRecord, response: Response) -> None:
        """An article fetched and extracted; the old records it moved from are done."""
        fetched_at = datetime.fromisoformat(record["fetched_at"])
        published = datetime.fromisoformat(record["published_at"]) if record["published_at"] else None
        own = record["record_id"]
        self.homes[own] = record["url"]
        self.state.fetched(own, record["url"], response.status, fetched_at, etag=_header(response, "ETag"),
                           last_modified=_header(response, "Last-Modified"), published=published)  # fmt: skip
        for old in moved_from(response.meta.get("redirect_urls", []), own, self.sites):
            self.stats.inc_value("bhg/articles/moved")
            self.state.fetched(old.record_id, old.canonical, MOVED, fetched_at, published=published)
            self.state.alias(own, [old.canonical])

    def _not_modified(self, response: Response) -> None:
        """A revisit answered 304: the exported version is current, with its ETag and Last-Modified."""
        self.stats.inc_value("bhg/articles/not_modified")
        article = article_of(response.url, self.sites)
        if article is not None:
            self.state.fetched(article.record_id, article.canonical, 304, datetime.now(UTC),
                               etag=_header(response, "ETag") or _header(response.request, "If-None-Match"),
                               last_modified=_header(response, "Last-Modified")
                               or _header(response.request, "If-Modified-Since"))  # fmt: skip

    def fetch_failed(self, request: Request, reason: str, status: int | None, retry: bool) -> None:
        """A page gave no record (``signals.fetch_failed``): for an article, why in the ledger (``retry``: worth
        another go), gone at 404 or 410, and the same for its old homes in the redirect chain; a listing page is
        a page its walk missed (``listing_missed``); the home page too is kept in the ledger, as a listing page
        no walk missed (``bhg/listings/missed`` does not count it)."""
        if kind_of(request) is RequestKind.LISTING:
            self.listing_missed([request.url], reason)
            return
        if request.meta.get("bhg_ledger_id"):  # a page that is no article, under its own id (a local WARC file)
            self.state.failed(request.meta["bhg_ledger_id"], request.url, reason, retry=retry)
            return
        if kind_of(request) is RequestKind.HOME:
            self._not_fetched(request.url, reason)
            return
        article = article_of(article_url_of(request), self.sites) if kind_of(request) is RequestKind.ARTICLE else None
        if article is None:
            return
        if not retry:  # a capture of a web archive that gives no record, and never will: not fetched again
            for key in captures_of(request):
                self.state.captured(key, article.record_id)
        elif captures_of(request):  # one to ask again: in the ledger, whatever versions were exported
            self.state.pending(article.record_id)
        if status in GONE:
            home = self._home(article)
            if home is not None:
                self.stats.inc_value("bhg/articles/dead_links")
                reason = f"{reason} at {request.url}, a link to it off its URL"
                self.state.failed(article.record_id, home, reason, retry=True)
                return
            self.state.fetched(article.record_id, article.canonical, status, datetime.now(UTC))
        self.state.failed(article.record_id, article.canonical, reason, retry=retry)
        for old in moved_from(request.meta.get("redirect_urls", []), article.record_id, self.sites):
            self.state.failed(old.record_id, old.canonical, f"{reason} at {article.canonical}", retry=retry)

    def _home(self, article: ArticleUrl) -> str | None:
        """The URL the article's record is known at when it is not ``article.canonical``: where this run fetched
        it, else where a committed run last found it, unless gone there; None when none other is known."""
        home = self.homes.get(article.record_id)
        if home is None:
            known = self.state.known(article.record_id)
            home = known.url if known is not None and known.last_status not in GONE else None
        return home if home != article.canonical else None

    def spider_error(self, failure: Failure, response: Response) -> None:
        """A callback raised on a page (Scrapy's ``spider_error``): the error is why it gave no record, worth
        another go, as ``fetch_failed`` records it."""
        if response.request is not None:
            self.fetch_failed(response.request, error_in("the spider", failure), None, retry=True)

    def item_error(self, item: Any, response: Response | None, failure: Failure) -> None:
        """A pipeline raised on a record (Scrapy's ``item_error``): the error is why it was not exported."""
        if isinstance(item, dict) and item.get("record_id") and item.get("url"):
            self.state.failed(item["record_id"], item["url"], error_in("a pipeline", failure), retry=True)

    def request_dropped(self, request: Request) -> None:
        """A request the scheduler dropped (Scrapy's ``request_dropped``: the run requested its URL already). When
        a redirect made it, the articles it was redirected from have no answer of their own: that is why; when it
        is no article (the home page), they are gone, a soft 404 as the spider tells one it follows
        (``signals.fetch_failed`` with a 404, ``bhg/failures/gone``)."""
        if kind_of(request) is not RequestKind.ARTICLE:
            return
        own = article_of(request.url, self.sites)
        for url in request.meta.get("redirect_urls", []):
            old = article_of(url, self.sites)
            if old is None or (own is not None and old.record_id == own.record_id):
                continue
            if own is None:
                self.stats.inc_value("bhg/failures/gone")
                reason = f"redirected to {request.url}, a page that is no article"
                self.crawler.signals.send_catch_log(signals.fetch_failed, request=request.replace(url=url),
                                                    reason=reason, status=404, retry=False)  # fmt: skip
                return
            reason = f"redirected to {request.url}, which this run requested already"
            self.state.failed(old.record_id, old.canonical, reason, retry=True)

    def listing_missed(self, urls: list[str], reason: str) -> None:
        """Listing pages a walk did not fetch (``signals.listing_missed``, or one that failed): counted in
        ``bhg/listings/missed``, and in the ledger, worth another go."""
        self.stats.inc_value("bhg/listings/missed", len(urls))
        for url in urls:
            self._not_fetched(url, reason)

    def _not_fetched(self, url: str, reason: str) -> None:
        """A page of a site's listings (the home page, a section's page) in the ledger under its
        ``sites.urls.listing_id``, worth another go."""
        site = site_of(url, self.sites)
        if site is not None:
            self.state.failed(listing_id(url, site), url, reason, retry=True)

    def article_held(self, record_id: str, why: str) -> None:
        """An article the spider left unrequested (``signals.article_held``): held back by the ledger's back-off,
        it waited one run more."""
        if why == "backoff":
            self.state.deferred(record_id)

    def section_walked(self, site: str, slug: str) -> None:
        """The run followed the section's listing pages to the last one (``signals.section_walked``)."""
        self.state.walked(site, slug)

    def aliases_found(self, record_id: str, urls: list[str]) -> None:
        """More URLs belong to the record (``signals.aliases_found``)."""
        self.state.alias(record_id, urls)
