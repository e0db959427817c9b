"""The distributed mode: worker processes on any number of machines share one crawl through Redis.

``BHG_REDIS_URL`` (``bhg-crawl run --redis URL``) switches the scheduler's queue and the request
dupefilter to scrapy-redis, under keys named by ``BHG_REDIS_CRAWL`` (default ``bhg``). Each worker keeps
its own exports and run state; what two workers could both export is claimed in Redis first.

- ``RedisAddon`` sets the scheduler, its queue and its dupefilter when ``BHG_REDIS_URL`` is set.
- ``RedisWorkers`` registers the worker, keeps it alive while the shared queue has work or had some in
  the last ``BHG_REDIS_IDLE_SECONDS`` (plain scrapy-redis spiders never close), and when the last worker
  of a crawl closes with the queue empty, deletes the crawl's dupefilter: the next crawl starts afresh.
- ``ClaimPipeline`` lets one worker only export a version of an article (a claim that expires after
  ``BHG_REDIS_CLAIM_DAYS``).

Keys: ``bhg:<crawl>:requests`` (the queue), ``bhg:<crawl>:seen`` (request fingerprints), ``bhg:<crawl>:workers``
(worker -> last beat), ``bhg:<crawl>:claim:<record id>:<sha256>`` (who exported it).
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, DropItem, NotConfigured
from scrapy.settings import BaseSettings

from bhg_crawler.errors import ConfigError
from bhg_crawler.state import state_of


def keys(settings: BaseSettings) -> str:
    """The prefix of a crawl's keys."""
    return f"bhg:{settings.get('BHG_REDIS_CRAWL') or 'bhg'}"


def connect(url: str) -> redis.Redis:
    """A client of the Redis at ``url``, checked: a clear error when it does not answer."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30)
        client.ping()
    except (redis.RedisError, ValueError) as error:
        raise ConfigError(f"cannot reach Redis at {url}: {error}") from None
    return client


def redis_of(crawler: Crawler) -> redis.Redis:
    """The crawl's Redis; a component asking for it is off when ``BHG_REDIS_URL`` is not set."""
    url = crawler.settings.get("BHG_REDIS_URL")
    if not url:
        raise NotConfigured("BHG_REDIS_URL is not set")
    return connect(url)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


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
        settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue", priority="project")
        settings.set("SCHEDULER_QUEUE_KEY", f"{prefix}:requests", priority="project")
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"{prefix}:seen", priority="project")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="project")
        settings.set("SCHEDULER_PERSIST", True, priority="project")  # the queue outlives any one worker
        settings.set("SCHEDULER_IDLE_BEFORE_CLOSE", 0, priority="project")  # never block the reactor on a pop


class RedisWorkers:
    def __init__(self, crawler: Crawler, client: redis.Redis, idle: float):
        self.crawler = crawler
        self.client = client
        self.idle = idle
        self.prefix = keys(crawler.settings)
        self.worker = worker_name()
        self.last_work = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisWorkers:
        extension = cls(crawler, redis_of(crawler), crawler.settings.getfloat("BHG_REDIS_IDLE_SECONDS", 10))
        crawler.signals.connect(extension.spider_opened, signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signals.spider_closed)
        return extension

    def _beat(self) -> None:
        self.client.hset(f"{self.prefix}:workers", self.worker, time.time())

    def spider_opened(self, spider: Spider) -> None:
        self._beat()

    def spider_idle(self, spider: Spider) -> None:
        """Stay while the shared queue has work, or had some less than ``BHG_REDIS_IDLE_SECONDS`` ago."""
        self._beat()
        if self.client.zcard(f"{self.prefix}:requests"):
            self.last_work = time.monotonic()
        if time.monotonic() - self.last_work < self.idle:
            raise DontCloseSpider

    def spider_closed(self, spider: Spider, reason: str) -> None:
        workers = f"{self.prefix}:workers"
        self.client.hdel(workers, self.worker)
        stale = time.time() - 3 * max(self.idle, 30)
        for other, beat in self.client.hgetall(workers).items():
            if float(beat) < stale:
                self.client.hdel(workers, other)  # a worker that died without closing
        if reason == "finished" and not self.client.hlen(workers) and not self.client.zcard(f"{self.prefix}:requests"):
            self.client.delete(f"{self.prefix}:seen")  # the crawl is over: the next one fetches afresh
            spider.logger.info("The last worker of crawl %s: its dupefilter is cleared", self.prefix)


class ClaimPipeline:
    """One worker only exports a version of an article: the first to claim it in Redis."""

    def __init__(self, crawler: Crawler, client: redis.Redis, prefix: str, days: float):
        self.crawler = crawler
        self.client = client
        self.prefix = prefix
        self.seconds = int(days * 86400)
        self.worker = worker_name()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClaimPipeline:
        return cls(
            crawler, redis_of(crawler), keys(crawler.settings), crawler.settings.getfloat("BHG_REDIS_CLAIM_DAYS", 30)
        )

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        claim = f"{self.prefix}:claim:{item['record_id']}:{item['content_sha256']}"
        if not self.client.set(claim, self.worker, nx=True, ex=self.seconds):
            holder = self.client.get(claim)
            state_of(self.crawler).withdraw(item["record_id"])
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("bhg/duplicates/claimed")
            raise DropItem(f"exported by another worker ({holder!r}): {item['url']}", log_level="DEBUG")
        return item
