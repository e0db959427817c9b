"""WARC files on the local disk read as a web archive's index: their captures, revisits resolved, damage noted."""

from __future__ import annotations

import contextlib
import glob
import io
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.timeutils import iso_date_to_timestamp

from bhg_crawler.core.errors import ConfigError
from bhg_crawler.extract.cdx import REVISIT, Capture

SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True)
class Damage:
    """A part of a WARC file that could not be read: the file, the byte ``offset`` where its trouble begins,
    the URL of the record there when its header could be read (else None), and why; the record's
    ``timestamp`` (14 digits) and payload ``digest`` when its header tells them (else "")."""

    path: str
    offset: int
    url: str | None
    reason: str
    timestamp: str = ""
    digest: str = ""


@dataclass(frozen=True)
class LocalIndex:
    """What local WARC files hold: their captures (a revisit's with the location of the record holding its
    payload, ``filename`` being the file's absolute path), the revisits of a payload no file holds (their own
    location), and the damage found."""

    captures: list[Capture]
    orphans: list[Capture]
    damage: list[Damage]


def warc_paths(given: Iterable[str]) -> list[Path]:
    """The WARC files that paths name (``find_warc_paths``), the paths skipped left out."""
    return find_warc_paths(given)[0]


def find_warc_paths(given: Iterable[str]) -> tuple[list[Path], list[str]]:
    """The WARC files (``.warc``, ``.warc.gz``) that paths name: a file as it is, a folder's own files (not its
    subfolders'), a glob's matches; each once, absolute, in the order given (a folder's and a glob's sorted);
    and the paths skipped, holding none: a glob's match, or (of several paths, as a shell expands a glob) a
    folder or file that exists. Raises ``ConfigError`` for a glob that names no WARC file, a path that does not
    exist, a single path that names none, or paths that name none at all."""
    given = list(given)
    found: dict[Path, None] = {}
    skipped: list[str] = []
    for pattern in given:
        magic = glob.has_magic(pattern)
        held = {match: _warcs_in(Path(match)) for match in (sorted(glob.glob(pattern)) if magic else [pattern])}
        if not any(held.values()) and (magic or not Path(pattern).exists() or len(given) == 1):
            raise ConfigError(f"{pattern} names no WARC file (.warc, .warc.gz)")
        skipped += [match for match, warcs in held.items() if not warcs]
        found.update(dict.fromkeys(f for warcs in held.values() for f in warcs))
    if given and not found:
        raise ConfigError(f"{' '.join(given)}: no WARC file (.warc, .warc.gz) in any")
    return list(found), skipped


def _warcs_in(path: Path) -> list[Path]:
    """The WARC files a path names: itself, or a folder's own; absolute."""
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    return [f.resolve() for f in files if f.is_file() and f.name.endswith(SUFFIXES)]


def warc_file_id(path: str, site: str) -> str:
    """The failures ledger's id of a local WARC file that could not be read to its end: ``<site>:warc:<path>``
    (its absolute path), e.g. ``baohagiang.vn:warc:/data/old/bhg-2019.warc.gz``."""
    return f"{site}:warc:{path}"


def local_failure(path: str, offset: int | str, text: str) -> str:
    """The reason of a failure at a record of a local WARC file, as the failures file and the ledger say it:
    ``<path> at byte <offset>: <text>`` (``failure_file`` reads the path back)."""
    return f"{path} at byte {offset}: {text}"


def failure_file(reason: str) -> str | None:
    """The local WARC file a failure's reason names (``local_failure``); None for any other reason."""
    found = re.match(r"(/.+?) at byte \d+: ", reason)
    return found.group(1) if found else None


def _capture(record: ArcWarcRecord, path: Path, offset: int, length: int) -> Capture | None:
    """The capture a response or revisit record of an HTTP(S) URL stands for; None for any other record."""
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.rec_type not in ("response", "revisit") or record.http_headers is None or "://" not in url:
        return None
    mime = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return Capture(
        urlkey="",
        timestamp=iso_date_to_timestamp(record.rec_headers.get_header("WARC-Date")),
        original=url,
        mime=REVISIT if record.rec_type == "revisit" else mime,
        status=str(record.http_headers.get_statuscode() or ""),
        digest=record.rec_headers.get_header("WARC-Payload-Digest") or "",
        length=str(length),
        offset=str(offset),
        filename=str(path),
    )


WHOLE_GZIP = (
    "it is gzipped whole, not a gzip member a record, so no record can be read at its offset "
    "(warcio recompress writes it a record a member)"
)


