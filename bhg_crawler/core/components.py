"""``CrawlerComponent``: what the project's middlewares, pipelines and extensions share, their crawler and its stats."""

from __future__ import annotations

from typing import Self

from scrapy import signals as scrapy_signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from bhg_crawler.core import signals as bhg_signals


def signal_named(name: str) -> object:
    """The project's signal of that name (``bhg_crawler.core.signals``), else Scrapy's; ``AttributeError`` if
    neither has one."""
    found = getattr(bhg_signals, name, None) or getattr(scrapy_signals, name, None)
    if found is None:
        raise AttributeError(f"no signal named {name!r}")
    return found


class CrawlerComponent:
    """A Scrapy component built from its crawler (``from_crawler``), with the run's stats at hand.

    A component that reads settings or may be off overrides ``from_crawler`` (raising ``NotConfigured``).
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def stats(self) -> StatsCollector:
        """The crawler's stats collector (``bhg/...`` stats)."""
        assert self.crawler.stats is not None  # set before any component is built
        return self.crawler.stats

    def listen(self, *names: str) -> None:
        """Connects each signal named (the project's or Scrapy's) to this component's method of the same name."""
        for name in names:
            self.crawler.signals.connect(getattr(self, name), signal_named(name))
