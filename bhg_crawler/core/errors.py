"""Errors the project reports to its users by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import DownloadCancelledError, DropItem, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError

if TYPE_CHECKING:
    from twisted.python.failure import Failure


class ConfigError(ValueError):
    """A bad argument or setting: reported in one line, exit code 2."""


class StateUnavailable(RuntimeError):
    """The shared state (Redis) did not answer when a run committed: the run's files wait for the next run."""


class RefusedRedirect(IgnoreRequest):
    """A redirect (3xx or meta refresh) the crawl does not follow: to another host, in a loop, to an unusable
    URL. The same page will likely send the crawl the same way again: the failures ledger backs off from it."""


class RobotsRedirectLoop(IgnoreRequest):
    """A robots.txt whose redirects loop: as good as none (RFC 9309, 2.3.1.2), so no rules."""


class Dropped(DropItem):
    """A record a pipeline drops, with what became of its article (``outcome``: ``unchanged``, ``duplicate``,
    ``out_of_range``, ``rejected``), as the run's accounting counts it."""

    def __init__(self, outcome: str, message: str, log_level: str | None = None):
        super().__init__(message, log_level=log_level)
        self.outcome = outcome


class Unsent(IgnoreRequest):
    """A request a closing run cut before it was sent (``runs.closing.BoundedClose``): no outcome of its own, its
    article deferred to the next run as one the run never answered."""


class ArchiveGone(IgnoreRequest):
    """A capture not asked of a web archive host that refused connection after connection in this run
    (``middlewares.ArchiveGoneMiddleware``): an error, asked again by the next run."""


class RobotsUnavailable(IgnoreRequest):
    """A request to a host whose robots.txt answered 5xx or nothing: by RFC 9309 not made in this run."""


REFUSALS = ("robots", "robots_unavailable", "size", "not_html", "redirect", "other")  # the kinds of refusal
EXCUSED = frozenset(["robots", "robots_unavailable"])  # refusals that are no crawl error (exit-codes.md)


def refusal_of(failure: Failure) -> str | None:
    """The kind of refusal (one of ``REFUSALS`` but ``not_html``, which the spider decides) of a request the
    crawl did not take on purpose; None for an error (a network error, an HTTP error answer): ``robots`` (a
    robots.txt disallow: the site owner's wish), ``robots_unavailable`` (``RobotsUnavailable``), ``size`` (a
    body over ``DOWNLOAD_MAXSIZE``, received or decompressed), ``redirect`` (``RefusedRedirect``), ``other``
    (any other ``IgnoreRequest``, e.g. the offsite filter's)."""
    error = failure.value
    if isinstance(error, RefusedRedirect):
        return "redirect"
    if isinstance(error, RobotsUnavailable):
        return "robots_unavailable"
    if isinstance(error, DownloadCancelledError | CancelledError) or "DOWNLOAD_MAXSIZE" in str(error):
        return "size"  # Scrapy cancels a download over the size cap, and ignores a body that inflates past it
    if isinstance(error, HttpError):
        return None  # an IgnoreRequest too, whose answer is an HTTP error
    if isinstance(error, IgnoreRequest):
        return "robots" if str(error) == "Forbidden by robots.txt" else "other"
    return None


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
