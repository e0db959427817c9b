"""What committed runs know, in SQLite and in Redis: the same answers to the same questions after the same runs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bhg_crawler.state.knowledge import Knowledge
from bhg_crawler.state.redis import RedisKnowledge, connect
from bhg_crawler.state.store import StateStore
from bhg_crawler.state.values import MOVED, NO_ANSWER
from tests.helpers import AT, export, small_record

SITE = "baohagiang.vn"
IDS = ("111111", "222222", "333333", "444444")
OTHER = "Đã sửa."  # the text of a changed version
DIGEST = "d" * 32
GIVE_UP = 3  # BHG_LEDGER_GIVE_UP_TRIES of the runs played

Step = Callable[[StateStore], object]
Run = tuple[str, list[Step]]  # ("commit" or "end", what the run does)


def url(article_id: str) -> str:
    return str(small_record(article_id)["url"])


def record_id(article_id: str) -> str:
    return f"{SITE}:{article_id}"


def sha(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def fetched(article_id: str, status: int = 200, etag: str | None = None, days: int = 1) -> Step:
    return lambda store: store.fetched(record_id(article_id), url(article_id), status, AT, etag=etag,
                                       published=AT - timedelta(days=days))  # fmt: skip


def exported(article_id: str, body: str = "Nội dung.", **extra: Any) -> Step:
    return lambda store: export(store, small_record(article_id, body, **extra))


def discovered(article_id: str) -> Step:
    return lambda store: store.discovered(record_id(article_id), url(article_id))


def failed(article_id: str, reason: str, retry: bool = True) -> Step:
    return lambda store: store.failed(record_id(article_id), url(article_id), reason, retry=retry)


def cleared(article_id: str) -> Step:
    return lambda store: store.cleared(record_id(article_id))


def deferred(article_id: str) -> Step:
    return lambda store: store.deferred(record_id(article_id))


def pending(article_id: str) -> Step:
    return lambda store: store.pending(record_id(article_id))


def walked(slug: str) -> Step:
    return lambda store: store.walked(SITE, slug)


def archived(article_id: str) -> Step:
    return lambda store: store.archived(DIGEST, url(article_id), "2025-07-01T03:00:00Z", record_id(article_id))


def withdrawn(article_id: str) -> Step:
    return lambda store: store.withdraw(record_id(article_id))


# An article with a capture of a web archive to ask again stays in the ledger whatever was exported, unless moved.
PENDING: list[Run] = [
    (
        "commit",
        [
            discovered("111111"),
            fetched("111111"),
            exported("111111"),  # one capture exported, one cut
            failed("111111", "ResponseDataLossError", retry=True),
            pending("111111"),
        ],
    ),
    (
        "commit",
        [
            discovered("222222"),
            fetched("222222"),
            exported("222222", "Khác."),
            discovered("333333"),
            fetched("333333", MOVED),
            failed("333333", "ConnectError", retry=True),
            pending("333333"),
            discovered("111111"),
            failed("111111", "ResponseDataLossError", retry=True),
            pending("111111"),
            discovered("444444"),
            failed("444444", "HTTP 503 archived", retry=False),
        ],
    ),
    ("commit", [discovered("222222"), fetched("222222")]),  # a run that does not touch it: it stays
    ("commit", [discovered("111111"), fetched("111111")]),  # the capture recovered, its content known
]
LEDGER_AFTER = [  # the ledger after each run of PENDING: (article id, reason, attempts, retry)
    [("111111", "ResponseDataLossError", 1, 1)],
    [("111111", "ResponseDataLossError", 2, 1), ("444444", "HTTP 503 archived", 1, 0)],  # 333333 moved
    [("111111", "ResponseDataLossError", 2, 1), ("444444", "HTTP 503 archived", 1, 0)],
    [("444444", "HTTP 503 archived", 1, 0)],
]

CASES: dict[str, list[Run]] = {
    "exported-walked-archived": [
        ("commit", [fetched("111111", etag='"a"'), exported("111111"), walked("xa-hoi"), archived("111111")]),
    ],
    "ended-without-commit": [
        ("end", [fetched("111111", etag='"a"'), exported("111111"), walked("xa-hoi"), discovered("222222")]),
    ],
    "fetched-not-exported": [("commit", [fetched("111111", etag='"rejected"')])],
    "unchanged-keeps-new-etag": [
        ("commit", [fetched("111111", etag='"a"'), exported("111111")]),
        ("commit", [fetched("111111", etag='"b"'), exported("111111"), exported("222222")]),
    ],
    "current-304": [
        ("commit", [fetched("111111", etag='"a"'), exported("111111")]),
        ("commit", [fetched("111111", 304, etag='"b"')]),
    ],
    "changed-then-its-old-text-elsewhere": [
        ("commit", [fetched("111111", days=3), exported("111111")]),
        ("commit", [fetched("111111", days=3), exported("111111", OTHER), exported("222222")]),
        ("commit", [fetched("222222", days=2), exported("222222")]),
    ],
    "withdrawn": [("commit", [fetched("111111", etag='"a"'), exported("111111"), withdrawn("111111")])],
    "aliases": [
        ("commit", [exported("111111", url_aliases=[url("333333")]), exported("222222", "Khác.")]),
        ("commit", [exported("444444", "Bài khác.", url_aliases=[url("333333")])]),
    ],
    "ledger": [
        (
            "commit",
            [
                *(discovered(i) for i in IDS),
                failed("222222", "HTTP 503"),
                failed("333333", "HTTP 404", retry=False),
                fetched("111111", 304),
            ],
        ),
        ("commit", [discovered("222222"), failed("222222", "HTTP 502"), discovered("444444")]),
        ("commit", [discovered("444444"), fetched("444444", days=5), exported("444444")]),
        ("commit", [discovered("444444"), failed("444444", "Forbidden by robots.txt")]),
    ],
    "backoff-and-give-up": [  # given up at the GIVE_UP-th try with a reason; a run with no answer is no reason,
        (  # nor is a robots.txt that gave no answer (444444: asked again every run)
            "commit",
            [
                discovered("111111"),
                failed("111111", "HTTP 500"),
                discovered("222222"),
                failed("222222", "DownloadCancelledError: too large"),
                discovered("333333"),
                discovered("444444"),
                failed("444444", "RobotsUnavailable: not crawled: its robots.txt answered 503"),
            ],
        ),
        (
            "commit",
            [
                deferred("111111"),
                discovered("222222"),
                failed("222222", "DownloadCancelledError: too large"),
                discovered("333333"),
                discovered("444444"),
                failed("444444", "RobotsUnavailable: not crawled: its robots.txt answered 503"),
            ],
        ),
        (
            "commit",
            [
                discovered("111111"),
                failed("111111", "HTTP 500"),
                discovered("222222"),
                failed("222222", "Forbidden by robots.txt"),
                discovered("333333"),
                discovered("444444"),
                failed("444444", "RobotsUnavailable: not crawled: its robots.txt answered 503"),
            ],
        ),
        ("commit", [deferred("111111"), deferred("222222"), deferred("111111")]),
    ],
    "a deferred article exported later leaves the ledger": [
        ("commit", [discovered("111111"), failed("111111", "HTTP 500")]),
        ("commit", [deferred("111111"), discovered("111111"), fetched("111111"), exported("111111")]),
    ],
    "moved": [
        (
            "commit",
            [
                discovered("111111"),
                fetched("111111", MOVED),
                discovered("222222"),
                fetched("222222"),
                exported("222222", url_aliases=[url("111111")]),
            ],
        ),
    ],
    "a page of the ledger fetched later": [  # a listing page a walk missed, then walked
        ("commit", [failed("111111", "HTTP 503"), failed("222222", "HTTP 503")]),
        ("commit", [cleared("111111")]),
    ],
    "a capture to ask again": PENDING,
    "failed-at-a-home-not-requested": [  # a moved article's new home, out of the run's range
        (
            "commit",
            [
                discovered("111111"),
                fetched("111111", MOVED),
                fetched("222222"),
                failed("222222", "published outside the run's --since/--until", retry=False),
            ],
        ),
    ],
}


def answers(knowledge: Knowledge) -> dict[str, Any]:
    """Every question a run asks of past runs, on the records, URLs, sections and contents of the cases."""
    ledger = {retry_only: sorted((e["record_id"], e["url"], e["reason"], e["attempts"], e["retry"], e["waited"])
                                 for e in knowledge.ledger(SITE, retry_only)) for retry_only in (False, True)}  # fmt: skip
    return {
        "known": [knowledge.known(record_id(i)) for i in IDS],
        "record_of": [knowledge.record_of(url(i)) for i in IDS],
        "section_walked": [knowledge.section_walked(SITE, slug) for slug in ("xa-hoi", "the-thao")],
        "recent": [known.record_id for known in knowledge.recent(SITE, AT - timedelta(days=4))],
        "ledger": ledger,
        "payload": knowledge.payload(DIGEST),
        "exported_with": [
            knowledge.exported_with(sha(body), record_id(i)) for body in ("Nội dung.", OTHER, "Khác.") for i in IDS
        ],
        "counts": knowledge.counts(),
        "exported": sorted(knowledge.exported(SITE), key=lambda known: known.record_id),
        "committed": [knowledge.committed(f"r{n}") for n in range(4)],
    }


def play(store: StateStore, runs: list[Run]) -> dict[str, Any]:
    """The runs, one after another; then what the store's knowledge answers, and where records would go."""
    for n, (end, steps) in enumerate(runs):
        store.begin_run(f"r{n}", "exports")
        for step in steps:
            step(store)
        if end == "commit":
            store.commit_run(f"r{n}", "complete", {}, give_up=GIVE_UP)
        else:
            store.end_run(f"r{n}", "failed", {})
    placed = [store.place(small_record(i, body)) for body in ("Nội dung.", OTHER) for i in IDS]
    return {**answers(store.knowledge), "place": placed}


