"""The distributed mode: worker processes on any number of machines share one crawl through Redis.

``BHG_REDIS_URL`` (``bhg-crawl run --redis URL``) switches the scheduler's queue and the request
dupefilter to scrapy-redis, under keys named by ``BHG_REDIS_CRAWL`` (default ``bhg``), and keeps what
committed runs know in Redis (``bhg_crawler.redis_state``), so workers share it from run to run. Each
worker keeps its own exports and its runs in its own state file; what two workers could both export is
claimed in Redis first.

- ``RedisAddon`` sets the scheduler, its queue and its dupefilter when ``BHG_REDIS_URL`` is set.
- ``TakenQueue``, the shared queue, keeps what a worker takes under its name until the worker's run is
  committed: the requests of a worker that dies go back to the queue.
- ``RedisWorkers`` registers the worker and beats every few seconds; keeps it alive while the shared queue
  has work, another worker is busy, or the queue had work in the last ``BHG_REDIS_IDLE_SECONDS`` (plain
  scrapy-redis spiders never close); puts back the requests and withdraws the claims of a worker that has
  not beaten for ``BHG_REDIS_DEAD_SECONDS``; and when the last worker of a crawl closes with the queue
  empty, deletes the crawl's dupefilter: the next crawl starts afresh.
- ``ClaimPipeline`` lets one worker only export a version of an article, and none a version a committed
  run exported.

The keys of one crawl, below ``bhg:<crawl>:``: ``crawl`` (when its first worker started), ``requests``
(the queue), ``seen`` (request fingerprints), ``workers`` (worker -> last beat), ``taken:<worker>``
(requests a worker took, until its commit), ``claims:<worker>`` (its claims, until its commit),
``claim:<record id>:<sha256>`` (the worker exporting it, until its commit), ``manifests`` (the workers'
run manifests, until the last worker writes the crawl's manifest). The last worker deletes them; each
beat sets them to expire after ``BHG_REDIS_KEEP_DAYS``, so a crawl every worker abandoned goes too.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, DropItem, NotConfigured
from scrapy.settings import BaseSettings
from scrapy_redis.queue import PriorityQueue
from twisted.internet.task import LoopingCall

from bhg_crawler.errors import ConfigError
from bhg_crawler.exports import json_document, now_utc, run_of, write_atomically
from bhg_crawler.outcome import ExitCode
from bhg_crawler.redact import public
from bhg_crawler.redis_state import RedisState
from bhg_crawler.state import state_of


def keys(settings: BaseSettings) -> str:
    """The prefix of a crawl's keys."""
    return f"bhg:{settings.get('BHG_REDIS_CRAWL') or 'bhg'}"


def connect(url: str) -> redis.Redis:
    """A client of the Redis at ``url``, checked: a clear error when it does not answer."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30, decode_responses=True)
        client.ping()
    except (redis.RedisError, ValueError) as error:
        raise ConfigError(f"cannot reach Redis at {public('BHG_REDIS_URL', url)}: {error}") from None
    return client


def redis_of(crawler: Crawler) -> redis.Redis:
    """The crawl's Redis; a component asking for it is off when ``BHG_REDIS_URL`` is not set."""
    url = crawler.settings.get("BHG_REDIS_URL")
    if not url:
        raise NotConfigured("BHG_REDIS_URL is not set")
    return connect(url)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def keep_seconds(settings: BaseSettings) -> int:
    return int(settings.getfloat("BHG_REDIS_KEEP_DAYS", 7) * 86400)


def shared_state(settings: BaseSettings) -> RedisState:
    """What committed runs know, in the Redis of ``BHG_REDIS_URL``."""
    return RedisState(connect(settings["BHG_REDIS_URL"]), keys(settings), worker_name(), keep_seconds(settings))


BEAT_SECONDS = 2.0
CRAWL_KEYS = ("crawl", "requests", "seen", "manifests")  # the last worker deletes them (the queue is empty)
# Take the first request of the queue and keep it, with its score, among the worker's taken ones: at once.
TAKE = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
redis.call('ZADD', KEYS[2], first[2], first[1])
return first[1]
"""


# Claim a version of an article for this worker, and note the claim among the worker's, at once; unless a
# committed run exported that version (-1) or another worker claimed it (0). KEYS: the claim, the worker's
# claims, the known articles. ARGV: the worker, seconds to keep the claim, the record id, its sha256.
CLAIM = """
local known = redis.call('HGET', KEYS[3], ARGV[3])
if known and cjson.decode(known).content_sha256 == ARGV[4] then return -1 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
    redis.call('SADD', KEYS[2], KEYS[1])
    return 1
