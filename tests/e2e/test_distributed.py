"""Workers sharing one crawl through Redis (scrapy-redis): every article exported once, by one of them."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import redis
from scrapy.core.engine import ExecutionEngine
from scrapy.utils.test import get_crawler
from scrapy_redis.dupefilter import RFPDupeFilter

from bhg_crawler.core.errors import ConfigError
from bhg_crawler.core.requests import RequestKind
from bhg_crawler.distributed.scheduler import TakenQueue
from bhg_crawler.distributed.workers import RedisWorkers
from bhg_crawler.runs.outcome import ExitCode
from bhg_crawler.spiders.bhg import BhgSpider
from bhg_crawler.state.redis import RedisKnowledge, connect
from tests.helpers import bhg_run, command, exported, manifests, project_crawler, replica, stats, tables


def exported_ids(work: Path) -> list[str]:
    return [record["article_id"] for manifest in manifests(work) for record in exported(work, manifest)]


def crawl(url: str, redis_url: str, work: Path, names: tuple[str, ...]) -> dict[str, int]:
    """Workers, each with its own exports and state under ``work``, to the end of one crawl: their exit codes."""
    workers = {
        name: subprocess.Popen(command(url, 0, work / name, "--redis", redis_url), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for name in names
    }  # fmt: skip
    done = {name: worker.communicate(timeout=600) for name, worker in workers.items()}
    for name, worker in workers.items():
        assert worker.returncode in (ExitCode.OK, ExitCode.NOTHING_NEW), done[name][1][-2000:]
    return {name: worker.returncode for name, worker in workers.items()}


def keys_and_sizes(client: redis.Redis) -> dict[str, int]:
    """Every key in Redis, with its entries."""
    state = RedisKnowledge(client, "bhg:bhg", "test", 0)
    return {str(key): state.entries(key) for key in client.scan_iter()}


def test_two_workers_export_every_article_once_between_them(tmp_path: Path, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    with replica(0, 1500) as (url, site):
        assert crawl(url, redis_url, tmp_path, ("one", "two")) == {"one": ExitCode.OK, "two": ExitCode.OK}
        after_one = keys_and_sizes(client)
        # the next crawl, by two workers whose own states are new: what the first exported is known to them
        assert crawl(url, redis_url, tmp_path, ("three", "four")) == {"three": 3, "four": 3}
        after_two = keys_and_sizes(client)
        crawl(url, redis_url, tmp_path, ("three", "four"))
        after_three = keys_and_sizes(client)
    workers = ("one", "two")
    shares = {name: exported_ids(tmp_path / name) for name in workers}
    assert all(len(share) > 300 for share in shares.values())  # both did a fair part
    counts = Counter(shares["one"] + shares["two"])
    assert set(counts) == {slot.article_id for slot in site.catalog.live}
    assert max(counts.values()) == 1
    [crawl_manifest] = [path for name in workers for path in (tmp_path / name / "exports" / "crawls").glob("*.json")]
    merged = json.loads(crawl_manifest.read_text(encoding="utf-8"))
    assert sorted(w["run_id"] for w in merged["workers"]) == sorted(
        m["run_id"] for n in workers for m in manifests(tmp_path / n)
    )
    assert merged["counts"]["articles"] == len(counts)
    listed = [f for f in merged["files"] if f["kind"] == "articles"]
    assert {f["exports"] for f in listed} == {str((tmp_path / n / "exports").resolve()) for n in workers}
    assert sum(f["records"] for f in listed) == len(counts)

    def requests(names: tuple[str, ...], run: int) -> int:
        return sum(stats(tmp_path / n, manifests(tmp_path / n)[run]).get("downloader/request_count", 0) for n in names)

    for name in ("three", "four"):
        assert [m["counts"]["articles"] for m in manifests(tmp_path / name)] == [0, 0]
    assert requests(("three", "four"), 0) < requests(workers, 0) / 10  # listings and conditional revisits only
    # what is left in Redis after a crawl is what is known: an entry an article, URL, section, payload
    known = ("articles", "contents", "ledger", "published", "sections", "urls", "versions")
    assert sorted(after_one) == [f"bhg:bhg:{name}" for name in known]
    assert after_one["bhg:bhg:versions"] == len(counts)  # each article's one version, for later recoveries
    gone = {f"baohagiang.vn:{slot.article_id}" for slot in site.catalog.slots if slot.deleted}
    moved = {f"baohagiang.vn:{article_id}" for article_id in site.moved}  # their old records: status 301
    assert after_one["bhg:bhg:articles"] == len(counts) + len(gone) + len(moved)
    ledger = {key: json.loads(value) for key, value in client.hgetall("bhg:bhg:ledger").items()}
    assert set(ledger) == gone  # the 404s: one attempt each, however many workers met them, and not retried
    assert {(e["reason"], e["retry"], e["attempts"]) for e in ledger.values()} == {("HTTP 404", False, 1)}
    archive = tmp_path / "archive.html"  # the archive as Redis knows it
    line = [sys.executable, "-m", "bhg_crawler", "report", "--redis", redis_url, "--out", str(archive)]
    assert subprocess.run(line, capture_output=True, text=True, check=False).returncode == 0
    shown = tables(archive.read_text(encoding="utf-8"))
    records = [r for n in workers for m in manifests(tmp_path / n) for r in exported(tmp_path / n, m)]
    assert shown["Articles by section"][0][:2] == [
        "all sections",
        str(sum(r["site"] == "baohagiang.vn" for r in records)),
    ]
    assert shown["The ledger by reason"] == [["HTTP 404", str(len(gone)), "0", "0", str(len(gone))]]
    assert after_two == after_one  # crawls that find nothing new leave Redis as it was
    assert after_three == after_one
    client.close()


def test_a_worker_waits_for_the_others_then_closes(tmp_path: Path, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    options = ("--redis", redis_url, "-s", "BHG_REDIS_IDLE_SECONDS=6", "-s", "BHG_REDIS_KEEP_DAYS=0.5")
    with replica(0, 100) as (url, _):
        started = time.monotonic()
        worker = subprocess.Popen(command(url, 0, tmp_path, *options), text=True, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)  # fmt: skip
        while client.exists("bhg:bhg:workers", "bhg:bhg:seen", "bhg:bhg:crawl") != 3:
            assert worker.poll() is None
            time.sleep(0.2)
        time.sleep(2.5)  # a beat later: the crawl's keys expire if every worker goes away
        ttls = [client.ttl(f"bhg:bhg:{name}") for name in ("workers", "seen", "crawl")]
        _, err = worker.communicate(timeout=600)
    assert worker.returncode == ExitCode.OK, err[-2000:]
    assert time.monotonic() - started >= 6  # it stayed its idle time with the queue empty
    assert all(43_000 < ttl <= 43_200 for ttl in ttls), ttls
    assert not client.exists("bhg:bhg:seen", "bhg:bhg:crawl")  # the last worker deleted them
    client.close()


def test_an_unreachable_redis_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot reach Redis at redis://127\.0\.0\.1:1/0"):
        connect("redis://127.0.0.1:1/0")
    result = subprocess.run(command("http://127.0.0.1:9", 0, tmp_path, "--redis", "redis://127.0.0.1:1/0"),
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == ExitCode.BAD_CONFIG
    assert "bhg-crawl: cannot reach Redis at redis://127.0.0.1:1/0" in result.stderr
    with pytest.raises(ConfigError, match=r"at redis://\*\*\*@127\.0\.0\.1:1/0"):  # no password in the message
        connect("redis://user:s3cret@127.0.0.1:1/0")


def test_a_worker_killed_mid_run_loses_nothing(tmp_path: Path, redis_url: str) -> None:
    fast = ("--redis", redis_url, "-s", "BHG_REDIS_DEAD_SECONDS=4")
    with replica(0, 1500) as (url, site):
        doomed = subprocess.Popen(command(url, 0, tmp_path / "doomed", *fast), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
        survivor = subprocess.Popen(command(url, 0, tmp_path / "survivor", *fast), text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        while not list((tmp_path / "doomed" / "exports").glob("*/.articles-0001.jsonl.part")):
            assert doomed.poll() is None, "the worker ended before it could be killed"
            time.sleep(0.1)
        time.sleep(1.0)
        doomed.kill()
        doomed.wait()
        _, err = survivor.communicate(timeout=600)
    assert survivor.returncode == ExitCode.OK, err[-2000:]
    assert manifests(tmp_path / "doomed") == []  # killed before its commit: nothing of it published
    counts = Counter(exported_ids(tmp_path / "survivor"))
    assert set(counts) == {slot.article_id for slot in site.catalog.live}
    assert max(counts.values()) == 1
    assert (
        "stopped beating"
        in (tmp_path / "survivor" / "logs").joinpath(next((tmp_path / "survivor" / "logs").iterdir()).name).read_text()
    )


def test_the_cluster_demo_prints_the_merged_result(tmp_path: Path) -> None:
    line = [sys.executable, "-m", "bhg_crawler", "cluster-demo", "--articles", "300", "--exports", str(tmp_path)]
    result = subprocess.run(line, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == ExitCode.OK, result.stderr[-2000:]
    assert "300 articles exported by 2 workers, each once" in result.stdout
    assert "(the crawl's manifest: every worker's files)" in result.stdout


def test_an_idle_worker_asks_the_shared_queue_every_poll_seconds(session_redis: str) -> None:
    crawler = get_crawler(BhgSpider, {"BHG_REDIS_URL": session_redis, "BHG_REDIS_POLL_SECONDS": 0.5})
    crawler.engine = crawler._create_engine()
    RedisWorkers.from_crawler(crawler).engine_started()
    assert crawler.engine._SLOT_HEARTBEAT_INTERVAL == 0.5  # Scrapy's own: every 5 s
    assert ExecutionEngine._SLOT_HEARTBEAT_INTERVAL == 5.0


# The points of a worker's life at which it is killed, as it leaves them in Redis: its last state (a take notes
# it busy; idle between its work and its leaving; leaving until its run is committed), what it had taken (and
# marked seen): the sections' first listing pages or half the articles, and whether it had exported those
# (claimed them). Its run is never committed: nothing of it is published.
DEATHS = {
    "took the listing pages, answered none": ("busy", "listings", False),
    "took articles, answered none": ("busy", "articles", False),
    "exported articles, not committed": ("busy", "articles", True),
    "idle, its run not committed": ("idle", "articles", True),
    "leaving, its commit not done": ("leaving", "articles", True),
}
GHOST = "ghost:1"
PROBE_ARTICLES = 60


@pytest.fixture(scope="module")
def plain_records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The records one worker alone exports of the replica the killed worker's test crawls."""
    work = tmp_path_factory.mktemp("plain")
    with replica(0, PROBE_ARTICLES) as (url, _):
        result = bhg_run(url, 0, work)
    assert result.returncode == ExitCode.OK, result.stderr[-2000:]
    [manifest] = manifests(work)
    return exported(work, manifest)


