"""A run's progress: the estimate of what is left, the line people read, and when it is logged or drawn."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured

from bhg_crawler.monitoring.progress import Progress, Snapshot, Walk, duration, walk_etas, walks_of
from tests.helpers import project_crawler


@pytest.mark.parametrize(
    ("walk", "remaining"),
    [
        (Walk(pages=2, requested=40, left=3, articles=30), 70.0),  # 40 asked for, 3 pages more at 20: 100, less 30
        (Walk(pages=1, requested=20, left=0, articles=15), 5.0),  # the walk ended: what it asked for, less fetched
        (Walk(pages=4, requested=80, left=0, articles=95), 0.0),  # more fetched (related links) than listed
        (Walk(pages=3, requested=0, left=2, articles=0), 0.0),  # an incremental walk: nothing new listed
        (Walk(), 0.0),
    ],
)  # fmt: skip
def test_a_sections_articles_left_are_those_its_listing_holds_less_those_fetched(walk: Walk, remaining: float) -> None:
    assert walk.remaining == remaining


XA_HOI = Walk(pages=2, requested=40, left=3, articles=30)  # 70 left
KINH_TE = Walk(pages=1, requested=20, left=0, articles=15)  # 5 left
DU_LICH = Walk(pages=4, requested=80, left=0, articles=80)  # done


@pytest.mark.parametrize(
    ("walks", "elapsed", "etas"),
    [
        # 125 articles in 50 s: 2.5 a second. kinh-te's 5 go with 5 of xa-hoi's; xa-hoi's 70 with kinh-te's 5.
        ({"xa-hoi": XA_HOI, "kinh-te": KINH_TE, "du-lich": DU_LICH}, 50.0,
         {"xa-hoi": 30.0, "kinh-te": 4.0, "du-lich": 0.0}),
        ({"xa-hoi": XA_HOI}, 15.0, {"xa-hoi": 35.0}),  # 70 at 2 a second
        ({"xa-hoi": Walk(pages=1, requested=20, left=9)}, 10.0, {"xa-hoi": None}),  # no article fetched yet
        ({"xa-hoi": XA_HOI}, 0.0, {"xa-hoi": None}),
        ({}, 10.0, {}),
    ],
)  # fmt: skip
def test_each_sections_eta_counts_the_sections_walked_beside_it(
    walks: dict[str, Walk], elapsed: float, etas: dict[str, float | None]
) -> None:
    assert walk_etas(walks, elapsed) == etas


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0, "0 s"), (59.4, "59 s"), (59.6, "1 min"), (600, "10 min"), (3599, "1 h 00 min"), (11_100, "3 h 05 min"),
     (20 * 3600, "20 h 00 min")],
)  # fmt: skip
def test_durations_read_in_seconds_minutes_or_hours(seconds: float, said: str) -> None:
    assert duration(seconds) == said


STATS = {
    "response_received_count": 1234,
    "item_scraped_count": 980,
    "scheduler/enqueued": 1300,
    "scheduler/dequeued": 1255,
    "bhg/walks/xa-hoi/pages": 2, "bhg/walks/xa-hoi/requested": 40, "bhg/walks/xa-hoi/left": 3,
    "bhg/walks/xa-hoi/articles": 30,
    "bhg/walks/kinh-te/pages": 1, "bhg/walks/kinh-te/requested": 20, "bhg/walks/kinh-te/left": 0,
    "bhg/walks/kinh-te/articles": 10,
    "bhg/walks/kinh-te/cong-nghiep/articles": 5,  # a child section, listed in its parent's listing
    "bhg/walks/du-lich/pages": 4, "bhg/walks/du-lich/requested": 80, "bhg/walks/du-lich/left": 0,
    "bhg/walks/du-lich/articles": 80,
    "bhg/walks/english/news/articles": 3,  # fetched through a related link, its section not walked
}  # fmt: skip
# 1,234 pages in 200 s: 370 a minute; 125 articles of walked sections: 0.625 a second, so xa-hoi's 70 and kinh-te's
# 5 take 120 s, kinh-te's 16 s.
LINE = "1,234 pages, 980 exported, queue 45, 370 pages/min, ETA 2 min (xa-hoi 2 min, kinh-te 16 s)"


def test_the_walks_are_read_from_the_stats_a_child_sections_articles_counted_in_its_parents() -> None:
    assert walks_of(STATS) == {"du-lich": DU_LICH, "kinh-te": KINH_TE, "xa-hoi": XA_HOI}


@pytest.mark.parametrize(
    ("stats", "elapsed", "line"),
    [
        (STATS, 200.0, LINE),
        # the-thao's 100 left (20, and 4 pages more): 175 articles at 0.625 a second for it, 145 for xa-hoi, 15 for kinh-te
        ({**STATS, "bhg/walks/the-thao/pages": 1, "bhg/walks/the-thao/requested": 20, "bhg/walks/the-thao/left": 4},
         200.0, "1,234 pages, 980 exported, queue 45, 370 pages/min, ETA 5 min (the-thao 5 min, xa-hoi 4 min, kinh-te 24 s)"),
        ({"response_received_count": 3, "scheduler/enqueued": 20, "scheduler/dequeued": 3}, 1.0,
         "3 pages, 0 exported, queue 17, 180 pages/min"),  # a run of URLs, or before any listing
        ({**STATS, "bhg/walks/xa-hoi/articles": 0, "bhg/walks/kinh-te/articles": 0, "bhg/walks/kinh-te/cong-nghiep/articles": 0,
          "bhg/walks/du-lich/articles": 0}, 200.0,
         "1,234 pages, 980 exported, queue 45, 370 pages/min, ETA ? (du-lich ?, kinh-te ?, xa-hoi ?)"),
    ],
)  # fmt: skip
def test_the_progress_line_says_pages_exports_queue_pace_and_eta(
    stats: dict[str, int], elapsed: float, line: str
) -> None:
    assert Snapshot.of(stats, elapsed).line() == line


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def driven(stream: io.StringIO | None) -> tuple[Progress, Clock]:
    """The extension over a crawler whose stats are ``STATS``, opened at the clock's time."""
    crawler = project_crawler(Spider)
    clock = Clock()
    progress = Progress(crawler, 60.0, stream, clock)
    assert crawler.stats is not None
    crawler.stats.set_stats(dict(STATS))
    progress.opened = clock.now
    clock.now += 200.0
    return progress, clock


