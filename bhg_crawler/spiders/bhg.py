"""The ``bhg`` spider: home page, sections, their pages to the end, articles and their related links."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.statscollectors import StatsCollector
from twisted.python.failure import Failure

from bhg_crawler import signals
from bhg_crawler.arguments import parse_options
from bhg_crawler.pages import ArticlePage, ListingPage
from bhg_crawler.profiles import get_profile
from bhg_crawler.text import ArticleUrl, strip_tracking


class RequestKind(enum.Enum):
    """What a request fetches; articles go first so the queue stays short."""

    HOME = 10
    LISTING = 20
    ARTICLE = 30

    @property
    def priority(self) -> int:
        return self.value


class BhgSpider(scrapy.Spider):
    """Crawls a site of a profile. Arguments: sections, since, until, urls, urls_file, max_articles, site."""

    name = "bhg"

    def __init__(
        self,
        sections: str | None = None,
        since: str | None = None,
        until: str | None = None,
        urls: str | None = None,
        urls_file: str | None = None,
        max_articles: str | None = None,
        site: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.profile = get_profile(site or "baohagiang.vn")
        self.options = parse_options(self.profile, sections, since, until, urls, urls_file, max_articles)
        given = {"sections": sections, "since": since, "until": until, "urls": urls, "urls_file": urls_file,
                 "max_articles": max_articles, "site": site}  # fmt: skip
        self.arguments = {name: value for name, value in given.items() if value is not None}
        self.allowed_domains = list(self.profile.hosts)
        self.articles_requested: set[str] = set()

    @property
    def _stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    # -- requests -----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        if self.options.urls:
            for url in self.options.urls:
                request = self._article_request(url, None)
                if request is not None:
                    yield request
            return
        if len(self.options.sections) == len(self.profile.sections):
            yield self._request(self.profile.start_url, RequestKind.HOME)
        for slug in self.options.sections:
            yield self._request(self.profile.section_url(slug), RequestKind.LISTING)

    def _request(self, url: str, kind: RequestKind) -> scrapy.Request:
        callback = {
            RequestKind.HOME: self.parse_home,
            RequestKind.LISTING: self.parse_listing,
            RequestKind.ARTICLE: self.parse_article,
        }[kind]
        return scrapy.Request(
            url, callback=callback, errback=self.fetch_failed, priority=kind.priority, meta={"bhg_kind": kind.name}
        )

    def _article_request(
        self, linked: str, article: ArticleUrl | None, published: datetime | None = None
    ) -> scrapy.Request | None:
        """A request for an article as linked, if it is wanted; its other URL noted as an alias."""
        if article is not None:
            seen = strip_tracking(linked, self.profile)
            if seen != article.canonical:
                record_id = f"{self.profile.name}:{article.article_id}"
                self.crawler.signals.send_catch_log(signals.aliases_found, record_id=record_id, urls=[seen])
            url = article.canonical
        else:
            url = linked
        if not self.options.in_range(published):
            self._stats.inc_value("bhg/articles/out_of_range")
            return None
        limit = self.options.max_articles
        if limit is not None:
            if url not in self.articles_requested and len(self.articles_requested) >= limit:
                return None
            self.articles_requested.add(url)
        return self._request(url, RequestKind.ARTICLE)

    # -- callbacks ----------------------------------------------------------------------------

    def parse_home(self, response: Response) -> Iterator[scrapy.Request]:
        """The home page: its top stories.

        @url https://baohagiang.vn/
        @returns items 0 0
        @returns requests 5
        """
        page = ListingPage.from_response(response, self.profile)
        for entry in page.entries():
            request = self._article_request(entry.url, entry.article, entry.published)
            if request is not None:
                yield request
        for url in page.unknown_section_links():
            self.logger.warning("A menu link to a section the profile does not know: %s", url)
            self._stats.inc_value("bhg/sections/unknown")

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """A page of a section: its articles, then the next page unless past ``since``.

        @url https://baohagiang.vn/xay-dung-dang
        @returns items 0 0
        @returns requests 2
        """
        page = ListingPage.from_response(response, self.profile)
        entries = page.entries()
        for entry in entries:
            request = self._article_request(entry.url, entry.article, entry.published)
            if request is not None:
                yield request
        since = self.options.since
        dated = [e.published for e in entries if e.published is not None]
        if since is not None and dated and max(dated) < since:
            self._stats.inc_value("bhg/listings/stopped_at_since")
            return
        following = page.next_page()
        if following:
            yield self._request(following, RequestKind.LISTING)

    def parse_article(self, response: Response) -> Iterator[Any]:
        """An article: its record, and requests for its related articles.

        @url https://baohagiang.vn/xay-dung-dang/202008/khang-dinh-vai-tro-nen-tang-cua-dang-hat-nhan-chinh-tri-o-co-so-764199
        @returns items 1 1
        @returns requests 4 4
        @scrapes url article_id title published_at section paragraphs byline related
        """
        page = ArticlePage.from_response(response, self.profile)
        record = page.record(fetched_at=datetime.now(UTC))
        published = page.published_at()
        if published is not None and not self.options.in_range(published):
            self._stats.inc_value("bhg/articles/out_of_range")
        else:
            yield record
        if self.options.urls:
            return
        for _, url, article in page.article_links(page.related_block):
            if article.article_id == record["article_id"]:
                continue
            related = next((r for r in record["related"] if r["url"] == article.canonical), None)
            day = related and related["published_date"]
            moment = datetime.fromisoformat(day).replace(tzinfo=self.profile.timezone) if day else None
            request = self._article_request(url, article, moment)
            if request is not None:
                yield request

    def fetch_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        if isinstance(failure.value, HttpError):
            reason = f"HTTP {failure.value.response.status}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}" if failure.type else "unknown error"
        kind = request.meta.get("bhg_kind", "OTHER").lower()
        self.logger.warning("Could not fetch %s %s: %s", kind, request.url, reason)
        self.crawler.signals.send_catch_log(signals.fetch_failed, url=request.url, kind=kind, reason=reason)
