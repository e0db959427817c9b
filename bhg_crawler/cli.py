"""The ``bhg-crawl`` command line: parses arguments and calls the library."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from bhg_crawler import __version__
from bhg_crawler.errors import ConfigError


def _replica_serve(args: argparse.Namespace) -> int:
    from bhg_crawler.replica.server import ReplicaServer
    from bhg_crawler.replica.site import Site

    site = Site(args.seed, args.articles)
    server = ReplicaServer(site, args.host, args.port, access_log=args.access_log)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(
        f"Replica of baohagiang.vn ({args.articles} articles, seed {args.seed}) listening on {server.url}",
        flush=True,
    )
    print(f"Crawl it with: scrapy crawl bhg -s BHG_VIA={server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _replica_save(args: argparse.Namespace) -> int:
    from bhg_crawler.replica.site import Site

    site = Site(args.seed, args.articles)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for url in args.urls:
        parts = urlsplit(url)
        response = site.respond(parts.hostname or "baohagiang.vn", parts.path or "/", parts.query)
        if response.status != 200:
            print(f"{url}: HTTP {response.status}, not saved", file=sys.stderr)
            failed += 1
            continue
        name = (parts.path.strip("/").rsplit("/", 1)[-1] or "home") + ".html"
        (out / name).write_bytes(response.body)
        print(out / name)
    return 1 if failed else 0


def _replica_urls(args: argparse.Namespace) -> int:
    from bhg_crawler.replica.site import Site

    site = Site(args.seed, args.articles)
    for slot in site.catalog.live:
        print(site.writer.canonical_url(slot))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from bhg_crawler.demo import run_demo

    return run_demo(articles=args.articles, seed=args.seed, exports=Path(args.exports))


def _extract(args: argparse.Namespace) -> int:
    import json
    from datetime import UTC, datetime

    from bhg_crawler.pages import ArticlePage
    from bhg_crawler.profiles import get_profile
    from bhg_crawler.records import clean_record, validation_error

    try:
        html = Path(args.file).read_bytes().decode("utf-8", errors="replace")
    except OSError as error:
        raise ConfigError(f"cannot read {args.file}: {error.strerror}") from None
    page = ArticlePage(html, args.url, get_profile(args.site))
    record = clean_record(page.record(fetched_at=datetime.now(UTC)))
    print(json.dumps(record, ensure_ascii=False, indent=2))
    reason = validation_error(record)
    if reason is not None:
        print(f"bhg-crawl: the record is not valid: {reason}", file=sys.stderr)
        return 1
    return 0


def _run(args: argparse.Namespace) -> int:
    from bhg_crawler.arguments import parse_options
    from bhg_crawler.crawl import run_scrapy, summary
    from bhg_crawler.exports import new_run_id
    from bhg_crawler.profiles import get_profile

    spider_args = {
        "sections": args.sections, "since": args.since, "until": args.until, "urls": args.urls,
        "urls_file": args.urls_file, "max_articles": args.max_articles, "site": args.site,
    }  # fmt: skip
    parse_options(get_profile(args.site), **{k: v for k, v in spider_args.items() if k != "site"})
    run_id = new_run_id("bhg")
    settings = {"BHG_EXPORTS": args.exports, "BHG_RUN_ID": run_id}
    if args.via:
        settings["BHG_VIA"] = args.via
    for pair in args.set or []:
        name, _, value = pair.partition("=")
        settings[name] = value
    returncode = run_scrapy(["crawl", "bhg"], settings, {k: str(v) for k, v in spider_args.items() if v})
    if (Path(args.exports) / "runs" / f"{run_id}.json").exists():
        print("\n".join(summary(Path(args.exports), run_id)))
    return returncode


def _add_replica_size(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=int, default=300, help="number of live articles (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated content (default 1)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bhg-crawl", description="Crawl Báo Hà Giang and its successor site.")
    parser.add_argument("--version", action="version", version=f"bhg-crawler {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    replica = commands.add_parser("replica", help="the offline replica of the site")
    replica_commands = replica.add_subparsers(dest="replica_command", required=True, metavar="ACTION")

    serve = replica_commands.add_parser("serve", help="serve the replica in the foreground until stopped")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8642, help="port to listen on, 0 for any free one (default 8642)")
    serve.add_argument("--access-log", action="store_true", help="log every request to standard error")
    _add_replica_size(serve)
    serve.set_defaults(func=_replica_serve)

    save = replica_commands.add_parser("save", help="save replica pages to files, without a server")
    save.add_argument("urls", nargs="+", metavar="URL", help="page URLs, e.g. https://baohagiang.vn/xa-hoi")
    save.add_argument("--out", required=True, help="folder to write the pages to")
    _add_replica_size(save)
    save.set_defaults(func=_replica_save)

    urls = replica_commands.add_parser("urls", help="print the canonical URL of every live article")
    _add_replica_size(urls)
    urls.set_defaults(func=_replica_urls)

    run = commands.add_parser("run", help="crawl the site (the bhg spider) and write a run's exports")
    run.add_argument("--site", default="baohagiang.vn", help="site profile (default baohagiang.vn)")
    run.add_argument("--sections", help="comma list of section slugs (default: all)")
    run.add_argument("--since", help="first publication day, YYYY-MM-DD")
    run.add_argument("--until", help="last publication day, YYYY-MM-DD")
    run.add_argument("--urls", help="fetch just these article URLs (comma or space separated)")
    run.add_argument("--urls-file", help="fetch just the article URLs in this file, one a line")
    run.add_argument("--max-articles", type=int, help="stop after requesting this many articles")
    run.add_argument("--via", help="HTTP proxy for every request, e.g. the replica: http://127.0.0.1:8642")
    run.add_argument("--exports", default="exports", help="folder for the exports (default exports/)")
    run.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy or BHG_* setting")
    run.set_defaults(func=_run)

    extract = commands.add_parser("extract", help="print the article record of a saved page as JSON")
    extract.add_argument("file", metavar="FILE.html", help="the saved page")
    extract.add_argument("--url", required=True, help="the URL the page was fetched from")
    extract.add_argument("--site", default="baohagiang.vn", help="site profile (default baohagiang.vn)")
    extract.set_defaults(func=_extract)

    demo = commands.add_parser("demo", help="serve the replica, crawl it, write exports, stop the replica")
    _add_replica_size(demo)
    demo.add_argument("--exports", default="exports", help="folder for the exports (default exports/)")
    demo.set_defaults(func=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as error:
        print(f"bhg-crawl: {error}", file=sys.stderr)
        return 2
