"""A web archive's CDX index: its answers in every form, the query and replay URLs, the captures chosen."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bhg_crawler.extract.cdx import (
    ArchivedAnswer,
    Capture,
    cdx_query,
    check_range,
    check_replay,
    choose,
    cut_short,
    index_hosts,
    index_query_id,
    original_of,
    parse_cdx,
    redirect_target,
    replay_prefix,
    replay_url,
    served_capture,
    warc_answer,
    warc_range,
)
from bhg_crawler.sites.profiles import get_profile, with_successors
from bhg_crawler.state.redis import RedisKnowledge, connect
from bhg_crawler.state.store import StateStore
from tests.helpers import export, small_record

SITES = with_successors(get_profile("baohagiang.vn"))
ARTICLE = "https://baohagiang.vn/xa-hoi/202101/tin-khac-778801"
WAYBACK_JSON = json.dumps([
    ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
    ["vn,baohagiang)/xa-hoi/202101/tin-khac-778801", "20210105083000", "http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801",
     "text/html", "200", "AAAA", "9000"],
    ["vn,baohagiang)/xa-hoi/202101/tin-khac-778801", "20230105083000", ARTICLE, "warc/revisit", "-", "AAAA", "500"],
    [],
    ["vn%2Cbaohagiang%29%2Fxa-hoi+20230105083000"],
])  # fmt: skip
SPACED = (
    "vn,baohagiang)/xa-hoi/202101/tin-khac-778801 20210105083000 http://baohagiang.vn/xa-hoi/202101/tin-khac-778801 "
    "text/html 200 AAAA 9000\n"
    "vn,baohagiang)/xa-hoi/202101/tin-khac-778801 20220105083000 https://baohagiang.vn/xa-hoi/202101/tin-khac-778801 "
    "text/html 404 BBBB 300\n"
    "\n"
    "vn%2Cbaohagiang%29%2Fxa-hoi+20220105083000\n"
)
PYWB = (
    '{"urlkey": "vn,baohagiang)/", "timestamp": "20261130180510", "url": "https://baohagiang.vn/", "mime": "text/html", '
    '"status": "200", "digest": "VWWR", "length": "16126", "offset": "133995", "filename": "a.warc.gz", "source": "x"}\n'
)
CDXJ = (
    'vn,baohagiang)/xa-hoi/202101/tin-khac-778801 20210105083000 {"url": "' + ARTICLE + '", "mime": "text/html", '
    '"status": "301", "digest": "CCCC", "length": "700", "offset": "42", "filename": "CC-MAIN-1.warc.gz"}\n'
)
CDX11 = "vn,baohagiang)/ 20200101000000 https://baohagiang.vn/ text/html 200 DDDD - - 1043 333 f.warc.gz\n"


@pytest.mark.parametrize(
    ("text", "timestamps", "statuses", "resume"),
    [
        (
            WAYBACK_JSON,
            ["20210105083000", "20230105083000"],
            ["200", "-"],
            "vn%2Cbaohagiang%29%2Fxa-hoi+20230105083000",
        ),
        (SPACED, ["20210105083000", "20220105083000"], ["200", "404"], "vn%2Cbaohagiang%29%2Fxa-hoi+20220105083000"),
        (SPACED.rsplit("\n\n", 1)[0], ["20210105083000", "20220105083000"], ["200", "404"], None),
        (PYWB, ["20261130180510"], ["200"], None),
        (CDXJ, ["20210105083000"], ["301"], None),
        (CDX11, ["20200101000000"], ["200"], None),
        ("", [], [], None),
        ("[]", [], [], None),
    ],
)
def test_cdx_answers_in_every_form(text: str, timestamps: list[str], statuses: list[str], resume: str | None) -> None:
    page = parse_cdx(text)
    assert [c.timestamp for c in page.captures] == timestamps
    assert [c.status for c in page.captures] == statuses
    assert page.resume_key == resume


def test_a_cdx_line_keeps_every_field() -> None:
    [wayback, _] = parse_cdx(WAYBACK_JSON).captures
    assert wayback == Capture("vn,baohagiang)/xa-hoi/202101/tin-khac-778801", "20210105083000",
                              "http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801", "text/html", "200", "AAAA",
                              "9000")  # fmt: skip
    [located] = parse_cdx(CDXJ).captures
    assert (located.filename, located.offset, located.length, located.original) == ("CC-MAIN-1.warc.gz", "42", "700",
                                                                                    ARTICLE)  # fmt: skip
    assert located.key == f"20210105083000 {ARTICLE}"


GOOD = SPACED.splitlines()[0]


@pytest.mark.parametrize(
    ("text", "timestamps", "malformed"),
    [
        (f"{GOOD}\na b c\n", ["20210105083000"], ["a b c"]),  # a line of no known form
        (f"{GOOD}\n{CDXJ[:60]}\n", ["20210105083000"], [CDXJ[:60].strip()]),  # a CDXJ line cut short: its JSON broken
        (f"{GOOD}\n{PYWB.replace('20261130180510', 'yesterday')}", ["20210105083000"], 1),  # no timestamp
        (f'{GOOD}\n{{"timestamp": "20200101000000", "mime": "text/html"}}\n', ["20210105083000"], 1),  # no URL
        (f"{GOOD}\n[1, 2]\n", ["20210105083000"], ["[1, 2]"]),  # JSON of another shape
        (WAYBACK_JSON.replace('"9000"]', '"9000", "extra"]'), ["20230105083000"], 1),  # a row longer than the header
    ],
)
def test_a_malformed_line_is_kept_apart_and_the_others_read(
    text: str, timestamps: list[str], malformed: list[str] | int
) -> None:
    page = parse_cdx(text)
    assert [c.timestamp for c in page.captures] == timestamps
    assert (len(page.malformed) if isinstance(malformed, int) else page.malformed) == malformed


@pytest.mark.parametrize(
    "text",
    ["a b c\n", "<html><body>Service unavailable</body></html>", '{"error": "bad"}\n', '[{"urlkey": 1}]', "[[1]"],
)
def test_an_answer_with_no_cdx_line_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match=r"CDX line|header row|Expecting|delimiter"):
        parse_cdx(text)


@pytest.mark.parametrize(
    ("timestamp", "moment"),
    [
        ("20210105083000", datetime(2021, 1, 5, 8, 30, tzinfo=UTC)),
        ("2021", datetime(2021, 1, 1, tzinfo=UTC)),
        ("202101051200", datetime(2021, 1, 5, 12, 0, tzinfo=UTC)),
    ],
)
def test_capture_times(timestamp: str, moment: datetime) -> None:
    assert Capture("", timestamp, ARTICLE).captured_at == moment


@pytest.mark.parametrize(
    ("kwargs", "query"),
    [
        ({}, "url=baohagiang.vn%2F%2A&output=json"),
        ({"since": "2020", "until": "20250630"}, "url=baohagiang.vn%2F%2A&output=json&from=2020&to=20250630"),
        ({"limit": 500, "resume_key": "k+1"},
         "url=baohagiang.vn%2F%2A&output=json&limit=500&showResumeKey=true&resumeKey=k%2B1"),
        ({"filters": ["statuscode:200"]}, "url=baohagiang.vn%2F%2A&output=json&filter=statuscode%3A200"),
    ],
)  # fmt: skip
def test_cdx_queries(kwargs: dict[str, object], query: str) -> None:
    endpoint = "https://web.archive.org/cdx/search/cdx"
    assert cdx_query(endpoint, "baohagiang.vn/*", **kwargs) == f"{endpoint}?{query}"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("endpoint", "prefix"),
    [
        ("https://web.archive.org/cdx/search/cdx", "https://web.archive.org/web"),
        ("http://127.0.0.1:8080/bhg/cdx", "http://127.0.0.1:8080/bhg"),
        ("http://127.0.0.1:8080/bhg/cdx/", "http://127.0.0.1:8080/bhg"),
    ],
)
def test_replay_prefixes(endpoint: str, prefix: str) -> None:
    assert replay_prefix(endpoint) == prefix


def test_a_cdx_endpoint_of_another_path_needs_its_replay_prefix() -> None:
    with pytest.raises(ValueError, match="give the replay prefix"):
        replay_prefix("https://index.commoncrawl.org/CC-MAIN-2024-10-index")


def test_replay_urls_are_the_raw_id_form_and_read_back() -> None:
    capture = Capture("", "20210105083000", "http://www.baohagiang.vn/a-778801")
    url = replay_url("https://web.archive.org/web/", capture)
    assert url == "https://web.archive.org/web/20210105083000id_/http://www.baohagiang.vn/a-778801"
    assert original_of(url, "https://web.archive.org/web") == "http://www.baohagiang.vn/a-778801"
    assert original_of("https://baohagiang.vn/b", "https://web.archive.org/web") == "https://baohagiang.vn/b"


@pytest.mark.parametrize(
    ("original", "status", "mime", "verdict", "record_id"),
    [
        (ARTICLE, "200", "text/html", "fetch", "baohagiang.vn:778801"),
        ("http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801/", "200", "text/html", "fetch", "baohagiang.vn:778801"),
        (ARTICLE + "?utm_source=zalo&fbclid=1", "200", "text/html", "fetch", "baohagiang.vn:778801"),
        (ARTICLE + "?page=2", "200", "text/html; charset=utf-8", "fetch", "baohagiang.vn:778801"),
        (ARTICLE, "-", "warc/revisit", "fetch", "baohagiang.vn:778801"),
        (ARTICLE, "200", "unk", "fetch", "baohagiang.vn:778801"),
        (ARTICLE, "301", "text/html", "redirect", "baohagiang.vn:778801"),
        (ARTICLE, "302", "unk", "redirect", "baohagiang.vn:778801"),
        (ARTICLE, "304", "text/html", "skip", "baohagiang.vn:778801"),
        (ARTICLE, "404", "text/html", "gone", "baohagiang.vn:778801"),
        (ARTICLE, "410", "text/html", "gone", "baohagiang.vn:778801"),
        (ARTICLE, "503", "text/html", "error", "baohagiang.vn:778801"),
        (ARTICLE, "200", "application/pdf", "not_html", "baohagiang.vn:778801"),
        ("https://baohagiang.vn/xa-hoi", "200", "text/html", "skip", None),
        ("https://baohagiang.vn/", "200", "text/html", "skip", None),
        ("https://baohagiang.vn/upload/anh.jpg", "200", "image/jpeg", "skip", None),
        ("https://example.org/xa-hoi/202101/tin-khac-778801", "200", "text/html", "skip", None),
        ("http://www.baotuyenquang.com.vn/khu-vuc/202506/bac-me-don-khach-f780ba7", "200", "text/html", "fetch",
         "baotuyenquang.com.vn:f780ba7"),
    ],
)  # fmt: skip
def test_captures_chosen(original: str, status: str, mime: str, verdict: str, record_id: str | None) -> None:
    choice = choose(Capture("", "20210105083000", original, mime, status), SITES)
    assert choice.verdict == verdict
    assert (choice.article.record_id if choice.article else None) == record_id
    if verdict in ("gone", "error", "not_html", "redirect"):
        assert "the capture of 20210105083000" in choice.reason


def test_english_edition_hosts_fold_to_their_canonical_article() -> None:
    choice = choose(
        Capture("", "2019", "http://en.baohagiang.vn/Society/202308/buckwheat-flower-season-348b428"), SITES
    )
    assert choice.article is not None
    assert choice.article.canonical.startswith("https://baohagiang.vn/english/")


# -- what the state keeps of recoveries ------------------------------------------------------------------


def recovered(article_id: str, body: str, timestamp: str) -> dict[str, object]:
    """The record of a capture of ``timestamp`` (1 to 14 digits), fetched then, as the recover spider builds it."""
    source = {"archive": "https://web.archive.org/cdx/search/cdx", "timestamp": timestamp,
              "original_url": f"https://baohagiang.vn/xa-hoi/202507/bai-{article_id}", "digest": None}  # fmt: skip
    at = Capture("", timestamp, ARTICLE).captured_at
    return small_record(article_id, body, source=source, fetched_at=at.isoformat().replace("+00:00", "Z"))


def test_captures_of_an_article_become_its_versions_and_old_content_is_no_news(
    tmp_path: Path, open_store: Callable[..., StateStore]
) -> None:
    store = open_store(str(tmp_path / "state.sqlite3"))
    assert export(store, small_record("a1", "live v1")) == "new1"  # a live crawl
    assert export(store, recovered("a1", "live v1", "2024")) == "unchanged"  # the archive's copy of it
    store.commit_run("r1", "complete", {})
    assert export(store, small_record("a1", "live v2")) == "new2"
    store.commit_run("r2", "complete", {})
    table = [
        (recovered("a1", "live v1", "2024"), "unchanged"),  # older than the live copy, and the same as v1
        (recovered("a1", "archived only", "2023"), "new3"),  # older, and never seen: the next version
        (recovered("a1", "archived later", "2025"), "new4"),  # two versions of one article in one run
        (recovered("a1", "archived only", "2026"), "new5"),  # later than the current (v2), and not its content
        (recovered("a2", "live v2", "2026"), "duplicate:content"),  # another article's content
        (recovered("a3", "new here", "2026"), "new1"),
    ]
    assert [export(store, record) for record, _ in table] == [placement for _, placement in table]
    store.commit_run("r3", "complete", {})
    store.close()
    again = open_store(str(tmp_path / "state.sqlite3"))
    # each version is known, whichever was last; a2's copy of a1's v2, no longer a1's current content, is new
    assert [export(again, record) for record, _ in table] == ["unchanged"] * 4 + ["new1", "unchanged"]
    again.close()


def live(body: str, at: str) -> dict[str, object]:
    """The record of a live crawl of the article ``t1`` fetched at ``at`` (ISO 8601 UTC)."""
    return small_record("t1", body, fetched_at=at)


def the_current(exported: list[dict[str, object]]) -> dict[str, object]:
    """The rule downstream reads the exports by: the latest ``fetched_at`` as an instant, then the highest version."""
    return max(exported, key=lambda r: (datetime.fromisoformat(str(r["fetched_at"])), int(str(r["version"]))))


# Each case: its runs, each run the records of one article ``t1`` in the order they reach the state (captures by
# their timestamp, a live crawl's by its time), and what each run exports ("v<version> <content>"); the content
# current by the rule after the last run.
VERSIONS_IN_TIME = [
    ([["2023 A", "2024 B"]], [["v1 A", "v2 B"]], "B"),
    ([["2024 B"], ["2023 A"]], [["v1 B"], ["v2 A"]], "B"),  # newest first: the older one is history
    ([["2023 A", "2024 B", "2025 A"]], [["v1 A", "v2 B", "v3 A"]], "A"),  # a text put back is a change
    ([["2025 A"], ["2023 A", "2024 B"]], [["v1 A"], ["v2 B"]], "A"),  # an older copy of a version: no news
    ([["2023 A", "2024 B"], ["2025 A"]], [["v1 A", "v2 B"], ["v3 A"]], "A"),
    ([["2023 A", "2025 C"], ["2024 B"]], [["v1 A", "v2 C"], ["v3 B"]], "C"),  # between two: history
    ([["2024 A"], ["2024 B"]], [["v1 A"], ["v2 B"]], "B"),  # captured at the same second: the higher version
    ([["2024 B"], ["2024 B", "2023 B"]], [["v1 B"], []], "B"),
    ([["live 2026-01-01T00:00:00Z A"], ["2024 B", "2027 A"]], [["v1 A"], ["v2 B"]], "A"),
    ([["live 2026-01-01T00:00:00Z A"], ["2027 B"], ["live 2028-01-01T00:00:00Z A"]],
     [["v1 A"], ["v2 B"], ["v3 A"]], "A"),  # a crawl finds the article as it was before the capture: a change
    ([["live 2024-01-01T00:00:00.500000Z A"], ["20240101000000 B"]], [["v1 A"], ["v2 B"]], "A"),  # 0.5 s before
    ([["live 2024-01-01T00:00:00Z A"], ["20240101000000 B"]], [["v1 A"], ["v2 B"]], "B"),
]  # fmt: skip


def step_record(step: str) -> dict[str, object]:
    """The record of a step of a case: ``<timestamp> <content>`` a capture's, ``live <ISO 8601> <content>`` a
    crawl's."""
    when, body = step.rsplit(" ", 1)
    return live(body, when.removeprefix("live ")) if when.startswith("live ") else recovered("t1", body, when)


