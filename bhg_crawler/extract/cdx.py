"""A web archive's CDX index: its query URLs, its lines read as captures, which of them hold an article, replay URLs."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import ArticleUrl, article_of

# The names a CDX server may give each field (the Wayback Machine's, pywb's, CDXJ's), to ours.
FIELD_NAMES = {
    "urlkey": "urlkey", "timestamp": "timestamp", "original": "original", "url": "original",
    "mimetype": "mime", "mime": "mime", "statuscode": "status", "status": "status", "digest": "digest",
    "length": "length", "offset": "offset", "filename": "filename",
}  # fmt: skip
# The space-separated forms, by their number of fields: the Wayback Machine's default, CDX 9 and CDX 11.
SPACED = {
    7: ("urlkey", "timestamp", "original", "mime", "status", "digest", "length"),
    9: ("urlkey", "timestamp", "original", "mime", "status", "digest", "redirect", "offset", "filename"),
    11: ("urlkey", "timestamp", "original", "mime", "status", "digest", "redirect", "meta", "length", "offset",
         "filename"),
}  # fmt: skip
REVISIT = "warc/revisit"  # the mime type of a capture whose payload is that of an earlier one with its digest
Verdict = Literal["fetch", "redirect", "gone", "error", "not_html", "skip"]


@dataclass(frozen=True)
class Capture:
    """One capture of a CDX index: the URL as captured (``original``), when (``timestamp``, 14 digits, UTC), its
    SURT ``urlkey``, mime type, HTTP status ("200"; "-" when the index does not say), payload ``digest``, and
    where a WARC holds it (``filename``, ``offset``, ``length``: empty when the index does not say)."""

    urlkey: str
    timestamp: str
    original: str
    mime: str = ""
    status: str = ""
    digest: str = ""
    length: str = ""
    offset: str = ""
    filename: str = ""

    @property
    def key(self) -> str:
        """The capture's identity across runs: ``"<timestamp> <original URL>"``."""
        return f"{self.timestamp} {self.original}"

    @property
    def payload_digest(self) -> str:
        """The digest of its payload; empty when the index does not say (``-``, or no field)."""
        return "" if self.digest == "-" else self.digest

    @property
    def captured_at(self) -> datetime:
        """When it was captured, aware UTC (a shorter timestamp is its period's first moment)."""
        digits = self.timestamp[:14] + "00000101000000"[len(self.timestamp[:14]) :]
        return datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


@dataclass(frozen=True)
class CdxPage:
    """A page of a CDX server's answer: its captures in index order, the key of the next page (None at the
    last: ``showResumeKey``), and its ``malformed`` lines (as read, cut to 200 characters), which give none."""

    captures: list[Capture]
    resume_key: str | None
    malformed: list[str] = field(default_factory=list)


def _capture(fields: dict[str, Any]) -> Capture:
    """A capture of a dict of a CDX server's field names. Raises ``ValueError`` without a URL or without a
    timestamp of 4 to 14 digits."""
    known = {FIELD_NAMES[name]: str(value) for name, value in fields.items() if name in FIELD_NAMES}
    stamp = known.get("timestamp", "")
    if not known.get("original") or not (stamp.isdigit() and 4 <= len(stamp) <= 14):
        raise ValueError(f"a CDX line without a URL or a timestamp: {str(fields)[:200]!r}")
    return Capture(**{"urlkey": "", **known})


def _read_all(lines: Iterable[Any], read: Callable[[Any], Capture], resume: str | None) -> CdxPage:
    """The page of the ``lines`` each ``read`` as a capture, or kept as malformed when it raises ``ValueError``
    (or ``TypeError``: a JSON row of the wrong shape). Raises ``ValueError`` when no line is a capture and some
    are malformed: the answer is no index at all (an error page answered 200)."""
    captures, malformed = [], []
    for line in lines:
        try:
            captures.append(read(line))
        except (ValueError, TypeError):
            malformed.append(str(line)[:200])
    if malformed and not captures:
        raise ValueError(f"no line is a CDX line: {malformed[0]!r}")
    return CdxPage(captures, resume, malformed)


def _json_rows(rows: list[Any]) -> CdxPage:
    """The Wayback Machine's ``output=json``: a header row of field names, a row a capture, and with
    ``showResumeKey`` an empty row and the key's."""
    if not rows:
        return CdxPage([], None)
    header, body = rows[0], rows[1:]
    if not isinstance(header, list):
        raise ValueError(f"a JSON answer without a header row: {str(rows)[:200]!r}")
    resume = None
    if len(body) >= 2 and body[-2] == [] and isinstance(body[-1], list) and len(body[-1]) == 1:
        resume, body = str(body[-1][0]), body[:-2]
    return _read_all((row for row in body if row), lambda row: _capture(dict(zip(header, row, strict=True))), resume)


