"""Workers sharing one crawl through Redis (scrapy-redis): every article exported once, by one of them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from bhg_crawler.distributed import connect
from bhg_crawler.errors import ConfigError
from bhg_crawler.outcome import ExitCode
from tests.test_incremental import command, exported, manifests, replica


def exported_ids(work: Path) -> list[str]:
    return [record["article_id"] for manifest in manifests(work) for record in exported(work, manifest)]


def test_two_workers_export_every_article_once_between_them(tmp_path: Path, redis_url: str) -> None:
    with replica(0, 1500) as (url, site):
        workers = {
            name: subprocess.Popen(command(url, 0, tmp_path / name, "--redis", redis_url), text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for name in ("one", "two")
        }  # fmt: skip
        done = {name: worker.communicate(timeout=600) for name, worker in workers.items()}
    for name, worker in workers.items():
        assert worker.returncode == ExitCode.OK, done[name][1][-2000:]
    shares = {name: exported_ids(tmp_path / name) for name in workers}
    assert all(len(share) > 300 for share in shares.values())  # both did a fair part
    counts = Counter(shares["one"] + shares["two"])
    assert set(counts) == {slot.article_id for slot in site.catalog.live}
    assert max(counts.values()) == 1
    [crawl_manifest] = [path for name in workers for path in (tmp_path / name / "exports" / "crawls").glob("*.json")]
    crawl = json.loads(crawl_manifest.read_text(encoding="utf-8"))
    assert sorted(w["run_id"] for w in crawl["workers"]) == sorted(
        m["run_id"] for n in workers for m in manifests(tmp_path / n)
    )
    assert crawl["counts"]["articles"] == len(counts)
    listed = [f for f in crawl["files"] if f["kind"] == "articles"]
    assert {f["exports"] for f in listed} == {str((tmp_path / n / "exports").resolve()) for n in workers}
    assert sum(f["records"] for f in listed) == len(counts)
    client = redis.Redis.from_url(redis_url)
    assert not client.exists("bhg:bhg:seen")  # the last worker cleared the crawl's dupefilter
    assert not client.exists("bhg:bhg:manifests")
    assert not client.zcard("bhg:bhg:requests")
    assert client.hlen("bhg:bhg:workers") == 0
    claims = list(client.scan_iter("bhg:bhg:claim:*"))
    assert len(claims) == len(counts)
    assert all(0 < client.ttl(key) <= 30 * 86400 for key in claims[:20])  # claims expire
    client.close()


def test_a_worker_waits_for_the_others_then_closes(tmp_path: Path, redis_url: str) -> None:
    with replica(0, 100) as (url, _):
        started = time.monotonic()
        result = subprocess.run(command(url, 0, tmp_path, "--redis", redis_url, "-s", "BHG_REDIS_IDLE_SECONDS=6"),
                                capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == ExitCode.OK, result.stderr[-2000:]
    assert time.monotonic() - started >= 6  # it stayed its idle time with the queue empty


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
