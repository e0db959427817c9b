"""The replica's answers as values: a response, an HTML page with its validators, a media file."""

from __future__ import annotations

import gzip
import hashlib
import struct
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import parsedate_to_datetime

from bhg_replica.render import http_date

STYLESHEET = b"body{font-family:Arial,sans-serif;margin:0}.container{max-width:1100px;margin:auto}\n"
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "mp4": "video/mp4",
}


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Faults the server acts out: wait before answering, send the body over this many seconds, or cut the
    # connection halfway ("reset"), after too few bytes ("truncate"), or before any answer ("unanswered").
    delay: float = 0.0
    trickle: float = 0.0
    cut: str | None = None

    def encoded_for(self, accept_encoding: str) -> Response:
        """Gzip text bodies for clients that ask, as the real server does."""
        if (
            "gzip" not in accept_encoding
            or len(self.body) < 512
            or not self.content_type.startswith("text/")
            or "Content-Encoding" in self.headers
        ):
            return self
        headers = dict(self.headers, **{"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        return replace(self, body=gzip.compress(self.body, 5, mtime=0), headers=headers)

    def conditional(self, if_none_match: str | None, if_modified_since: str | None) -> Response:
        """304 Not Modified when the client's copy is current (RFC 9110: If-None-Match first), else self."""
        if self.status != 200:
            return self
        etag = self.headers.get("ETag")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}  # weak comparison
            current = etag is not None and (etag.removeprefix("W/") in tags or "*" in tags)
        elif if_modified_since is not None and "Last-Modified" in self.headers:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return self  # an unreadable date is ignored, as servers do
            current = parsedate_to_datetime(self.headers["Last-Modified"]) <= since
        else:
            current = False
        if not current:
            return self
        kept = {name: value for name, value in self.headers.items() if name in ("ETag", "Last-Modified")}
        return Response(304, b"", self.content_type, kept)


def tiny_png(key: str) -> bytes:
    """A valid 1x1 PNG whose colour depends on ``key``: images differ, bytes are stable."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rgb = hashlib.sha256(key.encode()).digest()[:3]
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" + rgb))
        + chunk(b"IEND", b"")
    )


def html_page(text: str, status: int = 200, version: str | None = None, modified: datetime | None = None) -> Response:
    """A page; ``version`` names its content apart from the sidebar, for a weak ETag that stays put."""
    body = text.encode("utf-8")
    if version is None:
        headers = {"ETag": '"' + hashlib.sha1(body).hexdigest()[:20] + '"'}
    else:
        headers = {"ETag": 'W/"' + hashlib.sha1(version.encode()).hexdigest()[:20] + '"'}
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    return Response(status, body, headers=headers)


def media(path: str) -> Response:
    extension = path.rsplit(".", 1)[-1].lower()
    content_type = CONTENT_TYPES.get(extension)
    if content_type is None:
        return Response(404, b"Not found\n", "text/plain; charset=utf-8")
    return Response(200, tiny_png(path), content_type, {"Cache-Control": "max-age=86400"})


def text(body: str, content_type: str = "text/plain; charset=utf-8") -> Response:
    return Response(200, body.encode("utf-8"), content_type)
