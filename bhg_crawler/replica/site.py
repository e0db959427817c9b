"""The replica as a function from (host, path, query) to a response, apart from any server."""

from __future__ import annotations

import gzip
import hashlib
import re
import struct
import threading
import zlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs

from bhg_crawler.errors import ConfigError
from bhg_crawler.replica import faults
from bhg_crawler.replica.catalog import VN_TZ, Catalog
from bhg_crawler.replica.content import Writer
from bhg_crawler.replica.render import Renderer, http_date
from bhg_crawler.replica.templates import TEMPLATES, break_body, redesign

MAIN_HOSTS = frozenset({"baohagiang.vn", "www.baohagiang.vn"})
ENGLISH_HOST = "en.baohagiang.vn"
SITE_HOSTS = MAIN_HOSTS | {ENGLISH_HOST}
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})

ARTICLE_PATH = re.compile(
    r"^/(?P<section>[A-Za-z0-9/-]+?)/(?P<month>\d{6})/(?P<slug>[a-z0-9-]+)-(?P<id>[0-9a-f]{7}|\d{6})/?$"
)
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
    # connection halfway ("reset") or after too few bytes ("truncate").
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


class Site:
    """Answers for baohagiang.vn, www.baohagiang.vn and en.baohagiang.vn."""

    def __init__(
        self, seed: int = 1, articles: int = 300, day: int = 0, template: str = "classic", fault_profile: str = "none"
    ):
        if template not in TEMPLATES:
            raise ConfigError(f"template must be one of {', '.join(TEMPLATES)}, not {template!r}")
        self.template = template
        self.faults = faults.profile_named(fault_profile)
        self.injected: Counter[str] = Counter()  # faults acted out, by kind
        self._answers: Counter[str] = Counter()  # answers to each faulty URL so far
        self._lock = threading.Lock()
        self.catalog = Catalog(seed, articles, day)
        self.writer = Writer(self.catalog)
        self.renderer = Renderer(self.catalog, self.writer)

    def serves(self, host: str) -> bool:
        return host in SITE_HOSTS or host in LOCAL_HOSTS

    def respond(self, host: str, path: str, query: str = "") -> Response:
        host = host.lower()
        if host == ENGLISH_HOST:
            return self._english(path, query)
        if host in MAIN_HOSTS or host in LOCAL_HOSTS:
            return self._main(path, query)
        return Response(502, f"The replica does not serve {host}.\n".encode(), "text/plain; charset=utf-8")

    def _html(
        self, text: str, status: int = 200, version: str | None = None, modified: datetime | None = None
    ) -> Response:
        """A page; ``version`` names its content apart from the sidebar, for a weak ETag that stays put."""
        body = text.encode("utf-8")
        if version is None:
            headers = {"ETag": '"' + hashlib.sha1(body).hexdigest()[:20] + '"'}
        else:
            headers = {"ETag": 'W/"' + hashlib.sha1(version.encode()).hexdigest()[:20] + '"'}
        if modified is not None:
            headers["Last-Modified"] = http_date(modified)
        return Response(status, body, headers=headers)

    def not_found(self) -> Response:
        return self._html(self.renderer.not_found(), 404)

    def _main(self, path: str, query: str) -> Response:
        params = parse_qs(query)
        if path == "/":
            return self._html(self.renderer.home())
        if path == "/robots.txt":
            disallowed = "".join(f"Disallow: /{slug}/\n" for slug in self.faults.disallowed)
            return Response(200, (self.renderer.robots() + disallowed).encode(), "text/plain; charset=utf-8")
        if path == "/rss/home.rss":
            return Response(200, self.renderer.rss().encode(), "application/rss+xml; charset=utf-8")
        if path == "/tim-kiem":
            return self._html(self.renderer.search(params.get("q", [""])[0]))
        if path == "/css/style.css":
            return Response(200, STYLESHEET, "text/css")
        if path.startswith(("/images/", "/dataimages/", "/file/")):
            return self._media(path)
        slug = path.strip("/")
        if slug in self.catalog.listings:
            return self._listing(slug, params, english_host=False)
        return self._article(path)

    def _english(self, path: str, query: str) -> Response:
        if path == "/":
            return self._html(self.renderer.english_home())
        if path == "/robots.txt":
            return Response(200, self.renderer.robots().encode(), "text/plain; charset=utf-8")
        slug = "english/" + path.strip("/")
        if slug in self.catalog.listings and slug != "english/":
            return self._listing(slug, parse_qs(query), english_host=True)
        return self._article("/english" + path)

    def _listing(self, slug: str, params: dict[str, list[str]], english_host: bool) -> Response:
        if "date" in params:
            try:
                day = datetime.strptime(params["date"][0], "%Y-%m-%d").replace(tzinfo=VN_TZ)
            except ValueError:
                return self.not_found()
            return self._html(self.renderer.listing(slug, 1, english_host, day))
        page_text = params.get("page", ["1"])[0]
        if not page_text.isdigit() or not 1 <= int(page_text) <= self.catalog.page_count(slug):
            return self.not_found()
        return self._html(self.renderer.listing(slug, int(page_text), english_host))

    def _article(self, path: str) -> Response:
        match = ARTICLE_PATH.match(path)
        slot = self.catalog.by_id.get(match.group("id")) if match else None
        if slot is None or slot.deleted or path.rstrip("/") != self.writer.path(slot):
            return self.not_found()
        modified = self.catalog.modified(slot)
        version = f"{self.catalog.seed}:{self.template}:{slot.article_id}:{modified.isoformat()}"
        page = self.renderer.article(slot)
        if self.template == "redesigned":
            article = self.writer.article(slot.article_id)
            facts = {"headline": article.title, "datePublished": slot.published.isoformat(),
                     "dateModified": modified.isoformat(), "url": self.writer.canonical_url(slot),
                     "author": [{"@type": "Person", "name": a.name} for a in article.authors]}  # fmt: skip
            page = redesign(page, slot.article_id, facts)
        elif self.template == "broken":
            page = break_body(page)
        return self._faulty(path, self._html(page, version=version, modified=modified))

    def _faulty(self, path: str, response: Response) -> Response:
        """The article's answer with its fault acted out, if it has one and it has not passed."""
        fault = faults.fault_of(self.catalog.seed, self.faults, path)
        if fault is None:
            return response
        with self._lock:
            self._answers[path] += 1
            if fault.times and self._answers[path] > fault.times:
                return response
            self.injected[fault.kind] += 1
        body, kind = response.body, fault.kind
        html_only = {"Content-Type": "text/html; charset=utf-8"}
        if kind == "server_error":
            return Response(500 + 2 * (len(path) % 3), b"<h1>Server error</h1>", headers=html_only)
        if kind == "rate_limited":
            return Response(429, b"Too many requests\n", "text/plain", {"Retry-After": "1"})
        if kind == "timeout":
            return replace(response, delay=faults.TIMEOUT_SECONDS)
        if kind == "slow":
            return replace(response, trickle=faults.SLOW_SECONDS)
        if kind in ("reset", "truncated"):
            return replace(response, cut="reset" if kind == "reset" else "truncate")
        if kind == "empty":
            return Response(200, b"")
        if kind == "garbage":
            return Response(200, faults.garbage(path))
        if kind == "cp1258_as_utf8":
            return replace(response, body=faults.windows_1258(body.decode()))
        if kind == "utf8_as_cp1258":
            return replace(response, content_type="text/html; charset=windows-1258")
        if kind == "redirect_loop":
            return Response(302, b"", headers={"Location": path})
        if kind == "offsite_redirect":
            return Response(302, b"", headers={"Location": faults.OFFSITE + path.lstrip("/")})
        if kind == "huge":
            return replace(response, body=faults.huge_page(body))
        if kind == "gzip_bomb":
            return replace(response, body=faults.gzip_bomb(), headers={"Content-Encoding": "gzip"})
        if kind == "not_html":
            return Response(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n", "application/pdf")
        return replace(response, body=faults.malformed(body))  # malformed

    @staticmethod
    def _media(path: str) -> Response:
        extension = path.rsplit(".", 1)[-1].lower()
        content_type = CONTENT_TYPES.get(extension)
        if content_type is None:
            return Response(404, b"Not found\n", "text/plain; charset=utf-8")
        return Response(200, tiny_png(path), content_type, {"Cache-Control": "max-age=86400"})
