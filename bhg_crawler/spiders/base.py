"""What the project's spiders share: the site profiles of ``BHG_PROFILES``, the run's stats and state."""

from __future__ import annotations

from typing import Any, Self

import scrapy
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from bhg_crawler.state.binding import state_of
from bhg_crawler.state.store import StateStore


class ProjectSpider(scrapy.Spider):
    """A spider of the project: built with the site profiles of ``BHG_PROFILES`` (its ``profiles`` argument
    unless given), reading the run's state store, which ``StateBookkeeping`` and the pipelines write."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """The spider, with the site profiles of ``BHG_PROFILES`` besides the built-in ones."""
        kwargs.setdefault("profiles", crawler.settings.getlist("BHG_PROFILES"))
        spider: Self = super().from_crawler(crawler, *args, **kwargs)
        return spider

    @property
    def _stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    @property
    def state(self) -> StateStore:
        """The run's state store (read only here: ``StateBookkeeping`` writes it)."""
        return state_of(self.crawler)
