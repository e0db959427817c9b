"""What committed runs know, in Redis: shared by the workers of a distributed crawl."""

from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import asdict
from datetime import datetime
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from bhg_crawler.core.clock import utc
from bhg_crawler.core.errors import ConfigError, StateUnavailable
from bhg_crawler.core.redact import public
from bhg_crawler.state.values import GIVEN_UP, MOVED, NO_ANSWER, ROBOTS_UNAVAILABLE, Known, Payload
from bhg_crawler.state.work import RunTables

logger = logging.getLogger(__name__)

# The run's work merged into what is known, as the SQLite commit does; then the worker's taken requests and
# claims are done with. KEYS: articles urls contents published sections ledger payloads commits taken claims
# crawl (the crawl's id: a ledger entry counts one attempt a crawl, however many of its workers report it).
# ARGV: the work (JSON), now (ISO 8601), now (epoch seconds), the ledger's no-answer reason, seconds to keep
# a commit's note, the status of a moved article (done at its new home, whichever worker found it so), the
# attempts at which an article to retry is given up (0: never), the start of a given-up reason, and the start of
# the reason of a request its host's robots.txt left unasked (never given up). KEYS 12 and 13: the captures
# recovered and every version exported.
MERGE = """
local work = cjson.decode(ARGV[1])
local now, clock, null = ARGV[2], tonumber(ARGV[3]), cjson.null
local done = {}
for _, r in ipairs(work.articles) do
    local raw = redis.call('HGET', KEYS[1], r.record_id)
    local a
    local since = ''  -- when the current version known was fetched or captured: the run's is current if not older
    if raw then
        a = cjson.decode(raw)
        since = a.content_at
        if (since == nil or since == null) and a.version >= 1 then since = a.last_fetched end
        if since == nil or since == null then since = '' end
        if a.version >= 1 then a.content_at = since end  -- kept, as last_fetched moves on
        a.url = r.url
        if r.published_utc ~= null then a.published_utc = r.published_utc end
        a.last_fetched = r.fetched_at
        a.last_status = r.status
    else
        a = {url = r.url, published_utc = r.published_utc, first_seen = r.fetched_at, last_fetched = r.fetched_at,
             etag = null, last_modified = null, content_sha256 = null, version = 0, last_status = r.status,
             run_id = null, content_at = null}
    end
    if r.current then a.etag = r.etag; a.last_modified = r.last_modified end
    if r.exported and r.content_at >= since then
        if a.content_sha256 ~= null and redis.call('HGET', KEYS[3], a.content_sha256) == r.record_id then
            redis.call('HDEL', KEYS[3], a.content_sha256)
        end
        a.content_sha256 = r.content_sha256
        a.content_at = r.content_at
        redis.call('HSET', KEYS[3], r.content_sha256, r.record_id)
    end
    if r.exported then
        a.version = math.max(a.version, r.version)
        a.run_id = work.run_id
        if r.published_ts ~= null then redis.call('ZADD', KEYS[4], r.published_ts, r.record_id) end
    end
    local pending = work.ledger[r.record_id] and work.ledger[r.record_id].pending  -- a capture to ask again
    if (r.exported or r.current) and not pending then
        done[r.record_id] = true
        redis.call('HDEL', KEYS[6], r.record_id)
    end
    redis.call('HSET', KEYS[1], r.record_id, cjson.encode(a))
end
for _, u in ipairs(work.urls) do redis.call('HSETNX', KEYS[2], u[1], u[2]) end
for _, s in ipairs(work.sections) do redis.call('HSET', KEYS[5], s, now) end
for _, p in ipairs(work.payloads) do redis.call('HSETNX', KEYS[7], p[1], cjson.encode({p[2], p[3], p[4]})) end
for _, c in ipairs(work.captures) do redis.call('HSETNX', KEYS[12], c[1], c[2]) end
for _, v in ipairs(work.versions) do
    local raw = redis.call('HGET', KEYS[13], v[1])
    local shas = raw and cjson.decode(raw) or {}
    if shas[v[2]] == nil then shas[v[2]] = v[3] end
    redis.call('HSET', KEYS[13], v[1], cjson.encode(shas))
end
local crawl = redis.call('GET', KEYS[11]) or work.run_id
for _, id in ipairs(work.cleared) do
    done[id] = true
    redis.call('HDEL', KEYS[6], id)
end
for id, d in pairs(work.ledger) do
    local known = redis.call('HGET', KEYS[1], id)
    known = known and cjson.decode(known)
    local settled = known and (known.last_status == tonumber(ARGV[6]) or (known.version >= 1 and not d.pending))
    if settled then redis.call('HDEL', KEYS[6], id) end  -- as the state file's: moved, or exported and no capture left
    if not done[id] and not settled then
        local raw = redis.call('HGET', KEYS[6], id)
        local e = raw and cjson.decode(raw) or {attempts = 0, first_at = now}
        local fresh = e.crawl ~= crawl  -- the first report of this crawl: no answer, until a worker says why
        if fresh then e.attempts = e.attempts + 1; e.reason = ARGV[4]; e.retry = true end
        if d.reason ~= null then e.reason = d.reason; e.retry = d.retry end
        if fresh then e.waited = 0 end
        local give_up = tonumber(ARGV[7])
        if e.retry and give_up > 0 and e.attempts >= give_up and e.reason ~= ARGV[4]
                and string.sub(e.reason, 1, #ARGV[9]) ~= ARGV[9] and not string.find(id, ':listing:', 1, true) then
            e.retry = false
            e.reason = ARGV[8] .. e.attempts .. ' tries: ' .. e.reason
        end
        if fresh or d.reason ~= null then
            e.url = d.url; e.last_at = now; e.crawl = crawl
            redis.call('HSET', KEYS[6], id, cjson.encode(e))
        end
    end
end
for _, id in ipairs(work.deferred) do
    local raw = redis.call('HGET', KEYS[6], id)
    if raw and not done[id] then
        local e = cjson.decode(raw)
        if e.waited_crawl ~= crawl then  -- one run more waited, however many workers held it back
            e.waited = (e.waited or 0) + 1; e.waited_crawl = crawl
            redis.call('HSET', KEYS[6], id, cjson.encode(e))
        end
    end
end
local notes = redis.call('HGETALL', KEYS[8])
for i = 1, #notes, 2 do
    if cjson.decode(notes[i + 1]).at < clock - tonumber(ARGV[5]) then redis.call('HDEL', KEYS[8], notes[i]) end
end
redis.call('HSET', KEYS[8], work.run_id, cjson.encode({status = work.status, at = clock}))
for _, claim in ipairs(redis.call('SMEMBERS', KEYS[10])) do redis.call('DEL', claim) end
redis.call('DEL', KEYS[9], KEYS[10])
return #work.articles
"""

