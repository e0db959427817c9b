"""Local WARC files read as an archive's index: which files, their captures, revisits resolved, damage noted."""

from __future__ import annotations

import gzip
import io
import random
from dataclasses import replace
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bhg_crawler.archive.local import read_range
from bhg_crawler.core.errors import ConfigError
from bhg_crawler.extract.cdx import REVISIT, warc_answer
from bhg_crawler.extract.warcfiles import (
    WHOLE_GZIP,
    Damage,
    failure_file,
    find_warc_paths,
    index_warc_files,
    inflate_error,
    local_failure,
    read_warc,
    referred_capture,
    warc_paths,
)

ARTICLE = "https://baohagiang.vn/xa-hoi/202101/tin-khac-778801"
OTHER = "http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778802"
Record = tuple[str, str, str, int, bytes]  # type, URL, WARC-Date, HTTP status, payload


def write_warc(path: Path, records: list[Record], first: dict[bytes, tuple[str, str, str]] | None = None) -> list[int]:
    """A WARC file (gzipped if its name ends so) of the records, a revisit pointing at the first response of its
    payload (in ``first``: payload -> digest, URL, date, kept across files). The offset of each record."""
    first = {} if first is None else first
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=path.name.endswith(".gz"))
    offsets = []
    for kind, url, date, status, payload in records:
        http = StatusAndHeaders(f"{status} X", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        dated = {"WARC-Date": date}
        if kind == "revisit":
            digest, uri, when = first.get(payload, ("sha1:NOWHERE", url, date))
            record = writer.create_revisit_record(url, digest, uri, when, http_headers=http, warc_headers_dict=dated)
        else:
            record = writer.create_warc_record(url, kind, payload=io.BytesIO(payload), length=len(payload),
                                               http_headers=http, warc_headers_dict=dated)  # fmt: skip
            if kind == "response":
                first.setdefault(payload, (record.rec_headers.get_header("WARC-Payload-Digest"), url, date))
        offsets.append(buffer.tell())
        writer.write_record(record)
    path.write_bytes(buffer.getvalue())
    return offsets


RECORDS: list[Record] = [
    ("response", ARTICLE, "2024-01-05T08:30:00Z", 200, b"<p>one</p>"),
    ("request", ARTICLE, "2024-01-05T08:30:00Z", 200, b""),
    ("response", OTHER, "2024-02-01T00:00:00.123456Z", 404, b"<p>gone</p>"),
    ("response", "dns:baohagiang.vn", "2024-02-01T00:00:00Z", 200, b"1.2.3.4"),
]


@pytest.mark.parametrize("name", ["a.warc", "a.warc.gz"])
def test_a_warc_file_gives_a_capture_for_each_http_response_where_it_lies(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    offsets = write_warc(path, RECORDS)
    captures, damage = read_warc(path)
    assert damage is None
    assert [(c.timestamp, c.original, c.mime, c.status, c.filename, int(c.offset)) for c in captures] == [
        ("20240105083000", ARTICLE, "text/html", "200", str(path), offsets[0]),
        ("20240201000000", OTHER, "text/html", "404", str(path), offsets[2]),
    ]
    assert all(c.digest.startswith("sha1:") for c in captures)
    first = captures[0]
    answer = warc_answer(read_range(first.filename, int(first.offset), int(first.length)))
    assert answer is not None
    assert (answer.status, answer.body) == (200, b"<p>one</p>")


@pytest.mark.parametrize("name", ["a.warc", "a.warc.gz"])
@pytest.mark.parametrize(
    ("cut", "captures", "url", "reason"),
    [
        (-20, 1, OTHER, "its record ends "),  # the last record truncated
        (None, 2, None, "no WARC record can be read there: "),  # bytes that are no record after the last
    ],
)
def test_a_damaged_file_keeps_its_good_records_and_says_where_the_damage_begins(
    tmp_path: Path, name: str, cut: int | None, captures: int, url: str | None, reason: str
) -> None:
    path = tmp_path / name
    offsets = write_warc(path, RECORDS[:3])
    data = path.read_bytes()
    path.write_bytes(data[:cut] if cut is not None else data + b"\x1f\x8b\x08\x00 not a record at all\r\n" * 3)
    found, damage = read_warc(path)
    assert [c.original for c in found] == [ARTICLE, OTHER][:captures]
    assert damage is not None
    after = len(data) - (0 if name.endswith(".gz") else 4)  # a plain record's closing CRLF CRLF is its own
    assert (damage.path, damage.offset, damage.url) == (str(path), offsets[2] if cut else after, url)
    assert damage.reason.startswith(reason), damage.reason
    # the record's time and digest when its header was read, for the failure's source
    assert (damage.timestamp, damage.digest[:5]) == (("20240201000000", "sha1:") if cut else ("", ""))


@pytest.mark.parametrize(
    ("said", "note"),
    [
        ("Error -3 while decompressing data: invalid block type\n", " (a broken gzip member: Error -3 while "
         "decompressing data: invalid block type)"),
        ("WARNING: Record not followed by newline\nError -3 while decompressing data: x\nError -3 again\n",
         " (a broken gzip member: Error -3 while decompressing data: x)"),  # the first error
        ("WARNING: Record not followed by newline\n", ""),  # what warcio mends is no damage of a member
        ("", ""),
    ],
)  # fmt: skip
def test_what_warcio_says_of_a_gzip_member_is_said_in_the_reason(said: str, note: str) -> None:
    assert inflate_error(said) == note


UNREADABLE = {  # a file name -> its bytes, of none of which a record can be read -> why, in words
    "empty.warc": (b"", "it holds no WARC record"),
    "empty.warc.gz": (b"", "it holds no WARC record"),
    "empty-member.warc.gz": (gzip.compress(b""), "it holds no WARC record"),
    "random.warc.gz": (bytes(random.Random(7).randrange(256) for _ in range(5000)),
                       "no WARC record can be read there: Unknown archive format"),
    "text.warc": (b"hello\r\nnot an archive\r\n", "no WARC record can be read there: Unknown archive format"),
    "gzip-of-text.warc.gz": (gzip.compress(b"hello\r\n" * 40),
                             "no WARC record can be read there: Unknown archive format"),
}  # fmt: skip


@pytest.mark.parametrize(("name", "content", "reason"), [(k, *v) for k, v in UNREADABLE.items()], ids=UNREADABLE.keys())
def test_a_file_with_no_record_is_damaged_from_its_first_byte(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert read_warc(path) == ([], Damage(str(path), 0, None, reason))
    index = index_warc_files([path])
    assert (index.captures, index.orphans, index.damage) == ([], [], [Damage(str(path), 0, None, reason)])


def test_a_file_gzipped_whole_gives_no_capture_and_says_how_to_mend_it(tmp_path: Path) -> None:
    plain = tmp_path / "plain.warc"
    write_warc(plain, RECORDS)
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))  # one gzip stream: a record's offset reads nothing
    assert read_warc(path) == ([], Damage(str(path), 0, None, WHOLE_GZIP))
    assert "warcio recompress" in WHOLE_GZIP


def test_a_file_of_records_but_no_capture_is_no_damage(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    write_warc(path, [RECORDS[1], RECORDS[3]])  # a request and a dns record
    assert read_warc(path) == ([], None)


def test_a_revisit_is_read_where_its_payload_is_or_noted_when_no_file_holds_it(tmp_path: Path) -> None:
    first: dict[bytes, tuple[str, str, str]] = {}
    old = write_warc(tmp_path / "old.warc.gz", RECORDS[:1], first)
    write_warc(tmp_path / "new.warc.gz", [
        ("revisit", f"{ARTICLE}?utm_source=x", "2024-03-01T00:00:00Z", 200, b"<p>one</p>"),
        ("revisit", OTHER, "2024-03-02T00:00:00Z", 200, b"<p>not archived</p>"),
    ], first)  # fmt: skip
    index = index_warc_files([tmp_path / "old.warc.gz", tmp_path / "new.warc.gz"])
    revisit = index.captures[1]
    assert (revisit.timestamp, revisit.original, revisit.mime, revisit.status) == (
        "20240301000000", f"{ARTICLE}?utm_source=x", "text/html", "200")  # fmt: skip
    assert (revisit.filename, int(revisit.offset), revisit.length) == (
        str(tmp_path / "old.warc.gz"), old[0], index.captures[0].length)  # fmt: skip
    assert revisit.digest == index.captures[0].digest
    [orphan] = index.orphans
    assert (orphan.original, orphan.mime, orphan.filename) == (OTHER, REVISIT, str(tmp_path / "new.warc.gz"))
    assert index.damage == []
    # the capture an orphan repeats, named by its WARC-Refers-To-* headers: recovered before, the content is known
    assert referred_capture(orphan) == f"20240302000000 {OTHER}"


def test_the_capture_a_revisit_repeats_is_named_when_its_record_says_it(tmp_path: Path) -> None:
    old = tmp_path / "old.warc.gz"
    write_warc(old, RECORDS[:1])
    [original], _ = read_warc(old)
    path = tmp_path / "new.warc"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        for dated in (True, False):
            record = writer.create_revisit_record(f"{ARTICLE}?x=1", original.digest, ARTICLE, "2024-01-05T08:30:00Z",
                                                  http_headers=http)  # fmt: skip
            if not dated:
                record.rec_headers.remove_header("WARC-Refers-To-Date")
            writer.write_record(record)
    index = index_warc_files([path])
    assert [referred_capture(c) for c in index.orphans] == [
        original.key,  # the response record of old.warc.gz
        None,  # no date: none
    ]
    gone = replace(index.orphans[0], filename=str(tmp_path / "nowhere.warc"))
    assert referred_capture(gone) is None


def test_paths_name_files_folders_and_globs_each_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a/1.warc.gz", "a/2.warc", "a/notes.txt", "a/sub/3.warc.gz", "b/4.warc.gz"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    found = warc_paths(["b/4.warc.gz", "a", "*/*.warc.gz"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["b/4.warc.gz", "a/1.warc.gz", "a/2.warc"]
    assert all(p.is_absolute() for p in found)
    assert warc_paths([]) == []


PATHS = {  # the paths given -> the WARC files found, the paths skipped; or the ConfigError's message
    "a glob, its folders of no WARC file skipped": (["*/"], ["a/1.warc.gz"], ["empty/", "runs/"], None),
    "a glob of files, its others skipped": (["a/*"], ["a/1.warc.gz"], ["a/notes.txt"], None),
    "several folders (a glob the shell expanded)": (["a/", "empty/", "runs/"], ["a/1.warc.gz"], ["empty/", "runs/"],
                                                    None),
    "a single folder of no WARC file": (["empty"], [], [], "empty names no WARC file"),
    "a single file of no WARC": (["a/notes.txt"], [], [], "a/notes.txt names no WARC file"),
    "a glob of no WARC file": (["*.cdxj"], [], [], "names no WARC file"),
    "a glob of folders of no WARC file": (["[er]*/", "a/"], [], [], r"\[er\]\*/ names no WARC file"),
    "a path that does not exist, beside others": (["a/", "missing.warc.gz"], [], [], "missing.warc.gz names no"),
    "several folders, none of a WARC file": (["empty", "runs"], [], [], "empty runs: no WARC file"),
}  # fmt: skip


@pytest.mark.parametrize(("given", "files", "skipped", "error"), PATHS.values(), ids=PATHS.keys())
def test_paths_of_no_warc_file_are_skipped_or_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: list[str], files: list[str], skipped: list[str],
    error: str | None,
) -> None:  # fmt: skip
    for folder in ("a", "empty", "runs"):
        (tmp_path / folder).mkdir()
    (tmp_path / "a" / "notes.txt").write_text("x")
    (tmp_path / "a" / "1.warc.gz").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    if error is not None:
        with pytest.raises(ConfigError, match=error):
            find_warc_paths(given)
        return
    found, left = find_warc_paths(given)
    assert ([p.relative_to(tmp_path).as_posix() for p in found], left) == (files, skipped)


