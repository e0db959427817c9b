"""The benchmark's own arithmetic: final stats, token F1, the table of goals."""

from __future__ import annotations

import pytest

from bench.crawls import final_stats
from bench.extraction import token_f1
from bench.figures import Figure, table


def test_final_stats_reads_scrapy_s_dump() -> None:
    assert final_stats(SCRAPY_LOG) == {
        "bhg/exported": 300,
        "elapsed_time_seconds": 3.25,
        "response_received_count": 331,
    }


def test_final_stats_without_a_dump_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="no stats"):
        final_stats("Traceback (most recent call last):\n")


def test_token_f1() -> None:
    assert token_f1("Hà Giang mùa lúa", "hà giang mùa lúa") == 1.0
    assert token_f1("", "hà giang") == 0.0
    assert token_f1("hà giang", "hà giang mùa lúa") == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_table_marks_missed_goals() -> None:
    text = table([Figure("speed", 0.5, "x", ">= 0.8", False), Figure("rss", 90.0, "MB")])
    assert "MISSED" in text.splitlines()[2]
    assert text.splitlines()[3].split() == ["rss", "90", "MB"]


SCRAPY_LOG = """2026-11-25 03:15:03 [scrapy.statscollectors] INFO: Dumping Scrapy stats:
{'bhg/exported': 300,
 'elapsed_time_seconds': 3.25,
 'finish_time': datetime.datetime(2026, 11, 25, 3, 15, 3, tzinfo=datetime.timezone.utc),
 'response_received_count': 331}
2026-11-25 03:15:03 [scrapy.core.engine] INFO: Spider closed (finished)
"""