def _text_line(line: str) -> Capture:
    """A line of pywb's JSON lines, a CDXJ line (``urlkey timestamp {json}``) or a space-separated CDX line.
    Raises ``ValueError`` for a line of none of these forms."""
    if line.startswith("{"):
        return _capture(json.loads(line))
    parts = line.split(" ", 2)
    if len(parts) == 3 and parts[2].startswith("{"):
        return _capture({"urlkey": parts[0], "timestamp": parts[1], **json.loads(parts[2])})
    fields = line.split()
    names = SPACED.get(len(fields))
    if names is None:
        raise ValueError(f"a CDX line of {len(fields)} fields: {line[:200]!r}")
    return _capture(dict(zip(names, fields, strict=True)))


def parse_cdx(text: str) -> CdxPage:
    """A CDX server's answer as captures, in any of its forms: the Wayback Machine's ``output=json`` (an array of
    rows) or its space-separated lines, pywb's JSON lines, CDXJ lines; a resume key after an empty line (or
    row) is the next page's. A line of none of these forms, or without a URL or a timestamp, is ``malformed``;
    raises ``ValueError`` when every line is (the answer is no index: an error page answered 200)."""
    text = text.strip()
    if text.startswith("["):
        return _json_rows(json.loads(text))
    lines = text.splitlines()
    resume = None
    if len(lines) >= 2 and not lines[-2].strip() and " " not in lines[-1].strip():
        resume, lines = lines[-1].strip(), lines[:-2]
    return _read_all((line.strip() for line in lines if line.strip()), _text_line, resume)


def index_hosts(hosts: Iterable[str]) -> list[str]:
    """The hosts whose ``host/*`` walks of a CDX index cover ``hosts``, sorted: each once, ``www.`` folded into
    the host it prefixes, as the index keys (SURT) of the Wayback Machine, pywb and Common Crawl fold it, so
    that ``www.host/*`` asks for the same lines as ``host/*``."""
    return sorted({host.removeprefix("www.") for host in hosts})


def cdx_query(endpoint: str, url: str, *, since: str = "", until: str = "", resume_key: str | None = None,
              limit: int = 0, filters: Iterable[str] = (), page: int | None = None,
              num_pages: bool = False) -> str:  # fmt: skip
    """The URL asking the CDX server at ``endpoint`` for the captures of ``url`` (``host/*``) in JSON, from
    ``since`` to ``until`` (timestamps, 1 to 14 digits; empty: unbounded), ``filters`` (``statuscode:200``...),
    ``limit`` lines a page (0: the server's) with the resume key of the page before; or its page ``page`` (0
    first), or with ``num_pages`` how many pages it has (``showNumPages``: Common Crawl's, the Wayback Machine's)."""
    query = [("url", url), ("output", "json")]
    query += [(name, value) for name, value in (("from", since), ("to", until)) if value]
    query += [("filter", f) for f in filters]
    if limit:
        query += [("limit", str(limit)), ("showResumeKey", "true")]
    if resume_key:
        query.append(("resumeKey", resume_key))
    if page is not None:
        query.append(("page", str(page)))
    if num_pages:
        query.append(("showNumPages", "true"))
    parts = urlsplit(endpoint)
    joined = "&".join(p for p in (parts.query, urlencode(query)) if p)
    return urlunsplit(parts._replace(query=joined))


def index_query_id(query: str, site: str) -> str:
    """The failures ledger's id of a CDX query whose index a recovery could not read whole (a page as full as
    its ``limit`` with no resume key: the server cut it): ``<site>:index:<query>``, cleared when a walk of the
    query reads it to its end."""
    return f"{site}:index:{query}"


def cut_short(lines: int, limit: int, resume_key: str | None, keyed: bool) -> bool:
    """Whether a page of ``lines`` index lines, asked with ``limit`` (0: none) and given ``resume_key``, is the
    index cut by the server rather than its end: as full as the limit, with no resume key, in a walk that was
    given none before (``keyed``: a server that pages by key gives a full last page when the lines are a
    multiple of the limit)."""
    return bool(limit) and lines >= limit and not resume_key and not keyed


def parse_num_pages(text: str) -> int:
    """The number of pages a ``showNumPages`` answer gives: Common Crawl's ``{"pages": 3, ...}`` or the Wayback
    Machine's bare number. Raises ``ValueError`` for anything else."""
    try:
        found = json.loads(text)
    except ValueError:
        found = None
    pages = found.get("pages") if isinstance(found, dict) else found
    if not isinstance(pages, int) or isinstance(pages, bool) or pages < 0:
        raise ValueError(f"not a number of pages: {text[:200]!r}")
    return pages


