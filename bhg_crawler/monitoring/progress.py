"""A run's progress as people read it: a status line redrawn on a terminal, and a line in the log every minute."""

from __future__ import annotations

import logging
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from bhg_crawler.core.components import CrawlerComponent

logger = logging.getLogger(__name__)

WALKS = "bhg/walks/"  # bhg/walks/<section>/<pages|requested|left|articles>: the spider's figures of each walk
REDRAW_SECONDS = 1.0  # how often the status line on a terminal is redrawn


@dataclass(frozen=True)
class Walk:
    """A section's walk so far: listing ``pages`` walked, the article requests they made (``requested``), the
    pages its pagination shows ``left`` (0: the walk ended), and the ``articles`` of the section fetched."""

    pages: int = 0
    requested: int = 0
    left: int = 0
    articles: int = 0

    @property
    def remaining(self) -> float:
        """The section's articles still to fetch: those its walked pages asked for and ``left`` more pages at
        their mean, less those fetched."""
        if self.pages <= 0:
            return 0.0
        return max(self.requested * (1 + self.left / self.pages) - self.articles, 0.0)


def walk_etas(walks: Mapping[str, Walk], elapsed: float) -> dict[str, float | None]:
    """Seconds until each section's articles are fetched, at the run's pace so far (the articles fetched, of
    every section, over ``elapsed`` seconds); 0 for a section with none left; None for all before the first
    article.

    The sections share the crawl: listing pages have one priority and articles a higher one, so the sections
    move on together, and a section with R articles left is done once every section has fetched min(its own
    remaining, R) more. A listing's length is what its last page's pagination showed, its last page counted
    full: the estimate is an upper bound, the closer the longer the listings."""
    fetched = sum(walk.articles for walk in walks.values())
    if fetched <= 0 or elapsed <= 0:
        return dict.fromkeys(walks)
    pace = fetched / elapsed
    return {
        section: sum(min(other.remaining, walk.remaining) for other in walks.values()) / pace
        for section, walk in walks.items()
    }


def walks_of(stats: Mapping[str, Any]) -> dict[str, Walk]:
    """The sections' walks the stats show (``bhg/walks/<section>/<figure>``); the articles of a section that
    has no walk of its own (a child section, listed in its parent's) count for the nearest section that has."""
    figures: dict[str, dict[str, int]] = {}
    for name, value in stats.items():
        if name.startswith(WALKS):
            section, _, figure = name[len(WALKS) :].rpartition("/")
            figures.setdefault(section, {})[figure] = int(value)
    walked = {section for section, each in figures.items() if "pages" in each}
    articles: dict[str, int] = {}
    for section, each in figures.items():
        home = next((s for s in _parents(section) if s in walked), None)
        if home is not None:
            articles[home] = articles.get(home, 0) + each.get("articles", 0)
    return {
        s: Walk(figures[s]["pages"], figures[s].get("requested", 0), figures[s].get("left", 0), articles.get(s, 0))
        for s in sorted(walked)
    }


def _parents(section: str) -> list[str]:
    """A section slug and those of its parents, nearest first: ``a/b/c``, ``a/b``, ``a``."""
    parts = section.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


def duration(seconds: float) -> str:
    """``seconds`` for people: ``45 s``, ``12 min``, ``3 h 05 min``."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


@dataclass(frozen=True)
class Snapshot:
    """A run's progress at one moment: pages answered, records exported, requests queued, pages a minute, and
    the seconds left of each section's walk (None: not yet known)."""

    pages: int
    exported: int
    queued: int
    per_minute: float
    sections: dict[str, float | None]

    @classmethod
    def of(cls, stats: Mapping[str, Any], elapsed: float) -> Snapshot:
        """The progress the run's ``stats`` show ``elapsed`` seconds after it opened."""
        pages = int(stats.get("response_received_count", 0))
        queued = int(stats.get("scheduler/enqueued", 0)) - int(stats.get("scheduler/dequeued", 0))
        return cls(
            pages=pages,
            exported=int(stats.get("item_scraped_count", 0)),
            queued=max(queued, 0),
            per_minute=pages * 60 / elapsed if elapsed > 0 else 0.0,
            sections=walk_etas(walks_of(stats), elapsed),
        )

    @property
    def eta(self) -> float | None:
        """Seconds until every section's walk ends (the slowest's), None while a section's is not known."""
        etas = list(self.sections.values())
        if not etas or any(eta is None for eta in etas):
            return None
        return max(eta for eta in etas if eta is not None)

    def line(self) -> str:
        """One line: ``1,234 pages, 980 exported, queue 45, 310 pages/min, ETA 12 min (xa-hoi 3 min, ...)``;
        the sections still walking, slowest first."""
        pace = f"{self.per_minute:,.0f} pages/min"
        text = f"{self.pages:,} pages, {self.exported:,} exported, queue {self.queued:,}, {pace}"
        if not self.sections:
            return text
        eta = self.eta
        walking = sorted(((e, s) for s, e in self.sections.items() if e != 0), key=lambda p: -(p[0] or 0))
        each = ", ".join(f"{s} {duration(e) if e is not None else '?'}" for e, s in walking)
        return f"{text}, ETA {duration(eta) if eta is not None else '?'}" + (f" ({each})" if each else "")


class Progress(CrawlerComponent):
    """Says how far a run is: every ``BHG_PROGRESS_SECONDS`` (0: never) one INFO line in the log, which under
    cron is the run's log file; and when standard error is a terminal the log is not written to
    (``BHG_PROGRESS_TTY``), a status line there redrawn every second and cleared at the end. Both read the
    run's stats (``Snapshot``), the sections' walks from the spider's ``bhg/walks/<section>/...``."""

    def __init__(
        self,
        crawler: Crawler,
        interval: float,
        stream: TextIO | None,
        clock: Callable[[], float] = time.monotonic,
    ):
        super().__init__(crawler)
        self.interval = interval
        self.stream = stream
        self.clock = clock
        self.opened = clock()
        self.tasks = [(LoopingCall(self.log), interval)] if interval > 0 else []
        if stream is not None:
            self.tasks.append((LoopingCall(self.redraw), REDRAW_SECONDS))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        settings = crawler.settings
        interval = settings.getfloat("BHG_PROGRESS_SECONDS")
        log_on_terminal = settings.getbool("LOG_ENABLED") and not settings.get("LOG_FILE")
        terminal = settings.getbool("BHG_PROGRESS_TTY") and sys.stderr.isatty() and not log_on_terminal
        if interval <= 0 and not terminal:
            raise NotConfigured  # off: nothing to say, no warning in the log
        progress = cls(crawler, interval, sys.stderr if terminal else None)
        progress.listen("spider_opened", "spider_closed")
        return progress

    def snapshot(self) -> Snapshot:
        """The run's progress now."""
        return Snapshot.of(self.stats.get_stats(), self.clock() - self.opened)

    def log(self) -> None:
        """The progress line, in the log."""
        logger.info("Progress: %s", self.snapshot().line())

    def redraw(self) -> None:
        """The status line on the terminal, drawn over the last, cut to its width."""
        assert self.stream is not None
        width = shutil.get_terminal_size().columns - 1
        self.stream.write(f"\r\x1b[K{self.snapshot().line()[:width]}")
        self.stream.flush()

    def spider_opened(self, spider: Spider) -> None:
        self.opened = self.clock()
        for task, seconds in self.tasks:
            task.start(seconds, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        for task, _ in self.tasks:
            if task.running:
                task.stop()
        if self.stream is not None:
            self.stream.write("\r\x1b[K")  # the terminal is left to what the command prints next
            self.stream.flush()
