"""Item pipelines: validate, dedupe; each its own component (the spider yields records already built)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from bhg_crawler.core import signals
from bhg_crawler.extract.record import validation_error
from bhg_crawler.state.binding import state_of

Item = TypeVar("Item", bound=Mapping[str, Any])


class ValidatePipeline:
    """Checks each record against the published JSON Schema.

    A record that fails goes to the run's rejects file (through ``signals.record_rejected``) with its
    URL and the reason, and is counted in ``bhg/rejects``; it is never dropped silently.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Item) -> Item:
        reason = validation_error(item)
        if reason is None:
            return item
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("bhg/rejects")
        self.crawler.signals.send_catch_log(signals.record_rejected, record=item, reason=reason)
        raise DropItem(f"invalid record {item.get('url')}: {reason}", log_level="WARNING")


class DedupePipeline:
    """Exports each article once per version, within the run and across runs (the state store).

    Within a run, the same article is recognised by record id, by canonical URL or alias, and by content
    hash (the same article under two ids): the copy is dropped and its URLs merged as aliases
    (``bhg/duplicates/<by>``). Across runs, an article already exported with the same content is dropped
    (``bhg/articles/unchanged``), changed content becomes the next ``version`` with ``previous_sha256``
    (``bhg/articles/changed``), and content already exported under another id is a duplicate.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.state = state_of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        stats = self.crawler.stats
        assert stats is not None
        placement = self.state.place(item)
        if placement.verdict == "duplicate":
            stats.inc_value(f"bhg/duplicates/{placement.by}")
            urls = [item["url"], *item["url_aliases"]]
            self.crawler.signals.send_catch_log(signals.aliases_found, record_id=placement.original, urls=urls)
            if item["record_id"] != placement.original:
                self.state.failed(item["record_id"], item["url"], f"a duplicate of {placement.original}", retry=False)
            raise DropItem(f"duplicate of {placement.original} (same {placement.by}): {item['url']}", log_level="DEBUG")
        if placement.verdict == "unchanged":
            self.state.unchanged(item["record_id"])
            stats.inc_value("bhg/articles/unchanged")
            raise DropItem(f"unchanged since its last export: {item['url']}", log_level="DEBUG")
        item["version"], item["previous_sha256"] = placement.version, placement.previous_sha256
        if placement.version > 1:
            stats.inc_value("bhg/articles/changed")
        self.state.exporting(item)
        return item