@pytest.mark.parametrize(("runs", "exports", "current"), VERSIONS_IN_TIME)
def test_versions_recovered_in_any_order_leave_the_latest_captured_current(
    tmp_path: Path, open_store: Callable[..., StateStore], runs: list[list[str]], exports: list[list[str]], current: str
) -> None:
    """What each run exports, and the current version by the rule downstream reads the exports by, which is the
    state's own: a later crawl finding the current content exports nothing, finding another exports it."""
    path = str(tmp_path / "state.sqlite3")
    exported: list[dict[str, object]] = []
    texts = {}  # content sha256 -> the case's letter
    found: list[list[str]] = []
    for number, run in enumerate(runs):
        store = open_store(path)
        found.append([])
        for step in run:
            record = step_record(step)
            texts[record["content_sha256"]] = step.rsplit(" ", 1)[1]
            if export(store, record).startswith("new"):
                exported.append(record)
                found[-1].append(f"v{record['version']} {texts[record['content_sha256']]}")
        store.commit_run(f"r{number}", "complete", {})
        store.close()
    assert found == exports
    rule = the_current(exported)
    assert texts[rule["content_sha256"]] == current
    store = open_store(path)
    versions = store.versions("baohagiang.vn:t1")
    assert versions is not None
    assert (versions.sha256, versions.top) == (rule["content_sha256"], len(exported))
    assert export(store, live(current, "2030-01-01T00:00:00Z")) == "unchanged"
    assert export(store, live("Z", "2030-01-01T00:00:00Z")) == f"new{len(exported) + 1}"
    store.close()


