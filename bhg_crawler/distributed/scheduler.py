"""The shared queue and dupefilter of a distributed crawl: scrapy-redis, set up by ``RedisAddon``."""

from __future__ import annotations

import time
from typing import Any

from scrapy import Request
from scrapy.settings import BaseSettings
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from bhg_crawler.state.redis import crawl_prefix, worker_name

# Take the first request of the queue and keep it, with its score, among the worker's taken ones, and note the
# worker busy: at once, so a worker that dies holding a request never looks idle. KEYS: the queue, the worker's
# taken requests, the workers. ARGV: the worker, now (epoch seconds).
TAKE = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
redis.call('ZADD', KEYS[2], first[2], first[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. ' busy')
return first[1]
"""

# Queue a request and mark its fingerprint seen, unless it was seen: at once, so no request is ever seen and in
# no queue (scrapy-redis marks, then pushes). The push comes first: if it fails, nothing is marked. KEYS: the
# dupefilter's set, the queue. ARGV: the fingerprint ('' for a request not filtered), the score, the request.
QUEUE_UNSEEN = """
if ARGV[1] ~= '' and redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
if ARGV[1] ~= '' then redis.call('SADD', KEYS[1], ARGV[1]) end
return 1
"""


class TakenQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis's priority queue, where what a worker takes stays under ``taken:<worker>``."""

    def pop(self, timeout: int = 0) -> Any:
        prefix = self.key.rsplit(":", 1)[0]
        taken, workers = f"{prefix}:taken:{worker_name()}", f"{prefix}:workers"
        data = self.server.eval(TAKE, 3, self.key, taken, workers, worker_name(), time.time())
        return self._decode_request(data) if data else None

    def push_unseen(self, request: Request, seen: str, fingerprint: str) -> bool:
        """Queues ``request`` and adds ``fingerprint`` to the set ``seen``, both or neither; False (nothing
        done) when it was there. An empty fingerprint queues the request whatever was seen."""
        data = self._encode_request(request)
        return bool(self.server.eval(QUEUE_UNSEEN, 2, seen, self.key, fingerprint, -request.priority, data))


class SharedScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler, whose dupefilter marks a request seen in the same step that queues it."""

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        if not self.queue.push_unseen(request, self.df.key, fingerprint):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis", spider=self.spider)
        return True


class RedisAddon:
    """The scrapy-redis scheduler and dupefilter, when ``BHG_REDIS_URL`` is set (over the project's own
    settings: at their priority, after them)."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("BHG_REDIS_URL")
        if not url:
            return
        prefix = crawl_prefix(settings)
        settings.set("REDIS_URL", url, priority="project")
        settings.set("SCHEDULER", "bhg_crawler.distributed.scheduler.SharedScheduler", priority="project")
        settings.set("SCHEDULER_QUEUE_CLASS", "bhg_crawler.distributed.scheduler.TakenQueue", priority="project")
        settings.set("SCHEDULER_QUEUE_KEY", f"{prefix}:requests", priority="project")
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"{prefix}:seen", priority="project")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="project")
        settings.set("SCHEDULER_PERSIST", True, priority="project")  # the queue outlives any one worker
        settings.set("SCHEDULER_IDLE_BEFORE_CLOSE", 0, priority="project")  # never block the reactor on a pop