def read_warc(path: Path) -> tuple[list[Capture], Damage | None]:
    """The captures of a WARC file in file order, and where it could not be read further: a record whose block
    ends before its ``Content-Length`` (a truncated file, a broken gzip member), bytes that are no record, or a
    file with no record at all (empty: its damage at byte 0); a file gzipped whole (one gzip stream, not a
    member a record) gives no capture, damaged from byte 0 (``WHOLE_GZIP``)."""
    captures: list[Capture] = []
    offset = 0
    url: str | None = None
    said = io.StringIO()  # what warcio writes to stderr of a gzip member it cannot inflate, said in the reason
    try:
        with path.open("rb") as stream, contextlib.redirect_stderr(said):
            records = ArchiveIterator(stream)
            for record in records:
                offset = records.get_record_offset()
                url = record.rec_headers.get_header("WARC-Target-URI")
                record.raw_stream.read()
                missing = record.raw_stream.limit  # what the block lacks of its Content-Length
                if missing:
                    broken = inflate_error(said.getvalue())
                    date, digest = (
                        record.rec_headers.get_header(name) for name in ("WARC-Date", "WARC-Payload-Digest")
                    )
                    return captures, Damage(str(path), offset, url, f"its record ends {missing} bytes short{broken}",
                                            iso_date_to_timestamp(date) if date else "", digest or "")  # fmt: skip
                records.read_to_end()
                capture = _capture(record, path, offset, records.get_record_length())
                if capture is not None:
                    captures.append(capture)
                url = None
                offset = records.get_record_offset() + records.get_record_length()
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as error:
        if "non-chunked gzip" in str(error):  # one gzip stream: its records have no offset to read them at
            return [], Damage(str(path), 0, None, WHOLE_GZIP)
        lines = [line.strip() for line in str(error).splitlines() if line.strip()] or [type(error).__name__]
        first_line = lines[0].split(", first line:")[0]  # warcio's quote of the bytes found there: no words
        reason = f"no WARC record can be read there: {first_line[:200]}{inflate_error(said.getvalue())}"
        return captures, Damage(str(path), offset, url, reason)
    if offset == 0:  # no record read (past one, the offset is its end): an empty file, or an empty gzip member
        return captures, Damage(str(path), 0, None, "it holds no WARC record")
    return captures, None


def inflate_error(said: str) -> str:
    """What warcio said (to stderr) of a gzip member it could not inflate, as the end of a damage's reason:
    `` (a broken gzip member: Error -3 while decompressing data: ...)``; "" when it said none."""
    errors = [line for line in said.splitlines() if line.startswith("Error -")]
    return f" (a broken gzip member: {errors[0][:200]})" if errors else ""


def referred_capture(revisit: Capture) -> str | None:
    """The key (``Capture.key``) of the capture a revisit record (at its file's ``offset``) repeats the payload
    of, from its ``WARC-Refers-To-Date`` and ``WARC-Refers-To-Target-URI`` (WARC 1.1, 6.7.2); None when it names
    none, or cannot be read."""
    try:
        with Path(revisit.filename).open("rb") as stream:
            stream.seek(int(revisit.offset or 0))
            record = next(iter(ArchiveIterator(stream)))
            date = record.rec_headers.get_header("WARC-Refers-To-Date")
            url = record.rec_headers.get_header("WARC-Refers-To-Target-URI") or revisit.original
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError, StopIteration):
        return None
    return f"{iso_date_to_timestamp(date)} {url}" if date else None


def index_warc_files(paths: Iterable[Path]) -> LocalIndex:
    """The captures of the files, a revisit's pointing at the first response record of its payload digest
    (in any of the files) when one holds it; the revisits none holds apart; the damage of each file."""
    captures: list[Capture] = []
    damage: list[Damage] = []
    for path in paths:
        found, broken = read_warc(path)
        captures += found
        damage += [broken] if broken is not None else []
    originals: dict[str, Capture] = {}
    for capture in captures:
        if capture.mime != REVISIT and capture.digest:
            originals.setdefault(capture.digest, capture)
    resolved: list[Capture] = []
    orphans: list[Capture] = []
    for capture in captures:
        original = originals.get(capture.digest) if capture.mime == REVISIT else None
        if capture.mime == REVISIT and original is None:
            orphans.append(capture)
        elif original is not None:
            resolved.append(replace(capture, mime=original.mime, length=original.length, offset=original.offset,
                                    filename=original.filename))  # fmt: skip
        else:
            resolved.append(capture)
    return LocalIndex(resolved, orphans, damage)
