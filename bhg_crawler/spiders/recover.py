"""The ``recover`` spider: a web archive's CDX index, then each article capture fetched raw and extracted."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import scrapy
from scrapy.http import Headers, HtmlResponse, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from bhg_crawler.core import signals
from bhg_crawler.core.errors import ConfigError, Unsent, describe
from bhg_crawler.core.requests import RequestKind
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.cdx import (
    AnswerCheck,
    Capture,
    cdx_query,
    check_range,
    check_replay,
    choose,
    cut_short,
    index_hosts,
    index_query_id,
    original_of,
    parse_cdx,
    parse_num_pages,
    redirect_target,
    replay_prefix,
    replay_url,
    served_capture,
    warc_answer,
    warc_range,
)
from bhg_crawler.extract.record import Source, build_record
from bhg_crawler.extract.warcfiles import (
    LocalIndex,
    failure_file,
    find_warc_paths,
    index_warc_files,
    local_failure,
    referred_capture,
    warc_file_id,
)
from bhg_crawler.sites.profiles import DEFAULT_SITE, get_profile, with_successors
from bhg_crawler.sites.urls import ArticleUrl, article_of, moved_from, strip_tracking
from bhg_crawler.spiders.arguments import parse_count, parse_flag, parse_window
from bhg_crawler.spiders.base import ProjectSpider
from bhg_crawler.spiders.bhg import count_layers
from bhg_crawler.state.values import MOVED
from bhg_crawler.state.walks import WalkPosition

REDIRECTS = [301, 302, 303, 307, 308]
MAX_HOPS = 3  # redirects followed from one capture, each to the same article


RECOVERED = "recovered"  # the verdict of a capture a committed run recovered


def to_fetch(found: list[tuple[Capture, str]]) -> list[Capture]:
    """Of an article's captures, oldest first, each with its verdict (``extract.cdx.choose``, or ``RECOVERED``),
    those to fetch, oldest first: every redirect (where it leads is in its ``Location``, not its payload: two
    redirects of empty bodies share a digest), and every page (``fetch``) but one with the payload digest of the
    page before it (no change then), or of a page recovered by a committed run after it (an older copy of a
    content known): a payload put back after another is fetched again, a change."""
    pages = [(capture, verdict) for capture, verdict in found if not capture.status.startswith("3")]
    recovered = {capture.payload_digest: capture.timestamp for capture, verdict in pages if verdict == RECOVERED}
    chosen = [capture for capture, verdict in found if verdict == "redirect"]
    before = ""  # the payload digest of the page before
    for capture, verdict in pages:
        digest = capture.payload_digest
        if verdict == "fetch" and not (digest and (digest == before or capture.timestamp < recovered.get(digest, ""))):
            chosen.append(capture)
        if verdict in ("fetch", RECOVERED):
            before = digest
    return sorted(chosen, key=lambda capture: (capture.timestamp, capture.original))


class RecoverSpider(ProjectSpider):
    """Recovers a site's articles from a web archive that publishes a CDX index (the Wayback Machine, pywb):
    it walks the index of each host of the site and of the sites its articles moved to, page by page, then
    fetches each article capture chosen (``extract.cdx.choose``) raw, in the replay's ``id_`` form, the
    captures of one article one after the other, oldest first, so that its versions come in capture order.

    Captures recovered by a committed run (``StateStore.recovered``), and one with the payload digest of an
    earlier capture of the same article, are not fetched; a 404 capture, an error and a page that is not HTML
    are noted (the failures, the ledger), not fetched. An answer that is not the capture asked for (a replay's
    without the marks of an archived answer, a byte range not the one asked, a record not the one the index
    named) is the archive's failure: noted, asked again by the next run. Records are built as the ``bhg``
    spider builds them, with the capture's time as ``fetched_at`` and a ``source``; the pipelines decide what
    is exported.

    Arguments: cdx (the CDX endpoint), replay (where it replays captures; default from ``cdx``), since and
    until (capture timestamps of a real time, 4 to 14 digits, since no later than until: ``parse_window``),
    limit (index lines a page, 1 or more: paged by resume key), pages (``1``:
    paged by number instead, ``showNumPages`` then ``page=N``, as Common Crawl's index is), site, warcs
    (where the index's WARC files are, Common Crawl's ``https://data.commoncrawl.org``: a capture whose line
    gives its ``filename``, ``offset`` and ``length`` is fetched by byte range, its record read with warcio).
    warc_files (in place of ``cdx``: WARC files on the disk, folders and globs of them, a comma list: their
    records are the index, ``extract.warcfiles``, and each capture is read from its file by
    ``archive.local.LocalWarcMiddleware``, with no server and no delay).
    Setting: ``BHG_RECOVER_RATE`` (requests a second; 0: the project's politeness alone).
    """

    name = "recover"

    def __init__(
        self,
        cdx: str | None = None,
        replay: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: str | None = None,
        site: str | None = None,
        warcs: str | None = None,
        pages: str | None = None,
        profiles: str | list[str] | None = None,
        warc_files: str | list[str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        given_files = [p for p in (warc_files.split(",") if isinstance(warc_files, str) else warc_files or []) if p]
        # local WARC files read as the index (none: a CDX server); the paths given that hold none, skipped
        self.warc_files, self.skipped = find_warc_paths(given_files)
        if self.warc_files:
            cdx = cdx or "file:"  # no server: every capture is read from its file
            if replay or warcs or limit or pages:
                raise ConfigError("WARC files on the disk are read whole: --replay, --warcs, --limit, --pages are "
                                  "for a CDX server")  # fmt: skip
        elif not cdx or urlsplit(cdx).scheme not in ("http", "https"):
            raise ConfigError(f"recover needs a CDX endpoint, an http(s) URL, or WARC files, not {cdx!r}")
        window, lines = parse_window(since, until), parse_count(limit, "limit")
        folders = [f for f in (profiles.split(",") if isinstance(profiles, str) else profiles or []) if f]
        self.profile = get_profile(site or DEFAULT_SITE, folders)
        self.sites = with_successors(self.profile, folders)
        self.cdx = cdx
        self.warcs = (warcs or "").rstrip("/")  # where the index's WARC files are: fetched by byte range
        self.pages = parse_flag(pages, "pages")  # the index asked page by page (page=N), as many as it says
        try:
            self.replay = "" if self.warc_files else (replay or replay_prefix(cdx)).rstrip("/")
        except ValueError as error:
            if not self.warcs:
                raise ConfigError(f"{error}, or where its WARC files are") from None
            self.replay = ""
        (self.since, self.until), self.limit = window, lines or 0
        given = {"cdx": cdx, "replay": replay, "since": since, "until": until, "limit": limit, "site": site,
                 "warcs": warcs, "pages": pages, "warc_files": ",".join(given_files) or None}  # fmt: skip
        self.arguments = {name: value for name, value in given.items() if value is not None}
        hosts = (urlsplit(url).hostname for url in (cdx, self.replay, self.warcs) if url)
        self.allowed_domains = sorted({host for host in hosts if host})
        self.captures: dict[str, Capture] = {}  # key -> capture, from every page of the index
        self.walks = 0  # index walks not at their end
        self.positions: dict[str, WalkPosition] = {}  # pattern ("<host>/*") -> where its walk is
        self.resume_keys: dict[str, set[str]] = {}  # pattern -> the resume keys followed: one given back ends it
        self.restarted: set[str] = set()  # the patterns whose walk started again from its first page
        self.malformed: set[str] = set()  # the malformed index lines noted, once a run whatever walk gave them
        self.queues: dict[str, deque[Capture]] = {}  # record id -> its captures still to fetch, oldest first
        self.probing: dict[str, str] = {}  # capture key -> record id: the redirects asked where they lead
        self.locations: dict[str, str] = {}  # capture key -> the URL of the same article it redirects to
        self.moves: dict[str, set[str]] = {}  # record id -> the canonical URLs of the articles that moved to it

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """``BHG_RECOVER_RATE`` requests a second at most, one at a time (AutoThrottle may slow them further)."""
        super().update_settings(settings)
        rate = settings.getfloat("BHG_RECOVER_RATE")
        if rate > 0:
            settings.set("DOWNLOAD_DELAY", 1 / rate, priority="spider")
            settings.set("RANDOMIZE_DOWNLOAD_DELAY", False, priority="spider")
            settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 1, priority="spider")

    # -- the index ----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        """The next page of the index of each host of the sites (``<host>/*``): its first, or where a run that
        died or stopped left its walk (``StateStore.walk_position``); from local WARC files, the captures they
        hold, planned at once."""
        self._stats.set_value("bhg/mode", "recover")
        self._forget_deleted()
        for path in self.skipped:
            self.logger.info("%s holds no WARC file (.warc, .warc.gz): skipped", path)
        if self.warc_files:
            for request in self._read_local(index_warc_files(self.warc_files)):
                yield request
            return
        for host in index_hosts(host for site in self.sites for host in site.hosts):
            pattern = f"{host}/*"
            position, lines = self.state.walk_position(self._query(pattern))
            self.positions[pattern] = position
            for fields in lines:
                capture = Capture(**fields)
                self._found(capture)
            if position.started and not position.done:
                self._stats.inc_value("bhg/recover/index_resumed")
            if not position.done:
                self.walks += 1
                yield self._index_request(pattern)
        if self.walks == 0:  # every walk read to its end by a run that died: its lines are the captures
            for request in self._plan():
                yield request

    def _query(self, pattern: str) -> str:
        """The walk of ``pattern``'s identity: the URL of its first page (its bounds and its way of paging)."""
        return cdx_query(self.cdx, pattern, since=self.since, until=self.until, limit=0 if self.pages else self.limit,
                         num_pages=self.pages)  # fmt: skip

    def _index_id(self, pattern: str) -> str:
        """The ledger's id of the index of ``pattern`` in the run's window, however it is paged."""
        return index_query_id(cdx_query(self.cdx, pattern, since=self.since, until=self.until), self.profile.name)

    def _index_request(self, pattern: str) -> scrapy.Request:
        """The next page of the walk of ``pattern``: after its resume key, or its page number, or (``pages``, not
        counted yet) how many pages it has."""
        position = self.positions[pattern]
        count = self.pages and position.pages is None
        page = (position.page or 0) if self.pages and not count else None
        url = cdx_query(self.cdx, pattern, since=self.since, until=self.until, resume_key=position.resume_key,
                        limit=0 if self.pages else self.limit, page=page, num_pages=count)  # fmt: skip
        return scrapy.Request(url, callback=self.parse_pages if count else self.parse_index,
                              errback=self.index_failed, priority=RequestKind.INDEX.priority, dont_filter=True,
                              meta={"bhg_kind": RequestKind.INDEX.name, "bhg_pattern": pattern,
                                    "bhg_page": page, "bhg_after_first": position.started})  # fmt: skip

    def parse_pages(self, response: Response) -> Iterator[scrapy.Request]:
        """How many pages the index of a host has: each asked for, one after the other."""
        try:
            pages = parse_num_pages(response.text)
        except ValueError as error:
            yield from self._index_unreadable(response, f"not a CDX answer: {error}")
            return
        position = self.positions[response.meta["bhg_pattern"]]
        position.pages, position.page, position.done = pages, 0, pages == 0
        yield from self._walked(response.meta["bhg_pattern"], {})

    def parse_index(self, response: Response) -> Iterator[scrapy.Request]:
        """A page of the index: its captures kept (with the walk's next position, in the state at once); the next
        page, or once every walk is over, the captures."""
        try:
            page = parse_cdx(response.text)
        except ValueError as error:  # not an index (an error page answered 200)
            yield from self._index_unreadable(response, f"not a CDX answer: {error}")
            return
        assert response.request is not None
        pattern = response.meta["bhg_pattern"]
        self._stats.inc_value("bhg/recover/index_pages")
        self._stats.inc_value("bhg/recover/index_lines", len(page.captures))
        for line in page.malformed:
            if line not in self.malformed:  # once a run: a walk started again, a host's and its www.'s alike
                self.malformed.add(line)
                self._stats.inc_value("bhg/recover/index_malformed")  # no request failed: not a crawl error
                self.logger.warning("A malformed CDX line at %s: %s", response.url, line)
                self.crawler.signals.send_catch_log(signals.fetch_failed, request=response.request, retry=False,
                                                    reason=f"a malformed CDX line: {line}", status=None,
                                                    outcome="malformed")  # fmt: skip
        found = {}
        for capture in page.captures:
            if self._found(capture):
                found[capture.key] = asdict(capture)
        position = self.positions[pattern]
        keyed = bool(self.resume_keys.get(pattern)) or position.resume_key is not None
        if self.pages:
            position.page = (position.page or 0) + 1
            position.done = position.page >= (position.pages or 0)
        elif page.resume_key and page.captures and page.resume_key not in self.resume_keys.setdefault(pattern, set()):
            self.resume_keys[pattern].add(page.resume_key)
            position.resume_key = page.resume_key
        else:  # the last page (or one that gives back a key already followed: the end, not a loop)
            position.done = True
        if position.done:
            lines = len(page.captures) + len(page.malformed)
            if not self.pages and cut_short(lines, self.limit, page.resume_key, keyed):
                self._index_cut(response.url, pattern, lines)
            else:
                self.state.cleared(self._index_id(pattern))
        yield from self._walked(pattern, found)

    def _index_cut(self, url: str, pattern: str, lines: int) -> None:
        """A page as full as ``--limit`` with no resume key: the server cut the index there (pywb gives none), so
        its lines after it were never read. Counted (``bhg/recover/index_cut``: exit 12), logged, and the query
        in the ledger (its walk ends, and the next run walks it again), cleared when a walk reads it whole."""
        self._stats.inc_value("bhg/recover/index_cut")
        self.logger.warning("The index of %s was cut at %d lines (--limit) with no resume key to read on at %s: "
                            "its lines after them were never read; recover with no --limit, or --pages", pattern,
                            lines, url)  # fmt: skip
        reason = f"the index was cut at {lines} lines (--limit) with no resume key: its lines after them never read"
        self.state.failed(self._index_id(pattern), url, reason, retry=True)

    def _walked(self, pattern: str, found: dict[str, dict[str, str]]) -> Iterator[scrapy.Request]:
        """The walk's new position kept with the lines ``found``; its next page, or the walk is over."""
        position = self.positions[pattern]
        self.state.index_walked(position, found)
        if position.done:
            yield from self._walk_over()
        else:
            yield self._index_request(pattern)

    def index_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """A page of the index that failed (an error status after the back-off and retries, or no answer; nothing
        for a request the closing run cut: ``Unsent``)."""
        if isinstance(failure.value, Unsent):
            return
        request = failure.request  # type: ignore[attr-defined]
        answer = failure.value.response if isinstance(failure.value, HttpError) else None
        reason = f"HTTP {answer.status} from the CDX server" if answer is not None else describe(failure)
        if answer is not None and 400 <= answer.status < 500 and answer.status != 429:  # a key or page it lost
            yield from self._index_unreadable(answer, reason)
            return
        self._fail(request, reason, "error", retry=True)
        yield from self._walk_over()  # its position kept: the next run goes on from there

    def _index_unreadable(self, response: Response, reason: str) -> Iterator[scrapy.Request]:
        """A page of the index the server refused or answered with no index: a page after the first (a resume key
        expired, a page number past the last) restarts the walk from its first page, once a run (the captures
        are keyed, so none is kept twice); else the walk ends there, its position kept for the next run."""
        request = response.request
        assert request is not None
        pattern = response.meta["bhg_pattern"]
        if response.meta["bhg_after_first"] and pattern not in self.restarted:
            self.restarted.add(pattern)
            self._stats.inc_value("bhg/recover/index_restarted")
            self.logger.warning("The walk of %s starts again from its first page: %s at %s", pattern, reason,
                                request.url)  # fmt: skip
            self.positions[pattern] = WalkPosition(self._query(pattern))
            self.resume_keys.pop(pattern, None)
            yield from self._walked(pattern, {})
            return
        self._fail(request, reason, "error", retry=True)
        yield from self._walk_over()

    def _found(self, capture: Capture) -> bool:
        """Whether a capture of the index is new to the run: kept once by its key (``"<timestamp> <original>"``,
        the CDX servers'); another of the same key with another payload (two records of one URL in one second)
        is left, said and counted (``bhg/recover/captures/same_second``)."""
        kept = self.captures.setdefault(capture.key, capture)
        if kept is not capture and kept.digest and capture.digest and kept.digest != capture.digest:
            self._stats.inc_value("bhg/recover/captures/same_second")
            self.logger.warning("Two captures of %s in the second %s: the one of %s kept, of %s left",
                                capture.original, capture.timestamp, kept.digest, capture.digest)  # fmt: skip
        return kept is capture

    def _walk_over(self) -> Iterator[scrapy.Request]:
        """A walk of the index is over; once all are, the captures found are planned."""
        self.walks -= 1
        if self.walks == 0:
            yield from self._plan()

    def _read_local(self, index: LocalIndex) -> Iterator[scrapy.Request]:
        """The captures of local WARC files planned as an index's; what could not be read noted: a revisit of a
        payload no file holds, a file's damaged part (the article of its record when its header tells it)."""
        self._stats.inc_value("bhg/recover/warc_files", len(self.warc_files))
        lines = [c for c in index.captures + index.orphans if self._in_range(c)]  # as a server's in its window
        self._stats.inc_value("bhg/recover/index_lines", len(lines))
        for capture in filter(self._in_range, index.captures):
            self._found(capture)
        for capture in filter(self._in_range, index.orphans):
            article = article_of(capture.original, self.sites)
            if article is not None:
                self._stats.inc_value("bhg/recover/article_captures")
            if article is not None and not self.state.recovered(capture.key):
                request = self._capture_request(capture, article, unrequested=True)
                revisit = f"the capture of {capture.timestamp} is a revisit of {capture.digest}"
                referred = referred_capture(capture)
                if referred is not None and self.state.recovered(referred):  # its content known: no change
                    self._stats.inc_value("bhg/recover/captures/same_digest")
                    reason = f"{revisit}, the payload of the capture {referred}, recovered before"
                    self._fail(request, local_failure(capture.filename, capture.offset, reason), "duplicate",
                               retry=False)  # fmt: skip
                    continue
                reason = local_failure(capture.filename, capture.offset, f"{revisit}, in none of the files")
                self._fail(request, reason, "error", retry=True)
        damaged = {damage.path for damage in index.damage}
        for path in self.warc_files:  # a file read to its end leaves the ledger, if a run found it damaged
            if str(path) not in damaged:
                self.state.cleared(warc_file_id(str(path), self.profile.name))
        for damage in index.damage:
            self._stats.inc_value("bhg/recover/warc_damaged")
            self.logger.warning("%s cannot be read from byte %d: %s", damage.path, damage.offset, damage.reason)
            reason = local_failure(damage.path, damage.offset, damage.reason)
            article = article_of(damage.url or "", self.sites)
            where = Capture("", damage.timestamp, damage.url or "", digest=damage.digest, filename=damage.path,
                            offset=str(damage.offset))  # fmt: skip
            request = (self._capture_request(where, article, unrequested=True) if article is not None
                       else scrapy.Request(Path(damage.path).as_uri(), meta={
                           "bhg_unrequested": True, "bhg_source": {"archive": damage.path, "offset": damage.offset},
                           "bhg_ledger_id": warc_file_id(damage.path, self.profile.name)}))  # fmt: skip
            self._fail(request, reason, "error", retry=True)
        yield from self._plan()

    def _forget_deleted(self) -> None:
        """Of the ledger's entries of local WARC files that exist no more (logged): a file's own
        (``warc_file_id``) leaves the ledger at the commit, no run can read it whole again; an article's, failed
        at a record of the file (``local_failure``), stays, not to retry. Those of files that exist stay."""
        prefix = warc_file_id("", self.profile.name)
        for entry in self.state.ledger(self.profile.name):
            path = entry["record_id"].removeprefix(prefix)
            if entry["record_id"].startswith(prefix) and not Path(path).exists():
                self.logger.info("%s is no more: it leaves the failures ledger", path)
                self.state.cleared(entry["record_id"])
            elif entry["retry"] and (path := failure_file(entry["reason"]) or "") and not Path(path).exists():
                self.logger.info("%s is no more: %s is not to retry", path, entry["record_id"])
                self.state.failed(entry["record_id"], entry["url"], f"{entry['reason']} ({path} is no more)",
                                  retry=False)  # fmt: skip

    def _held_in(self) -> str:
        """What the captures were looked for in, in words: the CDX index at ``cdx``, or the local WARC files."""
        return f"{len(self.warc_files)} WARC files given" if self.warc_files else f"index at {self.cdx}"

    def _window(self) -> str:
        """The capture times asked for, in words (``--from``, ``--to``); empty when none was."""
        bounds = [f"from {self.since}"] * bool(self.since) + [f"to {self.until}"] * bool(self.until)
        return f" ({' '.join(bounds)})" if bounds else ""

    def _in_range(self, capture: Capture) -> bool:
        """Whether the capture's time is within ``since`` and ``until``, as a CDX server's ``from`` and ``to``
        read them (each to its own number of digits)."""
        stamp = capture.timestamp
        return stamp[: len(self.since)] >= self.since and (not self.until or stamp[: len(self.until)] <= self.until)

    def _plan(self) -> Iterator[scrapy.Request]:
        """The captures of each article, oldest first: those to note noted; the redirects asked first (where
        each leads: an article that moved, ``_redirected``), then each article's first capture to fetch."""
        by_article: dict[str, list[tuple[Capture, str]]] = {}  # record id -> its captures and verdicts, oldest first
        articles = self._stats.get_value("bhg/recover/article_captures", 0)  # the revisits no file holds
        for capture in sorted(self.captures.values(), key=lambda c: (c.timestamp, c.original)):
            choice = choose(capture, self.sites)
            self._stats.inc_value(f"bhg/recover/captures/{choice.verdict}")
            if choice.article is None:
                continue
            articles += 1
            if self.state.recovered(capture.key):
                if choice.verdict == "redirect":
                    self._moved_before(choice.article)
                self._stats.inc_value("bhg/recover/captures/recovered_before")
                self._stats.inc_value("bhg/articles/known")  # found, as in a crawl, against past runs
                by_article.setdefault(choice.article.record_id, []).append((capture, RECOVERED))
                continue
            by_article.setdefault(choice.article.record_id, []).append((capture, choice.verdict))
            if choice.verdict in ("gone", "error", "not_html"):
                outcome = {"gone": "gone", "error": "error", "not_html": "refused/not_html"}[choice.verdict]
                request = self._capture_request(capture, choice.article, unrequested=True)
                self._fail(request, choice.reason, outcome, retry=False)
        self._stats.set_value("bhg/recover/article_captures", articles)
        if not articles:
            self.logger.warning("No capture of an article of %s%s in the %s", " or ".join(s.name for s in self.sites),
                                self._window(), self._held_in())  # fmt: skip
        for record_id, found in by_article.items():
            queue = deque(to_fetch(found))
            same = sum(verdict in ("fetch", "redirect") for _, verdict in found) - len(queue)
            if same:
                self._stats.inc_value("bhg/recover/captures/same_digest", same)
            redirects = {capture.key for capture, verdict in found if verdict == "redirect"}
            self.probing.update((capture.key, record_id) for capture in queue if capture.key in redirects)
            self.queues[record_id] = queue
        for queue in list(self.queues.values()):
            for capture in [c for c in queue if c.key in self.probing]:
                article = article_of(capture.original, self.sites)
                assert article is not None
                yield self._capture_request(capture, article, probe=True)
        if not self.probing:
            for record_id in list(self.queues):
                yield from self._next(record_id)

    def _moved_before(self, article: ArticleUrl) -> None:
        """A redirect capture an earlier run recovered: if it told the article moved, its new home's records
        carry its URL, as in that run (the state knows the move: ``MOVED``, the URL an alias of the new home)."""
        known = self.state.known(article.record_id)
        home = self.state.record_of(article.canonical)
        if known is not None and known.last_status == MOVED and home is not None and home != article.record_id:
            self.moves.setdefault(home, set()).add(article.canonical)

    def _capture_request(self, capture: Capture, article: ArticleUrl, unrequested: bool = False,
                         url: str | None = None, hops: int = 0, probe: bool = False) -> scrapy.Request:  # fmt: skip
        """The request of a capture: its byte range in its WARC file when the index says where it is and the
        spider knows where the files are (``warcs``, or local ``warc_files``), else the replay's ``id_`` form of
        ``url`` (its own). A ``probe`` asks a redirect where it leads before the articles' captures are fetched;
        the records of an article that others moved to carry their URLs (``meta["redirect_urls"]``, as a crawl
        that followed the redirects has them: ``record_id_aliases``, ``url_aliases``)."""
        where = warc_range(capture) if (self.warcs or self.warc_files) and url is None else None
        meta = {"bhg_kind": RequestKind.ARTICLE.name, "bhg_article": article.canonical, "bhg_captures": [capture.key],
                "bhg_capture": asdict(capture), "bhg_source": self._source(capture), "bhg_record": article.record_id,
                "bhg_hops": hops, "bhg_unrequested": unrequested, "bhg_warc_range": where is not None,
                "dont_redirect": True, "handle_httpstatus_list": REDIRECTS, "bhg_probe": probe}  # fmt: skip
        olds = sorted(self.moves.get(article.record_id, ()))
        if olds:
            meta["redirect_urls"] = olds
        target = f"{self.warcs}/{quote(capture.filename, safe='/')}" if where else replay_url(self.replay, capture, url)
        if self.warc_files:  # read from the local file, not downloaded (archive.local.LocalWarcMiddleware)
            meta["bhg_warc_file"] = {"path": capture.filename, "offset": int(capture.offset or 0),
                                     "length": int(capture.length or 0)}  # fmt: skip
            target, where = f"{Path(capture.filename).as_uri()}#{capture.offset}", None
        return scrapy.Request(target, callback=self.parse_capture, errback=self.capture_failed, meta=meta,
                              headers={"Range": where} if where else None, priority=RequestKind.ARTICLE.priority,
                              dont_filter=True)  # fmt: skip

    def _next(self, record_id: str) -> Iterator[scrapy.Request]:
        """The request of the article's next capture to fetch, if any."""
        queue = self.queues.get(record_id)
        if queue:
            capture = queue.popleft()
            article = article_of(capture.original, self.sites)
            if article is not None:
                target = self.locations.get(capture.key)  # a redirect to the same article, asked already
                yield self._capture_request(capture, article, url=target, hops=int(target is not None))

    def _after(self, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """What comes after a capture: the article's next; after a probe, once none is left, each article's first
        (a probe's capture leaves its article's captures unless it redirects to the article itself)."""
        if not request.meta["bhg_probe"]:
            yield from self._next(request.meta["bhg_record"])
            return
        key = request.meta["bhg_captures"][0]
        owner = self.probing.pop(key, "")
        if owner in self.queues and key not in self.locations:
            self.queues[owner] = deque(c for c in self.queues[owner] if c.key != key)
        if not self.probing:
            for record_id in list(self.queues):
                yield from self._next(record_id)

    # -- the captures -------------------------------------------------------------------------

    def parse_capture(self, response: Response) -> Iterator[Any]:
        """A capture as archived: its record, then the article's next capture; or its redirect followed to the
        same article, and the next capture only after it, so that one capture of an article is asked at a time
        (its versions in capture order). An answer that is not the capture asked for (``_check``) is the
        archive's failure."""
        request = response.request
        assert request is not None
        check = self._check(response)
        if check.kind == "archived" and response.meta["bhg_warc_range"]:
            capture = Capture(**response.meta["bhg_capture"]) if self.warcs else None  # local: the files' own index
            try:
                answer = warc_answer(response.body, capture)
            except ValueError as error:
                where = (request.headers.get("Range") or b"its offset").decode("latin-1")
                check = AnswerCheck("failure", f"the WARC record at {where}: {error}")
            else:
                if answer is None:
                    self._fail(request, "its WARC location holds no response record", "error", retry=False)
                    yield from self._after(request)
                    return
                headers = Headers(answer.headers)
                kind = responsetypes.from_args(headers=headers, url=response.meta["bhg_article"], body=answer.body)
                response = kind(response.url, status=answer.status, headers=headers, body=answer.body,
                                request=request)  # fmt: skip
        if check.kind == "archived":
            followed = False
            for found in self._read(response):
                followed = followed or isinstance(found, scrapy.Request)
                yield found
            if followed:  # the answer of the redirect followed leads to the next capture
                return
        elif (hop := self._to_its_capture(response)) is not None:
            yield hop  # the same capture's turn goes on: its answer is the one that leads to the next
            return
        else:
            self._not_archived(request, check)
        yield from self._after(request)

    def _to_its_capture(self, response: Response) -> scrapy.Request | None:
        """The request of where the archive's own redirect leads (a timegate's, as the Wayback Machine answers
        a time it holds no capture of: no archived marks, a ``Location`` in the replay's ``id_`` form for the
        same article at another time), as one more hop of the capture; None for any other answer."""
        request = response.request
        location = (response.headers.get("Location") or b"").decode("latin-1")
        if request is None or response.status not in REDIRECTS or not location or not self.replay:
            return None
        target = urljoin(response.url, location)
        asked, given = (article_of(original_of(url, self.replay), self.sites) for url in (response.url, target))
        if (not target.startswith(f"{self.replay}/") or "id_/" not in target or given is None or asked is None
                or given.record_id != asked.record_id or response.meta["bhg_hops"] >= MAX_HOPS):  # fmt: skip
            return None
        self._stats.inc_value("bhg/recover/archive_redirects")
        return request.replace(url=target, meta={**request.meta, "bhg_hops": response.meta["bhg_hops"] + 1})

    def _check(self, response: Response) -> AnswerCheck:
        """Whether an answer of the archive is the capture asked for: a replay's bears the marks of an archived
        answer (``extract.cdx.check_replay``), a byte range's is the range asked (``check_range``); a record
        read from a local file is what the file holds."""
        if not response.meta["bhg_warc_range"]:
            names = [name.decode("latin-1") for name in response.headers]
            return check_replay(response.status, names, len(response.body))
        asked = response.request.headers.get("Range") if response.request is not None else None
        if asked is None:
            return AnswerCheck("archived")
        given = response.headers.get("Content-Range")
        named = given.decode("latin-1") if given is not None else None
        return check_range(asked.decode("latin-1"), response.status, named, len(response.body))

    def _not_archived(self, request: scrapy.Request, check: AnswerCheck) -> None:
        """A capture whose answer was an archived 404 or 410 (gone, not asked again), or the archive's failure
        (an error, asked again by the next run: ``bhg/recover/archive_failures``)."""
        if check.kind == "gone":
            self._fail(request, check.reason, "gone", retry=False)
            return
        self._stats.inc_value("bhg/recover/archive_failures")
        self._fail(request, check.reason, "error", retry=True)

    def _read(self, response: Response) -> Iterator[Any]:
        request = response.request
        assert request is not None
        capture = Capture(**response.meta["bhg_capture"])
        if response.status in REDIRECTS:
            yield from self._redirected(response, capture)
            return
        content_type = (response.headers.get("Content-Type") or b"no Content-Type").decode("latin-1")
        if not isinstance(response, HtmlResponse) and "html" not in content_type.lower():
            self._fail(request, f"not an HTML page ({content_type})", "refused/not_html", retry=False)
            return
        article = article_of(response.meta["bhg_article"], self.sites)
        assert article is not None
        profile = next(site for site in self.sites if site.name == article.site)
        page = ArticlePage(response.text, article.canonical, profile)
        error = page.error_page
        if error is not None:  # an error page was archived: the copy never gets better
            self._fail(request, f"the capture of {capture.timestamp}: {error.reason}",
                       "gone" if error.kind == "gone" else "error", retry=False)  # fmt: skip
            return
        served = self._served(response, capture)
        if response.meta["bhg_probe"]:  # a redirect's capture the replay answered with the page it leads to
            self.locations[capture.key] = served.original  # asked again once the moves are known, as followed
            return
        self._seen_at(capture, article)
        capture = served
        extracted = page.extracted()
        source = self._source(capture)
        olds = moved_from(response.meta.get("redirect_urls", []), article.record_id, self.sites)
        record = build_record(extracted, capture.captured_at, moved_from=olds, source=source)
        count_layers(self._stats, record, extracted)
        self._stats.inc_value("bhg/recover/captures/extracted")
        yield record

    def _served(self, response: Response, capture: Capture) -> Capture:
        """The capture a replay's page is: the one asked, unless it followed a redirect to it (one asked,
        ``bhg_hops``, or the replay's own, as pywb answers a capture of a redirect to the same URL with its
        page), then the page's own (``served_capture``: its ``Memento-Datetime``, its URL from a
        ``Content-Location`` in the replay's form, else the URL asked)."""
        if response.meta["bhg_warc_range"] or not (response.meta["bhg_hops"] or capture.status.startswith("3")):
            return capture
        given = {name: response.headers.get(name) for name in ("Memento-Datetime", "Content-Location")}
        memento, where = (value.decode("latin-1") if value else None for value in given.values())
        located = urljoin(response.url, where or "")
        if not located.startswith(f"{self.replay.rstrip('/')}/"):
            located = response.url
        return served_capture(capture, located, memento, self.replay)

    def _seen_at(self, capture: Capture, article: ArticleUrl) -> None:
        """The URL an article was captured at (``http://``, ``www.``, a query...), when not its own: an alias of
        its records (``signals.aliases_found``)."""
        profile = next(site for site in self.sites if site.name == article.site)
        seen = strip_tracking(capture.original, profile)
        if seen != article.canonical:
            self.crawler.signals.send_catch_log(signals.aliases_found, record_id=article.record_id, urls=[seen])

    def _source(self, capture: Capture) -> Source:
        """Where a capture is (a record's ``source``, a failure's): the archive, the capture's time, its URL as
        captured and its digest; from a local file, the file as ``archive`` and the ``offset`` of its record."""
        source: Source = {"archive": self.cdx, "timestamp": capture.timestamp, "original_url": capture.original,
                          "digest": capture.digest or None}  # fmt: skip
        if self.warc_files:
            source["archive"], source["offset"] = capture.filename, int(capture.offset or 0)
        return source

    def _redirected(self, response: Response, capture: Capture) -> Iterator[scrapy.Request]:
        """A capture of a redirect: to another article, the article moved there (its records get this one's URL
        as an alias: ``bhg/recover/moved``); to the same one, followed (a probe only learns where); else noted."""
        request = response.request
        assert request is not None
        location = (response.headers.get("Location") or b"").decode("latin-1")
        target = redirect_target(location, response.url, capture.original, self.replay)
        article = article_of(target, self.sites)
        when = f"the capture of {capture.timestamp} redirects to {target}"
        if article is not None and article.record_id != response.meta["bhg_record"]:
            old = response.meta["bhg_article"]
            self.moves.setdefault(article.record_id, set()).add(old)
            self.state.fetched(response.meta["bhg_record"], old, MOVED, capture.captured_at)  # known in later runs
            self.state.alias(article.record_id, [old])
            self._stats.inc_value("bhg/recover/moved")
            self._fail(request, f"{when}: the article moved there, its records carry this URL", "duplicate",
                       retry=False)  # fmt: skip  # the article, recovered at its new home: no error
        elif article is None:
            self._fail(request, f"{when}, not to this article", "refused/redirect", retry=False)
        elif not self.replay:  # WARC records read where the index says: the article's own are read there
            self._seen_at(capture, article)
            self._fail(request, f"{when}, the same article, whose own captures are read", "duplicate", retry=False)
        elif response.meta["bhg_hops"] >= MAX_HOPS:
            self._fail(request, f"{when}, a redirect more than {MAX_HOPS} followed", "refused/redirect", retry=False)
        elif response.meta["bhg_probe"]:
            self.locations[capture.key] = target
        else:
            self._stats.inc_value("bhg/recover/redirects_followed")
            yield self._capture_request(capture, article, url=target, hops=response.meta["bhg_hops"] + 1)

    def capture_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """The errback of a capture: why it gave nothing. An error status is judged as any answer (``_check``):
        an archived 404 or 410 is gone, an archived 304 holds no page, another archived error is one for good
        (none asked again); the archive's own error and no answer at all are tried again next run; nothing for
        a request the closing run cut (``Unsent``)."""
        if isinstance(failure.value, Unsent):
            return
        request = failure.request  # type: ignore[attr-defined]
        if isinstance(failure.value, HttpError):
            answer = failure.value.response
            check = self._check(answer)
            if check.kind == "archived" and answer.status == 304:  # as the index's 304s: no page, no error
                self._fail(request, "HTTP 304 archived: the capture holds no page", "not_modified", retry=False)
            elif check.kind == "archived":  # the site's error as archived (a 5xx, a 403): the copy is so for good
                self._fail(request, f"HTTP {answer.status} archived", "error", retry=False)
            else:
                self._not_archived(request, check)
        else:
            self._fail(request, describe(failure), "error", retry=True)
        yield from self._after(request)

    def _fail(self, request: scrapy.Request, reason: str, outcome: str, retry: bool) -> None:
        """A page that gave no record: counted (``bhg/failures/<outcome>``), logged, reported
        (``signals.fetch_failed``: the failures file, the ledger; a capture not to retry is recovered)."""
        self._stats.inc_value(f"bhg/failures/{outcome}")
        if request.meta.get("bhg_unrequested"):  # the crawl errors monitor counts it as a request made
            self._stats.inc_value("bhg/recover/unrequested")
        self.logger.info("No record from %s: %s", request.url, reason)
        self.crawler.signals.send_catch_log(signals.fetch_failed, request=request, reason=reason, status=None,
                                            retry=retry, outcome=outcome)  # fmt: skip
