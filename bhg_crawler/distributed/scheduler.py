"""The shared queue and dupefilter of a distributed crawl: scrapy-redis, set up by ``RedisAddon``."""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings
from scrapy_redis.queue import PriorityQueue

from bhg_crawler.state.redis import crawl_prefix, worker_name

# Take the first request of the queue and keep it, with its score, among the worker's taken ones: at once.
TAKE = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
redis.call('ZADD', KEYS[2], first[2], first[1])
return first[1]
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
        prefix = crawl_prefix(settings)
        settings.set("REDIS_URL", url, priority="project")
        settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler", priority="project")
        settings.set("SCHEDULER_QUEUE_CLASS", "bhg_crawler.distributed.scheduler.TakenQueue", priority="project")
        settings.set("SCHEDULER_QUEUE_KEY", f"{prefix}:requests", priority="project")
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"{prefix}:seen", priority="project")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="project")
        settings.set("SCHEDULER_PERSIST", True, priority="project")  # the queue outlives any one worker
        settings.set("SCHEDULER_IDLE_BEFORE_CLOSE", 0, priority="project")  # never block the reactor on a pop
