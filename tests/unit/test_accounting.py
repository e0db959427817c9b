"""A run's accounting from the outcomes of its articles; the ledger's back-off and give-up; refusals by kind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import TimeoutError as TwistedTimeout
from twisted.python.failure import Failure

from bhg_crawler.app.crawl import summary
from bhg_crawler.core.errors import RefusedRedirect, RobotsUnavailable, refusal_of
from bhg_crawler.runs.accounting import Accounts, balance_problems
from bhg_crawler.state.values import NO_ANSWER, given_up, held_back, ledger_turn, runs_to_wait

# -- the ledger's back-off ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tries", "waited", "turn", "left"),
    [
        (1, 0, "retry", 0),  # one failed try: the next run retries it
        (2, 0, "wait", 1),
        (2, 1, "retry", 0),
        (3, 0, "wait", 3),
        (3, 2, "wait", 1),
        (3, 3, "retry", 0),
        (4, 6, "wait", 1),
        (4, 7, "retry", 0),
        (4, 20, "retry", 0),
        (5, 0, "given_up", 0),  # tried give_up (5) times
        (5, 15, "given_up", 0),
        (9, 0, "given_up", 0),
    ],
)
def test_the_ledger_retries_after_more_runs_each_try_and_gives_up(
    tries: int, waited: int, turn: str, left: int
) -> None:
    assert ledger_turn(tries, waited, give_up=5) == turn
    if turn != "given_up":
        assert runs_to_wait(tries, waited) == left


def entry(
    reason: str, attempts: int, retry: int, waited: int = 0, record_id: str = "baohagiang.vn:1"
) -> dict[str, Any]:
    return {"record_id": record_id, "reason": reason, "attempts": attempts, "retry": retry, "waited": waited}


@pytest.mark.parametrize(
    ("ledger_entry", "why"),
    [
        (entry("HTTP 500", 1, 1), None),
        (entry("HTTP 500", 2, 1), "backoff"),
        (entry("HTTP 500", 2, 1, waited=1), None),
        (entry("Forbidden by robots.txt", 3, 1, waited=1), "backoff"),
        (entry("given up after 5 tries: Forbidden by robots.txt", 5, 0), "given_up"),
        (entry("HTTP 500", 5, 1), "given_up"),  # BHG_LEDGER_GIVE_UP_TRIES lowered since its last try
        (entry(NO_ANSWER, 4, 1), None),  # never answered: nothing says it fails
        (entry("RobotsUnavailable: not crawled: its robots.txt answered 503", 4, 1), None),  # the host's matter
        (entry("RobotsUnavailable: not crawled: its robots.txt answered 503", 9, 1), None),
        (entry("HTTP 404", 3, 0), None),  # gone: the state knows, no ledger rule
        (entry("a duplicate of baohagiang.vn:2", 1, 0), None),
        (entry("HTTP 500", 4, 1, record_id="baohagiang.vn:listing:/xa-hoi/trang-2.html"), None),  # walked every run
    ],
)
def test_what_the_ledger_holds_back(ledger_entry: dict[str, Any], why: str | None) -> None:
    assert held_back(ledger_entry, give_up=5) == why


@pytest.mark.parametrize(
    ("tries", "reason", "said"),
    [
        (5, "HTTP 500", "given up after 5 tries: HTTP 500"),
        (3, "IgnoreRequest: Forbidden by robots.txt", "given up after 3 tries: IgnoreRequest: Forbidden by robots.txt"),
        (6, "given up after 5 tries: HTTP 500", "given up after 5 tries: HTTP 500"),  # said once
    ],
)
def test_a_given_up_reason(tries: int, reason: str, said: str) -> None:
    assert given_up(tries, reason) == said


# -- refusals by kind ---------------------------------------------------------------------------------


def http_error(status: int) -> HttpError:
    return HttpError(Response("https://baohagiang.vn/a", status=status), "Ignoring non-200 response")


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (IgnoreRequest("Forbidden by robots.txt"), "robots"),
        (RobotsUnavailable("not crawled: its robots.txt answered 503"), "robots_unavailable"),
        (DownloadCancelledError("Expected to receive 12582912 bytes which is larger than download max size"), "size"),
        (CancelledError(), "size"),  # a body that grew past DOWNLOAD_MAXSIZE as it came
        (IgnoreRequest("... exceeded DOWNLOAD_MAXSIZE (8388608 B) during decompression."), "size"),
        (RefusedRedirect("a redirect to another host: https://elsewhere.example/"), "redirect"),
        (IgnoreRequest("Filtered offsite request"), "other"),
        (http_error(500), None),
        (http_error(403), None),
        (TwistedTimeout(), None),  # type: ignore[no-untyped-call]
        (ValueError("boom"), None),
    ],
)
def test_refusals_by_kind(error: Exception, kind: str | None) -> None:
    failure = Failure(error)  # type: ignore[no-untyped-call]
    failure.request = Request("https://baohagiang.vn/a")  # type: ignore[attr-defined]
    assert refusal_of(failure) == kind


# -- the accounting --------------------------------------------------------------------------------------

Event = tuple[str, ...]  # ("discover", article), ("hand_off", article) or ("settle", article, term[, detail])


def zeros(**terms: Any) -> dict[str, Any]:
    """An accounting with every term zero but ``terms``."""
    empty: dict[str, Any] = {"exported": 0, "unchanged": 0, "not_modified": 0, "duplicate": 0, "gone": 0,
                             "out_of_range": 0, "rejected": 0, "refused": {}, "failed": 0, "given_up": 0,
                             "deferred": {}}  # fmt: skip
    return {**empty, **terms}


CASES: list[tuple[str, list[Event], str, int, dict[str, Any]]] = [
    ("nothing", [], "finished", 0, {"discovered": 0, **zeros(), "unaccounted": 0, "balanced": True}),
    (
        "one of each",
        [("discover", "a"), ("settle", "a", "exported"), ("discover", "b"), ("settle", "b", "unchanged"),
         ("discover", "c"), ("settle", "c", "not_modified"), ("discover", "d"), ("settle", "d", "gone"),
         ("discover", "e"), ("settle", "e", "refused", "size"), ("discover", "f"), ("settle", "f", "failed"),
         ("discover", "g"), ("settle", "g", "refused", "robots"), ("discover", "h"),
         ("settle", "h", "deferred", "backoff")],
        "finished",
        1,
        {"discovered": 8, **zeros(exported=1, unchanged=1, not_modified=1, gone=1, failed=1,
                                  refused={"robots": 1, "size": 1}, deferred={"backoff": 1}),
         "unaccounted": 0, "balanced": True},
    ),
    (
        "discovered twice, settled twice: once, the strongest outcome",
        [("discover", "a"), ("discover", "a"), ("settle", "a", "failed"), ("settle", "a", "exported"),
         ("settle", "a", "refused", "size"), ("discover", "b"), ("settle", "b", "refused", "redirect"),
         ("settle", "b", "deferred", "given_up")],
        "finished",
        1,
        {"discovered": 2, **zeros(exported=1, refused={"redirect": 1}), "unaccounted": 0, "balanced": True},
    ),
    (
        "stopped by --max-requests: what was never answered is deferred",
        [("discover", "a"), ("settle", "a", "exported"), ("discover", "b"), ("discover", "c")],
        "closespider_pagecount",
        1,
        {"discovered": 3, **zeros(exported=1, deferred={"max_requests": 2}), "unaccounted": 0, "balanced": True},
    ),
    (
        "stopped by SIGTERM",
        [("discover", "a"), ("discover", "b"), ("settle", "b", "deferred", "backoff")],
        "shutdown",
        0,
        {"discovered": 2, **zeros(deferred={"backoff": 1, "stopped": 1}), "unaccounted": 0, "balanced": True},
    ),
    (
        "handed to another process (a distributed crawl's redirect), taken back, handed again",
        [("discover", "a"), ("hand_off", "a"), ("discover", "b"), ("hand_off", "b"), ("discover", "b"),
         ("settle", "b", "exported"), ("hand_off", "b"), ("discover", "c"), ("hand_off", "c")],
        "finished",
        1,
        {"discovered": 1, **zeros(exported=1), "unaccounted": 0, "balanced": True},
    ),
    (
        "a finished run that left an article unanswered does not balance",
        [("discover", "a"), ("settle", "a", "exported"), ("discover", "b")],
        "finished",
        1,
        {"discovered": 2, **zeros(exported=1), "unaccounted": 1, "balanced": False},
    ),
    (
        "an outcome of an article never discovered does not balance",
        [("discover", "a"), ("settle", "a", "exported"), ("settle", "z", "failed")],
        "finished",
        1,
        {"discovered": 1, **zeros(exported=1), "unaccounted": 1, "balanced": False},
    ),
    (
        "exported articles that are not the records written do not balance",
        [("discover", "a"), ("settle", "a", "exported")],
        "finished",
        2,
        {"discovered": 1, **zeros(exported=1), "unaccounted": 0, "balanced": False},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("events", "reason", "records", "accounting"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_the_accounting_of_outcome_sequences(
    events: list[Event], reason: str, records: int, accounting: dict[str, Any]
) -> None:
    accounts = Accounts()
    for event in events:
        if event[0] == "discover":
            accounts.discover(event[1])
        elif event[0] == "hand_off":
            accounts.hand_off(event[1])
        else:
            accounts.settle(*event[1:])
    summary = accounts.summary(reason, records)
    assert summary == accounting
    assert (balance_problems(summary, records) == []) == accounting["balanced"]


@pytest.mark.parametrize(
    ("accounting", "records", "problems"),
    [
        ({"discovered": 3, **zeros(exported=2, gone=1), "unaccounted": 0, "balanced": True}, 2, []),
        (
            {"discovered": 4, **zeros(exported=2, refused={"size": 1}), "unaccounted": 0, "balanced": False},
            2,
            ["4 articles discovered, but 2 exported + 1 refused = 3"],
        ),
        (
            {"discovered": 2, **zeros(exported=2), "unaccounted": 1, "balanced": False},
            1,
            ["1 articles unaccounted for", "2 articles exported, but the files hold 1 records"],
        ),
    ],
)
def test_a_manifest_that_does_not_balance_says_why(
    accounting: dict[str, Any], records: int, problems: list[str]
) -> None:
    assert balance_problems(accounting, records) == problems


@pytest.mark.parametrize(
    ("deferred", "first_line_ends"),
    [
        ({}, "0 duplicates dropped, 1 pages not fetched"),
        ({"stopped": 204}, "1 pages not fetched, 204 articles found and left for the next run"),
        ({"max_requests": 3, "stopped": 2}, "1 pages not fetched, 5 articles found and left for the next run"),
    ],
    ids=["finished", "stopped", "two-reasons"],
)
def test_the_summary_says_what_a_stopped_run_left(
    tmp_path: Path, deferred: dict[str, int], first_line_ends: str
) -> None:
    manifest = {"status": "partial", "counts": {"articles": 83, "rejects": 0, "duplicates": 0, "failures": 1},
                "files": [], "accounting": {"deferred": deferred}}  # fmt: skip
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "r1.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert summary(tmp_path, "r1")[0].endswith(first_line_ends)
