"""What committed runs know, shared in Redis by the workers of a distributed crawl (each with its own file)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from scrapy import Request, Spider

from bhg_crawler.app.cli import main
from bhg_crawler.core.errors import StateUnavailable
from bhg_crawler.distributed.claims import CLAIM
from bhg_crawler.distributed.scheduler import TakenQueue
from bhg_crawler.distributed.workers import BURY, LATE_SECONDS, LEAVE
from bhg_crawler.state.redis import RedisKnowledge, connect, worker_name
from bhg_crawler.state.store import StateStore
from bhg_crawler.state.values import NO_ANSWER
from tests.helpers import AT, export, small_record

PREFIX = "bhg:test"
URL = "https://baohagiang.vn/x/202001/a-100000"


@pytest.fixture
def client(session_redis: str) -> Iterator[redis.Redis]:
    client = connect(session_redis)
    client.flushdb()
    yield client
    client.close()


def worker(client: redis.Redis, folder: Path, name: str, keep: int = 86400) -> StateStore:
    return StateStore(str(folder / name / "state.sqlite3"), knowledge=RedisKnowledge(client, PREFIX, name, keep))


def test_what_one_worker_committed_the_others_know(tmp_path: Path, client: redis.Redis) -> None:
    one = worker(client, tmp_path, "one")
    one.begin_run("r1", "exports")
    one.fetched("baohagiang.vn:111111", small_record("111111")["url"], 200, AT, etag='"a"', published=AT)
    assert export(one, small_record("111111")) == "new1"
    one.walked("baohagiang.vn", "xa-hoi")
    one.archived("d" * 32, small_record("111111")["url"], "2025-07-01T03:00:00Z", "baohagiang.vn:111111")
    one.commit_run("r1", "complete", {})
    one.close()
    two = worker(client, tmp_path, "two")  # a state file of its own, new
    known = two.known("baohagiang.vn:111111")
    assert known is not None
    assert (known.version, known.etag) == (1, '"a"')
    assert two.section_walked("baohagiang.vn", "xa-hoi")
    assert two.payload("d" * 32) is not None
    assert export(two, small_record("111111")) == "unchanged"
    assert export(two, small_record("222222")) == "duplicate:content"
    assert export(two, small_record("111111", "Đã sửa.")) == "new2"
    two.close()


@pytest.mark.parametrize("first", ["discovered", "failed"])
def test_a_failure_reported_by_another_worker_is_the_ledger_reason(
    tmp_path: Path, client: redis.Redis, first: str
) -> None:
    client.set(f"{PREFIX}:crawl", "2026-11-25T00:00:00Z")  # one crawl: both workers' runs are one attempt
    found, fetcher = worker(client, tmp_path, "found"), worker(client, tmp_path, "fetcher")
    found.begin_run("r1", "exports")
    fetcher.begin_run("r2", "exports")
    found.discovered("baohagiang.vn:1", URL)  # queued by one worker, fetched by the other
    fetcher.failed("baohagiang.vn:1", URL, "HTTP 503")
    order = [(found, "r1"), (fetcher, "r2")] if first == "discovered" else [(fetcher, "r2"), (found, "r1")]
    for store, run_id in order:
        store.commit_run(run_id, "complete", {})
    [entry] = found.ledger("baohagiang.vn")
    assert (entry["reason"], entry["attempts"], entry["retry"]) == ("HTTP 503", 1, 1)
    client.set(f"{PREFIX}:crawl", "2026-11-26T00:00:00Z")  # the next crawl asks again; no worker answers
    found.begin_run("r3", "exports")
    found.discovered("baohagiang.vn:1", URL)
    found.commit_run("r3", "complete", {})
    [entry] = fetcher.ledger("baohagiang.vn", retry_only=True)
    assert (entry["reason"], entry["attempts"]) == (NO_ANSWER, 2)
    found.close()
    fetcher.close()


def test_a_worker_dead_between_the_two_commits_publishes_its_run_next_time(tmp_path: Path, client: redis.Redis) -> None:
    store = worker(client, tmp_path, "one")
    store.begin_run("r1", "exports")
    export(store, small_record("111111"))
    store.knowledge.merge(store.run, "r1", "complete", datetime.now(UTC))  # Redis took it; then the process died
    store.close()
    store = worker(client, tmp_path, "one")
    assert store.unpublished() == [("r1", "exports")]  # its files are published, not removed
    store.published("r1")
    assert store.begin_run("r2", "exports") == []
    assert not client.hexists(f"{PREFIX}:commits", "r1")
    store.begin_run("r3", "exports")
    export(store, small_record("333333", "Khác."))
    store.close()  # died before its commit reached Redis
    store = worker(client, tmp_path, "one")
    assert store.unpublished() == []
    assert store.begin_run("r4", "exports") == [("r3", "exports")]  # its files are removed
    assert store.known("baohagiang.vn:333333") is None
    store.close()


def test_a_redis_that_does_not_answer_the_commit_leaves_the_run_undecided(tmp_path: Path) -> None:
    gone = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    store = StateStore(str(tmp_path / "state.sqlite3"), knowledge=RedisKnowledge(gone, PREFIX, "one", 86400))
    store.begin_run("r1", "exports")
    with pytest.raises(StateUnavailable, match="Redis did not take the run's commit"):
        store.commit_run("r1", "complete", {})
    assert [(run["run_id"], run["status"]) for run in store.runs()] == [("r1", "running")]
    store.close()


def test_commit_notes_are_kept_for_a_while_only(tmp_path: Path, client: redis.Redis) -> None:
    old = {"status": "complete", "at": int(time.time()) - 3600}
    client.hset(f"{PREFIX}:commits", "died-an-hour-ago", json.dumps(old))
    store = worker(client, tmp_path, "one", keep=60)
    store.begin_run("r1", "exports")
    store.knowledge.merge(store.run, "r1", "complete", datetime.now(UTC))
    assert sorted(client.hkeys(f"{PREFIX}:commits")) == ["r1"]
    store.close()


def test_a_version_a_committed_run_exported_cannot_be_claimed(tmp_path: Path, client: redis.Redis) -> None:
    store = worker(client, tmp_path, "one")
    item = small_record("111111")
    export(store, item)
    client.set(f"{PREFIX}:claim:x", "one")
    client.sadd(f"{PREFIX}:claims:one", f"{PREFIX}:claim:x")
    store.commit_run("r1", "complete", {})
    assert not client.exists(f"{PREFIX}:claim:x", f"{PREFIX}:claims:one")  # done with at the commit

    def claim(sha: str) -> int:
        keys = (f"{PREFIX}:claim:{sha}", f"{PREFIX}:claims:two", f"{PREFIX}:articles")
        return int(client.eval(CLAIM, 3, *keys, "two", 60, item["record_id"], sha))

    assert claim(item["content_sha256"]) == -1
    assert claim("f" * 64) == 1
    assert claim("f" * 64) == 0
    store.close()


def test_the_shared_ledger_and_keys_on_the_command_line(
    tmp_path: Path, client: redis.Redis, session_redis: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = StateStore(str(tmp_path / "state.sqlite3"), knowledge=RedisKnowledge(client, "bhg:daily", "one", 86400))
    store.begin_run("r1", "exports")
    export(store, small_record("111111"))
    store.failed("baohagiang.vn:2", URL, "HTTP 503")
    store.commit_run("r1", "complete", {})
    store.close()
    assert main(["ledger", "--redis", session_redis, "--crawl", "daily"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split("\t")[:3] == ["baohagiang.vn:2", "1", "yes"]
    assert lines[1].endswith(f"\tHTTP 503\t{URL}")
    assert main(["redis-status", "--redis", session_redis, "--crawl", "daily"]) == 0
    table = {line.split("\t")[0]: line.split("\t")[1:] for line in capsys.readouterr().out.splitlines()[1:]}
    assert table["bhg:daily:articles"][0] == "1"
    assert table["bhg:daily:ledger"][0] == "1"
    assert table["bhg:daily:articles"][2] == "-1"  # what is known does not expire
    assert table["bhg:daily:claim:*"][0] == "0"


# -- what a worker killed at any moment leaves in Redis ---------------------------------------------------------


@pytest.fixture
def shared(client: redis.Redis, session_redis: str) -> Iterator[TakenQueue]:
    """The shared queue, its Redis answering in bytes as scrapy-redis's does."""
    raw = redis.Redis.from_url(session_redis)
    yield TakenQueue(raw, Spider(name="test"), f"{PREFIX}:requests")
    raw.close()