def stage_the_dead(redis_url: str, state: str, took: str, claimed: bool, records: list[dict[str, Any]]) -> int:
    """What a worker killed at that point leaves in Redis, under ``GHOST``: its beat, late (7 s ago) but not
    yet dead; the requests it took, marked seen; its claims. The requests it took."""
    spider = BhgSpider.from_crawler(project_crawler(BhgSpider, BHG_STATE=""))  # its state in memory, unused
    if took == "listings":
        requests = [spider._request(spider.profile.section_url(slug), RequestKind.LISTING, bhg_section=slug)
                    for slug in spider.options.sections]  # fmt: skip
    else:
        urls = [record.get("moved_from") or record["url"] for record in records[::2]]  # as the listings link them
        requests = [spider._request(url, RequestKind.ARTICLE) for url in urls]
    raw = redis.Redis.from_url(redis_url)
    queue = TakenQueue(raw, spider, "bhg:bhg:requests")
    seen = RFPDupeFilter(raw, "bhg:bhg:seen")
    raw.hset("bhg:bhg:workers", GHOST, f"{time.time() - 7} {state}")
    for request in requests:
        raw.zadd(f"bhg:bhg:taken:{GHOST}", {queue._encode_request(request): -request.priority})
        raw.sadd("bhg:bhg:seen", seen.request_fingerprint(request))
    for record in records[::2] if claimed else []:
        claim = f"bhg:bhg:claim:{record['record_id']}:{record['content_sha256']}"
        raw.set(claim, GHOST)
        raw.sadd(f"bhg:bhg:claims:{GHOST}", claim)
    raw.close()
    return len(requests)


