"""Downloader middlewares of the project."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response


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
            raise NotConfigured("BHG_VIA is not set")
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
        template = crawler.settings.get("USER_AGENT")
        return cls(template.replace("{contact}", crawler.settings.get("BHG_CONTACT") or "no contact given"))

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


class BackoffMiddleware:
    """429 and 503 slow the whole host down, and the request is tried again later.

    The wait is the response's Retry-After when it gives one, else ``BHG_BACKOFF_BASE`` seconds doubled
    on each try; the host's download slot sends nothing for that long, then goes on at the longer delay
    (AutoThrottle brings it back down). After ``BHG_BACKOFF_TRIES`` tries, or when the wait would exceed
    ``BHG_BACKOFF_MAX`` seconds, the response goes on as an error. Stats: ``bhg/backoff/<status>``,
    ``bhg/backoff/seconds``, ``bhg/backoff/gave_up``.
    """

    STATUSES = (429, 503)

    def __init__(self, crawler: Crawler, base: float, longest: float, tries: int):
        self.crawler = crawler
        self.base = base
        self.longest = longest
        self.tries = tries

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffMiddleware:
        settings = crawler.settings
        return cls(crawler, settings.getfloat("BHG_BACKOFF_BASE", 5.0), settings.getfloat("BHG_BACKOFF_MAX", 600.0),
                   settings.getint("BHG_BACKOFF_TRIES", 5))  # fmt: skip

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in self.STATUSES:
            return response
        stats = self.crawler.stats
        assert stats is not None
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

    def _pause(self, request: Request, wait: float) -> None:
        """The host's slot sends nothing for ``wait`` seconds (as AutoThrottle does, through its delay)."""
        engine = self.crawler.engine
        slot = engine.downloader.slots.get(request.meta.get("download_slot", "")) if engine else None
        if slot is None:
            return
        slot.delay = max(slot.delay, wait)
        slot.lastseen = time.monotonic()
