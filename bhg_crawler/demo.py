"""``make demo``: serve the replica, crawl it, write exports, stop the replica."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bhg_crawler.replica.process import running_replica

# Politeness off: the replica runs on loopback and is ours to load.
REPLICA_SPEED = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


def run_demo(articles: int, seed: int, exports: Path) -> int:
    exports.mkdir(parents=True, exist_ok=True)
    output = exports / "demo-articles.jsonl"
    with running_replica(articles, seed) as url:
        print(f"Replica of {articles} articles serving at {url}", flush=True)
        command = [sys.executable, "-m", "scrapy", "crawl", "bhg", "-O", str(output), "-s", f"BHG_VIA={url}"]
        for name, value in REPLICA_SPEED.items():
            command += ["-s", f"{name}={value}"]
        env = dict(os.environ, SCRAPY_SETTINGS_MODULE="bhg_crawler.settings")
        result = subprocess.run(command, env=env, check=False)
    if result.returncode != 0:
        print(f"The crawl failed with exit code {result.returncode}", file=sys.stderr)
        return result.returncode
    with output.open(encoding="utf-8") as lines:
        count = sum(1 for _ in lines)
    print(f"Exported {count} articles to {output.resolve()}")
    return 0
