"""Item pipelines: clean, validate, dedupe; each its own component."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from bhg_crawler import signals
from bhg_crawler.records import clean_record, validation_error


class CleanPipeline:
    """Normalises every text field (NFC, entities, spaces) and computes the derived fields."""

    def process_item(self, item: Any) -> dict[str, Any]:
        return clean_record(ItemAdapter(item).asdict())


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

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        reason = validation_error(item)
        if reason is None:
            return item
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("bhg/rejects")
        self.crawler.signals.send_catch_log(signals.record_rejected, record=item, reason=reason)
        raise DropItem(f"invalid record {item.get('url')}: {reason}", log_level="WARNING")


class DedupePipeline:
    """Drops a second record of the same article within a run, merging its URLs as aliases.

    The same article is recognised by canonical URL, by record id, and by content hash (the same
    article under two ids). Counted in ``bhg/duplicates/<by>``.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.by_url: dict[str, str] = {}
        self.by_id: set[str] = set()
        self.by_content: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        record_id = item["record_id"]
        urls = [item["url"], *item["url_aliases"]]
        original, by = None, ""
        if record_id in self.by_id:
            original, by = record_id, "id"
        elif item["url"] in self.by_url:
            original, by = self.by_url[item["url"]], "url"
        elif item["content_sha256"] in self.by_content:
            original, by = self.by_content[item["content_sha256"]], "content"
        if original is not None:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"bhg/duplicates/{by}")
            self.crawler.signals.send_catch_log(signals.aliases_found, record_id=original, urls=urls)
            raise DropItem(f"duplicate of {original} (same {by}): {item['url']}", log_level="DEBUG")
        self.by_id.add(record_id)
        self.by_url[item["url"]] = record_id
        self.by_content[item["content_sha256"]] = record_id
        return item
