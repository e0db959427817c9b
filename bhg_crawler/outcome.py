"""How a run ended, as an exit code that tells the truth (Scrapy alone exits 0 on most failures)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class ExitCode(enum.IntEnum):
    OK = 0  # the crawl finished and exported new or changed records
    FAILED = 1  # an unexpected error: the run did not end, or a callback or pipeline raised (the log says which)
    BAD_CONFIG = 2  # bad arguments or settings: nothing was fetched
    NOTHING_NEW = 3  # the crawl finished; nothing was new or changed
    CRAWL_ERRORS = 4  # pages that could not be fetched above BHG_MAX_ERROR_RATIO of the requests
    REJECTS = 5  # records that failed validation above BHG_MAX_REJECT_RATIO of the records
    STOPPED = 6  # interrupted (SIGTERM, SIGINT), out of time (--max-runtime) or of requests (--max-requests)
    ALREADY_RUNNING = 7  # another run holds the state's lock


@dataclass(frozen=True)
class Outcome:
    code: ExitCode
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"exit_code": int(self.code), "name": self.code.name.lower(), "reason": self.reason}


def judge(stats: Mapping[str, Any], finish_reason: str, max_error_ratio: float, max_reject_ratio: float) -> Outcome:
    """The outcome of a run from its final stats: the first that applies of failed, stopped, crawl errors,
    rejects, nothing new."""
    raised = stats.get("bhg/errors/callback", 0) + stats.get("bhg/errors/item", 0)
    if raised:
        return Outcome(ExitCode.FAILED, f"{raised} pages or records raised errors (see the log)")
    if finish_reason != "finished":
        return Outcome(ExitCode.STOPPED, f"the crawl stopped before its end: {finish_reason}")
    requests = stats.get("downloader/request_count", 0)
    errors = stats.get("bhg/failures/error", 0)
    if requests and errors / requests > max_error_ratio:
        return Outcome(
            ExitCode.CRAWL_ERRORS, f"{errors} of {requests} requests failed (more than {max_error_ratio:.1%})"
        )
    exported, rejects = stats.get("bhg/exported", 0), stats.get("bhg/rejects", 0)
    if rejects and rejects / (rejects + exported) > max_reject_ratio:
        return Outcome(
            ExitCode.REJECTS,
            f"{rejects} of {rejects + exported} records failed validation (more than {max_reject_ratio:.1%})",
        )
    if not exported:
        return Outcome(ExitCode.NOTHING_NEW, "nothing new or changed")
    return Outcome(ExitCode.OK, f"{exported} records exported")
