"""Captures in WARC files on the local disk, read by byte range in place of a download."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.http import Response

from bhg_crawler.core.components import CrawlerComponent


def read_range(path: str, offset: int, length: int) -> bytes:
    """``length`` bytes of the file at ``offset``. Raises ``OSError`` when it cannot be read, ``EOFError`` when
    it ends before them."""
    with Path(path).open("rb") as stream:
        stream.seek(offset)
        data = stream.read(length)
    if len(data) < length:
        raise EOFError(f"{path} ends {length - len(data)} bytes before the end of the record at {offset}")
    return data


class LocalWarcMiddleware(CrawlerComponent):
    """Answers a request of a capture in a local WARC file (``meta["bhg_warc_file"]``: its path, offset and
    length, as ``bhg-crawl recover`` sets them) with the record's bytes read from the disk, as a byte range of
    a remote WARC file answers: no download, no delay (the archive's rate limit is for servers). Stats:
    ``bhg/recover/local_bytes``."""

    def process_request(self, request: Request) -> Response | None:
        where = request.meta.get("bhg_warc_file")
        if where is None:
            return None
        data = read_range(where["path"], where["offset"], where["length"])
        self.stats.inc_value("bhg/recover/local_bytes", len(data))
        return Response(request.url, status=200, body=data, request=request)
