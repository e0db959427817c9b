"""One crawl in this process, for the command line: the lock, the log file, the exit code."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from bhg_crawler.app.config import check_scrapy_settings, check_settings, probe_proxy, replica_clock
from bhg_crawler.core import signals
from bhg_crawler.core.errors import ConfigError
from bhg_crawler.runs.files import new_run_id
from bhg_crawler.runs.outcome import ExitCode, outcome_of
from bhg_crawler.state.binding import attach_state, open_state


@dataclass(frozen=True)
class RunResult:
    """How a run went: its exit code, id, final stats, and log file (None when it logged to the terminal)."""

    code: ExitCode
    run_id: str
    stats: dict[str, Any]
    log_file: Path | None


def project_settings(overrides: Mapping[str, Any]) -> Settings:
    """The project's settings (``bhg_crawler.settings``), ``overrides`` over them at the command line's priority."""
    settings = Settings()
    settings.setmodule("bhg_crawler.settings", priority="project")
    settings.update(dict(overrides), priority="cmdline")
    return settings


def writable_folder(folder: Path, setting: str) -> None:
    """Creates the folder if need be, and checks that files can be written in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ConfigError(f"cannot write to {folder} ({setting}): {error.strerror or error}") from None


def run_crawl(
    spider_args: Mapping[str, str],
    overrides: Mapping[str, Any],
    on_planned: Callable[[str, str], None] | None = None,
    spider: str = "bhg",
) -> RunResult:
    """Runs the ``spider`` (``bhg``, or ``recover``) to its end (SIGINT or SIGTERM stops it cleanly) and judges the run.

    Raises ``AlreadyRunning`` when another run holds the state's lock, ``ConfigError`` when a ``BHG_*`` setting
    is unknown or not of its kind (``config.check_settings``), a Scrapy setting the project relies on is not of
    its kind and range (``config.check_scrapy_settings``), the proxy takes no connection, or the state or
    the exports or logs folder cannot be used: all before anything is fetched.
    """
    check_settings(overrides)
    settings = project_settings(overrides)
    check_scrapy_settings(settings)
    run_id = settings.get("BHG_RUN_ID") or new_run_id(spider)
    settings.set("BHG_RUN_ID", run_id, priority="cmdline")
    log_file = None
    if settings.get("BHG_LOGS") and not settings.get("LOG_FILE"):
        log_file = Path(settings["BHG_LOGS"]) / f"{run_id}.log"
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
    store = open_state(settings)  # locked, and its Redis checked, before anything is fetched
    try:
        for setting in ("BHG_EXPORTS", "BHG_LOGS"):
            if settings.get(setting):
                writable_folder(Path(settings[setting]), setting)
        probe_proxy(settings.get("BHG_VIA"))
        clock = None if settings.get("BHG_NOW") else replica_clock(settings.get("BHG_VIA"))
        if clock is not None:  # a crawl of the replica: its day's time is the run's "now"
            settings.set("BHG_NOW", clock, priority="cmdline")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(spider)
        attach_state(crawler, store)
        if on_planned is not None:
            crawler.signals.connect(on_planned, signals.article_planned, weak=False)
        process.crawl(crawler, **spider_args)
        process.start()
    finally:
        store.close()
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    return RunResult(outcome_of(stats).code, run_id, stats, log_file)
