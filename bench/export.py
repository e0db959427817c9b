"""Export cost: records a second through validation and the run's atomic files, against plain json.dumps lines."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from scrapy import Spider
from scrapy.utils.test import get_crawler

from bench.extraction import FETCHED, samples
from bench.figures import Figure
from bhg_crawler import settings as bhg_settings
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.record import ArticleRecord, build_record
from bhg_crawler.pipelines import ValidatePipeline
from bhg_crawler.runs.export import RunExport
from bhg_crawler.sites.urls import record_id


def records(count: int) -> list[ArticleRecord]:
    """``count`` distinct valid records made from 50 replica pages."""
    base = [build_record(ArticlePage(s.html, s.url, s.profile).extracted(), FETCHED) for s in samples(50)]
    out = []
    for n in range(count):
        record = base[n % len(base)].copy()
        record["article_id"] = str(100000 + n)
        record["record_id"] = record_id(record["site"], record["article_id"])
        out.append(record)
    return out


def through_the_exporter(items: list[ArticleRecord], folder: Path) -> None:
    project = {name: value for name, value in vars(bhg_settings).items() if name.startswith("BHG_")}
    crawler = get_crawler(
        Spider, {**project, "BHG_EXPORTS": str(folder), "BHG_RUN_ID": "bench-export", "BHG_STATE": ""}
    )
    validate, export = ValidatePipeline.from_crawler(crawler), RunExport.from_crawler(crawler)
    spider = Spider(name="bhg")
    export.spider_opened(spider)
    for item in items:
        export.item_scraped(validate.process_item(item))
    export.spider_closed(spider, reason="finished")


def plain_lines(items: list[ArticleRecord], folder: Path) -> None:
    with (folder / "plain.jsonl").open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item) + "\n")


def best_rate(write: Callable[[list[ArticleRecord], Path], None], items: list[ArticleRecord], folder: Path,
              rounds: int) -> float:  # fmt: skip
    best = float("inf")
    for n in range(rounds):
        target = folder / f"{write.__name__}-{n}"
        target.mkdir(parents=True)
        started = time.perf_counter()
        write(items, target)
        best = min(best, time.perf_counter() - started)
    return len(items) / best


def export_cost(count: int, rounds: int, work: Path) -> Figure:
    items = records(count)
    ours = best_rate(through_the_exporter, items, work, rounds)
    plain = best_rate(plain_lines, items, work, rounds)
    ratio = ours / plain
    return Figure(f"export rate, {count:,} records validated / plain json.dumps", ratio, "x", ">= 0.5", ratio >= 0.5,
                  {"ours_records_per_second": round(ours), "plain_records_per_second": round(plain)})  # fmt: skip