def test_captures_recovered_are_known_only_once_committed(
    tmp_path: Path, open_store: Callable[..., StateStore]
) -> None:
    path = str(tmp_path / "state.sqlite3")
    store = open_store(path)
    key = f"20210105083000 {ARTICLE}"
    store.captured(key, "baohagiang.vn:778801")
    assert store.recovered(key)
    store.close()  # a run that died: its captures are not recovered
    store = open_store(path)
    assert not store.recovered(key)
    store.captured(key, "baohagiang.vn:778801")
    store.commit_run("r1", "complete", {})
    store.close()
    store = open_store(path)
    assert store.recovered(key)
    assert not store.recovered(f"20220105083000 {ARTICLE}")
    store.close()


def test_a_recovery_shared_in_redis_is_known_to_a_worker_of_another_state_file(
    tmp_path: Path, session_redis: str
) -> None:
    client = connect(session_redis)
    client.flushdb()

    def worker(name: str) -> StateStore:
        return StateStore(str(tmp_path / f"{name}.sqlite3"), RedisKnowledge(client, "bhg:test", name, 86400))

    one = worker("one")
    key = f"20210105083000 {ARTICLE}"
    one.captured(key, "baohagiang.vn:a1")
    assert export(one, recovered("a1", "archived v1", "2021")) == "new1"
    assert export(one, recovered("a1", "archived v2", "2022")) == "new2"
    one.commit_run("r1", "complete", {})
    one.close()
    two = worker("two")
    assert two.recovered(key)
    assert not two.recovered(f"20220105083000 {ARTICLE}")
    assert export(two, recovered("a1", "archived v1", "2021")) == "unchanged"  # not the current version, yet known
    assert export(two, recovered("a1", "archived v3", "2023")) == "new3"
    two.close()


