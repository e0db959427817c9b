"""Errors the project reports to its users by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from twisted.python.failure import Failure


class ConfigError(ValueError):
    """A bad argument or setting: reported in one line, exit code 2."""


class StateUnavailable(RuntimeError):
    """The shared state (Redis) did not answer when a run committed: the run's files wait for the next run."""


class RefusedRedirect(IgnoreRequest):
    """A redirect (3xx or meta refresh) the crawl does not follow: to another host, in a loop, to an unusable
    URL. The same page will send the crawl the same way again: not retried."""


def describe(failure: Failure) -> str:
    """A failure in one line: its exception's name and message."""
    kind = failure.type.__name__ if failure.type is not None else "error"
    message = failure.getErrorMessage().strip()
    if not message and failure.type is not None and failure.type.__doc__:  # e.g. ResponseDataLossError
        message = failure.type.__doc__.strip().splitlines()[0]
    return f"{kind}: {message}"


def error_in(where: str, failure: Failure) -> str:
    """Why a page gave no record when code raised on it, as the run's failures and the ledger both say it:
    "error in the spider: ValueError: ..." (``where``: "the spider", "a pipeline")."""
    return f"error in {where}: {describe(failure)}"
