"""A web archive that misbehaves: a CDX server and raw replay in front of pywb, with the faults public archives show.

``ArchiveFront`` serves pywb's collection (its ``/cdx`` and ``/<timestamp>id_/<url>``) on another loopback port,
and adds what pywb alone does not do: the Wayback Machine's paging (``limit`` with ``showResumeKey`` and
``resumeKey``, or ``showNumPages`` and ``page``), and the faults of ``ArchiveFaults``: 429 with Retry-After and
503 on the index and on the captures, captures cut short, an index line of no CDX form, a resume key that
expires, the same article indexed under other URL forms, a slow index, and the archive's own answers in place
of captures (a 404 or an empty 200 without the marks of an archived answer, as a wrong replay URL or pywb
collection gives). The content never changes: each capture it indexes is pywb's, under its own URL or another
form of it. ``serving_ranges`` serves WARC files by byte range, as Common Crawl's data server, or with the
faults of a server that does not (``RANGE_FAULTS``).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import parse_qsl, urlencode, urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

PAGE_LINES = 50  # index lines a page asked by number (``page=N``) holds
REVISIT = "warc/revisit"
HOP_HEADERS = {"connection", "content-length", "transfer-encoding", "keep-alive"}
NOT_HERE = b"<html><body><h2>Url Not Found</h2><p>The url was not found in this collection.</p></body></html>"
# What a server of WARC files does with ``Range: bytes=A-B``: ``ignored``, 200 with the whole file;
# ``elsewhere``, 206 with as many bytes from the file's start, its Content-Range naming them; ``mislabelled``, the
# same bytes under a Content-Range naming the range asked.
RANGE_FAULTS = ("ignored", "elsewhere", "mislabelled")


@dataclass(frozen=True)
class ArchiveFaults:
    """What goes wrong, deterministic by URL: ``index_answers``, the statuses of the first answers of the index
    (429 and 503 with ``Retry-After: 1``), then its right answers; one capture URL in ``rate_limited`` answered
    429 (Retry-After: 1) the first time, one in ``unavailable`` 503, one in ``truncated`` cut short (a
    Content-Length larger than the body, then the connection closed); ``broken``: the captures
    (``"<timestamp> <URL>"``) cut short every time; ``expire_key``: the n-th resume key presented is refused
    (400, as an expired one) the first time; ``variants``: one article capture in so many is indexed also under
    three other forms of its URL (``http://``, ``www.``, a tracking query), each a second later (the last with
    ``"-"`` for its digest); ``revisits``: one article capture in so many is indexed again a day later as a
    revisit (mime ``warc/revisit``, the same digest), replayed as the page it repeats; ``malformed``: each first
    page of the index carries a line of no CDX form; ``delay``: seconds each page of the index takes;
    ``unmarked``: one capture in so many (1: every one) answered 404 with the archive's own page, without the
    marks of an archived answer (Memento-Datetime, X-Archive-Orig-*), every time; ``empty``: likewise answered
    200 with an empty body and no marks. 0 or empty: no such fault."""

    index_answers: tuple[int, ...] = ()
    rate_limited: int = 0
    unavailable: int = 0
    truncated: int = 0
    broken: frozenset[str] = frozenset()
    expire_key: int = 0
    variants: int = 0
    revisits: int = 0
    malformed: bool = False
    delay: float = 0.0
    unmarked: int = 0
    empty: int = 0

    def varies(self, url: str) -> bool:
        """Whether the captures of ``url`` (an article's, answered 200) are indexed under its other forms too."""
        return _chosen(url, self.variants)


@dataclass
class ArchiveLog:
    """What the archive was asked and what it did: the index queries (as dicts, in order), the capture URLs
    asked, the faults served (``"429 <url>"``...) and the index lines added as URL variants and revisits."""

    queries: list[dict[str, str]] = field(default_factory=list)
    captures: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    variants: list[dict[str, str]] = field(default_factory=list)
    revisits: list[dict[str, str]] = field(default_factory=list)


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a captured redirect is passed on as it was archived


def url_variants(url: str) -> list[str]:
    """Three other forms of an article's URL an archive may have captured: ``http://``, ``http://www.``, and
    with a tracking query."""
    bare = url.split("://", 1)[1]
    return [f"http://{bare}", f"http://www.{bare}", f"{url}?utm_source=zalo&utm_medium=share"]


def _later(stamp: str, seconds: int) -> str:
    """A 14-digit capture timestamp ``seconds`` later."""
    moment = datetime.strptime(stamp, "%Y%m%d%H%M%S") + timedelta(seconds=seconds)
    return moment.strftime("%Y%m%d%H%M%S")


def _chosen(text: str, every: int) -> bool:
    return every > 0 and zlib.crc32(text.encode()) % every == 0


class ArchiveFront:
    """The misbehaving archive in front of pywb's collection at ``upstream`` (``http://host:port/<collection>``);
    its own collection URL is ``url`` once started (``serving``). ``log`` says what it was asked."""

    def __init__(self, upstream: str, faults: ArchiveFaults):
        self.upstream = upstream.rstrip("/")
        self.collection = urlsplit(self.upstream).path
        self.faults = faults
        self.log = ArchiveLog()
        self.url = ""
        self._lock = threading.Lock()
        self._seen: set[str] = set()  # the URLs faulted once already
        self._keys = 0  # resume keys presented
        self._index: dict[str, list[dict[str, str]]] = {}  # "<host>/*" -> its lines
        self._aliases: dict[str, str] = {}  # "<timestamp> <variant URL>" -> the URL pywb holds it under
        self._opener = build_opener(_NoRedirects)

    # -- the index ----------------------------------------------------------------------------

    def lines(self, url: str, since: str, until: str) -> list[dict[str, str]]:
        """pywb's index of ``url`` (``host/*``) with the URL variants and revisits added, from ``since`` to
        ``until`` (timestamps of 4 to 14 digits, as the Wayback Machine reads them), sorted as an index is (by
        URL key, then time)."""
        with self._lock:
            found = self._index.get(url)
        if found is None:
            query = urlencode([("url", url), ("output", "json")])
            with self._opener.open(f"{self.upstream}/cdx?{query}", timeout=60) as answer:
                lines = [json.loads(line) for line in answer.read().decode().splitlines() if line.strip()]
            added = [extra for line in lines for extra in self._added(line)]
            found = sorted(lines + added, key=lambda row: (row.get("urlkey", ""), row["timestamp"]))
            with self._lock:
                self.log.variants.extend(line for line in added if line["mime"] != REVISIT)
                self.log.revisits.extend(line for line in added if line["mime"] == REVISIT)
                self._index[url] = found
        first, last = since.ljust(14, "0"), until.ljust(14, "9") if until else "9" * 14
        return [line for line in found if first <= line["timestamp"] <= last]

    def _added(self, line: dict[str, str]) -> list[dict[str, str]]:
        """The lines the faults add for an article's capture: its URL variants, its revisit a day later."""
        if line.get("status") != "200" or "html" not in line.get("mime", ""):
            return []
        added = []
        if self.faults.varies(line["url"]):
            for n, variant in enumerate(url_variants(line["url"]), start=1):
                digest = line.get("digest", "") if n < 3 else "-"  # an archive that does not say, at times
                added.append({**line, "timestamp": _later(line["timestamp"], n), "url": variant, "digest": digest})
        if _chosen(f"revisit {line['url']}", self.faults.revisits):
            added.append({**line, "timestamp": _later(line["timestamp"], 86400), "mime": REVISIT, "status": "-"})
        for extra in added:  # each served as the capture it repeats, as pywb resolves a revisit
            self._aliases[f"{extra['timestamp']} {extra['url']}"] = f"{line['timestamp']} {line['url']}"
        return added

    def _index_answer(self, query: dict[str, str]) -> tuple[int, str]:
        lines = self.lines(query["url"], query.get("from", ""), query.get("to", ""))
        if "showNumPages" in query:
            return 200, json.dumps({"pages": -(-len(lines) // PAGE_LINES), "pageSize": PAGE_LINES})
        if "page" in query:
            page = int(query["page"])
            if page * PAGE_LINES >= max(len(lines), 1):
                return 400, f"Page {page} invalid: First Page is 0, Last Page is {-(-len(lines) // PAGE_LINES) - 1}"
            first, last = page * PAGE_LINES, (page + 1) * PAGE_LINES
        else:
            first = int(query.get("resumeKey", "0") or 0)
            last = first + int(query["limit"]) if query.get("limit") else len(lines)
        rows = [json.dumps(line) for line in lines[first:last]]
        if self.faults.malformed and first == 0 and rows:
            rows.insert(1, "this line is no CDX line")
        if query.get("showResumeKey") == "true" and last < len(lines) and "page" not in query:
            rows += ["", str(last)]
        return 200, "\n".join(rows) + "\n"

    # -- the captures -------------------------------------------------------------------------

    def capture(self, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """pywb's raw answer for ``<timestamp>id_/<url>`` (a variant's as its original's), its Location back in
        this archive's form."""
        stamp, _, url = path.partition("id_/")
        original = self._aliases.get(f"{stamp} {url}")
        target = f"{self.upstream}/{original.replace(' ', 'id_/', 1)}" if original else f"{self.upstream}/{path}"
        try:
            answer = self._opener.open(Request(target), timeout=60)
        except HTTPError as error:
            answer = error
        with answer:
            headers = [(name, value.replace(self.upstream, self.url)) if name.lower() == "location" else (name, value)
                       for name, value in answer.headers.items() if name.lower() not in HOP_HEADERS]  # fmt: skip
            return answer.status, headers, answer.read()

    def once(self, fault: str, url: str) -> bool:
        """Whether ``url`` gets ``fault`` now: the first time only."""
        with self._lock:
            if f"{fault} {url}" in self._seen:
                return False
            self._seen.add(f"{fault} {url}")
            self.log.faults.append(f"{fault} {url}")
            return True


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class names it so)
        pass

    def do_GET(self) -> None:
        archive = self.server.archive
        parts = urlsplit(self.path)
        if not parts.path.startswith(archive.collection + "/"):
            self._send(404, [("Content-Type", "text/plain")], b"no such collection")
            return
        rest = self.path[len(archive.collection) + 1 :]
        if parts.path == f"{archive.collection}/cdx":
            self._index(dict(parse_qsl(parts.query)))
        elif "id_/" in rest:
            self._capture(rest)
        else:
            self._send(404, [("Content-Type", "text/plain")], b"only raw captures (id_) here")

    def _index(self, query: dict[str, str]) -> None:
        archive = self.server.archive
        with archive._lock:
            archive.log.queries.append(query)
            asked = len(archive.log.queries)
            if "resumeKey" in query:
                archive._keys += 1
            expired = "resumeKey" in query and archive._keys == archive.faults.expire_key
        time.sleep(archive.faults.delay)
        planned = archive.faults.index_answers
        if asked <= len(planned):
            archive.log.faults.append(f"{planned[asked - 1]} {self.path}")
            self._send(planned[asked - 1], [("Retry-After", "1"), ("Content-Type", "text/plain")], b"slow down")
            return
        if expired:
            archive.log.faults.append(f"400 {self.path}")
            self._send(400, [("Content-Type", "text/plain")], b"Invalid resumeKey: expired")
            return
        status, text = archive._index_answer(query)
        self._send(status, [("Content-Type", "text/plain")], text.encode())

    def _capture(self, path: str) -> None:
        archive, faults = self.server.archive, self.server.archive.faults
        archive.log.captures.append(path)
        for status, every in ((429, faults.rate_limited), (503, faults.unavailable)):
            if _chosen(f"{status} {path}", every) and archive.once(str(status), path):
                self._send(status, [("Retry-After", "1"), ("Content-Type", "text/plain")], b"busy")
                return
        for status, every, page in ((404, faults.unmarked, NOT_HERE), (200, faults.empty, b"")):
            if _chosen(f"{status} unmarked {path}", every):
                archive.log.faults.append(f"{status} unmarked {path}")
                self._send(status, [("Content-Type", "text/html; charset=utf-8")], page)
                return
        status, headers, body = archive.capture(path)
        stamp, _, url = path.partition("id_/")
        cut = f"{stamp} {url}" in faults.broken or (
            _chosen(f"cut {path}", faults.truncated) and archive.once("truncated", path)
        )
        if cut and len(body) > 1:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body) + 1000))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self._send(status, headers, body)

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, archive: ArchiveFront):
        self.archive = archive
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that hung up (a run killed) is no error
            super().handle_error(request, client_address)