NAMES = ("articles", "urls", "contents", "published", "sections", "ledger", "payloads", "commits")
RECOVERY = ("captures", "versions")  # what recoveries read: after the worker's keys and the crawl's in the merge


def _known(record_id: str, raw: Any) -> Known | None:
    if raw is None:
        return None
    a = json.loads(raw)
    return Known(record_id, a["url"], a.get("published_utc"), a.get("etag"), a.get("last_modified"),
                 a.get("content_sha256"), int(a.get("version") or 0), a.get("last_status"),
                 a.get("content_at") or a.get("last_fetched"))  # fmt: skip


class RedisKnowledge:
    """What committed runs know, in the Redis of ``client`` under the keys of a crawl (``prefix``:
    ``bhg:<crawl>``), shared by its workers; ``worker`` is this worker's name (its taken requests and claims
    are released when its run's work is merged), ``keep_seconds`` how long a commit note is kept at most.

    Keys, below the prefix, each one entry per article, URL, section or payload, never per run:

    - ``articles``: record id -> JSON (url, published_utc, first_seen, last_fetched, etag, last_modified,
      content_sha256 and content_at of the current version, version: the highest, last_status, run_id), as
      the state file's ``articles`` rows
    - ``urls``: URL -> record id; ``contents``: sha256 of a current version -> record id;
      ``published``: exported record ids scored by publication time (the refresh window)
    - ``sections``: ``<site> <slug>`` -> when a run walked it to its last page
    - ``ledger``: record id -> JSON (url, reason, attempts, first_at, last_at, retry, crawl, waited and
      waited_crawl: the runs that held it back since its last try, counted once a crawl)
    - ``payloads``: WARC payload digest -> JSON [uri, date, record id]
    - ``commits``: run id -> JSON (status, at): a merge not yet recorded by its worker's own state file, so
      a worker that dies between the two publishes its run's files on its next run (``committed``)
    - ``captures``: a web archive's capture recovered (``"<timestamp> <original URL>"``) -> record id;
      ``versions``: record id -> JSON {content sha256: version} of every version exported, by a crawl or a
      recovery.

    The questions raise ``redis.RedisError`` when Redis does not answer; the merge ``StateUnavailable``.
    """

    def __init__(self, client: redis.Redis, prefix: str, worker: str, keep_seconds: int):
        self.client = client
        self.prefix = prefix
        self.worker = worker
        self.keep_seconds = keep_seconds
        self.key = {name: f"{prefix}:{name}" for name in NAMES + RECOVERY}

    def known(self, record_id: str) -> Known | None:
        """A field of ``articles``."""
        return _known(record_id, self.client.hget(self.key["articles"], record_id))

    def recent(self, site: str, since: datetime) -> list[Known]:
        """The members of ``published`` scored at or after ``since``, found exported in ``articles``."""
        scored = self.client.zrangebyscore(self.key["published"], since.timestamp(), "+inf")
        ids = [str(i) for i in scored if str(i).startswith(f"{site}:")]
        found = self.client.hmget(self.key["articles"], ids) if ids else []
        return [known for i, raw in zip(ids, found, strict=True) if (known := _known(i, raw)) and known.exported]

    def record_of(self, url: str) -> str | None:
        """A field of ``urls``."""
        owner = self.client.hget(self.key["urls"], url)
        return str(owner) if owner else None

    def section_walked(self, site: str, slug: str) -> bool:
        """A field of ``sections``."""
        return bool(self.client.hexists(self.key["sections"], f"{site} {slug}"))

    def ledger(self, site: str, retry_only: bool) -> list[dict[str, Any]]:
        """The fields of ``ledger`` of the site's record ids (each with the ``crawl`` that last counted it)."""
        entries = [
            {"record_id": record_id, **json.loads(raw)}
            for record_id, raw in self.client.hscan_iter(self.key["ledger"], match=f"{site}:*", count=1000)
        ]
        entries = [{**e, "retry": int(bool(e["retry"])), "waited": int(e.get("waited") or 0)}
                   for e in entries if e["retry"] or not retry_only]  # fmt: skip
        return sorted(entries, key=lambda e: (e["first_at"], e["record_id"]))

    def exported(self, site: str) -> list[Known]:
        """The fields of ``articles`` of the site's record ids with a version, scanned."""
        scanned = self.client.hscan_iter(self.key["articles"], match=f"{site}:*", count=1000)
        return [known for record_id, raw in scanned if (known := _known(record_id, raw)) and known.exported]

    def payload(self, digest: str) -> Payload | None:
        """A field of ``payloads``."""
        raw = self.client.hget(self.key["payloads"], digest)
        return Payload(*json.loads(raw)) if raw else None

    def exported_with(self, sha: str, other_than: str) -> str | None:
        """A field of ``contents``."""
        owner = self.client.hget(self.key["contents"], sha)
        return str(owner) if owner and owner != other_than else None

    def recovered(self, key: str) -> bool:
        """A field of ``captures``."""
        return bool(self.client.hexists(self.key["captures"], key))

    def contents(self, record_id: str) -> set[str]:
        """The keys of a field of ``versions``."""
        raw = self.client.hget(self.key["versions"], record_id)
        return set(json.loads(raw)) if raw else set()

    def counts(self) -> dict[str, int]:
        """Counted over ``articles``, scanned."""
        articles = exported = versions = 0
        for _, raw in self.client.hscan_iter(self.key["articles"], count=1000):
            version = int(json.loads(raw).get("version") or 0)
            articles, exported, versions = articles + 1, exported + (version >= 1), versions + version
        return {"articles": articles, "exported": exported, "versions": versions}

    def merge(self, work: RunTables, run_id: str, status: str, at: datetime, give_up: int | None = None) -> None:
        """The run's work (``work.as_work``) into the keys at once, by one Lua script (the ledger as
        ``Knowledge.merge`` says, ``give_up`` too), which also notes the commit in ``commits`` and releases the
        worker's taken requests and claims. Raises ``StateUnavailable`` when Redis does not answer: the run may
        or may not be merged, and ``committed`` says which once Redis is back."""
        document = json.dumps(asdict(work.as_work(run_id, status)), ensure_ascii=False)
        names = [self.key[name] for name in NAMES] + [
            f"{self.prefix}:taken:{self.worker}",
            f"{self.prefix}:claims:{self.worker}",
            f"{self.prefix}:crawl",
            *(self.key[name] for name in RECOVERY),
        ]
        try:
            self.client.eval(MERGE, len(names), *names, document, utc(at), int(at.timestamp()), NO_ANSWER,
                             self.keep_seconds, MOVED, give_up or 0, GIVEN_UP, ROBOTS_UNAVAILABLE)  # fmt: skip
        except redis.RedisError as error:
            raise StateUnavailable(f"Redis did not take the run's commit: {error}") from None

    def committed(self, run_id: str) -> str | None:
        """The status of the run's note in ``commits``. Raises ``redis.RedisError``."""
        raw = self.client.hget(self.key["commits"], run_id)
        return str(json.loads(raw)["status"]) if raw else None

    def settled(self, run_id: str) -> None:
        """Removes the run's note from ``commits``; when Redis does not answer, a warning: the note expires."""
        try:
            self.client.hdel(self.key["commits"], run_id)
        except redis.RedisError as error:
            logger.warning("Could not clear the commit note of run %s in Redis: %s", run_id, error)

    def entries(self, key: str) -> int:
        """The entries of any key of this Redis: members, fields, items; 1 for a string; 0 when missing."""
        count = {"hash": self.client.hlen, "zset": self.client.zcard, "set": self.client.scard,
                 "list": self.client.llen}.get(str(self.client.type(key)))  # fmt: skip
        return int(count(key)) if count else int(bool(self.client.exists(key)))


