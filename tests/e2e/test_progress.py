"""A run's log: at INFO, no record dumped, and a progress line every BHG_PROGRESS_SECONDS."""

from __future__ import annotations

import re
from pathlib import Path

from bhg_crawler.runs.outcome import ExitCode
from tests.helpers import bhg_run, manifests, replica

PROGRESS = re.compile(
    r"\[bhg_crawler\.monitoring\.progress\] INFO: Progress: ([\d,]+) pages, ([\d,]+) exported, queue [\d,]+, "
    r"[\d,]+ pages/min(?:, ETA (?:\d+ s|\d+ min|\d+ h \d\d min|\?)(?: \(.+\))?)?$"
)


def test_a_run_logs_its_progress_at_info_and_no_record(tmp_path: Path) -> None:
    with replica(0, 600) as (url, _):
        run = bhg_run(url, 0, tmp_path, "-s", "BHG_PROGRESS_SECONDS=0.2", "-s", "CONCURRENT_REQUESTS=4")
    assert run.returncode == ExitCode.OK, run.stderr[-2000:]
    assert run.stderr == ""  # not a terminal: no status line drawn
    [manifest] = manifests(tmp_path)
    log = (tmp_path / "logs" / f"{manifest['run_id']}.log").read_text(encoding="utf-8")
    lines = [PROGRESS.search(line) for line in log.splitlines() if "Progress: " in line]
    assert len(lines) >= 2 and all(lines), log[-3000:]
    pages = [int(m[1].replace(",", "")) for m in lines if m is not None]
    assert pages == sorted(pages) and pages[-1] > pages[0]  # it counts as it goes
    assert any("ETA" in m[0] for m in lines if m is not None)  # once the listings are known
    assert " DEBUG: " not in log and "Scraped from" not in log
    warnings = [line for line in log.splitlines() if " WARNING: " in line]
    assert all("[bhg] WARNING: Could not fetch article" in line for line in warnings), warnings  # dead links, no noise
    assert len(log.encode()) < 100 * manifest["counts"]["articles"]  # at DEBUG 6.4 kB an article
