"""An incremental run after the replica moves on a day, against the full crawl before it."""

from __future__ import annotations

from pathlib import Path

from bench.crawls import measure
from bench.figures import Figure
from bhg_crawler.app.crawl import replica_settings, scrapy_command, scrapy_env
from bhg_crawler.sites.profiles import BAOHAGIANG
from bhg_replica.process import running_replica


def incremental(articles: int, work: Path) -> list[Figure]:
    """A full crawl on day 0, then a run on day 1 with the same state (1% new articles, a few edits)."""
    state = work / "incremental.sqlite3"
    runs = []
    for day in (0, 1):
        with running_replica(articles, day=day) as url:
            settings = {**replica_settings(url, day), "BHG_STATE": str(state), "BHG_RUN_ID": f"day-{day}",
                        "BHG_EXPORTS": str(work / "incremental-exports")}  # fmt: skip
            runs.append(measure(scrapy_command(["crawl", "bhg"], settings), scrapy_env(), Path.cwd()))
    full, second = runs
    numbers = second.stats
    new_or_changed = numbers.get("bhg/exported", 0)
    not_modified = numbers.get("bhg/articles/not_modified", 0)
    allowance = new_or_changed + 2 * len(BAOHAGIANG.sections) + not_modified + 2  # + robots.txt and the home page
    requests = numbers["downloader/request_count"]
    detail = {"requests": int(requests), "new_or_changed": int(new_or_changed),
              "changed": int(numbers.get("bhg/articles/changed", 0)), "revisits_304": int(not_modified),
              "sections": len(BAOHAGIANG.sections),
              "full_crawl_requests": int(full.stats["downloader/request_count"])}  # fmt: skip
    time_ratio = second.stats["elapsed_time_seconds"] / full.stats["elapsed_time_seconds"]
    return [
        Figure(f"next-day run requests / allowance ({articles:,} articles)", requests / allowance, "x", "<= 1",
               requests <= allowance, {**detail, "allowance": allowance}),
        Figure("next-day run requests per new or changed article", requests / max(1, new_or_changed), "", "",
               None, detail),
        Figure("next-day run wall time / full crawl", time_ratio, "x", "", None,
               {"full_seconds": full.stats["elapsed_time_seconds"],
                "next_day_seconds": second.stats["elapsed_time_seconds"]}),
    ]  # fmt: skip