end
return 0
"""


class TakenQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis's priority queue, where what a worker takes stays under ``taken:<worker>``."""

    def pop(self, timeout: int = 0) -> Any:
        taken = f"{self.key.rsplit(':', 1)[0]}:taken:{worker_name()}"
        data = self.server.eval(TAKE, 2, self.key, taken)
        return self._decode_request(data) if data else None


class RedisAddon:
    """The scrapy-redis scheduler and dupefilter, when ``BHG_REDIS_URL`` is set (over the project's own
    settings: at their priority, after them)."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("BHG_REDIS_URL")
        if not url:
            return
        prefix = keys(settings)
        settings.set("REDIS_URL", url, priority="project")
        settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler", priority="project")
        settings.set("SCHEDULER_QUEUE_CLASS", "bhg_crawler.distributed.TakenQueue", priority="project")
        settings.set("SCHEDULER_QUEUE_KEY", f"{prefix}:requests", priority="project")
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"{prefix}:seen", priority="project")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="project")
        settings.set("SCHEDULER_PERSIST", True, priority="project")  # the queue outlives any one worker
        settings.set("SCHEDULER_IDLE_BEFORE_CLOSE", 0, priority="project")  # never block the reactor on a pop


class RedisWorkers:
    def __init__(self, crawler: Crawler, client: redis.Redis, idle: float, dead_after: float, keep: int,
                 poll: float):  # fmt: skip
        self.crawler = crawler
        self.client = client
        self.idle = idle
        self.dead_after = dead_after
        self.keep = keep
        self.poll = poll
        self.prefix = keys(crawler.settings)
        self.worker = worker_name()
        self.last_work = time.monotonic()
        self.busy = True
        self.beats = LoopingCall(self._beat)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisWorkers:
        settings = crawler.settings
        extension = cls(crawler, redis_of(crawler), settings.getfloat("BHG_REDIS_IDLE_SECONDS", 10),
                        settings.getfloat("BHG_REDIS_DEAD_SECONDS", 30), keep_seconds(settings),
                        settings.getfloat("BHG_REDIS_POLL_SECONDS", 1))  # fmt: skip
        crawler.signals.connect(extension.engine_started, signals.engine_started)
        crawler.signals.connect(extension.spider_opened, signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signals.spider_closed)
        crawler.signals.connect(extension.response_received, signals.response_received)
        return extension

    def _beat(self) -> None:
        """This worker's beat; the crawl's keys expire ``BHG_REDIS_KEEP_DAYS`` after the last beat of any."""
        pipe = self.client.pipeline()
        pipe.hset(f"{self.prefix}:workers", self.worker, f"{time.time()} {'busy' if self.busy else 'idle'}")
        for name in (*CRAWL_KEYS, "workers", f"taken:{self.worker}", f"claims:{self.worker}"):
            pipe.expire(f"{self.prefix}:{name}", self.keep)
        pipe.execute()

    def response_received(self) -> None:
        self.busy = True

    def engine_started(self) -> None:
        """An idle worker asks the shared queue for work every ``BHG_REDIS_POLL_SECONDS``: the engine's
        heartbeat, which it reads when it starts sending requests (every 5 s by default, while another
        worker may be filling the queue)."""
        engine = self.crawler.engine
        if engine is not None and hasattr(engine, "_SLOT_HEARTBEAT_INTERVAL"):
            engine._SLOT_HEARTBEAT_INTERVAL = self.poll

    def spider_opened(self, spider: Spider) -> None:
        self.client.set(f"{self.prefix}:crawl", now_utc(), nx=True)  # the first worker starts the crawl
        self.beats.start(BEAT_SECONDS, now=True)
        self._bury_the_dead(spider)

    def _others(self) -> dict[str, tuple[float, bool]]:
        """The other workers: when each last beat, and whether it was busy then."""
        found = {}
        for name, value in self.client.hgetall(f"{self.prefix}:workers").items():
            beat, _, state = str(value).partition(" ")
            if name != self.worker:
                found[str(name)] = (float(beat), state != "idle")
        return found

    def _bury_the_dead(self, spider: Spider) -> None:
        """Workers that stopped beating: their taken requests back to the queue, their claims withdrawn."""
        for name, (beat, _) in self._others().items():
            if time.time() - beat > self.dead_after:
                requeued = self._release(name)
                spider.logger.warning("Worker %s stopped beating: %d of its requests are back in the queue",
                                      name, requeued)  # fmt: skip

    def _release(self, name: str) -> int:
        """A worker's taken requests back in the queue, its claims withdrawn, its name gone."""
        taken, claims = f"{self.prefix}:taken:{name}", f"{self.prefix}:claims:{name}"
        count = int(self.client.zcard(taken))
        pipe = self.client.pipeline()
        pipe.zunionstore(f"{self.prefix}:requests", [f"{self.prefix}:requests", taken], aggregate="MIN")
        for claim in self.client.smembers(claims):
            pipe.delete(claim)
        pipe.delete(taken, claims)
        pipe.hdel(f"{self.prefix}:workers", name)
        pipe.execute()
        return count

    def spider_idle(self, spider: Spider) -> None:
        """Stay while the shared queue has work or had some less than ``BHG_REDIS_IDLE_SECONDS`` ago, or
        another worker is busy (it may queue more, or die and leave its work)."""
        self.busy = False
        self._beat()
        self._bury_the_dead(spider)
        others_busy = any(busy for _, busy in self._others().values())
        if self.client.zcard(f"{self.prefix}:requests") or others_busy:
            self.last_work = time.monotonic()
        if time.monotonic() - self.last_work < self.idle:
            raise DontCloseSpider

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """After the run's export (which commits it): its taken requests and claims are done with; or, if
        the export failed, they go back for another worker."""
        if self.beats.running:
            self.beats.stop()
        assert self.crawler.stats is not None
        if self.crawler.stats.get_value("bhg/exit_code") == ExitCode.EXPORT_FAILED:
            self._release(self.worker)
        else:
            self.client.delete(f"{self.prefix}:taken:{self.worker}", f"{self.prefix}:claims:{self.worker}")
            self.client.hdel(f"{self.prefix}:workers", self.worker)
        self._share_manifest()
        if reason == "finished" and not self._others() and not self.client.zcard(f"{self.prefix}:requests"):
            written = self._write_crawl_manifest()
            self.client.delete(*(f"{self.prefix}:{name}" for name in CRAWL_KEYS))  # the next crawl starts afresh
            spider.logger.info("The last worker of crawl %s: its dupefilter is cleared; the crawl's manifest is %s",
                               self.prefix, written)  # fmt: skip

    def _share_manifest(self) -> None:
        """This worker's published run manifest, for the crawl's manifest."""
        run = run_of(self.crawler)
        path = run.root / "runs" / f"{run.run_id}.json"
        if path.exists():
            entry = {
                "worker": self.worker,
                "exports": str(run.root.resolve()),
                "manifest": json.loads(path.read_text()),
            }
            self.client.rpush(f"{self.prefix}:manifests", json.dumps(entry, ensure_ascii=False))

    def _write_crawl_manifest(self) -> Path | None:
        """Every worker's run of the crawl and its files, in ``<exports>/crawls/<crawl>-<time>.json``."""
        entries = [json.loads(entry) for entry in self.client.lrange(f"{self.prefix}:manifests", 0, -1)]
        root = run_of(self.crawler).root
        if not entries or not root.exists():
            return None
        counts: Counter[str] = Counter()
        for entry in entries:
            counts.update(entry["manifest"]["counts"])
        crawl = {
            "crawl": self.prefix,
            "started_at": self.client.get(f"{self.prefix}:crawl"),
            "finished_at": now_utc(),
            "workers": [{"worker": e["worker"], "exports": e["exports"], "run_id": e["manifest"]["run_id"],
                         "status": e["manifest"]["status"], "outcome": e["manifest"]["outcome"]} for e in entries],
            "counts": dict(counts),
            "files": [{"worker": e["worker"], "exports": e["exports"], **file}
                      for e in entries for file in e["manifest"]["files"]],
        }  # fmt: skip
        (root / "crawls").mkdir(exist_ok=True)
        path = root / "crawls" / f"{self.prefix.replace(':', '-')}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
        write_atomically(path, json_document(crawl))
        return path


class ClaimPipeline:
    """One worker only exports a version of an article: the first to claim it in Redis."""

    def __init__(self, crawler: Crawler, client: redis.Redis, prefix: str, seconds: int):
        self.crawler = crawler
        self.client = client
        self.prefix = prefix
        self.seconds = seconds
        self.worker = worker_name()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClaimPipeline:
        return cls(crawler, redis_of(crawler), keys(crawler.settings), keep_seconds(crawler.settings))

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        record_id, sha = item["record_id"], item["content_sha256"]
        claim = f"{self.prefix}:claim:{record_id}:{sha}"
        claimed = self.client.eval(CLAIM, 3, claim, f"{self.prefix}:claims:{self.worker}", f"{self.prefix}:articles",
                                   self.worker, self.seconds, record_id, sha)  # fmt: skip
        if claimed != 1:
            holder = "a committed run" if claimed == -1 else self.client.get(claim)
            state_of(self.crawler).withdraw(record_id)
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("bhg/duplicates/claimed")
            raise DropItem(f"exported by another worker ({holder!r}): {item['url']}", log_level="DEBUG")
        return item