@pytest.mark.parametrize("runs", CASES.values(), ids=CASES.keys())
def test_sqlite_and_redis_answer_alike_after_the_same_runs(runs: list[Run], tmp_path: Path, session_redis: str) -> None:
    client = connect(session_redis)
    client.flushdb()
    sqlite = StateStore(str(tmp_path / "sqlite" / "state.sqlite3"))
    shared = StateStore(str(tmp_path / "redis" / "state.sqlite3"),
                        knowledge=RedisKnowledge(client, "bhg:alike", "tester:1", 86400))  # fmt: skip
    fresh = StateStore("")
    try:
        kept, nothing = play(sqlite, runs), play(fresh, [])
        assert play(shared, runs) == kept
        assert (kept == nothing) == (runs[-1][0] == "end")  # every committed case leaves something to know
    finally:
        for store in (sqlite, shared, fresh):
            store.close()
        client.close()


def test_the_ledger_backs_off_and_gives_up(tmp_path: Path) -> None:
    store = StateStore("")
    try:
        play(store, CASES["backoff-and-give-up"])
        entries = {e["record_id"].split(":")[1]: (e["reason"], e["attempts"], e["retry"], e["waited"])
                   for e in store.ledger(SITE)}  # fmt: skip
    finally:
        store.close()
    assert entries == {
        "111111": ("HTTP 500", 2, 1, 1),  # tried, held back, tried, held back (twice in one run: once)
        "222222": ("given up after 3 tries: Forbidden by robots.txt", 3, 0, 1),  # the given-up reason is the last
        "333333": (NO_ANSWER, 3, 1, 0),  # never answered: never given up
        "444444": ("RobotsUnavailable: not crawled: its robots.txt answered 503", 3, 1, 0),  # nor is the host's matter
    }


def test_an_article_with_a_capture_to_ask_again_stays_in_the_ledger_whatever_was_exported() -> None:
    store = StateStore("")
    try:
        for n, ((_, steps), expected) in enumerate(zip(PENDING, LEDGER_AFTER, strict=True)):
            store.begin_run(f"r{n}", "exports")
            for step in steps:
                step(store)
            store.commit_run(f"r{n}", "complete", {}, give_up=GIVE_UP)
            entries = sorted((e["record_id"].split(":")[1], e["reason"], e["attempts"], e["retry"])
                             for e in store.ledger(SITE))  # fmt: skip
            assert entries == expected, n
    finally:
        store.close()
