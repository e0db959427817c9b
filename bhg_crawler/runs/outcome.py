"""How a run ended, as an exit code that tells the truth (Scrapy alone exits 0 on most failures)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scrapy.statscollectors import StatsCollector


class ExitCode(enum.IntEnum):
    """The exit codes of a run. The monitors (``bhg_crawler.monitoring.monitors``) judge the run when the
    spider closes: each that fails names its code, and the run exits with the first of ``PRECEDENCE`` named."""

    OK = 0  # the crawl finished and exported new or changed records
    FAILED = 1  # an unexpected error: the run did not end, or a callback or pipeline raised (the log says which)
    BAD_CONFIG = 2  # bad arguments or settings: nothing was fetched
    NOTHING_NEW = 3  # the crawl finished; nothing was new or changed
    CRAWL_ERRORS = 4  # pages that could not be fetched above BHG_MAX_ERROR_RATIO of the requests
    REJECTS = 5  # records that failed validation above BHG_MAX_REJECT_RATIO of the records
    STOPPED = 6  # interrupted (SIGTERM, SIGINT), out of time (--max-runtime) or of requests (--max-requests)
    ALREADY_RUNNING = 7  # another run holds the state's lock
    COVERAGE = 8  # a field is missing from more exported records than its coverage threshold allows
    DRIFT = 9  # far more records than in past runs needed a fallback extraction layer: the markup changed
    FEWER_ARTICLES = 10  # far fewer articles than in past runs of the same kind
    EXPORT_FAILED = 11  # the exports could not be written (a full disk): nothing of the run was kept
    PAGES_MISSED = 12  # a section's walk ended while its pagination showed listing pages it never fetched
    ROBOTS_UNAVAILABLE = 13  # a host's robots.txt answered 5xx or nothing: the host was not crawled (RFC 9309)
    EMPTY_INDEX = 14  # a recovery's index (a CDX server's, or local WARC files) held no capture of an article


# The exit codes that ask nothing of whoever watches the runs (docs/exit-codes.md): a run that went well, found
# nothing new, was stopped (the next goes on), or left its turn to one already running.
NO_ACTION = frozenset([ExitCode.OK, ExitCode.NOTHING_NEW, ExitCode.STOPPED, ExitCode.ALREADY_RUNNING])

# The exit codes of a run that left work undone: pages it did not fetch, or fetched and could not read, wait in
# the failures ledger for the next run. Its manifest says ``partial``, whether Scrapy's crawl finished or not.
WORK_LEFT = frozenset(
    [ExitCode.FAILED, ExitCode.STOPPED, ExitCode.ROBOTS_UNAVAILABLE, ExitCode.CRAWL_ERRORS, ExitCode.PAGES_MISSED]
)

# The order in which failed monitors decide the exit code: the first that failed wins.
PRECEDENCE = (
    ExitCode.FAILED,
    ExitCode.STOPPED,
    ExitCode.ROBOTS_UNAVAILABLE,
    ExitCode.CRAWL_ERRORS,
    ExitCode.EMPTY_INDEX,
    ExitCode.PAGES_MISSED,
    ExitCode.REJECTS,
    ExitCode.COVERAGE,
    ExitCode.DRIFT,
    ExitCode.FEWER_ARTICLES,
)


@dataclass(frozen=True)
class Outcome:
    """A run's exit code and the reason, in one line."""

    code: ExitCode
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """``{"exit_code": int, "name": str, "reason": str}``: the outcome as manifests and the state keep it."""
        return {"exit_code": int(self.code), "name": self.code.name.lower(), "reason": self.reason}


def run_status(finish_reason: str, outcome: Outcome) -> str:
    """A run's ``status`` in its manifest and the state: ``complete`` when its crawl finished (Scrapy's
    ``finished``) and it did its work, whatever it found (exit 0, 3, 5, 8, 9, 10, 14); else ``partial``: it stopped, or
    it left pages unfetched or unread (``WORK_LEFT``: exit 1, 4, 6, 12, 13)."""
    return "complete" if finish_reason == "finished" and outcome.code not in WORK_LEFT else "partial"


def failed_stat(code: ExitCode) -> str:
    """The stat that holds the reasons of the failed monitors that name an exit code."""
    return f"bhg/monitors/failed/{code.name.lower()}"


def judge(stats: Mapping[str, Any]) -> Outcome:
    """The outcome of a run from its final stats, once the monitors have run: the first failed monitor's
    exit code in ``PRECEDENCE``, else nothing new, else OK."""
    if "bhg/monitors/ran" not in stats:
        return Outcome(ExitCode.FAILED, "the monitors did not run: the run cannot be vouched for")
    for code in PRECEDENCE:
        reason = stats.get(failed_stat(code))
        if reason:
            return Outcome(code, reason)
    exported = stats.get("item_scraped_count", 0)
    if not exported:
        return Outcome(ExitCode.NOTHING_NEW, "nothing new or changed")
    return Outcome(ExitCode.OK, f"{exported} records exported")


def record_outcome(stats: StatsCollector, outcome: Outcome) -> None:
    """Writes the run's outcome to its stats (``bhg/exit_code``, ``bhg/outcome``), where ``outcome_of`` reads it."""
    stats.set_value("bhg/exit_code", int(outcome.code))
    stats.set_value("bhg/outcome", outcome.reason)


def outcome_of(stats: Mapping[str, Any]) -> Outcome:
    """The outcome the monitors recorded in the stats (``bhg/exit_code``, ``bhg/outcome``), else failed."""
    code = stats.get("bhg/exit_code")
    if code is None:
        return Outcome(ExitCode.FAILED, "the run was not judged: the monitors did not run")
    return Outcome(ExitCode(code), stats.get("bhg/outcome", ""))