@pytest.mark.parametrize(
    ("filename", "offset", "length", "wanted"),
    [
        ("CC-MAIN-1.warc.gz", "42", "700", "bytes=42-741"),
        ("CC-MAIN-1.warc.gz", "0", "1", "bytes=0-0"),
        ("", "42", "700", None),
        ("CC-MAIN-1.warc.gz", "", "700", None),
        ("CC-MAIN-1.warc.gz", "42", "0", None),
        ("CC-MAIN-1.warc.gz", "42", "-", None),
    ],
)
def test_warc_ranges(filename: str, offset: str, length: str, wanted: str | None) -> None:
    capture = Capture("", "2021", ARTICLE, length=length, offset=offset, filename=filename)
    assert warc_range(capture) == wanted


def warc_record(kind: str, status: str, headers: list[tuple[str, str]], body: bytes, url: str = ARTICLE,
                date: str = "2021-01-05T08:30:00Z") -> bytes:  # fmt: skip
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(url, kind, payload=io.BytesIO(body), http_headers=http, length=len(body),
                                       warc_headers_dict={"WARC-Date": date})  # fmt: skip
    writer.write_record(record)
    return out.getvalue()


def test_a_warc_record_gives_its_answer_with_its_body_decoded() -> None:
    page = "<html><body>Đồng Văn</body></html>".encode()
    data = warc_record("response", "200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                              ("Content-Encoding", "gzip")], gzip.compress(page))  # fmt: skip
    answer = warc_answer(data)
    assert answer == ArchivedAnswer(200, [("Content-Type", "text/html; charset=utf-8")], page)
    moved = warc_answer(warc_record("response", "301 Moved", [("Location", ARTICLE)], b""))
    assert moved == ArchivedAnswer(301, [("Location", ARTICLE)], b"")
    assert warc_answer(warc_record("revisit", "200 OK", [("Content-Type", "text/html")], b"")) is None


MEMENTO = ["Memento-Datetime", "Link"]  # pywb's and the Wayback Machine's archived answer in id_ mode
WAYBACK_OWN_404 = ["Content-Type", "X-Archive-Wayback-Runtime-Error"]  # ResourceNotInArchiveException
FAILURE = "failure"


@pytest.mark.parametrize(
    ("status", "headers", "length", "kind", "reason"),
    [
        (200, ["Content-Type", *MEMENTO, "X-Archive-Orig-Server"], 900, "archived", ""),
        (200, ["x-archive-src", "content-type"], 900, "archived", ""),  # the Wayback Machine's, lower case
        (200, ["X-Archive-Orig-Date"], 900, "archived", ""),
        (301, [*MEMENTO, "Location"], 0, "archived", ""),  # an archived redirect has no body
        (404, MEMENTO, 300, "gone", "HTTP 404 archived"),
        (410, ["MEMENTO-DATETIME"], 0, "gone", "HTTP 410 archived"),
        (404, ["Content-Type", "Content-Length"], 1044, FAILURE, "HTTP 404 from the archive, not an archived"),
        (404, WAYBACK_OWN_404, 0, FAILURE, "HTTP 404 from the archive, not an archived"),
        (200, ["Content-Type"], 0, FAILURE, "HTTP 200 from the archive, not an archived"),  # a wrong collection
        (200, ["Content-Type"], 5000, FAILURE, "HTTP 200 from the archive, not an archived"),  # its own page
        (302, ["Location", "Link"], 0, FAILURE, "HTTP 302 from the archive, not an archived"),  # a timegate's
        (200, MEMENTO, 0, FAILURE, "HTTP 200 from the archive with an empty body"),
        (503, ["Retry-After"], 4, FAILURE, "HTTP 503 from the archive, not an archived"),
        (500, MEMENTO, 40, "archived", ""),  # the site's error, archived: no page, but the capture asked
        (304, ["X-Archive-Orig-Etag"], 0, "archived", ""),
    ],
)  # fmt: skip
def test_a_replay_answer_is_archived_only_with_the_marks_of_an_archived_answer(
    status: int, headers: list[str], length: int, kind: str, reason: str
) -> None:
    check = check_replay(status, headers, length)
    assert check.kind == kind
    assert check.reason.startswith(reason) and bool(check.reason) is bool(reason)


@pytest.mark.parametrize(
    ("status", "content_range", "length", "reason"),
    [
        (206, "bytes 42-741/90000", 700, ""),
        (206, "bytes 42-741/*", 700, ""),
        (200, None, 90000, "HTTP 200 from the archive to Range: bytes=42-741, not 206"),  # ranges ignored
        (206, "bytes 0-699/90000", 700, "Content-Range bytes 0-699/90000 in answer to Range: bytes=42-741"),
        (206, None, 700, "Content-Range none in answer to Range: bytes=42-741"),
        (206, "bytes 42-741/90000", 350, "350 bytes in answer to Range: bytes=42-741"),  # cut short
        (416, "bytes */100", 0, "HTTP 416 from the archive to Range: bytes=42-741"),
        (404, None, 20, "HTTP 404 from the archive to Range: bytes=42-741"),
    ],
)  # fmt: skip
def test_a_byte_range_is_taken_only_as_the_range_asked(
    status: int, content_range: str | None, length: int, reason: str
) -> None:
    check = check_range("bytes=42-741", status, content_range, length)
    assert check.kind == ("failure" if reason else "archived")
    assert check.reason.startswith(reason) and bool(check.reason) is bool(reason)


@pytest.mark.parametrize(
    ("url", "date", "timestamp", "problem"),
    [
        (ARTICLE, "2021-01-05T08:30:00Z", "20210105083000", ""),
        (ARTICLE, "2021-01-05T08:30:00.123456Z", "20210105083000", ""),  # WARC 1.1 fractions of a second
        (ARTICLE, "2021-01-05T08:30:00Z", "202101", ""),  # a shorter timestamp: its period
        (ARTICLE, "2021-01-05T08:30:01Z", "20210105083000", f"is {ARTICLE} of 20210105083001, not the capture"),
        (ARTICLE + "-2", "2021-01-05T08:30:00Z", "20210105083000", f"is {ARTICLE}-2 of 20210105083000, not the"),
    ],
)  # fmt: skip
def test_the_record_read_at_a_range_is_the_capture_the_index_named(
    url: str, date: str, timestamp: str, problem: str
) -> None:
    data = warc_record("response", "200 OK", [("Content-Type", "text/html")], b"<html></html>", url, date)
    capture = Capture("", timestamp, ARTICLE)
    if not problem:
        assert warc_answer(data, capture) == ArchivedAnswer(200, [("Content-Type", "text/html")], b"<html></html>")
    else:
        with pytest.raises(ValueError, match=f"the record there {problem}"):
            warc_answer(data, capture)
    assert warc_answer(data) is not None  # no capture named: the record whatever it is


@pytest.mark.parametrize("data", [b"", b"<html>a data server's error page</html>", b"\x1f\x8b\x08garbage"])
def test_bytes_that_hold_no_warc_record_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match="no WARC record there"):
        warc_answer(data, Capture("", "20210105083000", ARTICLE))


