"""A heartbeat file, rewritten while the run is alive: a run that died without closing leaves it stale."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from bhg_crawler.core.clock import now_utc
from bhg_crawler.core.components import CrawlerComponent
from bhg_crawler.core.files import json_document, write_atomically


def heartbeat_path(settings: Any) -> Path | None:
    """The heartbeat file: ``BHG_HEARTBEAT``, else ``<BHG_EXPORTS>/heartbeat.json``; None when exports are off."""
    if settings.get("BHG_HEARTBEAT"):
        return Path(settings["BHG_HEARTBEAT"])
    if settings.get("BHG_EXPORTS"):
        return Path(settings["BHG_EXPORTS"]) / "heartbeat.json"
    return None


def stale(beat: dict[str, Any], now: datetime, beats: float = 3) -> bool:
    """Whether a heartbeat says ``running`` but missed ``beats`` beats: the run died without closing."""
    if beat.get("status") != "running":
        return False
    updated = datetime.fromisoformat(beat["updated_at"].replace("Z", "+00:00"))
    return (now - updated).total_seconds() > beats * float(beat["interval_seconds"])


class Heartbeat(CrawlerComponent):
    """Rewrites the heartbeat file every ``BHG_HEARTBEAT_SECONDS`` while the run is alive, and once more when it
    closes. The file (``BHG_HEARTBEAT``; default ``<BHG_EXPORTS>/heartbeat.json``, none when exports are off;
    0 seconds turns it off) says ``running`` with the time of the last beat and the run's counts, or
    ``closed`` with the finish reason and the exit code."""

    def __init__(self, crawler: Crawler, path: Path, interval: float):
        super().__init__(crawler)
        self.path = path
        self.interval = interval
        self.started_at = now_utc()
        self.task = LoopingCall(self.beat)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Heartbeat:
        interval = crawler.settings.getfloat("BHG_HEARTBEAT_SECONDS")
        path = heartbeat_path(crawler.settings)
        if interval <= 0 or path is None:
            raise NotConfigured  # off (BHG_HEARTBEAT_SECONDS 0, or no file): no warning in the log
        heartbeat = cls(crawler, path, interval)
        heartbeat.listen("spider_opened", "spider_closed")
        return heartbeat

    def spider_opened(self, spider: Spider) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.task.start(self.interval, now=True)

    def beat(self, **closing: Any) -> None:
        """Rewrites the file (atomically): running, or with ``closing`` (finish reason, exit code, outcome) closed."""
        stats = self.stats.get_stats()
        beat = {
            "run_id": self.crawler.settings.get("BHG_RUN_ID"),
            "pid": os.getpid(),
            "status": "closed" if closing else "running",
            "started_at": self.started_at,
            "updated_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "interval_seconds": self.interval,
            "requests": stats.get("downloader/request_count", 0),
            "responses": stats.get("downloader/response_count", 0),
            "exported": stats.get("item_scraped_count", 0),
            "failures": stats.get("bhg/failures", 0),
            **closing,
        }
        write_atomically(self.path, json_document(beat))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task.running:
            self.task.stop()
        stats = self.stats.get_stats()
        self.beat(finish_reason=reason, exit_code=stats.get("bhg/exit_code"), outcome=stats.get("bhg/outcome"))