def test_the_extension_logs_the_line_and_draws_it_over_the_last_on_a_terminal(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    progress, clock = driven(stream)
    with caplog.at_level(logging.INFO, logger="bhg_crawler.monitoring.progress"):
        progress.log()
        clock.now += 200.0  # twice as long for the same figures: half the pace, twice the time left
        progress.log()
    later = "1,234 pages, 980 exported, queue 45, 185 pages/min, ETA 4 min (xa-hoi 4 min, kinh-te 32 s)"
    assert [r.getMessage() for r in caplog.records] == [f"Progress: {LINE}", f"Progress: {later}"]
    monkeypatch.setenv("COLUMNS", "200")
    progress.redraw()
    monkeypatch.setenv("COLUMNS", "41")
    progress.redraw()  # cut to the terminal's width, less the column the cursor stands in
    assert stream.getvalue() == f"\r\x1b[K{later}\r\x1b[K{later[:40]}"
    progress.spider_closed(Spider("bhg"), "finished")
    assert stream.getvalue().endswith("\r\x1b[K")  # the status line wiped for what the command prints next


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("settings", "terminal", "drawn", "interval"),
    [
        ({"LOG_FILE": "run.log"}, True, True, 60.0),  # bhg-crawl run on a terminal: its log in a file
        ({"LOG_FILE": "run.log"}, False, False, 60.0),  # under cron: the log lines only
        ({}, True, False, 60.0),  # scrapy crawl: the log is on the terminal, no line drawn over it
        ({"LOG_FILE": "run.log", "BHG_PROGRESS_TTY": False}, True, False, 60.0),
        ({"LOG_FILE": "run.log", "BHG_PROGRESS_SECONDS": 0}, True, True, 0.0),
        ({"LOG_FILE": "run.log", "BHG_PROGRESS_SECONDS": 5}, False, False, 5.0),
    ],
)  # fmt: skip
def test_the_status_line_is_drawn_only_on_a_terminal_the_log_is_not_written_to(
    monkeypatch: pytest.MonkeyPatch, settings: dict[str, object], terminal: bool, drawn: bool, interval: float
) -> None:
    stderr = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    progress = Progress.from_crawler(project_crawler(Spider, **settings))
    assert (progress.stream is stderr, progress.interval) == (drawn, interval)


def test_the_extension_is_off_with_no_interval_and_no_terminal() -> None:
    with pytest.raises(NotConfigured):
        Progress.from_crawler(project_crawler(Spider, BHG_PROGRESS_SECONDS=0, LOG_FILE="run.log"))
