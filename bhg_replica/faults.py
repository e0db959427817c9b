"""Faults the replica can inject into its article pages and its site, deterministic by seed and URL.

A fault profile picks a share of the article URLs and a fault for each (``dealt``). Some faults pass
(``TRANSIENT``: the first answers fail, later ones are right), others last as long as the server runs.
A profile may also fault the whole site: its robots.txt (a section disallowed, an answer of 503 or 404 or
none, a ``Crawl-delay``) and its listings (endless or empty pages past the end). The content never changes:
with the faults cleared, every article is served as usual.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bhg_replica.errors import ReplicaError

KINDS = (
    "server_error",  # 500, 502 or 504
    "rate_limited",  # 429 with Retry-After: 1
    "timeout",  # no answer before the client gives up (TIMEOUT_SECONDS)
    "slow",  # the body trickles in over SLOW_SECONDS, whole
    "reset",  # the connection reset halfway through the body
    "truncated",  # fewer bytes than Content-Length, then the connection closed
    "empty",  # 200 with no body
    "garbage",  # 200 with random bytes declared as UTF-8 HTML
    "cp1258_as_utf8",  # the page in Windows-1258, declared UTF-8
    "utf8_as_cp1258",  # the page in UTF-8, declared Windows-1258
    "redirect_loop",  # 302 to a URL that redirects back
    "offsite_redirect",  # 302 to a host that is not the site's
    "huge",  # a page of HUGE_BYTES
    "gzip_bomb",  # a gzip body that inflates to BOMB_BYTES
    "not_html",  # a PDF at the article's URL
    "malformed",  # the page cut short, tags unclosed, NUL bytes and stray markup
    "meta_refresh_offsite",  # 200, a page whose <meta http-equiv="refresh"> sends the reader to another host
    "meta_refresh_self",  # 200, a page whose meta refresh sends the reader to the page itself
    "redirect_home",  # 302 to the home page: "deleted", said with a redirect (a soft 404)
    "not_found_200",  # the site's "page not found" page, answered 200
    "maintenance_200",  # a "Hệ thống đang bảo trì" (under maintenance) page, answered 200
)
TRANSIENT = frozenset(["server_error", "rate_limited", "timeout", "reset", "truncated", "maintenance_200"])
# Lasting faults that say the article is gone: a crawl believes them, and asks for it again only when it
# ignores what it knows (``--full``).
GONE = frozenset(["redirect_home", "not_found_200"])
TIMEOUT_SECONDS = 4.0
SLOW_SECONDS = 1.0
HUGE_BYTES = 12 * 1024 * 1024  # above the crawler's DOWNLOAD_MAXSIZE
BOMB_BYTES = 256 * 1024 * 1024
OFFSITE = "https://bhg-mirror.example.net/"
CRAWL_DELAY = 1.0  # seconds, the Crawl-delay of the crawl-delay profile
ROBOTS = ("rules", "503", "404", "unreachable")  # how robots.txt answers: its rules, 503, 404, or not at all
LISTINGS = ("", "endless", "empty")  # pages past a listing's end: 404, the last page again, or no items
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # Windows-1258 writes these apart from the letter


@dataclass(frozen=True)
class FaultProfile:
    """A set of faults: on a share of the article pages (one of ``KINDS`` each), and on the whole site."""

    name: str
    share: float  # of the article URLs that get a fault
    disallowed: tuple[str, ...] = ()  # sections robots.txt disallows
    robots: str = "rules"  # one of ROBOTS
    crawl_delay: float = 0.0  # seconds robots.txt asks between two requests; 0: it asks for nothing
    listings: str = ""  # one of LISTINGS: what a listing page past the end answers, with a link to the next


PROFILES = {
    "none": FaultProfile("none", 0.0),
    "mixed": FaultProfile("mixed", 0.3, ("the-thao",)),
    "robots-503": FaultProfile("robots-503", 0.0, robots="503"),
    "robots-404": FaultProfile("robots-404", 0.0, robots="404"),
    "robots-unreachable": FaultProfile("robots-unreachable", 0.0, robots="unreachable"),
    "crawl-delay": FaultProfile("crawl-delay", 0.0, crawl_delay=CRAWL_DELAY),
    "endless-pages": FaultProfile("endless-pages", 0.0, listings="endless"),
    "empty-pages": FaultProfile("empty-pages", 0.0, listings="empty"),
}


def profile_named(name: str) -> FaultProfile:
    if name not in PROFILES:
        raise ReplicaError(f"faults must be one of {', '.join(PROFILES)}, not {name!r}")
    return PROFILES[name]


@dataclass(frozen=True)
class Fault:
    kind: str
    times: int  # answers that fail before the right one (0: every answer, for a lasting fault)


def dealt(seed: int, profile: FaultProfile, paths: Iterable[str]) -> dict[str, Fault]:
    """The faults of a site's article paths: the profile's share of them, drawn by a hash of the seed, the
    profile and the path; their kinds dealt round ``KINDS`` in the order of the draw, so that every kind is acted
    out once as many articles as there are kinds have a fault. The same for the same seed, profile and paths."""
    if not profile.share:
        return {}
    drawn = []
    for path in paths:
        digest = hashlib.sha256(f"faults:{seed}:{profile.name}:{path}".encode()).digest()
        if int.from_bytes(digest[:4]) / 2**32 < profile.share:
            drawn.append((digest, path))
    faults = {}
    for at, (digest, path) in enumerate(sorted(drawn)):
        kind = KINDS[at % len(KINDS)]
        times = (1 if digest[5] % 4 else 3) if kind in TRANSIENT else 0  # three failures outlast the retries
        faults[path] = Fault(kind, times)
    return faults


def refresh_page(target: str) -> bytes:
    """A page that sends the reader to ``target`` at once with ``<meta http-equiv="refresh">``, as CMSes do for a
    moved or removed page, with the analytics script such pages carry (a page long enough to be sent gzipped)."""
    tracker = "".join(f"window.dataLayer.push({{'event': 'redirect', 'step': {n}}});" for n in range(20))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={target}">'
        f"<title>Đang chuyển trang...</title><script>window.dataLayer = window.dataLayer || [];{tracker}</script>"
        f'</head><body><p>Đang chuyển trang, <a href="{target}">bấm vào đây</a> nếu trình duyệt không tự chuyển.</p>'
        "</body></html>"
    ).encode()


def maintenance_page(brand: str) -> bytes:
    """A CMS's page for a site down for maintenance, answered 200: a title and a line, nothing else [guess]."""
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Hệ thống đang bảo trì - {brand}</title>'
        f'</head><body><div class="maintenance"><h1>Hệ thống đang bảo trì</h1><p>{brand} đang nâng cấp hệ thống. '
        "Mời bạn đọc quay lại sau ít phút.</p></div></body></html>"
    ).encode()


