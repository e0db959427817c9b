"""The kinds of request the spider makes, which its components read from ``request.meta["bhg_kind"]``."""

from __future__ import annotations

import enum
from typing import Any


class RequestKind(enum.Enum):
    """What a request fetches, and its priority: articles go first so that the queue stays short."""

    HOME = 10
    LISTING = 20
    ARTICLE = 30

    @property
    def priority(self) -> int:
        """The request's Scrapy priority: higher goes first."""
        return self.value


def kind_of(message: Any) -> RequestKind | None:
    """The kind of a request (or of the request a response answers), from its meta; None when it has none."""
    name = message.meta.get("bhg_kind")
    return RequestKind[name] if name in RequestKind.__members__ else None
