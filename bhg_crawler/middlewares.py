"""Downloader middlewares of the project."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


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
