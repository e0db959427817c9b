"""The replica's commands, ``serve``, ``save`` and ``urls``: ``python -m bhg_replica``, and ``bhg-crawl replica``
(which adds them to its own command line with ``add_commands``)."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TypeVar
from urllib.parse import urlsplit

from bhg_replica.errors import ReplicaError
from bhg_replica.faults import PROFILES
from bhg_replica.server import ReplicaServer
from bhg_replica.site import Site
from bhg_replica.templates import TEMPLATES

# The index of a folder of saved pages, a line a page: its file name and the URL it was served at (the format
# ``bhg-crawl check-pages`` reads).
URLS_FILE = "urls.txt"

Parser = TypeVar("Parser", bound=argparse.ArgumentParser)  # the parser class of the command line that adds them


def site_of(args: argparse.Namespace) -> Site:
    """The replica that the size, seed, day, template and faults options describe."""
    return Site(args.seed, args.articles, args.day, args.template, args.faults)


def serve(args: argparse.Namespace) -> int:
    site = site_of(args)
    if args.latency < 0:
        raise ReplicaError(f"--latency must be 0 or more, not {args.latency}")
    try:
        server = ReplicaServer(site, args.host, args.port, access_log=args.access_log, latency=args.latency / 1000)
    except (OSError, OverflowError) as error:  # a port in use, out of range, an address not of this machine
        raise ReplicaError(
            f"cannot serve on {args.host}:{args.port}: {getattr(error, 'strerror', None) or error}"
        ) from None

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    clock = site.catalog.now.isoformat()
    print(
        f"Replica of baohagiang.vn ({args.articles} articles, seed {args.seed}, day {args.day}, clock {clock}, "
        f"{args.template} template, faults: {args.faults}) "
        f"listening on {server.url}",
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


def save(args: argparse.Namespace) -> int:
    site = site_of(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    saved: dict[str, str] = {}
    for url in args.urls:
        parts = urlsplit(url)
        response = site.respond(parts.hostname or "baohagiang.vn", parts.path or "/", parts.query)
        if response.status != 200:
            print(f"{url}: HTTP {response.status}, not saved", file=sys.stderr)
            failed += 1
            continue
        name = parts.path.strip("/").rsplit("/", 1)[-1] or "home"
        name += "" if name.endswith(".html") else ".html"
        (out / name).write_bytes(response.body)
        saved[name] = url
        print(out / name)
    index = out / URLS_FILE
    listed = index.read_text(encoding="utf-8").splitlines() if index.exists() else []
    known = dict(line.split(" ", 1) for line in listed if " " in line)  # pages saved there before
    index.write_text("".join(f"{name} {url}\n" for name, url in {**known, **saved}.items()), encoding="utf-8")
    return 1 if failed else 0


def urls(args: argparse.Namespace) -> int:
    site = site_of(args)
    if args.site == "baohagiang.vn":
        catalog, writer = site.catalog, site.writer
    elif args.site in site.sisters:
        catalog, writer = site.sisters[args.site].catalog, site.sisters[args.site].writer
    else:
        raise ReplicaError(
            f"the replica serves no site {args.site!r}; it serves baohagiang.vn, {', '.join(site.sisters)}"
        )
    for slot in catalog.live:
        print(writer.canonical_url(slot))
    return 0


def add_site_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose a replica: its size, seed, day, template and faults."""
    parser.add_argument("--articles", type=int, default=300, help="number of live articles (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated content (default 1)")
    parser.add_argument(
        "--day", type=int, default=0, help="days the site has moved on: new articles and edits (default 0)"
    )
    parser.add_argument(
        "--template", choices=TEMPLATES, default="classic",
        help="article template: classic, redesigned (other markup, some pages JSON-LD only) or broken (no body)",
    )  # fmt: skip
    parser.add_argument(
        "--faults", choices=sorted(PROFILES), default="none",
        help="faults to inject, deterministic by seed: none, mixed (a share of the articles, every kind), or one "
        "of the whole site: robots-503, robots-404, robots-unreachable, crawl-delay, endless-pages, empty-pages",
    )  # fmt: skip


def add_commands(commands: argparse._SubParsersAction[Parser]) -> None:
    """``serve``, ``save`` and ``urls`` as sub-commands of ``commands``; each sets ``func``."""
    server = commands.add_parser("serve", help="serve the replica in the foreground until stopped")
    server.add_argument("--latency", type=float, default=0, metavar="MS",
                        help="milliseconds every answer waits, as over a network (default 0)")  # fmt: skip
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    server.add_argument("--port", type=int, default=8642, help="port to listen on, 0 for any free one (default 8642)")
    server.add_argument("--access-log", action="store_true", help="log every request to standard error")
    add_site_options(server)
    server.set_defaults(func=serve)

    saver = commands.add_parser("save", help="save replica pages to files (and urls.txt), without a server")
    saver.add_argument("urls", nargs="+", metavar="URL", help="page URLs, e.g. https://baohagiang.vn/xa-hoi")
    saver.add_argument("--out", required=True, help="folder to write the pages to")
    add_site_options(saver)
    saver.set_defaults(func=save)

    lister = commands.add_parser("urls", help="print the canonical URL of every live article")
    lister.add_argument("--site", default="baohagiang.vn", help="baohagiang.vn (default) or a sister site")
    add_site_options(lister)
    lister.set_defaults(func=urls)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bhg_replica ACTION ...``; exit 2 with one line on a replica that cannot be built."""
    parser = argparse.ArgumentParser(prog="python -m bhg_replica", description="The offline replica of the sites.")
    add_commands(parser.add_subparsers(dest="action", required=True, metavar="ACTION"))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ReplicaError as error:
        print(f"bhg_replica: {error}", file=sys.stderr)
        return 2