def replay_prefix(endpoint: str) -> str:
    """Where the archive behind a CDX endpoint replays captures: the Wayback Machine's ``/cdx/search/cdx`` is
    ``/web``, pywb's ``/<collection>/cdx`` is ``/<collection>``. Raises ``ValueError`` for another path."""
    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/")
    if path.endswith("/cdx/search/cdx"):
        path = path[: -len("/cdx/search/cdx")] + "/web"
    elif path.endswith("/cdx"):
        path = path[: -len("/cdx")]
    else:
        raise ValueError(f"cannot tell where {endpoint} replays its captures: give the replay prefix")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def replay_url(prefix: str, capture: Capture, url: str | None = None) -> str:
    """The capture as archived, not rewritten: ``<prefix>/<timestamp>id_/<url>`` (``url`` default its own)."""
    return f"{prefix.rstrip('/')}/{capture.timestamp}id_/{url or capture.original}"


def original_of(replayed: str, prefix: str) -> str:
    """The URL a replay URL (``<prefix>/<timestamp><modifier>/<url>``) stands for; itself when it is none."""
    head = prefix.rstrip("/") + "/"
    if not replayed.startswith(head):
        return replayed
    _, _, rest = replayed[len(head) :].partition("/")
    return rest or replayed


def served_capture(asked: Capture, answer_url: str, memento_datetime: str | None, prefix: str) -> Capture:
    """The capture a replay served after redirects were followed from the capture ``asked``: the page's own URL
    (the replay URL's original, ``original_of``) and time (its ``Memento-Datetime``, RFC 7089), its digest
    unknown; ``asked`` itself when the answer names no time it can be read as."""
    try:
        moment = parsedate_to_datetime(memento_datetime or "")
    except (TypeError, ValueError):
        return asked
    if moment.tzinfo is None:
        return asked
    stamp = moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    return Capture("", stamp, original_of(answer_url, prefix), asked.mime, "200")


def redirect_target(location: str, answered_at: str, original: str, prefix: str) -> str:
    """Where a capture of a redirect leads: its ``Location`` resolved as the archive gave it. A replay URL
    (absolute, or relative to the URL the answer came from, ``answered_at``) stands for the URL it replays
    (``original_of``); any other Location is the site's, relative to the capture's ``original`` URL, as a
    browser there resolves it (``/xa-hoi/...`` on the site, not on the archive's host)."""
    joined = urljoin(answered_at, location)
    if prefix and joined.startswith(prefix.rstrip("/") + "/"):
        return original_of(joined, prefix)
    return urljoin(original, location)


@dataclass(frozen=True)
class Choice:
    """What recovery does with a capture: ``fetch`` it (an HTML page answered 200, or a revisit of one),
    follow its ``redirect`` (to the same article only), note it ``gone`` (404, 410), an ``error`` or
    ``not_html``, or ``skip`` it (no article of the sites, or a 304 answer, which holds no page); the
    ``article`` its URL names, and ``reason``."""

    verdict: Verdict
    article: ArticleUrl | None
    reason: str = ""


def choose(capture: Capture, sites: Iterable[SiteProfile]) -> Choice:
    """What to do with a capture (``Choice``): every www./http/query/English-host variant of an article's URL
    folds to the article (``article_of``, with the sites its articles moved to)."""
    article = article_of(capture.original, sites)
    if article is None:
        return Choice("skip", None, "no article URL")
    status, mime = capture.status, capture.mime.lower()
    when = f"the capture of {capture.timestamp}"
    if status == "304":
        return Choice("skip", article, f"{when} answered HTTP 304: a revisit's answer holds no page")
    if status in ("404", "410"):
        return Choice("gone", article, f"{when} answered HTTP {status}")
    if status.startswith("3"):
        return Choice("redirect", article, f"{when} answered HTTP {status}")
    if status not in ("200", "-", ""):
        return Choice("error", article, f"{when} answered HTTP {status}")
    if mime == REVISIT or "html" in mime or not mime or mime == "unk":
        return Choice("fetch", article)
    return Choice("not_html", article, f"{when} is not an HTML page ({capture.mime})")


# The headers by which an archive marks an answer as the archived one (RFC 7089's Memento-Datetime; the archived
# headers pywb and the Wayback Machine pass on renamed; the Wayback Machine's WARC file of the capture): an answer
# without any is the archive's own (no such capture or collection here, a landing page, a timegate's redirect).
ARCHIVED_MARKS = ("memento-datetime", "x-archive-src")
ARCHIVED_PREFIX = "x-archive-orig-"
AnswerKind = Literal["archived", "failure", "gone"]


@dataclass(frozen=True)
class AnswerCheck:
    """Whether an archive's answer is the capture asked for: ``archived`` (read it), ``gone`` (an archived 404 or
    410: the page was gone when captured, never to be asked again) or ``failure`` (the archive's own failure:
    asked again by the next run), with the ``reason`` of a failure or a gone."""

    kind: AnswerKind
    reason: str = ""


