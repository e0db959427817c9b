"""The kinds of request the spider makes, which its components read from ``request.meta["bhg_kind"]``."""

from __future__ import annotations

import enum
from typing import Any


class RequestKind(enum.Enum):
    """What a request fetches, and its priority: articles go first so that the queue stays short."""

    HOME = 10
    INDEX = 15  # a page of a web archive's CDX index (``bhg-crawl recover``)
    LISTING = 20
    ARTICLE = 30  # an article, or a capture of one in a web archive

    @property
    def priority(self) -> int:
        """The request's Scrapy priority: higher goes first."""
        return self.value


def kind_of(message: Any) -> RequestKind | None:
    """The kind of a request (or of the request a response answers), from its meta; None when it has none."""
    name = message.meta.get("bhg_kind")
    return RequestKind[name] if name in RequestKind.__members__ else None


def article_url_of(message: Any) -> str:
    """The URL of the article a request (or the request a response answers) asks for: its own, or for a capture
    of a web archive the article's URL as captured (``meta["bhg_article"]``)."""
    return str(message.meta.get("bhg_article") or message.url)


def captures_of(message: Any) -> list[str]:
    """The keys of the web archive's captures a request stands for (``meta["bhg_captures"]``, the first its
    own: ``"<timestamp> <original URL>"``); none for a request of the site."""
    return list(message.meta.get("bhg_captures") or [])
