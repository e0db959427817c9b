"""Scrapy's duplicate request filter, with the fingerprints on disk: memory stays flat however big the crawl."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.request import RequestFingerprinterProtocol

from bhg_crawler.state.binding import state_of
from bhg_crawler.state.store import StateStore


class StateDupeFilter(RFPDupeFilter):
    """``RFPDupeFilter`` keeping the run's fingerprints in the state store (``run_requests``) instead of a set."""

    def __init__(self, state: StateStore, debug: bool, fingerprinter: RequestFingerprinterProtocol):
        super().__init__(None, debug, fingerprinter=fingerprinter)
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateDupeFilter:
        """The filter of the crawler's state store (``DUPEFILTER_DEBUG``: log every filtered request)."""
        assert crawler.request_fingerprinter is not None
        return cls(state_of(crawler), crawler.settings.getbool("DUPEFILTER_DEBUG"), crawler.request_fingerprinter)

    def request_seen(self, request: Request) -> bool:
        """Whether this run asked for the request already (by its fingerprint); it has now."""
        return self.state.request_seen(self.fingerprinter.fingerprint(request))
