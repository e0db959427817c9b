"""The distributed mode: a crawl by two workers sharing it through Redis, against one worker alone, on the
same replica with a simulated network latency per response."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.figures import Figure
from bhg_crawler.app.crawl import replica_settings
from bhg_crawler.app.demo import local_redis
from bhg_replica.process import running_replica

LATENCY_MS = 250
CONCURRENCY = 8  # requests in flight a worker: with the latency, what bounds a worker is the network


def crawl_with(workers: int, articles: int, work: Path) -> float:
    """Seconds for ``workers`` workers to crawl a fresh replica whole, with a Redis of their own."""
    folder = work / f"distributed-{workers}"
    folder.mkdir()
    with local_redis(folder) as redis_url, running_replica(articles, latency_ms=LATENCY_MS) as url:
        settings = {**replica_settings(url), "CONCURRENT_REQUESTS": str(CONCURRENCY),
                    "CONCURRENT_REQUESTS_PER_DOMAIN": str(CONCURRENCY), "BHG_REDIS_IDLE_SECONDS": "1",
                    "LOG_LEVEL": "WARNING"}  # fmt: skip
        commands = []
        for n in range(workers):
            home = folder / f"worker-{n}"
            line = [sys.executable, "-m", "bhg_crawler", "run", "--redis", redis_url,
                    "--state", str(home / "state.sqlite3"), "--exports", str(home / "exports"),
                    "--logs", str(home / "logs")]  # fmt: skip
            for name, value in settings.items():
                line += ["-s", f"{name}={value}"]
            commands.append(line)
        started = time.monotonic()
        children = [subprocess.Popen(line, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for line in commands]
        codes = [child.wait() for child in children]
        seconds = time.monotonic() - started
    if any(code != 0 for code in codes):
        raise RuntimeError(f"a worker of the {workers}-worker crawl exited {codes}; see {folder}")
    return seconds


def distributed(articles: int, work: Path) -> Figure:
    one = crawl_with(1, articles, work)
    two = crawl_with(2, articles, work)
    return Figure(f"two workers / one, {articles:,} articles, {LATENCY_MS} ms a response", one / two, "x",
                  ">= 1.8", one / two >= 1.8,
                  {"one_worker_seconds": round(one, 2), "two_workers_seconds": round(two, 2),
                   "latency_ms": LATENCY_MS, "concurrency_per_worker": CONCURRENCY})  # fmt: skip
