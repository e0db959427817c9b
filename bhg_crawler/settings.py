"""Scrapy settings of bhg-crawler: polite defaults for a small public news site."""

from bhg_crawler import __version__

BOT_NAME = "bhg_crawler"
SPIDER_MODULES = ["bhg_crawler.spiders"]
NEWSPIDER_MODULE = "bhg_crawler.spiders"

# --- Identity: who is crawling and how to reach them -------------------------------------------
BHG_CONTACT = "https://github.com/bhg-crawler/bhg-crawler"
USER_AGENT = f"bhg-crawler/{__version__} (+{BHG_CONTACT})"

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
TELNETCONSOLE_ENABLED = False

# --- Where requests go --------------------------------------------------------------------------
# An HTTP proxy for every request, e.g. the replica: BHG_VIA=http://127.0.0.1:8642
BHG_VIA = ""
DOWNLOADER_MIDDLEWARES = {
    "bhg_crawler.middlewares.ViaMiddleware": 740,  # before HttpProxyMiddleware (750)
}

# --- Exports --------------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
