"""The ``bhg`` spider: home page, sections, their pages to the end, articles and their related links."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.statscollectors import StatsCollector
from twisted.python.failure import Failure

from bhg_crawler.core import signals
from bhg_crawler.core.clock import in_zone, parse_moment, utc
from bhg_crawler.core.errors import Unsent, describe, refusal_of
from bhg_crawler.core.requests import RequestKind
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.listing import ListingPage
from bhg_crawler.extract.record import ArticleRecord, Extracted, build_record
from bhg_crawler.extract.tree import Page
from bhg_crawler.sites.profiles import DEFAULT_SITE, SiteProfile, get_profile, with_successors
from bhg_crawler.sites.urls import (
    ArticleUrl,
    article_of,
    listing_id,
    moved_from,
    section_of,
    strip_tracking,
    within_sections,
)
from bhg_crawler.spiders.arguments import parse_flag, parse_options
from bhg_crawler.spiders.base import ProjectSpider
from bhg_crawler.state.values import GONE, MOVED, Known, given_up, held_back


def count_layers(stats: StatsCollector, record: ArticleRecord, extracted: Extracted) -> None:
    """The extraction stats: records by layer, fields from a fallback layer, each field by its layer."""
    stats.inc_value(f"bhg/extraction/{record['extraction']['layer']}")
    for field in record["extraction"]["fields_from_fallback"]:
        stats.inc_value(f"bhg/extraction/fallback/{field}")
    for field, layer in extracted.layers.items():
        stats.inc_value(f"bhg/extraction/{layer}/{field}")


class BhgSpider(ProjectSpider):
    """Crawls a site of a profile, incrementally against the state store: it decides which request goes where.

    It reads the state to route (what is known, what to revisit, what to retry); what a run learns is written
    to the state by ``StateBookkeeping`` (``bhg_crawler.middlewares``) from what the spider yields and
    reports (``signals.fetch_failed``, ``signals.section_walked``, ``signals.aliases_found``).

    Arguments: sections, since, until, urls, urls_file, max_articles, site, full (ignore the state for
    discovery: a backfill), discover (list the articles a run would fetch, fetching none), follow_related
    (fetch the related articles of sections not asked for: yes when no ``sections`` are given, else no).
    """

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
        full: str | None = None,
        discover: str | None = None,
        follow_related: str | None = None,
        profiles: str | list[str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        folders = [f for f in (profiles.split(",") if isinstance(profiles, str) else profiles or []) if f]
        self.profile = get_profile(site or DEFAULT_SITE, folders)
        self.options = parse_options(self.profile, sections, since, until, urls, urls_file, max_articles)
        self.full = parse_flag(full, "full")
        self.discover = parse_flag(discover, "discover")
        # Asked for sections, a run keeps to them: the related articles of others are recorded, not fetched.
        self.follow_related = parse_flag(follow_related, "follow_related") if follow_related else not sections
        given = {"sections": sections, "since": since, "until": until, "urls": urls, "urls_file": urls_file,
                 "max_articles": max_articles, "site": site, "full": full, "discover": discover,
                 "follow_related": follow_related}  # fmt: skip
        self.arguments = {name: value for name, value in given.items() if value is not None}
        # The site, then the sites its articles moved to: redirects there are followed.
        self.sites = with_successors(self.profile, folders)
        self.allowed_domains = [host for site in self.sites for host in site.hosts]
        self.articles_requested: set[str] = set()
        self.articles_settled: set[str] = set()  # record ids found exported and settled, not requested
        self.walk_seen: dict[str, set[str]] = {}  # section slug -> record ids its listing pages listed this run
        self.walk_own: set[str] = set()  # sections whose listing pages had items of their own this run
        self.limited = False  # max_articles left articles out: no section counts as walked
        self.held: dict[str, tuple[str, str]] = {}  # record id -> why the ledger holds it back, and its reason
        self.told: set[str] = set()  # record ids held back and reported (``signals.article_held``) this run
        self.fresh_since = datetime.now(UTC)  # set from BHG_NOW and BHG_REFRESH_DAYS when the crawl starts

    def _article_of(self, url: str) -> ArticleUrl | None:
        """The article a URL names, on the site or one its articles moved to."""
        return article_of(url, self.sites)

    @cached_property
    def every_section(self) -> bool:
        """Whether the run is of every section of the profile."""
        return set(self.profile.sections) <= set(self.options.sections)

    def _in_sections(self, url: str) -> bool:
        """Whether an article URL is of the run's sections (``_of_sections``, or the run is of every section);
        an article whose URL names no section is of the run's only when it is of every section."""
        if self.every_section:
            return True
        article = self._article_of(url)
        return article is not None and self._of_sections(article.section)

    def _of_sections(self, section: str) -> bool:
        """Whether an article's section is of the run: every one is in a run of every section (one the profile
        does not list too), else the run's sections and those under them (``kinh-te/cong-nghiep``, whose
        articles ``kinh-te``'s listing lists)."""
        return self.every_section or within_sections(section, self.options.sections)

    def _site_of(self, url: str) -> SiteProfile:
        host = urlsplit(url).hostname or ""
        return next((site for site in self.sites if host in site.hosts), self.profile)

    def _known(self, article: ArticleUrl) -> Known | None:
        """What the state knows of an article, at its new home when it moved."""
        known = self.state.known(article.record_id)
        if known is not None and known.last_status == MOVED:
            home = self.state.record_of(article.canonical)
            if home is not None and home != article.record_id:
                return self.state.known(home)
        return known

    def _fresh(self, known: Known) -> bool:
        """Published within the refresh window: worth a conditional revisit."""
        return known.published_utc is not None and known.published_utc >= utc(self.fresh_since)

    def _settled(self, known: Known | None) -> bool:
        """Exported (or gone) and older than the refresh window: nothing to fetch."""
        return known is not None and (known.exported or known.last_status in GONE) and not self._fresh(known)

    # -- requests -----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        """The first requests: the ledger's articles worth another go, then (unless given URLs) the revisits of
        recent articles, the home page (for a run of every section) and each section's first listing page."""
        settings = self.crawler.settings
        now = parse_moment(settings.get("BHG_NOW"), "BHG_NOW") or datetime.now(UTC)
        self.fresh_since = now - timedelta(days=settings.getfloat("BHG_REFRESH_DAYS"))
        self._stats.set_value("bhg/mode", self._mode())
        give_up = settings.getint("BHG_LEDGER_GIVE_UP_TRIES")
        for entry in self.state.ledger(self.profile.name, retry_only=False):
            why = held_back(entry, give_up)
            if why is not None:
                reason = given_up(entry["attempts"], entry["reason"]) if why == "given_up" else entry["reason"]
                self.held[entry["record_id"]] = (why, reason)
        if not self.options.urls:
            for retry in self._ledger_retries():
                yield retry
        if self.options.urls:
            for url in self.options.urls:
                request = self._article_request(url, None)
                if request is not None:
                    yield request
            return
        if not self.full:
            for known in self.state.recent(self.profile.name, self.fresh_since):
                if self._in_sections(known.url) and self.options.in_range(
                    datetime.fromisoformat(known.published_utc or "")
                ):
                    revisit = self._planned(self._revisit(known), "revisit")
                    if revisit is not None:
                        yield revisit
        if self.every_section:
            yield self._request(self.profile.start_url, RequestKind.HOME)
        for slug in self.options.sections:
            yield self._request(self.profile.section_url(slug), RequestKind.LISTING, bhg_section=slug)

    def _ledger_retries(self) -> Iterator[scrapy.Request]:
        """The pages of the failures ledger worth another go, in the run's sections, first of all: articles (but
        those the ledger holds back, ``held_back``), and listing pages a walk missed (the walk goes on from
        there); not the home page, which a run of every section asks for anyway."""
        home = listing_id(self.profile.start_url, self.profile)
        for entry in self.state.ledger(self.profile.name, retry_only=True):
            if any(kind in entry["record_id"] for kind in (":warc:", ":index:")):
                continue  # a recovery's (a WARC file, a CDX query): the next recovery's to try
            slug = section_of(entry["url"], self.profile)
            if slug is not None:
                if slug in self.options.sections:
                    yield self._request(entry["url"], RequestKind.LISTING, bhg_section=slug)
                continue
            if entry["record_id"] == home:
                continue  # the home page: asked for by every run of every section
            article = self._article_of(entry["url"])
            if article is None or not article.section or self._of_sections(article.section):
                if entry["record_id"] in self.held:
                    self._hold(entry["record_id"], entry["url"], *self.held[entry["record_id"]])
                    continue
                request = self._planned(self._request(entry["url"], RequestKind.ARTICLE), "retry")
                if request is not None:
                    yield request

    def _mode(self) -> str:
        """What kind of run this is, to compare it with runs of its kind: ``urls``, ``full`` (every listing
        page: --full, or sections no committed run has walked) or ``incremental``."""
        if self.options.urls:
            return "urls"
        if self.full or not all(self.state.section_walked(self.profile.name, s) for s in self.options.sections):
            return "full"
        return "incremental"

    def _request(self, url: str, kind: RequestKind, **meta: Any) -> scrapy.Request:
        callback = {
            RequestKind.HOME: self.parse_home,
            RequestKind.LISTING: self.parse_listing,
            RequestKind.ARTICLE: self.parse_article,
        }[kind]
        return scrapy.Request(url, callback=callback, errback=self.fetch_failed, priority=kind.priority,
                              meta={"bhg_kind": kind.name, **meta})  # fmt: skip

    def _revisit(self, known: Known) -> scrapy.Request:
        """A conditional GET of an exported article: 304 when it has not changed."""
        request = self._request(known.url, RequestKind.ARTICLE, handle_httpstatus_list=[304])
        if known.etag:
            request.headers["If-None-Match"] = known.etag
        if known.last_modified:
            request.headers["If-Modified-Since"] = known.last_modified
        return request

    def _hold(self, record_id: str, url: str, why: str, reason: str = "") -> None:
        """An article left unrequested in this run, reported once (``signals.article_held``): held back by the
        ledger (``backoff``, ``given_up``, with the ledger's ``reason``) or past ``max_articles``; nothing in
        discover mode."""
        if not self.discover and record_id not in self.told:
            self.told.add(record_id)
            self.crawler.signals.send_catch_log(signals.article_held, record_id=record_id, url=url, why=why,
                                                reason=reason)  # fmt: skip

    def _planned(self, request: scrapy.Request, reason: str) -> scrapy.Request | None:
        """The article request (a retry, a revisit, a new or listed article), or in discover mode its URL and
        reason told through ``article_planned``; None past ``max_articles`` (``_within_limit``)."""
        if not self._within_limit(request.url):
            return None
        self._stats.inc_value(f"bhg/article_requests/{reason}")
        if not self.discover:
            return request
        self.crawler.signals.send_catch_log(signals.article_planned, url=request.url, reason=reason)
        return None

    def _article_request(
        self, linked: str, article: ArticleUrl | None, published: datetime | None = None
    ) -> scrapy.Request | None:
        """A request for an article as linked, if it is wanted; its other URL noted as an alias."""
        if article is not None:
            seen = strip_tracking(linked, self.profile)
            if seen != article.canonical:
                self.crawler.signals.send_catch_log(signals.aliases_found, record_id=article.record_id, urls=[seen])
            url = article.canonical
        else:
            url = linked
        if not self.options.in_range(published):
            self._stats.inc_value("bhg/articles/out_of_range")
            return None
        reason = "listed" if self.options.urls else "new"
        if article is not None and not self.full and not self.options.urls:
            known = self._known(article)
            if known is not None and known.last_status in GONE and known.url != article.canonical:
                known = None  # gone at another URL (a dead link to it): this one is worth a try
            if self._settled(known):
                if article.record_id not in self.articles_settled:
                    self.articles_settled.add(article.record_id)
                    self._stats.inc_value("bhg/articles/known")
                return None
            if known is not None and known.exported:
                return self._planned(self._revisit(known), "revisit")
            if article.record_id in self.held:
                self._hold(article.record_id, url, *self.held[article.record_id])
                return None
        return self._planned(self._request(url, RequestKind.ARTICLE), reason)

    def _within_limit(self, url: str) -> bool:
        """Whether the run may request the article at ``url`` under ``max_articles`` (each URL counted once,
        whatever asks for it: the ledger, a revisit, a listing); one past it is held (``max_articles``)."""
        limit = self.options.max_articles
        if limit is None or url in self.articles_requested:
            return True
        if len(self.articles_requested) >= limit:
            self.limited = True
            article = self._article_of(url)
            self._hold(article.record_id if article is not None else url, url, "max_articles")
            return False
        self.articles_requested.add(url)
        return True

    # -- callbacks ----------------------------------------------------------------------------

    def parse_home(self, response: Response) -> Iterator[scrapy.Request]:
        """The home page: its top stories.

        @url https://baohagiang.vn/
        @returns items 0 0
        @returns requests 5
        """
        page = ListingPage.from_response(response, self.profile)
        self._count_unusable(page)
        for entry in page.entries():
            request = self._article_request(entry.url, entry.article, entry.published)
            if request is not None:
                yield request
        for url in page.unknown_section_links():
            self.logger.warning("A menu link to a section the profile does not know: %s", url)
            self._stats.inc_value("bhg/sections/unknown")

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """A page of a section: the articles it lists, then the next page unless past ``since`` or all settled.

        A section is walked page by page to its end once; after that, its paging stops at the first page
        whose articles are all exported (or gone) and older than the refresh window. A walk that ends while the
        pagination shows further pages, its next page not recognised or failing, reports the pages it missed
        (``signals.listing_missed``) and leaves the section not walked.

        @url https://baohagiang.vn/xay-dung-dang
        @returns items 0 0
        @returns requests 2
        """
        page = ListingPage.from_response(response, self.profile)
        self._count_unusable(page)
        slug = response.meta.get("bhg_section") or section_of(response.url, self.profile) or ""
        listed = page.listed()
        requested = 0
        for entry in listed:
            request = self._article_request(entry.url, entry.article, entry.published)
            if request is not None:
                requested += 1
                yield request
        self._walk_left(slug, 0, walked=1, requested=requested)  # none left, unless a next page is asked for below
        since = self.options.since
        dated = [e.published for e in listed if e.published is not None]
        if since is not None and dated and max(dated) < since:
            self._stats.inc_value("bhg/listings/stopped_at_since")
            return
        walked = not self.full and self.state.section_walked(self.profile.name, slug)
        if walked and listed and all(self._settled(self._known(e.article)) for e in listed):
            self._stats.inc_value("bhg/listings/stopped_at_known")
            return
        shown = page.pagination()
        end = self._walk_end(slug, shown.current, page)
        if end is not None:
            self._stats.inc_value(f"bhg/listings/stopped_at_{end}")
            if end != "cap" and slug and since is None and not self.limited:
                self.crawler.signals.send_catch_log(signals.section_walked, site=self.profile.name, slug=slug)
            return
        following = page.next_page()
        if following:
            later = shown.from_page(shown.current + 2, self.profile)
            self._walk_left(slug, max(shown.highest - shown.current, 1))
            yield self._request(following, RequestKind.LISTING, bhg_section=slug, bhg_later=later)
        elif shown.highest > shown.current:
            missed = shown.from_page(shown.current + 1, self.profile)
            self._walk_missed(missed, f"the walk of {slug} ended at page {shown.current}, its pagination shows "
                                      f"pages up to {shown.highest}")  # fmt: skip
        elif slug and since is None and not self.limited:
            self.crawler.signals.send_catch_log(signals.section_walked, site=self.profile.name, slug=slug)

    def _walk_left(self, slug: str, left: int, walked: int = 0, requested: int = 0) -> None:
        """A section's walk as its progress reads it (``monitoring.progress``): ``walked`` more listing pages
        (``bhg/walks/<section>/pages``) that asked for ``requested`` more articles (``.../requested``), and the
        pages its pagination shows left, the next one asked for included (``.../left``; 0: the walk ended)."""
        if slug:
            self._stats.inc_value(f"bhg/walks/{slug}/pages", walked)
            self._stats.inc_value(f"bhg/walks/{slug}/requested", requested)
            self._stats.set_value(f"bhg/walks/{slug}/left", left)

    def _walk_end(self, slug: str, number: int, page: ListingPage) -> str | None:
        """Why a section's walk ends at this page whatever its next link says, None if it goes on: ``empty`` (a
        page past the first with no items of its own, where the walk's earlier pages had some), ``repeat`` (one
        that lists no article new to this walk: a listing that repeats its last page past its end), ``cap``
        (the walk reached ``BHG_MAX_LISTING_PAGES`` pages; the section stays not walked)."""
        seen = self.walk_seen.setdefault(slug, set())
        new = {entry.article.record_id for entry in page.listed()} - seen
        seen |= new
        own = page.lists_own()
        if own:
            self.walk_own.add(slug)
        if number > 1 and not own and slug in self.walk_own:
            return "empty"
        if number > 1 and not new:
            return "repeat"
        if number >= self.crawler.settings.getint("BHG_MAX_LISTING_PAGES"):
            self.logger.warning("The walk of %s stopped at page %d, BHG_MAX_LISTING_PAGES", slug, number)
            return "cap"
        return None

    def _walk_missed(self, urls: list[str], reason: str) -> None:
        """Listing pages a section's walk ended without: logged and reported (``signals.listing_missed``)."""
        self.logger.warning("Listing pages not walked (%s): %s", reason, " ".join(urls))
        self.crawler.signals.send_catch_log(signals.listing_missed, urls=urls, reason=reason)

    def parse_article(self, response: Response) -> Iterator[Any]:
        """An article: its record, and requests for its related articles; none for a page that is no article (a
        soft 404, the CMS's error or maintenance page: ``ArticlePage.error_page``), reported with its reason.

        @url https://baohagiang.vn/xay-dung-dang/202008/khang-dinh-vai-tro-nen-tang-cua-dang-hat-nhan-chinh-tri-o-co-so-764199
        @returns items 1 1
        @returns requests 4 4
        @scrapes url article_id title published_at section body_text byline related
        """
        if response.status == 304:  # a revisit: the exported version is current
            return
        content_type = (response.headers.get("Content-Type") or b"no Content-Type").decode("latin-1")
        if not isinstance(response, HtmlResponse) and "html" not in content_type.lower():
            assert response.request is not None
            self._not_exported(response.request, f"not an HTML page ({content_type})", "refused/not_html")
            return
        redirects = response.meta.get("redirect_urls", [])
        if redirects and self._article_of(response.url) is None:
            assert response.request is not None  # a soft 404: "deleted" said with a redirect to another page
            self._not_exported(response.request.replace(url=redirects[0]),
                               f"redirected to {response.url}, a page that is no article", "gone", 404)  # fmt: skip
            return
        archived = response.meta.get("bhg_warc")  # the WARC record of this page, when archiving is on
        page = ArticlePage.from_response(response, self._site_of(response.url))
        error = page.error_page
        if error is not None:  # the CMS's error or maintenance page, answered 200: gone, or to ask again
            assert response.request is not None
            gone = error.kind == "gone"  # the CMS's "not found"; else its maintenance page: asked for again
            self._not_exported(
                response.request, error.reason, "error_page", 404 if gone else None, "gone" if gone else "error"
            )
            return
        extracted = page.extracted()
        self._count_unusable(page)
        record = build_record(
            extracted,
            datetime.fromisoformat(archived.date) if archived else datetime.now(UTC),
            moved_from=moved_from(response.meta.get("redirect_urls", []), extracted.record_id, self.sites),
            warc_record_id=archived.record_id if archived else None,
        )
        count_layers(self._stats, record, extracted)
        if record["section"]:  # the articles of each section fetched, for its walk's progress
            self._stats.inc_value(f"bhg/walks/{record['section']['slug']}/articles")
        yield record
        if self.options.urls:
            return
        for _, url, article in page.article_links(page.related_block):
            if article.record_id == record["record_id"] or article.site != self.profile.name:
                continue  # the related articles of another site are that site's crawl's
            if not self.follow_related and not self._in_sections(url):
                self._stats.inc_value("bhg/related/not_followed")  # in the record's related, not fetched
                continue
            related = next((r for r in record["related"] if r["url"] == article.canonical), None)
            day = related and related["published_date"]
            moment = in_zone(datetime.fromisoformat(day), self.profile.timezone) if day else None
            request = self._article_request(url, article, moment)
            if request is not None:
                yield request

    def _count_unusable(self, page: Page) -> None:
        """The unusable URLs a page gives, each left out (``Page.resolve``: ``href="javascript:..."``,
        ``src="http://[::1"``), counted in ``bhg/urls/unusable/<link|image>``: every link resolved first."""
        page.links()
        for what, count in page.unusable.items():
            self._stats.inc_value(f"bhg/urls/unusable/{what}", count)

    def fetch_failed(self, failure: Failure) -> None:
        """The errback of every request: why it gave no response worth a callback (nothing for a request the
        closing run cut: ``Unsent``, deferred to the next run)."""
        if isinstance(failure.value, Unsent):
            return
        request = failure.request  # type: ignore[attr-defined]
        status = failure.value.response.status if isinstance(failure.value, HttpError) else None
        reason = f"HTTP {status}" if status is not None else describe(failure)
        refusal = refusal_of(failure)
        stat = "gone" if status in GONE else f"refused/{refusal}" if refusal else "error"
        self._not_exported(request, reason, stat, status)
        if request.meta.get("bhg_kind") == RequestKind.LISTING.name:
            self._walk_left(request.meta.get("bhg_section") or "", 0)
        later = request.meta.get("bhg_later")
        if later:  # a section's walk ends at a listing page that failed: the pages it showed after are missed too
            self._walk_missed(later, f"the walk ended at {request.url}, which failed ({reason})")

    def _not_exported(
        self, request: scrapy.Request, reason: str, stat: str, status: int | None = None, outcome: str | None = None
    ) -> None:
        """A page that gave no record: counted (``bhg/failures/<stat>``: ``gone``, ``error``, ``error_page``,
        ``refused/<kind>``), logged, and reported (``signals.fetch_failed``: the run's failures file, and for
        an article the failures ledger, to be retried unless it is gone; the accounting's ``outcome``, the
        stat's name unless given: ``gone``, ``error`` or ``refused/<kind>``)."""
        kind = request.meta.get("bhg_kind", "OTHER").lower()
        self._stats.inc_value(f"bhg/failures/{stat}")
        self.logger.warning("Could not fetch %s %s: %s", kind, request.url, reason)
        self.crawler.signals.send_catch_log(signals.fetch_failed, request=request, reason=reason, status=status,
                                            retry=status not in GONE, outcome=outcome or stat)  # fmt: skip
