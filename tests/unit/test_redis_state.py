"""What committed runs know, shared in Redis by the workers of a distributed crawl (each with its own file)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from bhg_crawler.app.cli import main
from bhg_crawler.core.errors import StateUnavailable
from bhg_crawler.distributed.claims import CLAIM
from bhg_crawler.state.redis import RedisKnowledge, connect
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
