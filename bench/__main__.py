"""``python -m bench`` (``make bench``): measure, print the table, write ``bench/results/<date>-<host>.json``."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.crawls import crawl_replica, memory, throughput
from bench.distributed import distributed
from bench.export import export_cost
from bench.extraction import extraction
from bench.figures import Figure, table, write_results
from bench.incremental import incremental
from bench.recovery import recovery_figures


@dataclass(frozen=True)
class Sizes:
    small: int  # articles of the small memory crawl
    large: int  # articles of the throughput crawl, also the large memory crawl
    bench_seconds: int
    pages: int  # extraction
    records: int  # export
    rounds: int
    incremental: int  # articles of the replica that moves on a day
    distributed: int  # articles of the crawl by one worker, then by two
    recovery: int  # articles crawled with WARC archiving, then recovered from pywb and from the files


QUICK = Sizes(small=100, large=300, bench_seconds=3, pages=20, records=1_000, rounds=1, incremental=300,
              distributed=100, recovery=30)  # fmt: skip
NORMAL = Sizes(small=1_000, large=10_000, bench_seconds=20, pages=200, records=20_000, rounds=3, incremental=2_000,
               distributed=2_000, recovery=200)  # fmt: skip
FULL_ARTICLES = 100_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--full", action="store_true", help=f"also crawl {FULL_ARTICLES:,} articles for memory")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that the benchmarks run")
    parser.add_argument("--trace", action="store_true", help="also trace which lines of code the memory grows in")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results"), help="folder of the results file")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else NORMAL

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bhg-bench-") as folder:
        work = Path(folder)
        print(f"Crawling {sizes.large:,} articles, then scrapy bench for {sizes.bench_seconds} s ...", flush=True)
        speed, large = throughput(sizes.large, sizes.bench_seconds, work)
        figures.append(speed)
        print(f"Crawling {sizes.small:,} articles for memory ...", flush=True)
        figures += memory(crawl_replica(sizes.small, work), sizes.small, large, sizes.large)
        if args.full:
            print(f"Crawling {FULL_ARTICLES:,} articles for memory ...", flush=True)
            huge = crawl_replica(FULL_ARTICLES, work)
            figures += memory(large, sizes.large, huge, FULL_ARTICLES)[1:]
        print(f"Extracting {sizes.pages} pages with both extractors ...", flush=True)
        figures += extraction(sizes.pages, sizes.rounds)
        print(f"Exporting {sizes.records:,} records both ways ...", flush=True)
        figures.append(export_cost(sizes.records, sizes.rounds, work))
        print(f"Crawling {sizes.incremental:,} articles, then again the next day ...", flush=True)
        figures += incremental(sizes.incremental, work)
        print(f"Crawling {sizes.distributed:,} articles with one worker, then two, through Redis ...", flush=True)
        figures.append(distributed(sizes.distributed, work))
        print(f"Crawling {sizes.recovery:,} articles with WARC, then recovering them from pywb and the files ...",
              flush=True)  # fmt: skip
        figures += recovery_figures(sizes.recovery, work)
        if args.trace:
            trace = work / "trace.json"
            crawl_replica(sizes.large, work, trace=trace)
            growth = json.loads(trace.read_text(encoding="utf-8"))
            figures += [Figure(f"heap growth at {row['where']}", row["kib"] / 1024, "MB") for row in growth]

    command = "python -m bench" + " --full" * args.full + " --quick" * args.quick + " --trace" * args.trace
    path = write_results(Path(args.out), command, figures)
    print()
    print(table(figures))
    print(f"\nResults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