def forget_when_the_current_version_was(store: StateStore) -> None:
    """Makes the committed state one of an earlier version, whose ``articles`` lack ``content_at``."""
    knowledge = store.knowledge
    if isinstance(knowledge, RedisKnowledge):
        raw = json.loads(str(knowledge.client.hget(knowledge.key["articles"], "baohagiang.vn:t1")))
        del raw["content_at"]
        knowledge.client.hset(knowledge.key["articles"], "baohagiang.vn:t1", json.dumps(raw))
    else:
        store.file.db.execute("ALTER TABLE articles DROP COLUMN content_at")
        store.file.commit()


@pytest.mark.parametrize(
    ("exported", "placed", "current", "at"),
    [
        (True, "new2", "A", "2026-01-01T00:00:00.000000Z"),  # the last fetch stands for when A was: B is history
        (False, "new1", "B", "2024-01-01T00:00:00.000000Z"),  # fetched, never exported: B is the first version
    ],
)
def test_a_capture_older_than_the_last_fetch_of_a_state_of_an_earlier_version(
    tmp_path: Path, open_store: Callable[..., StateStore], exported: bool, placed: str, current: str, at: str
) -> None:
    """A state of an earlier version (``articles`` without ``content_at``) whose article was fetched in 2026,
    exported (A) or not, recovers a capture of 2024 (B)."""
    path = str(tmp_path / "state.sqlite3")
    store = open_store(path)
    if exported:
        assert export(store, live("A", "2026-01-01T00:00:00Z")) == "new1"
    else:
        store.fetched("baohagiang.vn:t1", str(live("A", "")["url"]), 200, datetime(2026, 1, 1, tzinfo=UTC))
    store.commit_run("r1", "complete", {})
    forget_when_the_current_version_was(store)
    store.close()
    store = open_store(path)
    assert export(store, recovered("t1", "B", "2024")) == placed
    store.commit_run("r2", "complete", {})
    store.close()
    store = open_store(path)
    versions = store.versions("baohagiang.vn:t1")
    assert versions is not None
    assert (versions.sha256, versions.at, versions.top) == (live(current, "")["content_sha256"], at, int(placed[-1]))
    assert export(store, live(current, "2028-01-01T00:00:00Z")) == "unchanged"
    store.close()


