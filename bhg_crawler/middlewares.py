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