@pytest.mark.parametrize(
    ("seen", "fingerprint", "queued", "seen_after"),
    [
        ([], "a", True, ["a"]),  # new: queued and seen, in one step
        (["a"], "a", False, ["a"]),  # seen: neither
        (["a"], "", True, ["a"]),  # not filtered (dont_filter): queued whatever was seen
        ([], "", True, []),
    ],
)
def test_a_request_is_seen_only_when_it_is_queued(
    client: redis.Redis, shared: TakenQueue, seen: list[str], fingerprint: str, queued: bool, seen_after: list[str]
) -> None:
    if seen:
        client.sadd(f"{PREFIX}:seen", *seen)
    assert shared.push_unseen(Request(URL, priority=3), f"{PREFIX}:seen", fingerprint) is queued
    assert [score for _, score in shared.server.zrange(f"{PREFIX}:requests", 0, -1, withscores=True)] == [-3.0] * queued
    assert sorted(client.smembers(f"{PREFIX}:seen")) == seen_after


def test_a_request_that_cannot_be_queued_is_not_seen(client: redis.Redis, shared: TakenQueue) -> None:
    client.set(f"{PREFIX}:requests", "not a queue")
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        shared.push_unseen(Request(URL), f"{PREFIX}:seen", "a")
    assert not client.exists(f"{PREFIX}:seen")


