"""The distributed mode: worker processes on any number of machines share one crawl through Redis.

``BHG_REDIS_URL`` (``bhg-crawl run --redis URL``) switches the scheduler's queue and the request
dupefilter to scrapy-redis, under keys named by ``BHG_REDIS_CRAWL`` (default ``bhg``), and keeps what
committed runs know in Redis (``bhg_crawler.state.redis``), so workers share it from run to run. Each
worker keeps its own exports and its runs in its own state file; what two workers could both export is
claimed in Redis first.

- ``RedisAddon`` sets the scheduler, its queue and its dupefilter when ``BHG_REDIS_URL`` is set.
- ``SharedScheduler`` marks a request seen and queues it in one step; ``TakenQueue``, the shared queue,
  keeps what a worker takes under its name, answered or not, until the worker's run is committed: the
  requests of a worker that dies go back to the queue.
- ``RedisWorkers`` registers the worker and beats every few seconds (busy, idle or leaving); keeps it alive
  while the shared queue has work, another worker is busy, leaving or late, or the queue had work in the
  last ``BHG_REDIS_IDLE_SECONDS`` (plain scrapy-redis spiders never close); puts back the requests and
  withdraws the claims of a worker that has not beaten for ``BHG_REDIS_DEAD_SECONDS``; and when the last
  worker of a crawl closes with the queue empty, deletes the crawl's dupefilter: the next crawl starts
  afresh.
- ``ClaimPipeline`` lets one worker only export a version of an article, and none a version a committed
  run exported.

The keys of one crawl, below ``bhg:<crawl>:``: ``crawl`` (when its first worker started), ``requests``
(the queue), ``seen`` (request fingerprints), ``workers`` (worker -> last beat and state), ``taken:<worker>``
(requests a worker took, until its commit), ``claims:<worker>`` (its claims, until its commit),
``claim:<record id>:<sha256>`` (the worker exporting it, until its commit), ``manifests`` (the workers'
run manifests, until the last worker writes the crawl's manifest). The last worker deletes them; each
beat sets them to expire after ``BHG_REDIS_KEEP_DAYS``, so a crawl every worker abandoned goes too.
"""
