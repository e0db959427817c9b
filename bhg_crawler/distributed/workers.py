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
from bhg_crawler.runs.outcome import ExitCode
from bhg_crawler.state.redis import crawl_prefix, keep_seconds, redis_of, worker_name

BEAT_SECONDS = 2.0
CRAWL_KEYS = ("crawl", "requests", "seen", "manifests")  # the last worker deletes them (the queue is empty)


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
        self.busy = True
        self.beats = LoopingCall(self._beat)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisWorkers:
        settings = crawler.settings
        extension = cls(crawler, redis_of(crawler), settings.getfloat("BHG_REDIS_IDLE_SECONDS"),
                        settings.getfloat("BHG_REDIS_DEAD_SECONDS"), keep_seconds(settings),
                        settings.getfloat("BHG_REDIS_POLL_SECONDS"))  # fmt: skip
        extension.listen("engine_started", "spider_opened", "spider_idle", "spider_closed", "response_received")
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
        if self.stats.get_value("bhg/exit_code") == ExitCode.EXPORT_FAILED:
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