def check_replay(status: int, headers: Iterable[str], length: int) -> AnswerCheck:
    """What a replay's answer to a capture's ``id_`` URL is, by its ``status``, its header names (any case) and
    its body's ``length`` in bytes: archived only with a mark of an archived answer (``Memento-Datetime``,
    ``X-Archive-Src``, ``X-Archive-Orig-*``); gone when it is an archived 404 or 410; an archived 2xx with no
    body is the archive's failure (it gave no payload)."""
    names = {name.lower() for name in headers}
    if not any(name in ARCHIVED_MARKS or name.startswith(ARCHIVED_PREFIX) for name in names):
        return AnswerCheck("failure", f"HTTP {status} from the archive, not an archived answer (no Memento-Datetime "
                                      "nor X-Archive-Orig-*): the archive's own")  # fmt: skip
    if status in (404, 410):
        return AnswerCheck("gone", f"HTTP {status} archived")
    if 200 <= status < 300 and length == 0:
        return AnswerCheck("failure", f"HTTP {status} from the archive with an empty body")
    return AnswerCheck("archived")  # an archived error status too: the site's error, which holds no page


def check_range(asked: str, status: int, content_range: str | None, length: int) -> AnswerCheck:
    """Whether an answer to ``Range: asked`` (``bytes=<first>-<last>``) is that range: 206 with a Content-Range of
    the same bytes (``bytes <first>-<last>/<size or *>``) and a body of ``length`` as many bytes; anything
    else (a server that ignores ranges answers 200 with the whole file) is the archive's failure."""
    wanted = asked.removeprefix("bytes=")
    if status != 206:
        return AnswerCheck("failure", f"HTTP {status} from the archive to Range: {asked}, not 206 with that range")
    named = (content_range or "").strip()
    if not named.startswith("bytes ") or named[len("bytes ") :].partition("/")[0] != wanted:
        return AnswerCheck("failure", f"Content-Range {named or 'none'} in answer to Range: {asked}")
    first, _, last = wanted.partition("-")
    if length != int(last) - int(first) + 1:
        return AnswerCheck("failure", f"{length} bytes in answer to Range: {asked}")
    return AnswerCheck("archived")


@dataclass(frozen=True)
class ArchivedAnswer:
    """The HTTP answer a WARC response record holds: its status, headers (name, value) and body, the body's
    chunking and Content-Encoding undone."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def warc_range(capture: Capture) -> str | None:
    """The HTTP ``Range`` of the capture's record in its WARC file (``bytes=<offset>-<last>``, the Common Crawl
    form: ``offset`` and ``length`` in bytes); None when the index does not say where it is."""
    if not (capture.filename and capture.offset.isdigit() and capture.length.isdigit() and int(capture.length)):
        return None
    return f"bytes={capture.offset}-{int(capture.offset) + int(capture.length) - 1}"


def _not_the_capture(record: ArcWarcRecord, capture: Capture) -> str:
    """Why a WARC record is not the capture the index named (its ``WARC-Target-URI``, its ``WARC-Date`` to the
    timestamp's digits); empty when it is."""
    target = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    date = "".join(c for c in record.rec_headers.get_header("WARC-Date") or "" if c.isdigit())
    if target == capture.original and date[: len(capture.timestamp)] == capture.timestamp:
        return ""
    return f"the record there is {target or 'no URL'} of {date[:14] or 'no date'}, not the capture of {capture.key}"


def warc_answer(data: bytes, capture: Capture | None = None) -> ArchivedAnswer | None:
    """The answer the first record of ``data`` (a WARC record, gzipped or not, as a byte range gives it) holds;
    None when it is no response record (a revisit holds no page of its own). Raises ``ValueError`` when
    ``data`` holds no WARC record, or (given the ``capture`` the index named there) when its record is not that
    capture's."""
    try:
        for record in ArchiveIterator(io.BytesIO(data), arc2warc=False):
            if not record.format.startswith("warc"):  # warcio reads any line of five words as an ARC header
                raise ValueError(f"no WARC record there: {data[:80]!r}")
            problem = _not_the_capture(record, capture) if capture is not None else ""
            if problem:
                raise ValueError(problem)
            if record.rec_type != "response" or record.http_headers is None:
                return None
            undone = ("content-encoding", "transfer-encoding", "content-length")  # the body is given decoded
            headers = [(str(name), str(value)) for name, value in record.http_headers.headers
                       if str(name).lower() not in undone]  # fmt: skip
            status = int(record.http_headers.get_statuscode())
            return ArchivedAnswer(status, headers, record.content_stream().read())
    except ArchiveLoadFailed as error:
        raise ValueError(f"no WARC record there: {str(error).strip()[:200]}") from None
    raise ValueError("no WARC record there: no bytes")
