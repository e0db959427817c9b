"""Article images downloaded with Scrapy's files pipeline, under paths made of a hash, never of the URL's path."""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.pipelines.files import FilesPipeline
from scrapy.pipelines.media import MediaPipeline

from bhg_crawler.core.files import file_entry
from bhg_crawler.runs.files import run_of

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
    With ``BHG_EXPORTS``, the run's manifest lists every file its records name (``manifest_entries``).
    """

    def __init__(self, folder: str, crawler: Crawler):
        super().__init__(folder, crawler=crawler)
        self.folder = Path(folder)
        self.used: dict[str, str] = {}  # the path under the folder of each file the run's records name: its URL

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ImagesToFiles:
        folder = crawler.settings.get("BHG_MEDIA")
        if not folder:
            raise NotConfigured  # off, as by default: no warning in the log
        cls._update_stores(crawler.settings)
        pipeline = cls(folder, crawler=crawler)
        if crawler.settings.get("BHG_EXPORTS"):
            run_of(crawler).listers.append(pipeline.manifest_entries)
        return pipeline

    def manifest_entries(self) -> list[dict[str, Any]]:
        """The manifest's entries of the files the run's records name, by path: ``{"path", "kind": "media", "url",
        "sha256", "bytes"}``, ``path`` relative to the exports folder, or absolute when the media folder is outside
        it. A file gone since it was stored is left out."""
        root = run_of(self.crawler).root.resolve()
        entries = []
        for name, url in sorted(self.used.items()):
            path = (self.folder / name).resolve()
            if path.is_file():
                where = path.relative_to(root) if path.is_relative_to(root) else path
                entries.append({"path": where.as_posix(), "kind": "media", "url": url, **file_entry(path)})
        return entries

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
            if found is not None:
                self.used[found["path"]] = image["url"]
            if found is None and self.crawler.stats is not None:
                self.crawler.stats.inc_value("bhg/media/failed")
        return item
