"""Crawl throughput against ``scrapy bench``, and the peak memory of crawls of growing replicas."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.figures import Figure
from bhg_crawler.app.crawl import REPLICA_SPEED, scrapy_command, scrapy_env
from bhg_replica.process import running_replica

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 16
STAT = re.compile(r"'([\w/]+)': ([0-9.]+)[,}]")


@dataclass
class Crawl:
    """What one Scrapy process did: its exit code, final stats, peak resident memory and CPU time (user and
    system, seconds)."""

    returncode: int
    stats: dict[str, float]
    peak_rss_mb: float
    log: str
    cpu_seconds: float = 0.0

    @property
    def pages(self) -> int:
        return int(self.stats.get("response_received_count", 0))

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.stats["elapsed_time_seconds"]


def final_stats(log: str) -> dict[str, float]:
    """The numeric stats of Scrapy's closing "Dumping Scrapy stats" block."""
    _, found, dump = log.rpartition("Dumping Scrapy stats:")
    if not found:
        raise RuntimeError(f"no stats in the crawl's log: {log[-2000:]}")
    return {name: float(value) for name, value in STAT.findall(dump)}


def measure(command: list[str], env: dict[str, str], cwd: Path, codes: tuple[int, ...] = (0,)) -> Crawl:
    """Runs a Scrapy process to its end, which must exit with one of ``codes``; its peak RSS and CPU time come
    from the kernel's own account (wait4)."""
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        text = log.read().decode("utf-8", errors="replace")
    if child.returncode not in codes:
        raise RuntimeError(f"{' '.join(command[:5])} exited {child.returncode}: {text[-2000:]}")
    return Crawl(child.returncode, final_stats(text), usage.ru_maxrss / 1024, text, usage.ru_utime + usage.ru_stime)


def crawl_replica(articles: int, work: Path, trace: Path | None = None) -> Crawl:
    """A full crawl of a replica of ``articles`` articles with the benchmark profile."""
    settings = {**REPLICA_SPEED, "CONCURRENT_REQUESTS": str(CONCURRENCY),
                "CONCURRENT_REQUESTS_PER_DOMAIN": str(CONCURRENCY), "BHG_EXPORTS": str(work / f"exports-{articles}"),
                "BHG_RUN_ID": "bench", "BHG_STATE": str(work / f"state-{articles}.sqlite3")}  # fmt: skip
    if trace is not None:
        settings["EXTENSIONS"] = json.dumps({"bhg_crawler.runs.export.RunExport": 500, "bench.probe.MemoryProbe": 900})
        settings["BENCH_TRACE_FILE"] = str(trace)
    with running_replica(articles) as url:
        command = scrapy_command(["crawl", "bhg"], {**settings, "BHG_VIA": url})
        crawl = measure(command, scrapy_env(), ROOT)  # the project's folder, where bench.probe imports from
    if crawl.stats.get("bhg/exported") != articles:  # a figure of an incomplete crawl would mislead
        log = ROOT / "bench" / "results" / f"incomplete-crawl-{articles}.log"
        log.write_text(crawl.log, encoding="utf-8")
        raise RuntimeError(f"the crawl of {articles:,} articles exported {crawl.stats.get('bhg/exported')}; see {log}")
    return crawl


def scrapy_bench(seconds: int, work: Path) -> Crawl:
    """``scrapy bench`` at the same concurrency, outside the project so that none of its settings apply."""
    settings = {"CONCURRENT_REQUESTS": str(CONCURRENCY), "CONCURRENT_REQUESTS_PER_DOMAIN": str(CONCURRENCY),
                "CLOSESPIDER_TIMEOUT": str(seconds), "LOGSTATS_INTERVAL": "60"}  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    folder = work / "scrapy-bench"
    folder.mkdir(exist_ok=True)
    return measure(scrapy_command(["bench"], settings), env, folder)


def throughput(articles: int, bench_seconds: int, work: Path) -> tuple[Figure, Crawl]:
    ours = crawl_replica(articles, work)
    peer = scrapy_bench(bench_seconds, work)
    ratio = ours.pages_per_second / peer.pages_per_second
    figure = Figure(
        f"crawl throughput, {articles:,} articles / scrapy bench", ratio, "x", ">= 1.5", ratio >= 1.5,
        {"ours_pages": ours.pages, "ours_pages_per_second": round(ours.pages_per_second, 1),
         "scrapy_bench_pages": peer.pages, "scrapy_bench_pages_per_second": round(peer.pages_per_second, 1),
         "concurrency": CONCURRENCY, "python": sys.version.split()[0]},
    )  # fmt: skip
    return figure, ours


def memory(small: Crawl, small_articles: int, large: Crawl, large_articles: int) -> list[Figure]:
    growth = large.peak_rss_mb - small.peak_rss_mb
    return [
        Figure(f"peak RSS, {small_articles:,} articles", small.peak_rss_mb, "MB"),
        Figure(f"peak RSS, {large_articles:,} articles", large.peak_rss_mb, "MB"),
        Figure(f"RSS growth {small_articles:,} -> {large_articles:,} articles", growth, "MB", "< 25 MB", growth < 25),
    ]
