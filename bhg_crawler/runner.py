"""One crawl in this process, for the command line: the lock, the log file, the exit code.

``scrapy crawl bhg`` runs the same spider, pipelines and exports; this adds what cron needs: a run that
refuses to overlap another on the same state, logs to ``logs/<run_id>.log``, and exits with a code that
says how it went (``bhg_crawler.outcome``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from bhg_crawler import signals
from bhg_crawler.exports import new_run_id
from bhg_crawler.outcome import ExitCode
from bhg_crawler.state import lock_for


@dataclass(frozen=True)
class RunResult:
    code: ExitCode
    run_id: str
    stats: dict[str, Any]
    log_file: Path | None


def project_settings(overrides: Mapping[str, Any]) -> Settings:
    settings = Settings()
    settings.setmodule("bhg_crawler.settings", priority="project")
    settings.update(dict(overrides), priority="cmdline")
    return settings


def run_crawl(
    spider_args: Mapping[str, str],
    overrides: Mapping[str, Any],
    on_planned: Callable[[str, str], None] | None = None,
) -> RunResult:
    """Runs the ``bhg`` spider to its end (SIGINT or SIGTERM stops it cleanly) and judges the run.

    Raises ``AlreadyRunning`` when another run holds the state's lock.
    """
    settings = project_settings(overrides)
    run_id = settings.get("BHG_RUN_ID") or new_run_id("bhg")
    settings.set("BHG_RUN_ID", run_id, priority="cmdline")
    log_file = None
    if settings.get("BHG_LOGS") and not settings.get("LOG_FILE"):
        log_file = Path(settings["BHG_LOGS"]) / f"{run_id}.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
    lock = lock_for(settings.get("BHG_STATE", ""))
    if lock is not None:
        lock.acquire()  # before any fetch: the second run leaves at once
    try:
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("bhg")
        if on_planned is not None:

            def planned(url: str, reason: str) -> None:
                on_planned(url, reason)

            crawler.signals.connect(planned, signals.article_planned, weak=False)
        process.crawl(crawler, **spider_args)
        process.start()
    finally:
        if lock is not None:
            lock.release()
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    code = stats.get("bhg/exit_code")
    if code is None:  # no run export judged the run: exports are off, or it failed
        reason = stats.get("finish_reason")
        if settings.get("BHG_EXPORTS") or reason is None:
            code = ExitCode.FAILED
        else:
            code = ExitCode.OK if reason == "finished" else ExitCode.STOPPED
    return RunResult(ExitCode(code), run_id, stats, log_file)