def connect(url: str) -> redis.Redis:
    """A client of the Redis at ``url``, checked: ``ConfigError`` (the URL's password masked) when it does
    not answer."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30, decode_responses=True)
        client.ping()
    except (redis.RedisError, ValueError) as error:
        raise ConfigError(f"cannot reach Redis at {public('BHG_REDIS_URL', url)}: {error}") from None
    return client


def redis_of(crawler: Crawler) -> redis.Redis:
    """The crawl's Redis; a component asking for it is off (``NotConfigured``) when ``BHG_REDIS_URL`` is not set."""
    url = crawler.settings.get("BHG_REDIS_URL")
    if not url:
        raise NotConfigured  # one process, as by default: no warning in the log
    return connect(url)


def crawl_prefix(settings: BaseSettings) -> str:
    """The prefix of a crawl's keys: ``bhg:<BHG_REDIS_CRAWL>``."""
    return f"bhg:{settings.get('BHG_REDIS_CRAWL')}"


def worker_name() -> str:
    """This worker's name: ``<host>:<pid>``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def keep_seconds(settings: BaseSettings) -> int:
    """How long a crawl's keys outlive its last beat: ``BHG_REDIS_KEEP_DAYS`` in seconds."""
    return int(settings.getfloat("BHG_REDIS_KEEP_DAYS") * 86400)


def shared_knowledge(settings: BaseSettings) -> RedisKnowledge:
    """What committed runs know, in the Redis of ``BHG_REDIS_URL`` under ``BHG_REDIS_CRAWL``, for this worker.
    Raises ``ConfigError`` when Redis does not answer."""
    client = connect(settings["BHG_REDIS_URL"])
    return RedisKnowledge(client, crawl_prefix(settings), worker_name(), keep_seconds(settings))
