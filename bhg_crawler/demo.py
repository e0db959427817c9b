"""``make demo``: serve the replica, crawl it, write exports, stop the replica."""

from __future__ import annotations

import sys
from pathlib import Path

from bhg_crawler.crawl import REPLICA_SPEED, run_scrapy, summary
from bhg_crawler.exports import new_run_id
from bhg_crawler.replica.process import running_replica


def run_demo(articles: int, seed: int, exports: Path) -> int:
    run_id = new_run_id("bhg")
    with running_replica(articles, seed) as url:
        print(f"Replica of {articles} articles serving at {url}", flush=True)
        settings = {**REPLICA_SPEED, "BHG_VIA": url, "BHG_EXPORTS": str(exports), "BHG_RUN_ID": run_id}
        returncode = run_scrapy(["crawl", "bhg"], settings)
    if returncode != 0 or not (exports / "runs" / f"{run_id}.json").exists():
        print(f"The crawl failed (exit code {returncode}) and wrote no manifest", file=sys.stderr)
        return returncode or 1
    print("\n".join(summary(exports, run_id)))
    return 0
