"""The ``bhg-crawl`` command line: parses arguments and calls the library."""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from warcio.exceptions import ArchiveLoadFailed

from bhg_crawler import __version__
from bhg_crawler import settings as defaults
from bhg_crawler.app.config import check_scrapy_settings, check_settings, number_wanted, option_value, probe_server
from bhg_crawler.app.crawl import summary
from bhg_crawler.app.demo import DemoReplica, run_cluster_demo, run_demo
from bhg_crawler.app.runner import project_settings, run_crawl
from bhg_crawler.archive.reextract import find_run, reextract
from bhg_crawler.archive.wacz import write_wacz
from bhg_crawler.core.errors import ConfigError
from bhg_crawler.core.files import write_atomically
from bhg_crawler.core.numbers import whole_number
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.checks import check_page, saved_pages
from bhg_crawler.extract.encoding import page_text
from bhg_crawler.extract.record import build_record, validation_error
from bhg_crawler.monitoring.heartbeat import verdict
from bhg_crawler.runs.outcome import NO_ACTION, ExitCode
from bhg_crawler.runs.overview import archive_report, counted
from bhg_crawler.runs.retention import prunable
from bhg_crawler.sites.profiles import DEFAULT_SITE, get_profile, with_successors
from bhg_crawler.spiders.arguments import parse_count, parse_options, parse_window
from bhg_crawler.spiders.recover import RecoverSpider
from bhg_crawler.state.knowledge import Knowledge
from bhg_crawler.state.lock import AlreadyRunning
from bhg_crawler.state.redis import RedisKnowledge, shared_knowledge
from bhg_crawler.state.store import StateStore
from bhg_crawler.state.values import held_back, runs_to_wait
from bhg_replica import cli as replica_cli
from bhg_replica.errors import ReplicaError


def _check_pages(args: argparse.Namespace) -> int:
    profile = get_profile(args.site, _folders(args.profiles))
    checks = [
        check_page(page_text(path.read_bytes(), None, profile.legacy_encoding), url, profile, path.name)
        for path, url in saved_pages(Path(args.folder))
    ]
    for check in checks:
        print(check.summary())
    failed = sum(bool(check.problems) for check in checks)
    print(f"bhg-crawl: {len(checks) - failed} of {len(checks)} pages read well with {profile.name}", file=sys.stderr)
    return 1 if failed else 0


