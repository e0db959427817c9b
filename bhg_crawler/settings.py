"""Scrapy settings of bhg-crawler: polite defaults for a small public news site."""

from bhg_crawler import __version__

BOT_NAME = "bhg_crawler"
SPIDER_MODULES = ["bhg_crawler.spiders"]
NEWSPIDER_MODULE = "bhg_crawler.spiders"

# --- Identity: who is crawling and how to reach them -------------------------------------------
BHG_CONTACT = "https://github.com/bhg-crawler/bhg-crawler"
USER_AGENT = f"bhg-crawler/{__version__} (+{{contact}})"

# --- Politeness ---------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
BHG_MAX_CRAWL_DELAY = 30.0  # a robots.txt's Crawl-delay is kept, up to this many seconds between requests
# No door into a running crawl: Scrapy's telnet console, and its remote-control server (on by default since
# Scrapy 2.19), which runs any Python a local process sends it with a token from the user's profile folder.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- Limits: what a hostile or broken server cannot make the crawler do --------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # bytes received, and bytes after decompression (a gzip bomb stops here)
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
BHG_MAX_LISTING_PAGES = 5000  # listing pages of one section a run walks at most (100,000 articles at 20 a page)

# --- Where requests go --------------------------------------------------------------------------
# An HTTP proxy for every request, e.g. the replica: BHG_VIA=http://127.0.0.1:8642
BHG_VIA = ""
DOWNLOADER_MIDDLEWARES = {
    "bhg_crawler.runs.accounting.RunAccounting": 50,  # first of all: every article request this process takes
    "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware": None,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "bhg_crawler.middlewares.RobotsRulesMiddleware": 100,  # robots.txt by RFC 9309: in Scrapy's place
    "bhg_crawler.middlewares.ContactUserAgentMiddleware": 500,
    "bhg_crawler.middlewares.ViaMiddleware": 740,  # before HttpProxyMiddleware (750)
    "bhg_crawler.middlewares.ArchiveGoneMiddleware": 555,  # sees each refusal before RetryMiddleware (550)
    "bhg_crawler.middlewares.BackoffMiddleware": 560,  # sees 429/503 before RetryMiddleware (550)
    "bhg_crawler.middlewares.EncodingMiddleware": 580,  # after decompression (HttpCompressionMiddleware, 590)
    "bhg_crawler.middlewares.RedirectGuardMiddleware": 610,  # sees redirects before RedirectMiddleware (600)
    "bhg_crawler.middlewares.MetaRefreshGuardMiddleware": 585,  # after decompression (590), before MetaRefresh (580)
    "bhg_crawler.runs.closing.BoundedClose": 840,  # a closing run sends nothing more; before DownloaderStats (850)
    "bhg_crawler.archive.warc.WarcMiddleware": 900,  # responses as received: before decompression and redirects
    "bhg_crawler.archive.local.LocalWarcMiddleware": 950,  # recover's local WARC reads: counted (850) as requests
}
# 429 and 503: wait Retry-After (else BASE seconds, doubled each try), at most MAX seconds, TRIES times.
BHG_BACKOFF_BASE = 5.0
BHG_BACKOFF_MAX = 600.0
BHG_BACKOFF_TRIES = 5

# --- Records: validate, dedupe (the spider yields them built) --------------------------------------
ITEM_PIPELINES = {
    "bhg_crawler.pipelines.RangePipeline": 300,  # records in the run's --since/--until only
    "bhg_crawler.pipelines.ValidatePipeline": 400,
    "bhg_crawler.pipelines.DedupePipeline": 500,
    "bhg_crawler.distributed.claims.ClaimPipeline": 550,  # off unless BHG_REDIS_URL is set
    "bhg_crawler.archive.media.ImagesToFiles": 600,  # off unless BHG_MEDIA is set
}

# --- Exports ------------------------------------------------------------------------------------
BHG_EXPORTS = "exports"  # folder of the run's files and manifests; empty turns them off
BHG_RUN_ID = ""  # default: <UTC time>-<spider>-<4 hex>
BHG_EXPORT_MAX_RECORDS = 50_000  # records a file
EXTENSIONS = {
    "bhg_crawler.core.redact.RedactLogs": 100,  # no secret from the settings in the log
    "spidermon.contrib.scrapy.extensions.Spidermon": 400,  # the monitors judge the run before it is exported
    "bhg_crawler.runs.export.RunExport": 500,
    "bhg_crawler.monitoring.heartbeat.Heartbeat": 510,
    "bhg_crawler.distributed.workers.RedisWorkers": 520,  # off unless BHG_REDIS_URL; after the run is committed
    "bhg_crawler.monitoring.progress.Progress": 530,  # a status line on a terminal, a progress line in the log
}

