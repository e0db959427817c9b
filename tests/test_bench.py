"""The benchmarks run and report every figure (their values are for `make bench`, never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.crawls import final_stats
from bench.extraction import token_f1
from bench.figures import Figure, table
from tests.conftest import ROOT

SCRAPY_LOG = """2026-11-25 03:15:03 [scrapy.statscollectors] INFO: Dumping Scrapy stats:
{'bhg/exported': 300,
 'elapsed_time_seconds': 3.25,
 'finish_time': datetime.datetime(2026, 11, 25, 3, 15, 3, tzinfo=datetime.timezone.utc),
 'response_received_count': 331}
2026-11-25 03:15:03 [scrapy.core.engine] INFO: Spider closed (finished)
"""


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


def test_quick_bench_reports_every_figure(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    [path] = tmp_path.glob("*.json")
    results = json.loads(path.read_text(encoding="utf-8"))
    assert results["machine"]["cores"] >= 1
    figures = {f["name"]: f for f in results["figures"]}
    names = " | ".join(figures)
    for expected in ("crawl throughput", "RSS growth", "extraction speed", "body token F1", "export rate",
                     "next-day run requests / allowance"):  # fmt: skip
        assert expected in names
    for figure in figures.values():
        assert figure["value"] > 0, figure
    speed = next(f for f in figures.values() if f["name"].startswith("crawl throughput"))
    assert speed["detail"]["ours_pages"] > 300  # every article, plus listings and the home page
    assert speed["detail"]["scrapy_bench_pages"] > 0
    next_day = next(f for f in figures.values() if f["name"].startswith("next-day run requests / allowance"))
    assert next_day["detail"]["new_or_changed"] >= 3  # 1% of 300 new, and edits
    assert str(path) in result.stdout