@pytest.mark.parametrize(("state", "took", "claimed"), DEATHS.values(), ids=DEATHS.keys())
def test_what_a_worker_killed_at_any_point_held_is_exported_once_by_another(
    tmp_path: Path, redis_url: str, plain_records: list[dict[str, Any]], state: str, took: str, claimed: bool
) -> None:
    taken = stage_the_dead(redis_url, state, took, claimed, plain_records)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    options = ("--redis", redis_url, "-s", "BHG_REDIS_DEAD_SECONDS=60", "-s", "BHG_REDIS_IDLE_SECONDS=1")
    with replica(0, PROBE_ARTICLES) as (url, _):
        survivor = subprocess.Popen(command(url, 0, tmp_path, *options), text=True, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)  # fmt: skip
        name = f"{socket.gethostname()}:{survivor.pid}"
        while not str(client.hget("bhg:bhg:workers", name)).endswith(" idle"):  # it ran out of work
            assert survivor.poll() is None, survivor.communicate()[1][-2000:]
            time.sleep(0.1)
        time.sleep(3)  # three times its idle time and its polls: it stays, the ghost may be dead with work
        assert survivor.poll() is None
        client.hset("bhg:bhg:workers", GHOST, f"{time.time() - 61} {state}")  # now dead for sure
        _, err = survivor.communicate(timeout=600)
    assert survivor.returncode == ExitCode.OK, err[-2000:]
    counts = Counter(record["record_id"] for record in exported(tmp_path, manifests(tmp_path)[0]))
    assert counts == Counter(record["record_id"] for record in plain_records)  # each, once
    log = next((tmp_path / "logs").iterdir()).read_text()
    assert f"Worker {GHOST} stopped beating: {taken} of its requests are back in the queue" in log
    known = ("articles", "contents", "ledger", "published", "sections", "urls", "versions")  # none taken, no claims
    assert set(client.scan_iter()) <= {f"bhg:bhg:{name}" for name in known}
    assert client.exists("bhg:bhg:articles", "bhg:bhg:urls") == 2
    client.close()
