"""WARC 1.1 archives of what a run fetched, through warcio: every response with its request."""

from __future__ import annotations

import http.client
import io
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bhg_crawler import __version__
from bhg_crawler.core.components import CrawlerComponent
from bhg_crawler.core.files import part_of, published
from bhg_crawler.core.identity import user_agent
from bhg_crawler.core.redact import public
from bhg_crawler.runs.files import run_of
from bhg_crawler.state.binding import state_of
from bhg_crawler.state.store import StateStore

with warnings.catch_warnings():  # py3amf, which cdxj-indexer imports, asks for the deprecated pkg_resources
    warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
    from cdxj_indexer.main import CDXJIndexer

WARC_VERSION = "1.1"
# Hop-by-hop framing the archived body no longer has: kept under another name, as replay tools expect.
FRAMING_HEADERS = {b"Transfer-Encoding": "X-Archive-Orig-Transfer-Encoding"}


@dataclass(frozen=True)
class Archived:
    """Where a response was archived: its WARC record's id and date (ISO 8601 UTC, microseconds) and file name."""

    record_id: str  # of the response (or revisit) record
    date: str  # its WARC-Date
    file: str


def warc_date(moment: datetime) -> str:
    """``moment`` as a WARC-Date: ISO 8601 in UTC to the microsecond, with a ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def request_headers(request: Request) -> StatusAndHeaders:
    """The request line and headers as sent to the origin server (the proxy leg aside)."""
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc)]
    for name, values in request.headers.items():
        if name.lower() in (b"host", b"proxy-authorization"):
            continue
        headers += [(name.decode("latin-1"), value.decode("latin-1")) for value in values]
    return StatusAndHeaders(f"{request.method} {target} HTTP/1.1", headers, is_http_request=True)


def response_headers(response: Response) -> StatusAndHeaders:
    """The status line and headers as received."""
    protocol = response.protocol or "HTTP/1.1"
    reason = http.client.responses.get(response.status, "")
    headers = []
    for name, values in response.headers.items():
        label = FRAMING_HEADERS.get(name, name.decode("latin-1"))
        headers += [(label, value.decode("latin-1")) for value in values]
    return StatusAndHeaders(f"{response.status} {reason}".strip(), headers, protocol=protocol)


class WarcFiles:
    """The run's WARC files: ``<run folder>/<run_id>-00001.warc.gz``, ... each starting with a ``warcinfo``
    record, a new one past ``BHG_WARC_MAX_BYTES``; written as ``.part`` files and renamed with the rest of the
    run's files once it is committed, with ``index.cdxj`` over them (cdxj-indexer)."""

    def __init__(self, folder: Path, run_id: str, max_bytes: int, info: dict[str, Any]):
        self.folder = folder
        self.run_id = run_id
        self.max_bytes = max_bytes
        self.info = info
        self.done: list[Path] = []
        self._out: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._path: Path | None = None

    @property
    def _part(self) -> Path:
        assert self._path is not None
        return part_of(self._path)

    def _open(self) -> WARCWriter:
        if self._writer is not None and self._out is not None and self._out.tell() < self.max_bytes:
            return self._writer
        self._close_file()
        self._path = self.folder / f"{self.run_id}-{len(self.done) + 1:05d}.warc.gz"
        self._out = self._part.open("wb")
        self._writer = WARCWriter(self._out, gzip=True, warc_version=WARC_VERSION)
        self._writer.write_record(self._writer.create_warcinfo_record(self._path.name, self.info))
        return self._writer

    def write(self, records: Iterable[ArcWarcRecord]) -> str:
        """Writes the records together; the name of the file that holds them."""
        writer = self._open()
        for record in records:
            writer.write_record(record)
        assert self._path is not None
        return self._path.name

    @property
    def builder(self) -> WARCWriter:
        """The writer of the current file, to build records with (a new file past the size limit)."""
        return self._open()

    def _close_file(self) -> None:
        if self._out is None or self._path is None:
            return
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        self.done.append(self._part)  # published (renamed) with the rest of the run, after its commit
        self._out = self._writer = None

    def close(self) -> list[tuple[str, Path]]:
        """Completes the last file and writes ``index.cdxj`` over the files, all still ``.part``: (kind, part) of
        each, the index last."""
        self._close_file()
        if not self.done:
            return []
        lines = io.StringIO()
        CDXJIndexer(output=lines, inputs=[str(p) for p in self.done]).process_all()
        text = lines.getvalue()
        for part in self.done:  # the index names each file as it will be published
            text = text.replace(f'"filename": "{part.name}"', f'"filename": "{published(part).name}"')
        index = part_of(self.folder / "index.cdxj")
        index.write_text(text, encoding="utf-8")
        return [*(("warc", part) for part in self.done), ("cdxj", index)]


class WarcMiddleware(CrawlerComponent):
    """Archives every response as received (before decompression and redirects), with its request.

    Sits next to the downloader (after HttpCompressionMiddleware and RedirectMiddleware in the response
    direction), so bodies are archived as sent, Content-Encoding and all. A response whose payload was archived
    before, in this run or an earlier one (the state remembers), is written as a ``revisit`` record pointing at
    the first (the identical-payload-digest profile). Tells the spider which record holds the page
    (``response.meta["bhg_warc"]``, an ``Archived``). ``BHG_WARC`` turns it on; it needs ``BHG_EXPORTS``.
    Stats: ``bhg/warc/records``, ``bhg/warc/revisits``."""

    def __init__(self, crawler: Crawler, files: WarcFiles, state: StateStore):
        super().__init__(crawler)
        self.files = files
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        settings = crawler.settings
        if not settings.getbool("BHG_WARC"):
            raise NotConfigured  # off, as by default: no warning in the log
        if not settings.get("BHG_EXPORTS"):  # the WARC files are files of the run's exports
            raise NotConfigured("BHG_EXPORTS is empty: no run folder for WARC files")
        run = run_of(crawler)
        run.folder.mkdir(parents=True, exist_ok=True)
        info = {
            "software": f"bhg-crawler/{__version__} (Scrapy)",
            "format": f"WARC File Format {WARC_VERSION}",
            "isPartOf": run.run_id,
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": user_agent(settings),
            "settings": " ".join(f"{k}={public(k, settings.get(k))}" for k in sorted(settings) if k.startswith("BHG_")),
        }
        files = WarcFiles(run.folder, run.run_id, settings.getint("BHG_WARC_MAX_BYTES"), info)
        run.closers.append(files.close)
        return cls(crawler, files, state_of(crawler))

    def process_response(self, request: Request, response: Response) -> Response:
        fetched = datetime.now(UTC)
        builder = self.files.builder
        date = warc_date(fetched)
        record = builder.create_warc_record(
            response.url, "response", payload=io.BytesIO(response.body), length=len(response.body),
            http_headers=response_headers(response), warc_headers_dict={"WARC-Date": date},
        )  # fmt: skip
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        first = self.state.payload(digest) if response.body else None
        if first is not None:
            record = builder.create_revisit_record(
                response.url, digest, first.uri, first.date, http_headers=response_headers(response),
                warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": first.record_id},
            )  # fmt: skip
            self.stats.inc_value("bhg/warc/revisits")
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        sent = builder.create_warc_record(
            request.url, "request", http_headers=request_headers(request),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id},
        )  # fmt: skip
        name = self.files.write([record, sent])
        if first is None and response.body:
            self.state.archived(digest, response.url, date, record_id)
        self.stats.inc_value("bhg/warc/records", 2)
        request.meta["bhg_warc"] = Archived(record_id, date, name)  # the response shares it
        return response
