"""Item pipelines: each record in the run's date range, valid, and new; each its own component."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from bhg_crawler.core import signals
from bhg_crawler.core.components import CrawlerComponent
from bhg_crawler.core.errors import Dropped
from bhg_crawler.extract.record import validation_error
from bhg_crawler.sites.urls import record_id
from bhg_crawler.state.binding import state_of
from bhg_crawler.state.store import StateStore

Item = TypeVar("Item", bound=Mapping[str, Any])


class StatePipeline(CrawlerComponent):
    """A pipeline that reads and writes the state store."""

    @property
    def state(self) -> StateStore:
        """The run's state store."""
        return state_of(self.crawler)


class RangePipeline(StatePipeline):
    """Drops a record published outside the run's ``--since``/``--until`` (the spider's ``options``): an
    article reached through a link that gave no date. Counted in ``bhg/articles/out_of_range``; in the
    failures ledger with its reason, not to be retried."""

    def process_item(self, item: Item) -> Item:
        options = getattr(self.crawler.spider, "options", None)
        published = item.get("published_at")
        if options is None or not published or options.in_range(datetime.fromisoformat(published)):
            return item
        self.stats.inc_value("bhg/articles/out_of_range")
        if item.get("article_id"):
            self.state.failed(item["record_id"], item["url"], "published outside the run's --since/--until",
                              retry=False)  # fmt: skip
        raise Dropped("out_of_range", f"published outside the run's range: {item['url']}", log_level="DEBUG")


class ValidatePipeline(StatePipeline):
    """Checks each record against the published JSON Schema.

    A record that fails goes to the run's rejects file (through ``signals.record_rejected``) with its URL and
    the reason, and to the failures ledger; it is counted in ``bhg/rejects`` and never dropped silently.
    """

    def process_item(self, item: Item) -> Item:
        reason = validation_error(item)
        if reason is None:
            return item
        self.stats.inc_value("bhg/rejects")
        if item.get("article_id") and item.get("url"):
            self.state.failed(record_id(item["site"], item["article_id"]), str(item["url"]), f"rejected: {reason}")
        self.crawler.signals.send_catch_log(signals.record_rejected, record=item, reason=reason)
        raise Dropped("rejected", f"invalid record {item.get('url')}: {reason}", log_level="WARNING")


class DedupePipeline(StatePipeline):
    """Exports each article once per version, within the run and across runs (the state store).

    Within a run, the same article is recognised by record id, by canonical URL or alias, and by content
    hash (the same article under two ids): the copy is dropped and its URLs merged as aliases
    (``bhg/duplicates/<by>``). Across runs, an article already exported with the same content is dropped
    (``bhg/articles/unchanged``), changed content becomes the next ``version`` with ``previous_sha256``
    (``bhg/articles/changed``), and content already exported under another id is a duplicate.
    """

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        placement = self.state.place(item)
        if placement.verdict == "duplicate":
            self.stats.inc_value(f"bhg/duplicates/{placement.by}")
            urls = [item["url"], *item["url_aliases"]]
            self.crawler.signals.send_catch_log(signals.aliases_found, record_id=placement.original, urls=urls)
            if item["record_id"] != placement.original:
                self.state.failed(item["record_id"], item["url"], f"a duplicate of {placement.original}", retry=False)
            raise Dropped("duplicate", f"duplicate of {placement.original} (same {placement.by}): {item['url']}",
                          log_level="DEBUG")  # fmt: skip
        if placement.verdict == "unchanged":
            self.state.unchanged(item["record_id"])
            self.stats.inc_value("bhg/articles/unchanged")
            raise Dropped("unchanged", f"unchanged since its last export: {item['url']}", log_level="DEBUG")
        item["version"], item["previous_sha256"] = placement.version, placement.previous_sha256
        if placement.version > 1:
            self.stats.inc_value("bhg/articles/changed")
        self.state.exporting(item)
        return item