# --- Monitors: each failed one sets the run's exit code (see bhg_crawler.monitoring.monitors) ---------------
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ("bhg_crawler.monitoring.monitors.RunMonitors",)
SPIDERMON_ADD_FIELD_COVERAGE = True  # coverage of the exported records' fields (empty values do not count)
SPIDERMON_DICT_FIELDS_COVERAGE_LEVELS = 0  # top-level fields only
BHG_MAX_ERROR_RATIO = 0.05  # failed requests, and requests refused but by robots.txt
BHG_MAX_REJECT_RATIO = 0.01  # records that fail the schema
BHG_FIELD_COVERAGE = {
    "title": 1.0,
    "published_at": 1.0,
    "body_text": 1.0,
    "section": 1.0,
    "images": 0.5,
    "authors": 0.5,
    "related": 0.8,
}
BHG_MONITOR_MIN_RECORDS = 20  # shares (coverage below 1.0, drift) are judged on runs this large
BHG_MONITOR_RUNS = 5  # past runs compared with
BHG_MAX_DRIFT = 0.25  # more of the records needing a fallback layer than the past runs' median
BHG_MIN_ARTICLE_RATIO = 0.5  # fewer articles than the past runs' median of the same kind
BHG_HEARTBEAT = ""  # default <BHG_EXPORTS>/heartbeat.json
BHG_HEARTBEAT_SECONDS = 30.0  # 0: no heartbeat
# Notifications of a failed run, each off until set (see bhg_crawler.monitoring.notify).
BHG_NOTIFY_EMAIL = ""  # addresses, comma-separated
BHG_NOTIFY_FROM = "bhg-crawler@localhost"
BHG_SMTP_HOST = "localhost"
BHG_SMTP_PORT = 25
BHG_SMTP_USER = ""
BHG_SMTP_PASSWORD = ""
BHG_SMTP_STARTTLS = False
BHG_NOTIFY_SLACK_WEBHOOK = ""  # an incoming-webhook URL
BHG_NOTIFY_COMMAND = ""  # run with the message on stdin, BHG_RUN_ID, BHG_EXIT_CODE, BHG_OUTCOME in its env

# --- Logs and progress ----------------------------------------------------------------------------
LOG_LEVEL = "INFO"  # Scrapy's DEBUG logs every request and record: 6 MB a 1,000 articles, not 14 kB
BHG_LOGS = "logs"  # bhg-crawl run writes logs/<run_id>.log
BHG_PROGRESS_SECONDS = 60.0  # a progress line in the log (pages, exported, queue, pace, ETA) this often; 0: none
BHG_PROGRESS_TTY = True  # a status line redrawn on standard error when it is a terminal the log is not written to
BHG_KEEP_LOGS_DAYS = 30.0  # bhg-crawl prune: run logs and stats older than this many days are removed...
BHG_KEEP_LOGS = 20  # ...but for the newest this many runs'

# --- Archives ----------------------------------------------------------------------------------
BHG_WARC = False  # WARC 1.1 files of every response and request, in the run's export folder
BHG_WARC_MAX_BYTES = 1_000_000_000  # a new WARC file past this size
BHG_RECOVER_RATE = 1.0  # bhg-crawl recover: requests a second at most to each host of the web archive (0: as above)
BHG_MEDIA = ""  # download article images into this folder (paths from a hash of the URL); empty: off

# --- State across runs: incremental crawls ------------------------------------------------------
# What a run learns of articles from the spider's requests, responses and reported failures (discovered,
# fetched, moved, gone, failed) goes to the state through one component; it sees the spider's output first.
# What becomes of each record (out of range, rejected, duplicate, unchanged, exported) the pipelines record.
SPIDER_MIDDLEWARES = {"bhg_crawler.middlewares.StateBookkeeping": 950}
DUPEFILTER_CLASS = "bhg_crawler.state.dupefilter.StateDupeFilter"  # seen requests on disk, not in memory
BHG_STATE = "state/bhg.sqlite3"  # SQLite (WAL); empty keeps the state in memory for one run
BHG_REFRESH_DAYS = 7.0  # articles published this recently are revisited with conditional GETs
BHG_LEDGER_GIVE_UP_TRIES = 5  # runs that tried a ledger's article before it is given up (retried after 1, 3, 7 runs)
BHG_NOW = ""  # the time the refresh window ends at (ISO 8601); default: the clock
BHG_PROFILES: list[str] = []  # folders of more site profiles (*.toml), besides bhg_crawler/sites/
FEED_EXPORT_ENCODING = "utf-8"

# --- The distributed mode: workers share one crawl through Redis (see bhg_crawler.distributed) ---
ADDONS = {"bhg_crawler.distributed.scheduler.RedisAddon": 0}
BHG_REDIS_URL = ""  # e.g. redis://127.0.0.1:6379/0; empty: one process, no Redis
BHG_REDIS_CRAWL = "bhg"  # the name of the shared crawl: its keys are bhg:<name>:...
BHG_REDIS_IDLE_SECONDS = 10.0  # a worker closes when the shared queue has been empty this long
BHG_REDIS_DEAD_SECONDS = 30.0  # a worker silent this long is dead: its taken requests go back to the queue
BHG_REDIS_POLL_SECONDS = 1.0  # how often a worker with nothing to do asks the shared queue again
BHG_REDIS_KEEP_DAYS = 7.0  # a crawl's queue, dupefilter, claims and commit notes expire this long after its last beat