@pytest.mark.parametrize(
    ("lines", "limit", "resume_key", "keyed", "cut"),
    [
        (5, 5, None, False, True),  # pywb: a full first page, no key: the rest never given
        (7, 5, None, False, True),  # more than asked, no key
        (4, 5, None, False, False),  # fewer than asked: the index's end
        (5, 5, "5", False, False),  # a key to read on
        (5, 5, None, True, False),  # a keyed walk's full last page: the lines a multiple of the limit
        (5, 0, None, False, False),  # no limit asked: the whole index
        (0, 5, None, False, False),  # an empty index
    ],
)
def test_a_page_as_full_as_the_limit_with_no_resume_key_is_an_index_cut(
    lines: int, limit: int, resume_key: str | None, keyed: bool, cut: bool
) -> None:
    assert cut_short(lines, limit, resume_key, keyed) is cut


def test_the_ledger_id_of_a_cut_query() -> None:
    assert index_query_id("http://a/cdx?url=x/*&limit=5", "baohagiang.vn") == (
        "baohagiang.vn:index:http://a/cdx?url=x/*&limit=5"
    )


@pytest.mark.parametrize(
    ("hosts", "walked"),
    [
        (["baohagiang.vn", "www.baohagiang.vn", "en.baohagiang.vn"], ["baohagiang.vn", "en.baohagiang.vn"]),
        (["www.baotuyenquang.com.vn"], ["baotuyenquang.com.vn"]),  # a www. host alone: its host's walk
        (["www2.baohagiang.vn", "baohagiang.vn"], ["baohagiang.vn", "www2.baohagiang.vn"]),
        (["wwwbaohagiang.vn"], ["wwwbaohagiang.vn"]),  # no dot: no prefix
        ([], []),
    ],
)
def test_the_hosts_walked_fold_www(hosts: list[str], walked: list[str]) -> None:
    assert index_hosts(hosts) == walked


