"""The benchmarks run and report every figure (their values are for `make bench`, never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT


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
                     "next-day run requests / allowance", "recovery at BHG_RECOVER_RATE=2",
                     "recovery at BHG_RECOVER_RATE=5", "recovery from pywb CPU a capture",
                     "recovery from WARC files CPU a capture"):  # fmt: skip
        assert expected in names
    for figure in figures.values():
        assert figure["value"] > 0, figure
    speed = next(f for f in figures.values() if f["name"].startswith("crawl throughput"))
    assert speed["detail"]["ours_pages"] > 300  # every article, plus listings and the home page
    assert speed["detail"]["scrapy_bench_pages"] > 0
    next_day = next(f for f in figures.values() if f["name"].startswith("next-day run requests / allowance"))
    assert next_day["detail"]["new_or_changed"] >= 3  # 1% of 300 new, and edits
    for figure in (f for f in figures.values() if f["name"].startswith("recovery at ")):
        assert figure["detail"]["requests"] > 30  # every article's capture, the index and robots.txt
    for figure in (f for f in figures.values() if "CPU a capture" in f["name"]):
        assert figure["detail"]["captures"] == 30
    assert str(path) in result.stdout
