"""A Scrapy extension for ``python -m bench --trace``: where the crawl's memory went, by line of code."""

from __future__ import annotations

import json
import sysconfig
import tracemalloc
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler

PLACES = (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"], str(Path(__file__).parent.parent))


def short(filename: str) -> str:
    """A source file named from its library, the standard library or the project's folder."""
    for place in PLACES:
        if filename.startswith(place + "/"):
            return filename[len(place) + 1 :]
    return filename


class MemoryProbe:
    """Snapshots the Python heap when the spider opens and when it closes; writes the top growths."""

    def __init__(self, path: Path, top: int = 15):
        self.path = path
        self.top = top
        self.start: tracemalloc.Snapshot | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MemoryProbe:
        probe = cls(Path(crawler.settings["BENCH_TRACE_FILE"]))
        crawler.signals.connect(probe.spider_opened, signals.spider_opened)
        crawler.signals.connect(probe.spider_closed, signals.spider_closed)
        return probe

    def spider_opened(self, spider: Spider) -> None:
        tracemalloc.start(1)
        self.start = tracemalloc.take_snapshot()

    def spider_closed(self, spider: Spider) -> None:
        assert self.start is not None
        growth = tracemalloc.take_snapshot().compare_to(self.start, "lineno")
        tracemalloc.stop()
        rows = [
            {"where": f"{short(stat.traceback[0].filename)}:{stat.traceback[0].lineno}",
             "kib": round(stat.size_diff / 1024, 1), "blocks": stat.count_diff}
            for stat in growth[: self.top]
        ]  # fmt: skip
        self.path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