REPLAY = "http://127.0.0.1:9/bhg"
CAPTURED = "http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801?utm_source=fb"


@pytest.mark.parametrize(
    ("location", "answered_at", "prefix", "target"),
    [
        (f"{REPLAY}/20210101000000id_/https://baohagiang.vn/a-1", f"{REPLAY}/20210101000000id_/{CAPTURED}", REPLAY,
         "https://baohagiang.vn/a-1"),  # the replay's form
        ("/bhg/20210101000000id_/https://baohagiang.vn/a-1", f"{REPLAY}/20210101000000id_/{CAPTURED}", REPLAY,
         "https://baohagiang.vn/a-1"),  # the replay's form, relative to its answer
        ("https://baotuyenquang.com.vn/khu-vuc/a-1", f"{REPLAY}/20210101000000id_/{CAPTURED}", REPLAY,
         "https://baotuyenquang.com.vn/khu-vuc/a-1"),  # the site's own, absolute
        ("/xa-hoi/202101/tin-khac-778801", f"{REPLAY}/20210101000000id_/{CAPTURED}", REPLAY,
         "http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801"),  # the site's, relative: on the site
        ("tin-khac-778801", "file:///data/a.warc.gz#100", "", "http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801"),
        ("//baohagiang.vn/xa-hoi/x-1", "http://127.0.0.1:9/warcs/a.warc.gz", "", "http://baohagiang.vn/xa-hoi/x-1"),
        ("https://baohagiang.vn/a-1", "http://127.0.0.1:9/warcs/a.warc.gz", "", "https://baohagiang.vn/a-1"),
    ],
)  # fmt: skip
def test_a_redirect_leads_where_its_location_says_on_the_site(
    location: str, answered_at: str, prefix: str, target: str
) -> None:
    assert redirect_target(location, answered_at, CAPTURED, prefix) == target


@pytest.mark.parametrize(
    ("memento", "served"),
    [
        ("Sat, 05 Jan 2019 08:30:05 GMT", ("20190105083005", "https://baohagiang.vn/a-1", "", "200")),
        ("Sat, 05 Jan 2019 15:30:05 +0700", ("20190105083005", "https://baohagiang.vn/a-1", "", "200")),
        (None, ("20190105083000", CAPTURED, "E", "301")),  # no time: the capture asked
        ("yesterday", ("20190105083000", CAPTURED, "E", "301")),
        ("Sat, 05 Jan 2019 08:30:05 -0000", ("20190105083000", CAPTURED, "E", "301")),  # no zone known
    ],
)
def test_the_page_a_replay_served_after_redirects_is_the_capture(
    memento: str | None, served: tuple[str, str, str, str]
) -> None:
    asked = Capture("", "20190105083000", CAPTURED, "text/html", "301", "E")
    page = served_capture(asked, f"{REPLAY}/20190105083000id_/https://baohagiang.vn/a-1", memento, REPLAY)
    assert (page.timestamp, page.original, page.digest, page.status) == served
