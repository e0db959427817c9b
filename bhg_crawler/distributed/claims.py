"""One worker only exports a version of an article: claims in Redis."""

from __future__ import annotations

from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from bhg_crawler.core.components import CrawlerComponent
from bhg_crawler.state.binding import state_of
from bhg_crawler.state.redis import crawl_prefix, keep_seconds, redis_of, worker_name

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


class ClaimPipeline(CrawlerComponent):
    """One worker only exports a version of an article: the first to claim it in Redis."""

    def __init__(self, crawler: Crawler, client: redis.Redis, prefix: str, seconds: int):
        super().__init__(crawler)
        self.client = client
        self.prefix = prefix
        self.seconds = seconds
        self.worker = worker_name()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClaimPipeline:
        return cls(crawler, redis_of(crawler), crawl_prefix(crawler.settings), keep_seconds(crawler.settings))

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        record_id, sha = item["record_id"], item["content_sha256"]
        claim = f"{self.prefix}:claim:{record_id}:{sha}"
        claimed = self.client.eval(CLAIM, 3, claim, f"{self.prefix}:claims:{self.worker}", f"{self.prefix}:articles",
                                   self.worker, self.seconds, record_id, sha)  # fmt: skip
        if claimed != 1:
            holder = "a committed run" if claimed == -1 else self.client.get(claim)
            state_of(self.crawler).withdraw(record_id)
            self.stats.inc_value("bhg/duplicates/claimed")
            raise DropItem(f"exported by another worker ({holder!r}): {item['url']}", log_level="DEBUG")
        return item
