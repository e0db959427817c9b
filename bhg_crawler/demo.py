"""``make demo``: serve the replica, crawl it, write exports, stop the replica."""

from __future__ import annotations

import sys
from pathlib import Path

from bhg_crawler.crawl import replica_settings, summary
from bhg_crawler.outcome import ExitCode
from bhg_crawler.replica.process import running_replica
from bhg_crawler.runner import run_crawl


def run_demo(articles: int, seed: int, exports: Path) -> int:
    """A whole crawl of a fresh replica, with a state of its own in memory, so every demo exports all."""
    with running_replica(articles, seed) as url:
        print(f"Replica of {articles} articles serving at {url}", flush=True)
        settings = {**replica_settings(url), "BHG_EXPORTS": str(exports), "BHG_STATE": "", "BHG_LOGS": ""}
        result = run_crawl({}, settings)
    manifest = exports / "runs" / f"{result.run_id}.json"
    if not manifest.exists():
        print(f"The crawl failed (exit code {int(result.code)}) and wrote no manifest", file=sys.stderr)
        return result.code or ExitCode.FAILED
    print("\n".join(summary(exports, result.run_id)))
    return result.code
