"""A closing run sends nothing more: the requests waiting in its download slots, and any that comes to be sent, are
cut, so the close ends."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler
from twisted.internet.task import LoopingCall

from bhg_crawler.core.components import CrawlerComponent
from bhg_crawler.core.errors import Unsent


def closing(engine: ExecutionEngine) -> bool:
    """Whether the engine has begun to close its spider (SIGTERM or SIGINT, ``CLOSESPIDER_*``, the end of the
    crawl). Scrapy 2.19 gives no public sign of it: its slot's ``closing`` is set when the close begins."""
    slot = getattr(engine, "_slot", None)
    return slot is not None and slot.closing is not None


class BoundedClose(CrawlerComponent):
    """A run that is closing ends within a bounded time: a downloader middleware, and a look at the download
    slots every ``PERIOD`` seconds.

    Scrapy's engine closes a spider only once every request it holds is answered, and a request waiting in a
    host's download slot may wait for long (a back-off pause of up to ``BHG_BACKOFF_MAX`` seconds, AutoThrottle's
    delays) or for ever (a slot that may send nothing): the close, the state's lock and the heartbeat would wait
    with it, and a SIGTERM would be obeyed only by a second one, which commits nothing. Once the close has
    begun, each request still waiting in a slot, and each that comes to the downloader after (a retry, a
    redirect, a request that waited for its host's robots.txt), is cut unsent (``core.errors.Unsent``; the
    spiders' errbacks record nothing of it, so the accounting defers its article to the next run, as one of a
    stopped run never answered); the requests being sent end within ``DOWNLOAD_TIMEOUT``. Before Scrapy's
    ``DownloaderStats`` (850), so that a request refused here is not counted as sent. Stat: ``bhg/close/cut``.
    """

    PERIOD = 1.0  # seconds between two looks: how long a closing run may wait for a request it will cut

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.task = LoopingCall(self.cut)
        self.listen("spider_opened", "spider_closed")

    def spider_opened(self, spider: Spider) -> None:
        self.task.start(self.PERIOD, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task.running:
            self.task.stop()

    def process_request(self, request: Request) -> None:
        """Refuses a request (``Unsent``) once the run is closing."""
        engine = self.crawler.engine
        if engine is not None and closing(engine):
            self.stats.inc_value("bhg/close/cut")
            raise Unsent(f"not sent: the run closed before {request.url} was sent")

    def cut(self) -> None:
        """Cuts every request waiting in a download slot, when the run is closing."""
        engine = self.crawler.engine
        if engine is None or not closing(engine):
            return
        for slot in list(engine.downloader.slots.values()):
            while slot.queue:
                request, waiting = slot.queue.popleft()
                self.stats.inc_value("bhg/close/cut")
                waiting.errback(Unsent(f"not sent: the run closed while {request.url} waited"))
