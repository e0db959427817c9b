"""``make demo``: serve the replica, crawl it, write exports, stop the replica."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bhg_crawler.crawl import REPLICA_SPEED, run_scrapy
from bhg_crawler.exports import new_run_id
from bhg_crawler.replica.process import running_replica


def run_demo(articles: int, seed: int, exports: Path) -> int:
    run_id = new_run_id("bhg")
    with running_replica(articles, seed) as url:
        print(f"Replica of {articles} articles serving at {url}", flush=True)
        settings = {**REPLICA_SPEED, "BHG_VIA": url, "BHG_EXPORTS": str(exports), "BHG_RUN_ID": run_id}
        returncode = run_scrapy(["crawl", "bhg"], settings)
    manifest_path = exports / "runs" / f"{run_id}.json"
    if returncode != 0 or not manifest_path.exists():
        print(f"The crawl failed (exit code {returncode}); no manifest at {manifest_path}", file=sys.stderr)
        return returncode or 1
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    counts = manifest["counts"]
    print(
        f"Run {run_id} ({manifest['status']}): {counts['articles']} articles exported, {counts['rejects']} rejected, "
        f"{counts['duplicates']} duplicates dropped, {counts['failures']} pages not fetched"
    )
    for entry in manifest["files"]:
        print(f"  {(exports / entry['path']).resolve()}  ({entry['kind']}, {entry['records']} records)")
    print(f"  {manifest_path.resolve()}  (manifest)")
    return 0