def test_a_range_past_the_end_of_its_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "a.warc"
    path.write_bytes(b"0123456789")
    assert read_range(str(path), 2, 3) == b"234"
    with pytest.raises(EOFError, match="ends 2 bytes before"):
        read_range(str(path), 8, 4)


FAILURE_FILES = {  # a failure's reason -> the local WARC file it names
    local_failure("/data/a.warc.gz", 0, "it holds no WARC record"): "/data/a.warc.gz",
    local_failure("/data/b c.warc", "1234", "its record ends 96 bytes short"): "/data/b c.warc",
    local_failure("/d/x at byte 5.warc", 7, "the capture of 2024 is a revisit"): "/d/x at byte 5.warc",
    "/data/a.warc.gz at byte 0: ... (/data/a.warc.gz is no more)": "/data/a.warc.gz",
    "HTTP 404 from the archive, not an archived answer": None,
    "ConnectError: at https://baohagiang.vn/a at byte 5: x": None,  # no local path
    "the capture of 20240101 answered HTTP 404": None,
    "/data/a.warc.gz from byte 0: its record ends 1 bytes short": None,  # not the form of local_failure
    "": None,
}


@pytest.mark.parametrize(("reason", "path"), FAILURE_FILES.items(), ids=range(len(FAILURE_FILES)))
def test_a_failure_names_its_local_file(reason: str, path: str | None) -> None:
    assert failure_file(reason) == path