def test_a_worker_that_takes_a_request_is_busy_at_once(client: redis.Redis, shared: TakenQueue) -> None:
    shared.push_unseen(Request(URL, priority=2), f"{PREFIX}:seen", "a")
    client.hset(f"{PREFIX}:workers", worker_name(), "1.0 idle")
    assert shared.pop().url == URL
    assert shared.pop() is None
    taken = shared.server.zrange(f"{PREFIX}:taken:{worker_name()}", 0, -1, withscores=True)
    assert [score for _, score in taken] == [-2.0]
    beat, state = str(client.hget(f"{PREFIX}:workers", worker_name())).split()
    assert (state, abs(float(beat) - time.time()) < 5) == ("busy", True)


@pytest.mark.parametrize(
    ("others", "leaves"),
    [
        ({}, True),  # the last worker
        ({"b": (0, "idle")}, True),  # b is idle and beats: it closes after
        ({"b": (0, "idle"), "c": (0, "busy")}, False),  # c may queue more, or die holding work
        ({"b": (0, "leaving")}, False),  # b's commit may fail and give its work back
        ({"b": (LATE_SECONDS + 1, "idle")}, False),  # b is late: it may be dead, with work to put back
        ({"b": (LATE_SECONDS - 1, "idle")}, True),
    ],
)
def test_a_worker_leaves_only_when_no_other_may_give_work_back(
    client: redis.Redis, others: dict[str, tuple[float, str]], leaves: bool
) -> None:
    now = time.time()
    for name, (age, state) in others.items():
        client.hset(f"{PREFIX}:workers", name, f"{now - age} {state}")
    client.hset(f"{PREFIX}:workers", "a", f"{now} idle")
    assert client.eval(LEAVE, 1, f"{PREFIX}:workers", "a", now, LATE_SECONDS) == leaves
    assert client.hget(f"{PREFIX}:workers", "a") == f"{now} {'leaving' if leaves else 'idle'}"


@pytest.mark.parametrize(
    ("beat_age", "dead_since_age", "put_back"),
    [
        (40, 30, 2),  # silent for 40 s, dead after 30: buried
        (20, 30, -1),  # it beat 20 s ago: alive, left alone
        (20, None, 2),  # its own work, given back whatever its beat
        (None, 30, -1),  # buried already, by another worker
    ],
)
def test_a_dead_workers_work_goes_back_at_once(
    client: redis.Redis, beat_age: float | None, dead_since_age: float | None, put_back: int
) -> None:
    now = time.time()
    if beat_age is not None:
        client.hset(f"{PREFIX}:workers", "dead", f"{now - beat_age} busy")
    client.zadd(f"{PREFIX}:taken:dead", {"listing": -10, "article": -5})
    client.zadd(f"{PREFIX}:requests", {"article": -1, "other": 0})  # queued again meanwhile, lower
    client.set(f"{PREFIX}:claim:x", "dead")
    client.sadd(f"{PREFIX}:claims:dead", f"{PREFIX}:claim:x")
    keys = [f"{PREFIX}:{key}" for key in ("workers", "requests", "taken:dead", "claims:dead")]
    since = "" if dead_since_age is None else now - dead_since_age
    assert client.eval(BURY, 4, *keys, "dead", since) == put_back
    queued = [client.zscore(f"{PREFIX}:requests", member) for member in ("listing", "article", "other")]
    left = client.exists(f"{PREFIX}:taken:dead", f"{PREFIX}:claim:x", f"{PREFIX}:claims:dead")
    if put_back < 0:
        assert (queued, left, client.hexists(f"{PREFIX}:workers", "dead")) == ([None, -1, 0], 3, beat_age is not None)
        return
    assert (queued, left) == ([-10, -5, 0], 0)  # each at the higher of its priorities
    assert not client.hexists(f"{PREFIX}:workers", "dead")