def windows_1258(text: str) -> bytes:
    """Text as Windows-1258 writes Vietnamese: precomposed where the code page has the letter, else the
    letter with its vowel mark and the tone mark after it."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in parts if c in TONE_MARKS)
            char = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS)) + tones
        out.append(char)
    return "".join(out).encode("cp1258", errors="xmlcharrefreplace")


def malformed(page: bytes) -> bytes:
    """The page with its end cut off, a NUL byte, stray closing tags and an unclosed comment-like mess."""
    cut = page[: len(page) * 3 // 4]
    return cut.replace(b"<p>", b"<p><b><i>", 5).replace(b"</h1>", b"</h1></div></span>\x00<", 1) + b"<div <p"


def garbage(seed: str, size: int = 20_000) -> bytes:
    """Random-looking bytes, the same for the same seed."""
    blocks = (hashlib.sha256(f"{seed}:{at}".encode()).digest() for at in range(size // 32 + 1))
    return b"".join(blocks)[:size]


@cache
def gzip_bomb() -> bytes:
    """BOMB_BYTES of zeros, gzipped (about a quarter of a megabyte), made once."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1024 * 1024)
    parts = [packer.compress(chunk) for _ in range(BOMB_BYTES // len(chunk))]
    return b"".join(parts) + packer.flush()


def huge_page(page: bytes) -> bytes:
    filler = b"<!-- " + b"x" * 1000 + b" -->\n"
    return page.replace(b"</body>", filler * (HUGE_BYTES // len(filler)) + b"</body>", 1)
