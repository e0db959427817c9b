"""The workers of a distributed crawl: beats, idling, the dead's work put back, the crawl's manifest."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import redis
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from twisted.internet.task import LoopingCall

from bhg_crawler.core.clock import now_utc
from bhg_crawler.core.components import CrawlerComponent
from bhg_crawler.core.files import json_document, write_atomically
from bhg_crawler.runs.files import run_of
from bhg_crawler.state.redis import crawl_prefix, keep_seconds, redis_of, worker_name

BEAT_SECONDS = 2.0
LATE_SECONDS = 3 * BEAT_SECONDS  # a worker silent this long may be dead: the others wait to know
CRAWL_KEYS = ("crawl", "requests", "seen", "manifests")  # the last worker deletes them (the queue is empty)

# This worker leaves the crawl, noted ``leaving`` until its run is committed, if every other worker is idle and
# beat lately: not while another is busy (it may queue more, or die and leave work), leaving (its commit may
# fail and give work back), or late (it may be dead: wait to know, and bury it). At once, so two workers never
# leave together. KEYS: the workers. ARGV: this worker, now (epoch seconds), how late a beat may be (seconds).
LEAVE = """
local now, late = tonumber(ARGV[2]), tonumber(ARGV[3])
local workers = redis.call('HGETALL', KEYS[1])
for i = 1, #workers, 2 do
    if workers[i] ~= ARGV[1] then
        local beat, state = string.match(workers[i + 1], '^(%S+) (%S+)$')
        if state ~= 'idle' or now - tonumber(beat) > late then return 0 end
    end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' leaving')
return 1
"""

# A worker's uncommitted work back for the others: its taken requests into the queue (each at its priority), its
# claims withdrawn, its name gone; at once, and only if it is still there, silent since ARGV[2] (empty: whatever
# its beat), so a worker that beats again is never buried, nor one buried already. KEYS: the workers, the queue,
# its taken requests, its claims. ARGV: the worker, the latest beat of a dead one (epoch seconds). Returns the
# requests put back, or -1.
BURY = """
local beat = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and not (beat and tonumber(string.match(beat, '^%S+')) <= tonumber(ARGV[2])) then return -1 end
local count = redis.call('ZCARD', KEYS[3])
if count > 0 then redis.call('ZUNIONSTORE', KEYS[2], 2, KEYS[2], KEYS[3], 'AGGREGATE', 'MIN') end
for _, claim in ipairs(redis.call('SMEMBERS', KEYS[4])) do redis.call('DEL', claim) end
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('HDEL', KEYS[1], ARGV[1])
return count
"""


class RedisWorkers(CrawlerComponent):
    """The worker's part in the shared crawl (see ``bhg_crawler.distributed``): beats, idling, the dead's work
    put back, and the crawl's manifest from the last worker. Off unless ``BHG_REDIS_URL`` is set."""

    def __init__(self, crawler: Crawler, client: redis.Redis, idle: float, dead_after: float, keep: int,
                 poll: float):  # fmt: skip
        super().__init__(crawler)
        self.client = client
        self.idle = idle
        self.dead_after = dead_after
        self.keep = keep
        self.poll = poll
        self.prefix = crawl_prefix(crawler.settings)
        self.worker = worker_name()
        self.last_work = time.monotonic()
        self.leaving = False
        self.beats = LoopingCall(self._beat)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisWorkers:
        settings = crawler.settings
        extension = cls(crawler, redis_of(crawler), settings.getfloat("BHG_REDIS_IDLE_SECONDS"),
                        settings.getfloat("BHG_REDIS_DEAD_SECONDS"), keep_seconds(settings),
                        settings.getfloat("BHG_REDIS_POLL_SECONDS"))  # fmt: skip
        extension.listen("engine_started", "spider_opened", "spider_idle", "spider_closed")
        return extension

    def _state(self) -> str:
        """``leaving`` once this worker has left the crawl; else ``idle`` when its engine has nothing to do."""
        engine = self.crawler.engine
        if self.leaving:
            return "leaving"
        return "idle" if engine is not None and engine.spider is not None and engine.spider_is_idle() else "busy"

    def _beat(self) -> None:
        """This worker's beat; the crawl's keys expire ``BHG_REDIS_KEEP_DAYS`` after the last beat of any."""
        pipe = self.client.pipeline()
        pipe.hset(f"{self.prefix}:workers", self.worker, f"{time.time()} {self._state()}")
        for name in (*CRAWL_KEYS, "workers", f"taken:{self.worker}", f"claims:{self.worker}"):
            pipe.expire(f"{self.prefix}:{name}", self.keep)
        pipe.execute()

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

    def _others(self) -> dict[str, tuple[float, str]]:
        """The other workers: when each last beat (epoch seconds), and its state then (busy, idle, leaving)."""
        found = {}
        for name, value in self.client.hgetall(f"{self.prefix}:workers").items():
            beat, _, state = str(value).partition(" ")
            if name != self.worker:
                found[str(name)] = (float(beat), state)
        return found

    def _bury_the_dead(self, spider: Spider) -> None:
        """Workers that stopped beating ``BHG_REDIS_DEAD_SECONDS`` ago: their work back (``_release``)."""
        for name, (beat, _) in self._others().items():
            if time.time() - beat > self.dead_after:
                requeued = self._release(name, dead_since=time.time() - self.dead_after)
                if requeued >= 0:
                    spider.logger.warning("Worker %s stopped beating: %d of its requests are back in the queue",
                                          name, requeued)  # fmt: skip

    def _release(self, name: str, dead_since: float | None = None) -> int:
        """A worker's uncommitted work back (``BURY``): its taken requests in the queue, its claims withdrawn,
        its name gone; the requests put back, or -1 when it beat after ``dead_since`` (it lives)."""
        keys = [f"{self.prefix}:{key}" for key in ("workers", "requests", f"taken:{name}", f"claims:{name}")]
        return int(self.client.eval(BURY, len(keys), *keys, name, "" if dead_since is None else dead_since))

    def spider_idle(self, spider: Spider) -> None:
        """Stay while the shared queue has work or had some less than ``BHG_REDIS_IDLE_SECONDS`` ago, or
        another worker is busy, leaving or late (``LEAVE``); else leave, noted ``leaving`` until the commit."""
        self.leaving = False
        self._beat()
        self._bury_the_dead(spider)
        others_busy = any(state == "busy" for _, state in self._others().values())
        if self.client.zcard(f"{self.prefix}:requests") or others_busy:
            self.last_work = time.monotonic()
        if time.monotonic() - self.last_work < self.idle or not self._leave():
            raise DontCloseSpider

    def _leave(self) -> bool:
        """Whether this worker may leave the crawl now (``LEAVE``), noted ``leaving`` if so."""
        self.leaving = bool(self.client.eval(LEAVE, 1, f"{self.prefix}:workers", self.worker, time.time(),
                                             LATE_SECONDS))  # fmt: skip
        return self.leaving

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """After the run's export, whose commit took this worker's taken requests and claims off: what is left
        of them was not committed (the export failed) and goes back for another worker. A run without exports
        (``BHG_EXPORTS`` empty) commits nothing and keeps nothing: its requests are done with."""
        if self.beats.running:
            self.beats.stop()
        if self.crawler.settings.get("BHG_EXPORTS"):
            requeued = self._release(self.worker)
            if requeued:
                spider.logger.warning("%d requests of this run, not committed, are back in the queue", requeued)
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
        if not entries or not self.crawler.settings.get("BHG_EXPORTS") or not root.exists():
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