def _cluster_demo(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, not {args.workers}")
    return run_cluster_demo(_demo_replica(args), args.workers, Path(args.exports))


def _demo(args: argparse.Namespace) -> int:
    return run_demo(_demo_replica(args), Path(args.exports))


def _demo_replica(args: argparse.Namespace) -> DemoReplica:
    return DemoReplica(args.articles, args.seed, args.day, args.template, args.faults)


def _extract(args: argparse.Namespace) -> int:

    profile = get_profile(args.site, _folders(args.profiles))
    try:
        body = Path(args.file).read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {args.file}: {error.strerror}") from None
    page = ArticlePage(page_text(body, None, profile.legacy_encoding), args.url, profile)
    record = build_record(page.extracted(), datetime.now(UTC))
    print(json.dumps(record, ensure_ascii=False, indent=2))
    reason = validation_error(record)
    if reason is not None:
        print(f"bhg-crawl: the record is not valid: {reason}", file=sys.stderr)
        return 1
    return 0


def _crawl_settings(args: argparse.Namespace) -> dict[str, str]:
    settings = {"BHG_STATE": args.state}
    for name in ("max_runtime", "max_requests", "max_articles"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ConfigError(f"--{name.replace('_', '-')} must be at least 1, not {value}")
    if args.via:
        settings["BHG_VIA"] = args.via
    if args.warc:
        settings["BHG_WARC"] = "1"
    if args.media:
        settings["BHG_MEDIA"] = args.media
    if args.redis:
        settings["BHG_REDIS_URL"] = args.redis
    if args.profiles:
        settings["BHG_PROFILES"] = args.profiles
    if args.max_runtime:
        settings["CLOSESPIDER_TIMEOUT"] = str(args.max_runtime)
    if args.max_requests:
        settings["CLOSESPIDER_PAGECOUNT"] = str(args.max_requests)
    for pair in args.set or []:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise ConfigError(f"a setting is NAME=VALUE, not {pair!r}")
        settings[name.strip()] = value
    return settings


def _folders(profiles: str | None) -> list[str]:
    """The folders of a comma list (``--profiles``, ``BHG_PROFILES``)."""
    return [folder.strip() for folder in (profiles or "").split(",") if folder.strip()]


def _spider_args(args: argparse.Namespace) -> dict[str, str]:
    """The spider's arguments from the command line, checked before anything is fetched."""
    given = {
        "sections": args.sections, "since": args.since, "until": args.until, "urls": args.urls,
        "urls_file": args.urls_file, "max_articles": args.max_articles,
    }  # fmt: skip
    parse_options(get_profile(args.site, _folders(_crawl_settings(args).get("BHG_PROFILES"))), **given)
    spider_args = {name: str(value) for name, value in given.items() if value}
    spider_args["site"] = args.site
    if args.full:
        spider_args["full"] = "1"
    if args.follow_related:
        spider_args["follow_related"] = "1"
    return spider_args


def _checked_settings(args: argparse.Namespace) -> dict[str, str]:
    """The settings the command line gives, checked as a run checks them (before a dry run's own values hide
    the ones given, or an archive is asked for a connection): ``ConfigError``."""
    given = _crawl_settings(args)
    check_settings(given)
    check_scrapy_settings(project_settings(given))
    return given


def _run(args: argparse.Namespace) -> int:
    return _crawl(args, _spider_args(args), "bhg")


def _recover(args: argparse.Namespace) -> int:
    remote = [source for source in args.cdx if "://" in source]
    if remote and (len(remote) > 1 or len(args.cdx) > 1):
        raise ConfigError(f"recover reads one CDX endpoint, or local WARC files, not {' '.join(args.cdx)}")
    parse_window(args.since, args.until, ("--from", "--to"))  # named as typed: the spider's are since, until
    parse_count(args.limit, "--limit")
    given = {"cdx": remote[0] if remote else None, "warc_files": None if remote else ",".join(args.cdx),
             "replay": args.replay, "since": args.since, "until": args.until, "limit": args.limit,
             "site": args.site, "warcs": args.warcs, "pages": "1" if args.pages else None}  # fmt: skip
    spider_args = {name: value for name, value in given.items() if value}
    spider = RecoverSpider(**spider_args)  # its arguments checked before anything is fetched
    for path in spider.skipped:  # of several paths (a glob the shell expanded), those of no WARC file
        print(f"bhg-crawl: {path} holds no WARC file (.warc, .warc.gz): skipped", file=sys.stderr)
    if not _checked_settings(args).get("BHG_VIA"):  # through a proxy, the proxy is what is checked
        for url in dict.fromkeys(filter(None, (spider.cdx if remote else "", spider.replay, spider.warcs))):
            probe_server(url, "the archive")
    return _crawl(args, spider_args, "recover")


def _crawl(args: argparse.Namespace, spider_args: dict[str, str], spider: str) -> int:
    """Runs a crawl of the spider, then says what it wrote and how it went; its exit code."""
    settings = {**_crawl_settings(args), "BHG_EXPORTS": args.exports, "BHG_LOGS": args.logs}
    try:
        result = run_crawl(spider_args, settings, spider=spider)
    except AlreadyRunning as error:
        print(f"bhg-crawl: {error}", file=sys.stderr)
        return ExitCode.ALREADY_RUNNING
    manifest = Path(args.exports) / "runs" / f"{result.run_id}.json"
    if manifest.exists():
        print("\n".join(summary(Path(args.exports), result.run_id)))
    if result.log_file is not None:
        print(f"  {result.log_file.resolve()}  (log)")
    reason = result.stats.get("bhg/outcome") or ""
    print(f"Exit {int(result.code)} ({result.code.name.lower()}){': ' + reason if reason else ''}")
    return result.code


def _discover(args: argparse.Namespace) -> int:
    spider_args = {**_spider_args(args), "discover": "1"}
    settings = {**_checked_settings(args), "BHG_EXPORTS": "", "BHG_LOGS": "", "BHG_PROGRESS_TTY": "0"}
    if not any(name == "LOG_LEVEL" for name in settings):
        settings["LOG_LEVEL"] = "WARNING"
    planned: dict[str, str] = {}

    def plan(url: str, reason: str) -> None:
        if url not in planned:
            planned[url] = reason
            print(f"{reason}\t{url}", flush=True)

    try:
        result = run_crawl(spider_args, settings, on_planned=plan)
    except AlreadyRunning as error:
        print(f"bhg-crawl: {error}", file=sys.stderr)
        return ExitCode.ALREADY_RUNNING
    reasons = sorted(set(planned.values()))
    counts = ", ".join(f"{sum(r == reason for r in planned.values())} {reason}" for reason in reasons)
    print(f"bhg-crawl: a run would fetch {len(planned)} articles ({counts or 'none'})", file=sys.stderr)
    if result.code == ExitCode.NOTHING_NEW and planned:
        return ExitCode.OK  # a listing exports nothing: what it lists is what is new
    return result.code


def _shared(args: argparse.Namespace) -> RedisKnowledge:
    """The state a distributed crawl shares in Redis (``--redis``, ``--crawl``)."""
    return shared_knowledge(project_settings({"BHG_REDIS_URL": args.redis, "BHG_REDIS_CRAWL": args.crawl}))


@contextmanager
def _knowledge(args: argparse.Namespace) -> Iterator[Knowledge]:
    """What committed runs know: in the Redis of ``--redis`` (``--crawl``), else in the state file ``--state``
    (``ConfigError`` when there is none, ``AlreadyRunning`` while a run holds it)."""
    if args.redis:
        yield _shared(args)
        return
    if not Path(args.state).exists():
        raise ConfigError(f"no state at {args.state}")
    store = StateStore(args.state)
    try:
        yield store.knowledge
    finally:
        store.close()


def _ledger(args: argparse.Namespace) -> int:
    folders = project_settings({}).getlist("BHG_PROFILES")
    sites = with_successors(get_profile(args.site, folders), folders)  # a site known: else exit 2, one line
    with _knowledge(args) as knowledge:  # the site's, then those of the sites its articles moved to
        entries = [entry for site in sites for entry in knowledge.ledger(site.name, retry_only=False)]
    give_up = project_settings({}).getint("BHG_LEDGER_GIVE_UP_TRIES")
    turns = [ledger_retry(entry, give_up) for entry in entries]
    print("record_id\ttries\tretry\tlast_at\treason\turl")
    for entry, turn in zip(entries, turns, strict=True):
        fields = (entry["record_id"], entry["attempts"], turn, entry["last_at"], entry["reason"], entry["url"])
        print("\t".join(str(field) for field in fields))
    pages = sum(":listing:" in entry["record_id"] for entry in entries)
    files = sum(":warc:" in entry["record_id"] for entry in entries)  # local WARC files a recovery could not read
    cut = sum(":index:" in entry["record_id"] for entry in entries)  # CDX queries whose index a recovery cut
    print(f"bhg-crawl: {len(entries) - pages - files - cut} articles{f', {files} WARC files' if files else ''}"
          f"{f', {cut} cut indexes' if cut else ''} and "
          f"{pages} listing pages in the ledger, "
          f"{turns.count('yes')} to retry, {sum(t.startswith('after') for t in turns)} backing off, "
          f"{turns.count('given up')} given up", file=sys.stderr)  # fmt: skip
    return 0


def ledger_retry(entry: dict[str, Any], give_up: int) -> str:
    """Whether the next run retries a ledger's entry, in words: ``yes``, ``after N runs`` (its back-off),
    ``given up`` (tried ``give_up`` times) or ``no`` (gone, a duplicate, out of range)."""
    why = held_back(entry, give_up)
    if why == "given_up":
        return "given up"
    if why == "backoff":
        return f"after {runs_to_wait(int(entry['attempts']), int(entry.get('waited') or 0))} runs"
    return "yes" if entry["retry"] else "no"


def _report(args: argparse.Namespace) -> int:
    settings = project_settings({})
    folders = settings.getlist("BHG_PROFILES")
    sites = with_successors(get_profile(args.site, folders), folders)
    out = Path(args.out) if args.out else Path(args.exports) / f"archive-{args.site}.html"
    if not out.parent.is_dir():
        raise ConfigError(f"cannot write {out}: no folder {out.parent}")
    with _knowledge(args) as knowledge:
        page = archive_report(knowledge, sites, settings.getint("BHG_LEDGER_GIVE_UP_TRIES"))
    try:
        write_atomically(out, page.encode("utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot write {out}: {error.strerror or error}") from None
    print(out.resolve())
    return 0


def _redis_status(args: argparse.Namespace) -> int:
    state = _shared(args)
    print("key\tentries\tbytes\texpires_in")
    for key in sorted(state.client.scan_iter(f"{state.prefix}:*", count=1000)):
        if key.startswith(f"{state.prefix}:claim:"):
            continue  # one a version in flight: counted below
        entries = state.entries(key)
        print(f"{key}\t{entries}\t{state.client.memory_usage(key) or 0}\t{state.client.ttl(key)}")
    claims = sum(1 for _ in state.client.scan_iter(f"{state.prefix}:claim:*", count=1000))
    print(f"{state.prefix}:claim:*\t{claims}\t\t")
    return 0


def _heartbeat(args: argparse.Namespace) -> int:
    want = number_wanted(args.beats, False, 1)
    if want:
        raise ConfigError(f"--beats must be {want}, not {args.beats!r}")
    beats = float(args.beats)
    path = Path(args.file) if args.file else Path(args.exports) / "heartbeat.json"
    try:
        beat = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read the heartbeat {path}: {error}") from None
    run = verdict(beat, datetime.now(UTC), beats, socket.gethostname())
    state = f"{run.state} ({run.why})" if run.why else run.state
    code = beat.get("exit_code") if run.state == "closed" else None
    if code is not None:
        state = f"closed, exit {code} ({ExitCode(code).name.lower()}): {beat.get('outcome')}"
    print(f"run {beat.get('run_id')} (pid {beat.get('pid')}): {state}; last beat {beat.get('updated_at')}")
    return 1 if run.state in ("dead", "stuck") else 3 if code is not None and code not in NO_ACTION else 0


def _prune(args: argparse.Namespace) -> int:
    keep_days = option_value("--keep-days", "BHG_KEEP_LOGS_DAYS", args.keep_days)
    keep = option_value("--keep", "BHG_KEEP_LOGS", args.keep)
    found = prunable(Path(args.logs), Path(args.exports), datetime.now(UTC), keep_days, keep)
    for path in found.past:
        print(path)
        if not args.dry_run:
            path.unlink(missing_ok=True)
    if found.unknown:
        names = ", ".join(map(str, found.unknown))
        print(f"bhg-crawl: kept {counted(len(found.unknown), 'file')} no run wrote: {names}", file=sys.stderr)
    size = sum(path.stat().st_size for path in found.past if path.exists())
    verb = "would remove" if args.dry_run else "removed"
    weight = f" ({size:,} bytes)" if args.dry_run else ""
    print(f"bhg-crawl: {verb} {counted(len(found.past), 'file')}{weight}", file=sys.stderr)
    return 0


def _reextract(args: argparse.Namespace) -> int:

    run = find_run(args.source, Path(args.exports))
    folders = _folders(args.profiles)
    lines, invalid = [], 0
    try:
        for record in reextract(run, with_successors(get_profile(args.site, folders), folders)):
            reason = validation_error(record)
            if reason is not None:
                invalid += 1
                print(f"bhg-crawl: {record['url']}: the record is not valid: {reason}", file=sys.stderr)
            lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    except ArchiveLoadFailed as error:
        raise ConfigError(f"{args.source} holds no WARC file that can be read: {error}") from None
    text = "".join(line + "\n" for line in lines)
    if args.out:
        write_atomically(Path(args.out), text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    print(f"bhg-crawl: {len(lines)} records re-extracted from {len(run.warcs)} WARC files", file=sys.stderr)
    return 1 if invalid else 0


def _wacz(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else Path(args.exports) / f"{Path(args.run).name}.wacz"
    if not out.parent.is_dir():
        raise ConfigError(f"cannot write {out}: no folder {out.parent}")
    run = find_run(args.run, Path(args.exports))
    try:
        print(write_wacz(run, out).resolve())
    except OSError as error:
        raise ConfigError(f"cannot write {out}: {error.strerror or error}") from None
    return 0


def _given(value: str) -> str:
    """A text option's value, refused when empty or only separators (commas, spaces): ``--sections ,`` or
    ``--urls=`` is a mistake, never "all"."""
    if not value.replace(",", " ").strip():
        raise argparse.ArgumentTypeError(f"expected a value, not {value!r}")
    return value


def _whole(value: str) -> int:
    """A whole-number option's value, written as one (``core.numbers.whole_number``: not "1_0", nor in the
    digits of other scripts)."""
    try:
        return whole_number(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class Parser(argparse.ArgumentParser):
    """An argument parser of ``bhg-crawl`` and its commands: every text option refuses an empty value
    (``_given``), and every error is one line on standard error, exit 2."""

    def add_argument(self, *names: Any, **options: Any) -> argparse.Action:
        if options.get("action", "store") in ("store", "append") and "type" not in options and "choices" not in options:
            options["type"] = _given
        return super().add_argument(*names, **options)

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.BAD_CONFIG, f"bhg-crawl: {message}\n")


def _add_site(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", default=DEFAULT_SITE, help=f"site profile (default {DEFAULT_SITE})")


def _add_state(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state", default=defaults.BHG_STATE, help=f"the state file (default {defaults.BHG_STATE})")


def _add_exports(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--exports", default=defaults.BHG_EXPORTS, help=f"folder of the runs' exports (default {defaults.BHG_EXPORTS}/)"
    )


def _add_crawl_name(parser: argparse.ArgumentParser) -> None:
    name = defaults.BHG_REDIS_CRAWL
    parser.add_argument("--crawl", default=name, help=f"the distributed crawl's name (BHG_REDIS_CRAWL, default {name})")


def _add_crawl_arguments(parser: argparse.ArgumentParser) -> None:
    _add_site(parser)
    parser.add_argument("--sections", help="comma list of section slugs (default: all)")
    parser.add_argument("--since", help="first publication day, YYYY-MM-DD")
    parser.add_argument("--until", help="last publication day, YYYY-MM-DD")
    parser.add_argument("--urls", help="fetch just these article URLs (comma or space separated)")
    parser.add_argument("--urls-file", help="fetch just the article URLs in this file, one a line")
    parser.add_argument("--max-articles", type=_whole, help="stop after requesting this many articles")
    parser.add_argument("--full", action="store_true", help="ignore the state for discovery (a backfill)")
    parser.add_argument("--follow-related", action="store_true",
                        help="with --sections, fetch the related articles of other sections too")  # fmt: skip
    _add_state(parser)
    parser.add_argument("--via", help="HTTP proxy for every request, e.g. the replica: http://127.0.0.1:8642")
    parser.add_argument("--max-runtime", type=_whole, metavar="SECONDS", help="stop cleanly after this long")
    parser.add_argument("--max-requests", type=_whole, metavar="N", help="stop cleanly after this many responses")
    parser.add_argument("--warc", action="store_true", help="archive every response as WARC (BHG_WARC)")
    parser.add_argument("--media", metavar="DIR", help="download article images into this folder (BHG_MEDIA)")
    parser.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy or BHG_* setting")
    parser.add_argument(
        "--redis", metavar="URL", help="share the crawl with other workers through this Redis (BHG_REDIS_URL)"
    )
    parser.add_argument("--profiles", metavar="DIRS", help="folders of more site profiles, comma list (BHG_PROFILES)")


def build_parser() -> argparse.ArgumentParser:
    """The ``bhg-crawl`` argument parser: every command, its options and the function that runs it (``func``)."""
    parser = Parser(prog="bhg-crawl", description="Crawl Báo Hà Giang and its successor site.")
    parser.add_argument("--version", action="version", version=f"bhg-crawler {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    replica = commands.add_parser("replica", help="the offline replica of the site")
    replica_cli.add_commands(replica.add_subparsers(dest="replica_command", required=True, metavar="ACTION"))

    run = commands.add_parser("run", help="crawl the site (the bhg spider) and write a run's exports")
    _add_crawl_arguments(run)
    _add_exports(run)
    run.add_argument(
        "--logs", default=defaults.BHG_LOGS, help=f"folder for the run's log file (default {defaults.BHG_LOGS}/)"
    )
    run.set_defaults(func=_run)

    recover = commands.add_parser("recover", help="recover the site's articles from a web archive's CDX index "
                                  "or from WARC files")  # fmt: skip
    recover.add_argument("cdx", metavar="SOURCE", nargs="+", help="the CDX endpoint: https://web.archive.org/cdx/"
                         "search/cdx, http://127.0.0.1:8080/<collection>/cdx (pywb); or local WARC files, folders "
                         "and globs of them: archive/*.warc.gz")  # fmt: skip
    recover.add_argument("--replay", help="where it replays captures (default: from CDX_URL, e.g. .../web)")
    recover.add_argument("--warcs", metavar="URL", help="where the index's WARC files are, fetched by byte range: "
                         "https://data.commoncrawl.org")  # fmt: skip
    recover.add_argument("--from", dest="since", metavar="TIMESTAMP", help="the first capture time, 4-14 digits")
    recover.add_argument("--to", dest="until", metavar="TIMESTAMP", help="the last capture time, 4-14 digits")
    recover.add_argument("--limit", metavar="N", help="index lines a page, paged by resume key (default: one page)")
    recover.add_argument("--pages", action="store_true", help="ask the index page by page: showNumPages, then page=N")
    _add_site(recover)
    recover.add_argument("--profiles", metavar="DIRS", help="folders of more site profiles, comma list (BHG_PROFILES)")
    _add_state(recover)
    _add_exports(recover)
    recover.add_argument(
        "--logs", default=defaults.BHG_LOGS, help=f"folder for the run's log file (default {defaults.BHG_LOGS}/)"
    )
    recover.add_argument("--max-runtime", type=_whole, metavar="SECONDS", help="stop cleanly after this long")
    recover.add_argument("--max-requests", type=_whole, metavar="N", help="stop cleanly after this many responses")
    recover.add_argument("--warc", action="store_true", help="archive every response as WARC (BHG_WARC)")
    recover.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy or BHG_* setting")
    recover.add_argument("--redis", metavar="URL", help="keep what is known in this Redis, shared with the crawls' "
                         "workers (BHG_REDIS_URL)")  # fmt: skip
    recover.set_defaults(func=_recover, via=None, media=None, max_articles=None)

    discover = commands.add_parser("discover", help="list the articles a run would fetch, fetching none")
    _add_crawl_arguments(discover)
    discover.set_defaults(func=_discover)

    again = commands.add_parser("reextract", help="rebuild article records from a run's WARC files, fetching nothing")
    again.add_argument(
        "source", metavar="RUN_OR_WARC", help="a run id (under --exports), a run's folder or a WARC file"
    )
    _add_exports(again)
    _add_site(again)
    again.add_argument("--profiles", metavar="DIRS", help="folders of more site profiles, comma list")
    again.add_argument("--out", help="write the records to this JSON-lines file (default: standard output)")
    again.set_defaults(func=_reextract)

    wacz = commands.add_parser("wacz", help="package a run's WARC files and articles as one WACZ file")
    wacz.add_argument("run", metavar="RUN", help="a run id (under --exports) or a run's folder")
    _add_exports(wacz)
    wacz.add_argument("--out", help="the WACZ file (default: <exports>/<run id>.wacz)")
    wacz.set_defaults(func=_wacz)

    extract = commands.add_parser("extract", help="print the article record of a saved page as JSON")
    extract.add_argument("file", metavar="FILE.html", help="the saved page")
    extract.add_argument("--url", required=True, help="the URL the page was fetched from")
    _add_site(extract)
    extract.add_argument("--profiles", metavar="DIRS", help="folders of more site profiles, comma list")
    extract.set_defaults(func=_extract)

    check = commands.add_parser("check-pages", help="read saved article pages with a site profile, field by field")
    check.add_argument("folder", metavar="FOLDER", help="saved pages and their urls.txt (a line a page: FILE URL)")
    _add_site(check)
    check.add_argument("--profiles", metavar="DIRS", help="folders of more site profiles, comma list")
    check.set_defaults(func=_check_pages)

    beat = commands.add_parser("heartbeat", help="check a run's heartbeat: exit 1 if it died without closing")
    beat.add_argument("--file", help="the heartbeat file (default: <exports>/heartbeat.json)")
    _add_exports(beat)
    beat.add_argument("--beats", default="3", help="beats missed before a run counts as dead (default 3)")
    beat.set_defaults(func=_heartbeat)

    prune = commands.add_parser("prune", help="remove the runs' logs and stats past their retention, never a "
                                "manifest or a record")  # fmt: skip
    prune.add_argument(
        "--logs", default=defaults.BHG_LOGS, help=f"folder of the runs' log files (default {defaults.BHG_LOGS}/)"
    )
    _add_exports(prune)
    prune.add_argument(
        "--keep-days",
        default=str(defaults.BHG_KEEP_LOGS_DAYS),
        help=f"keep what is this many days old or less (default {defaults.BHG_KEEP_LOGS_DAYS})",
    )
    prune.add_argument(
        "--keep",
        default=str(defaults.BHG_KEEP_LOGS),
        help=f"keep the newest this many runs' whatever their age (default {defaults.BHG_KEEP_LOGS})",
    )
    prune.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")
    prune.set_defaults(func=_prune)

    ledger = commands.add_parser("ledger", help="list the articles not exported and listing pages not walked, and why")
    _add_state(ledger)
    _add_site(ledger)
    ledger.add_argument("--redis", metavar="URL", help="the ledger a distributed crawl shares in this Redis")
    _add_crawl_name(ledger)
    ledger.set_defaults(func=_ledger)

    report = commands.add_parser("report", help="draw the archive as the state knows it, as one HTML page")
    _add_state(report)
    _add_site(report)
    report.add_argument("--redis", metavar="URL", help="the state a distributed crawl shares in this Redis")
    _add_crawl_name(report)
    _add_exports(report)
    report.add_argument("--out", help="the HTML file (default: <exports>/archive-<site>.html)")
    report.set_defaults(func=_report)

    shared = commands.add_parser("redis-status", help="what a distributed crawl keeps in Redis, key by key")
    shared.add_argument("--redis", metavar="URL", required=True, help="the crawl's Redis (BHG_REDIS_URL)")
    _add_crawl_name(shared)
    shared.set_defaults(func=_redis_status)

    demo = commands.add_parser("demo", help="serve the replica, crawl it, write exports, stop the replica")
    replica_cli.add_site_options(demo)
    demo.add_argument("--exports", default="demo/exports", help="folder of the demo's exports (default demo/exports/)")
    demo.set_defaults(func=_demo)

    cluster = commands.add_parser("cluster-demo", help="a local Redis, the replica and workers sharing one crawl")
    replica_cli.add_site_options(cluster)
    cluster.add_argument("--workers", type=_whole, default=2, help="workers sharing the crawl (default 2)")
    cluster.add_argument(
        "--exports", default="demo/cluster", help="folder of the workers' exports (default demo/cluster/)"
    )
    cluster.set_defaults(func=_cluster_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs ``bhg-crawl`` with ``argv`` (default: the process's); the exit code (``ExitCode``): 2 with one line
    on a bad argument or setting."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (ConfigError, ReplicaError) as error:
        print(f"bhg-crawl: {error}", file=sys.stderr)
        return ExitCode.BAD_CONFIG
    except AlreadyRunning as error:
        print(f"bhg-crawl: {error}", file=sys.stderr)
        return ExitCode.ALREADY_RUNNING
    except BrokenPipeError:  # the reader went away (``| head``): what it read is what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
