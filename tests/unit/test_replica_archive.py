"""The replica's misbehaving web archive: its paging, its faults, its variants and revisits, over a stub of pywb."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from bhg_replica.archive import ArchiveFaults, ArchiveFront, serving, url_variants

ARTICLE = "https://baohagiang.vn/xa-hoi/202101/tin-khac-778801"
LINES = [
    {"urlkey": f"vn,baohagiang)/xa-hoi/202101/tin-khac-7788{n:02d}", "timestamp": f"2026113012000{n}",
     "url": f"https://baohagiang.vn/xa-hoi/202101/tin-khac-7788{n:02d}", "mime": "text/html", "status": "200",
     "digest": f"D{n}"}
    for n in range(5)
]  # fmt: skip


class _Pywb(BaseHTTPRequestHandler):
    """pywb's collection ``/bhg``: its index (every line, whatever the query) and each capture's page."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class names it so)
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/bhg/cdx"):
            body = "\n".join(json.dumps(line) for line in LINES).encode()
        else:
            body = f"<html>{self.path}</html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def pywb() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pywb)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/bhg"
    server.shutdown()
    server.server_close()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    """A GET, the body as far as it came (a body cut short is returned cut)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}" if parts.query else parts.path)
        answer = connection.getresponse()
        try:
            body = answer.read()
        except http.client.IncompleteRead as cut:
            body = cut.partial
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, body
    finally:
        connection.close()


def index(url: str, **query: str) -> tuple[int, list[str]]:
    status, _, body = get(f"{url}/cdx?{urlencode({'url': 'baohagiang.vn/*', 'output': 'json', **query})}")
    return status, body.decode().split("\n")


@pytest.mark.parametrize(
    ("query", "status", "timestamps", "resume"),
    [
        ({}, 200, [line["timestamp"] for line in LINES], None),  # one page: every line
        ({"limit": "2", "showResumeKey": "true"}, 200, ["20261130120000", "20261130120001"], "2"),
        ({"limit": "2", "showResumeKey": "true", "resumeKey": "4"}, 200, ["20261130120004"], None),
        ({"from": "20261130120002", "to": "20261130120003"}, 200, ["20261130120002", "20261130120003"], None),
        ({"page": "0"}, 200, [line["timestamp"] for line in LINES], None),
        ({"page": "1"}, 400, [], None),  # a page past the last
    ],
)  # fmt: skip
def test_the_index_is_paged_as_the_wayback_machine_pages_it(
    pywb: str, query: dict[str, str], status: int, timestamps: list[str], resume: str | None
) -> None:
    with serving(ArchiveFront(pywb, ArchiveFaults())) as url:
        got, lines = index(url, **query)
    assert got == status
    if status == 200:
        rows = [json.loads(line) for line in lines if line.startswith("{")]
        assert [row["timestamp"] for row in rows] == timestamps
        assert (lines[-2] if len(lines) >= 3 and lines[-3] == "" else None) == resume


def test_the_number_of_pages(pywb: str) -> None:
    with serving(ArchiveFront(pywb, ArchiveFaults())) as url:
        assert index(url, showNumPages="true") == (200, [json.dumps({"pages": 1, "pageSize": 50})])


def test_the_index_answers_429_and_503_first_and_a_resume_key_expires_once(pywb: str) -> None:
    front = ArchiveFront(pywb, ArchiveFaults(index_answers=(429, 503), expire_key=2))
    with serving(front) as url:
        statuses = [index(url)[0], index(url)[0], index(url)[0]]
        keyed = [index(url, limit="2", showResumeKey="true", resumeKey=key)[0] for key in ("2", "4", "4", "2")]
    assert statuses == [429, 503, 200]
    assert keyed == [200, 400, 200, 200]  # the second key presented: expired, once
    assert [fault.split(" ")[0] for fault in front.log.faults] == ["429", "503", "400"]


def test_variants_and_revisits_are_indexed_and_served_as_the_capture_they_repeat(pywb: str) -> None:
    front = ArchiveFront(pywb, ArchiveFaults(variants=1, revisits=1, malformed=True))
    with serving(front) as url:
        _, lines = index(url)
        rows = [json.loads(line) for line in lines if line.startswith("{")]
        assert "this line is no CDX line" in lines
        assert len(rows) == len(LINES) * 5  # each: itself, three URL forms, a revisit
        first = [row for row in rows if row["urlkey"] == LINES[0]["urlkey"]]
        assert [row["url"] for row in first] == [LINES[0]["url"], *url_variants(LINES[0]["url"]), LINES[0]["url"]]
        assert [row["timestamp"] for row in first] == ["20261130120000", "20261130120001", "20261130120002",
                                                       "20261130120003", "20261201120000"]  # fmt: skip
        assert [row["digest"] for row in first] == ["D0", "D0", "D0", "-", "D0"]
        assert first[-1]["mime"] == "warc/revisit"
        for row in first:
            status, _, body = get(f"{url}/{row['timestamp']}id_/{row['url']}")
            assert (status, body) == (200, f"<html>/bhg/20261130120000id_/{LINES[0]['url']}</html>".encode())


@pytest.mark.parametrize(
    ("faults", "status", "cut"),
    [
        (ArchiveFaults(), 200, False),
        (ArchiveFaults(rate_limited=1), 429, False),
        (ArchiveFaults(unavailable=1), 503, False),
        (ArchiveFaults(truncated=1), 200, True),
        (ArchiveFaults(broken=frozenset([f"20261130120001 {ARTICLE}"])), 200, True),
    ],
)
def test_a_capture_faulted_the_first_time(pywb: str, faults: ArchiveFaults, status: int, cut: bool) -> None:
    front = ArchiveFront(pywb, faults)
    whole = f"<html>/bhg/20261130120001id_/{ARTICLE}</html>".encode()
    with serving(front) as url:
        first = get(f"{url}/20261130120001id_/{ARTICLE}")
        again = get(f"{url}/20261130120001id_/{ARTICLE}")
    assert first[0] == status
    if status != 200:
        assert first[1]["retry-after"] == "1"
    if cut:
        assert int(first[1]["content-length"]) > len(first[2]) and whole.startswith(first[2])
    elif status == 200:
        assert first[2] == whole
    assert again[2] == (whole[: len(whole) // 2] if faults.broken else whole)  # a broken one, every time
