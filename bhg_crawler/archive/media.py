"""Article images downloaded with Scrapy's files pipeline, under paths made of a hash, never of the URL's path."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.pipelines.files import FilesPipeline
from scrapy.pipelines.media import MediaPipeline

# The only extensions a stored file may take; anything else is stored as .bin.
EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".mp4", ".webm", ".mp3", ".pdf"})


def media_path(url: str) -> str:
    """``ab/abcdef....jpg``: the sha1 of the URL, split for the file system, and a known extension."""
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()  # a name, not a security measure
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return f"{digest[:2]}/{digest}{suffix if suffix in EXTENSIONS else '.bin'}"


class ImagesToFiles(FilesPipeline):
    """Downloads the images of each exported record into ``BHG_MEDIA`` and notes each in the record.

    Every image gets ``file``: ``{"path", "checksum"}`` (path under ``BHG_MEDIA``, MD5 of the bytes), or null
    when it could not be fetched (``bhg/media/failed``). Runs after dedupe, so only what is exported is
    downloaded; through the downloader, so the images are archived in the WARC too when archiving is on.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ImagesToFiles:
        folder = crawler.settings.get("BHG_MEDIA")
        if not folder:
            raise NotConfigured  # off, as by default: no warning in the log
        cls._update_stores(crawler.settings)
        return cls(folder, crawler=crawler)

    def get_media_requests(self, item: Any, info: MediaPipeline.SpiderInfo) -> list[Request]:
        return [Request(image["url"]) for image in item["images"] if image.get("url")]

    def file_path(self, request: Request, response: Response | None = None,
                  info: MediaPipeline.SpiderInfo | None = None, *, item: Any = None) -> str:  # fmt: skip
        return media_path(request.url)

    def item_completed(self, results: list[Any], item: Any, info: MediaPipeline.SpiderInfo) -> Any:
        stored = {result["url"]: result for ok, result in results if ok}
        for image in item["images"]:
            found = stored.get(image["url"])
            image["file"] = {"path": found["path"], "checksum": found["checksum"]} if found else None
            if found is None and self.crawler.stats is not None:
                self.crawler.stats.inc_value("bhg/media/failed")
        return item