@contextmanager
def serving(archive: ArchiveFront) -> Iterator[str]:
    """The archive on a free loopback port, in a thread: its collection's URL (its CDX server at ``<url>/cdx``)."""
    server = _Server(archive)
    archive.url = f"http://127.0.0.1:{server.server_address[1]}{archive.collection}"
    with _in_thread(server):
        yield archive.url


@contextmanager
def _in_thread(server: ThreadingHTTPServer) -> Iterator[None]:
    """``server`` serving in a thread until the block ends, then closed."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


class _Ranges(SimpleHTTPRequestHandler):
    """The files of a folder, a byte range of one answered 206 with its Content-Range when asked (``Range:
    bytes=A-B``), or with the handler's ``fault`` (``RANGE_FAULTS``)."""

    def __init__(self, *args: Any, fault: str = "", **kwargs: Any):
        self.fault = fault
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))  # the query string dropped
        if not path.is_file():
            self.send_error(404)
            return
        data, status, headers = path.read_bytes(), 200, []
        wanted = re.fullmatch(r"bytes=(\d+)-(\d+)", self.headers.get("Range") or "")
        if wanted and self.fault != "ignored":
            first, last = int(wanted[1]), min(int(wanted[2]), len(data) - 1)
            start = 0 if self.fault in ("elsewhere", "mislabelled") else first  # where the bytes sent are from
            shown = 0 if self.fault == "elsewhere" else first  # where the Content-Range says they are from
            data, status = data[start : start + last - first + 1], 206
            headers = [("Content-Range", f"bytes {shown}-{shown + len(data) - 1}/{path.stat().st_size}")]
        self.send_response(status)
        for name, value in [("Content-Type", "application/octet-stream"), *headers]:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        """Quiet."""


@contextmanager
def serving_ranges(folder: Path, fault: str = "") -> Iterator[str]:
    """The files of ``folder`` on a free loopback port, byte ranges answered (or with ``fault``, one of
    ``RANGE_FAULTS``): its URL. Raises ``ValueError`` for another fault."""
    if fault and fault not in RANGE_FAULTS:
        raise ValueError(f"no such fault of a range server: {fault!r}, not one of {', '.join(RANGE_FAULTS)}")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Ranges, directory=str(folder), fault=fault))
    with _in_thread(server):
        yield f"http://127.0.0.1:{server.server_address[1]}"
