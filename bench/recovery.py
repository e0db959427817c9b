"""Recovery from a web archive, against pywb on loopback: requests a second against ``BHG_RECOVER_RATE``, and
CPU time a capture against a live crawl's CPU time a page of the same articles."""

from __future__ import annotations

from pathlib import Path

from bench.crawls import ROOT, Crawl, measure
from bench.figures import Figure
from bhg_crawler.app.crawl import REPLICA_SPEED, scrapy_command, scrapy_env
from bhg_replica.process import running_pywb, running_replica

RATES = (2.0, 5.0)  # BHG_RECOVER_RATE: requests a second at most
CPU_GOAL = 1.5  # a capture is an article page read from an archive: no dearer than 1.5 pages of a live crawl


def live_crawl(articles: int, work: Path) -> tuple[Crawl, list[Path]]:
    """A full crawl of a replica of ``articles`` articles with WARC archiving, politeness off; its WARC files."""
    exports = work / "recovery-live"
    settings = {**REPLICA_SPEED, "BHG_WARC": "1", "BHG_EXPORTS": str(exports), "BHG_RUN_ID": "bench-live",
                "BHG_STATE": str(work / "recovery-live.sqlite3")}  # fmt: skip
    with running_replica(articles) as url:
        crawl = measure(scrapy_command(["crawl", "bhg"], {**settings, "BHG_VIA": url}), scrapy_env(), ROOT)
    return crawl, sorted(exports.glob("*/*.warc.gz"))


def recovery(name: str, work: Path, spider_args: dict[str, str], rate: float) -> Crawl:
    """A recovery into a fresh state and exports, at ``rate`` (0: politeness off, as the live crawl)."""
    settings = {"BHG_RECOVER_RATE": str(rate), "BHG_EXPORTS": str(work / f"recovery-{name}"),
                "BHG_RUN_ID": f"bench-{name}", "BHG_STATE": str(work / f"recovery-{name}.sqlite3"),
                "LOG_LEVEL": "INFO", **(REPLICA_SPEED if rate == 0 else {})}  # fmt: skip
    crawl = measure(scrapy_command(["crawl", "recover"], settings, spider_args), scrapy_env(), ROOT)
    if not crawl.stats.get("bhg/recover/captures/extracted"):
        raise RuntimeError(f"the recovery {name} read no capture: {crawl.log[-2000:]}")
    return crawl


def cpu_figure(what: str, crawl: Crawl, live: Crawl, articles: int) -> Figure:
    """CPU seconds a capture extracted by ``crawl`` / CPU seconds a page of the live crawl."""
    captures = crawl.stats["bhg/recover/captures/extracted"]
    per_capture, per_page = crawl.cpu_seconds / captures, live.cpu_seconds / live.pages
    ratio = per_capture / per_page
    return Figure(f"{what} CPU a capture / live crawl CPU a page, {articles:,} articles", ratio, "x",
                  f"<= {CPU_GOAL}", ratio <= CPU_GOAL,
                  {"captures": int(captures), "cpu_ms_per_capture": round(per_capture * 1000, 2),
                   "live_pages": live.pages, "live_cpu_ms_per_page": round(per_page * 1000, 2)})  # fmt: skip


def rate_figure(crawl: Crawl, rate: float) -> Figure:
    """How close to its rate limit a recovery runs: the requests' intervals a second / the rate (n requests
    make n - 1 intervals, of 1 / rate seconds at the least)."""
    requests, seconds = crawl.stats["downloader/request_count"], crawl.stats["elapsed_time_seconds"]
    ratio = (requests - 1) / seconds / rate
    return Figure(f"recovery at BHG_RECOVER_RATE={rate:g}: requests a second / the rate", ratio, "x", "0.9 to 1",
                  0.9 <= ratio <= 1.0,
                  {"requests": int(requests), "seconds": round(seconds, 2),
                   "captures_per_second": round(crawl.stats["bhg/recover/captures/extracted"] / seconds, 2),
                   "cpu_seconds": round(crawl.cpu_seconds, 2)})  # fmt: skip


def recovery_figures(articles: int, work: Path) -> list[Figure]:
    """A live crawl with WARC archiving; pywb serving its WARC files; recoveries from pywb at each of
    ``RATES`` and with politeness off, and from the WARC files on the disk: their figures."""
    live, files = live_crawl(articles, work)
    (work / "pywb").mkdir()
    with running_pywb(work / "pywb", files, "bench") as url:
        paced = [(rate, recovery(f"rate-{rate:g}", work, {"cdx": f"{url}/cdx"}, rate)) for rate in RATES]
        fast = recovery("pywb", work, {"cdx": f"{url}/cdx"}, 0)
    local = recovery("files", work, {"warc_files": ",".join(map(str, files))}, 0)
    return [
        *(rate_figure(crawl, rate) for rate, crawl in paced),
        cpu_figure("recovery from pywb", fast, live, articles),
        cpu_figure("recovery from WARC files", local, live, articles),
    ]
