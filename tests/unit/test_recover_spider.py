"""The recover spider's routing: which captures of the index it fetches, notes or leaves, and which redirects."""

from __future__ import annotations

import asyncio
import io
import json
import socket
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import scrapy
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bhg_crawler.app.cli import main
from bhg_crawler.core import signals
from bhg_crawler.extract.cdx import Capture, parse_num_pages
from bhg_crawler.sites.urls import article_of
from bhg_crawler.spiders.recover import RecoverSpider, to_fetch
from tests.helpers import FIELDS, free_port, project_crawler, saved

CDX = "http://127.0.0.1:9/bhg/cdx"
REPLAY = "http://127.0.0.1:9/bhg"
ARTICLE = "https://baohagiang.vn/xa-hoi/202101/tin-khac-778801"
OTHER = "https://baohagiang.vn/xa-hoi/202101/tin-khac-778802"
ARCHIVED = {"Memento-Datetime": "Fri, 01 Jan 2021 00:00:00 GMT"}  # the mark of an archived answer, as pywb's


class Recovery:
    """The spider on a crawler with its state, and the pages it reported as giving no record."""

    def __init__(self, folder: Path):
        self.crawler = project_crawler(RecoverSpider, BHG_STATE=str(folder / "state.sqlite3"))
        self.spider = RecoverSpider.from_crawler(self.crawler, cdx=CDX)
        self.crawler.spider = self.spider
        self.failed: list[tuple[str, str, bool]] = []
        self.crawler.signals.connect(self._failed, signals.fetch_failed)

    def _failed(self, request: scrapy.Request, reason: str, retry: bool, **_: Any) -> None:
        self.failed.append((request.url, reason, retry))


@pytest.fixture
def recovery(tmp_path: Path) -> Iterator[Recovery]:
    found = Recovery(tmp_path)
    yield found
    found.spider.state.close()


def capture(
    timestamp: str, url: str = ARTICLE, status: str = "200", digest: str = "", mime: str = "text/html"
) -> Capture:
    return Capture("", timestamp, url, mime, status, digest)


def test_the_captures_of_each_article_are_fetched_oldest_first_and_the_others_noted(recovery: Recovery) -> None:
    spider = recovery.spider
    found = [
        capture("20230101000000", ARTICLE, digest="B"),
        capture("20210101000000", "http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801?utm_source=x", digest="A"),
        capture("20220101000000", ARTICLE, digest="A"),  # the same payload as 2021's: not fetched
        capture("20240101000000", ARTICLE, "404"),
        capture("20200101000000", OTHER, digest="C"),  # recovered by an earlier run
        capture("20200101000000", "https://baohagiang.vn/xa-hoi"),  # a listing page
    ]
    spider.captures = {c.key: c for c in found}
    spider.state.captured(found[4].key, "baohagiang.vn:778802")
    spider.walks = 1
    requests = list(spider._walk_over())
    assert [r.url for r in requests] == [f"{REPLAY}/20210101000000id_/{found[1].original}"]
    assert requests[0].meta["bhg_article"] == ARTICLE
    assert recovery.failed == [(f"{REPLAY}/20240101000000id_/{ARTICLE}", "the capture of 20240101000000 answered HTTP 404",
                                False)]  # fmt: skip
    assert [c.timestamp for c in spider.queues["baohagiang.vn:778801"]] == ["20230101000000"]
    stats = spider.crawler.stats
    assert stats is not None
    assert stats.get_value("bhg/recover/captures/same_digest") == 1
    assert stats.get_value("bhg/recover/captures/recovered_before") == 1
    assert stats.get_value("bhg/recover/captures/skip") == 1


@pytest.mark.parametrize(
    ("found", "before", "fetched"),
    [
        ([("2021", "A"), ("2022", "A")], [], ["2021"]),  # the same payload: fetched once
        ([("2021", "A"), ("2022", "A")], ["2021"], []),  # its payload recovered by an earlier run
        ([("2021", "A"), ("2022", "A", "warc/revisit")], ["2021"], []),  # a revisit of a payload recovered
        ([("2021", "A"), ("2022", "A", "warc/revisit")], [], ["2021"]),
        ([("2021", "-"), ("2022", "-")], [], ["2021", "2022"]),  # the index does not say: each fetched
        ([("2021", ""), ("2022", "")], [], ["2021", "2022"]),
        ([("2021", "A"), ("2022", "B"), ("2023", "A")], [], ["2021", "2022", "2023"]),  # a payload put back
        ([("2021", "A"), ("2022", "B"), ("2023", "A")], ["2021", "2022"], ["2023"]),  # put back after a run
        ([("2020", "A"), ("2021", "A"), ("2022", "B")], ["2021", "2022"], []),  # an older copy of one recovered
        ([("2020", "B"), ("2021", "A"), ("2022", "B")], ["2021"], ["2020", "2022"]),
        ([("2021", "A"), ("2022", "A"), ("2023", "B")], ["2023"], ["2021"]),  # the same again: no change
    ],
)
def test_a_payload_is_fetched_again_only_when_it_changes_in_time_across_runs(
    recovery: Recovery, found: list[tuple[str, ...]], before: list[str], fetched: list[str]
) -> None:
    spider = recovery.spider
    captures = [capture(f"{year}0101000000", digest=digest, mime=(mime or ["text/html"])[0])
                for year, digest, *mime in found]  # fmt: skip
    spider.captures, spider.walks = {c.key: c for c in captures}, 1
    for year in before:
        spider.state.captured(f"{year}0101000000 {ARTICLE}", "baohagiang.vn:778801")
    requests = list(spider._walk_over())
    queued = [c.timestamp for c in spider.queues.get("baohagiang.vn:778801", [])]
    assert [r.meta["bhg_capture"]["timestamp"][:4] for r in requests] + [t[:4] for t in queued] == fetched


R = "recovered"


@pytest.mark.parametrize(
    ("found", "fetched"),
    [
        ([("2021", "E", "301", "redirect"), ("2022", "E", "301", "redirect")], ["2021", "2022"]),  # each asked
        ([("2021", "E", "301", R), ("2022", "E", "301", "redirect")], ["2022"]),  # not one recovered before
        ([("2021", "A", "200", "fetch"), ("2022", "E", "301", "redirect"), ("2023", "A", "200", "fetch")],
         ["2021", "2022"]),  # a redirect between two copies of one page: no change of the page
        ([("2021", "E", "301", "redirect"), ("2022", "E", "200", "fetch")], ["2021", "2022"]),  # a page, not a redirect
        ([("2021", "E", "301", R), ("2022", "E", "200", "fetch")], ["2022"]),  # a redirect recovered: no page known
    ],
)  # fmt: skip
def test_every_redirect_is_asked_whatever_its_payload(
    found: list[tuple[str, str, str, str]], fetched: list[str]
) -> None:
    captures = [(capture(f"{year}0101000000", status=status, digest=digest), verdict)
                for year, digest, status, verdict in found]  # fmt: skip
    assert [c.timestamp[:4] for c in to_fetch(captures)] == fetched


@pytest.mark.parametrize(
    ("location", "followed"),
    [
        (f"{REPLAY}/20210101000000id_/{ARTICLE}", ARTICLE),  # http to https, in the replay's form
        (f"/bhg/20210101000000id_/{ARTICLE}/", f"{ARTICLE}/"),  # a relative Location, a trailing slash
        (f"{REPLAY}/20210101000000id_/http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801",
         "http://www.baohagiang.vn/xa-hoi/202101/tin-khac-778801"),
        (ARTICLE, ARTICLE),  # an archive that gives the original Location
        (f"{REPLAY}/20210101000000id_/{OTHER}", "moved"),  # another article: this one moved there
        (f"{REPLAY}/20210101000000id_/https://baotuyenquang.com.vn/khu-vuc/202101/x-2fe1357", "moved"),
        (f"{REPLAY}/20210101000000id_/https://baohagiang.vn/xa-hoi", None),  # a listing: a soft 404
        (f"{REPLAY}/20210101000000id_/https://baotuyenquang.com.vn/khu-vuc/202101/tin-khac-778801", None),
    ],
)  # fmt: skip
def test_a_redirect_is_followed_to_the_same_article_only(
    recovery: Recovery, location: str, followed: str | None
) -> None:
    spider = recovery.spider
    article = article_of(ARTICLE, spider.sites)
    assert article is not None
    request = spider._capture_request(capture("20210101000000", "http://baohagiang.vn/xa-hoi/202101/tin-khac-778801",
                                              "301"), article)  # fmt: skip
    response = HtmlResponse(request.url, status=301, headers={"Location": location, **ARCHIVED}, request=request)
    out = list(spider.parse_capture(response))
    if followed in (None, "moved"):
        assert out == []
        [(_, reason, retry)] = recovery.failed
        assert ("the article moved there" if followed else "not to this article") in reason
        assert retry is False
        assert bool(spider.moves) is (followed == "moved")
        outcome = "duplicate" if followed == "moved" else "refused/redirect"  # a move is no error of the run
        assert recovery.crawler.stats.get_value(f"bhg/failures/{outcome}") == 1
    else:
        [again] = out
        assert again.url == f"{REPLAY}/20210101000000id_/{followed}"
        assert again.meta["bhg_captures"] == request.meta["bhg_captures"]
        assert again.meta["bhg_hops"] == 1


def test_the_next_capture_of_an_article_waits_for_its_redirect_followed(recovery: Recovery) -> None:
    """One capture of an article is asked at a time: after a redirect followed, its answer, then the next."""
    html, truth = saved("bhg-era-a-2018-captions")
    spider = recovery.spider
    article = article_of(truth["url"], spider.sites)
    assert article is not None
    spider.queues[article.record_id] = deque([capture("20220101000000", truth["url"])])
    request = spider._capture_request(capture("20210101000000", truth["url"].replace("https://", "http://"), "301"),
                                      article)  # fmt: skip
    moved = HtmlResponse(request.url, status=301, headers={"Location": truth["url"], **ARCHIVED}, request=request)
    [followed] = list(spider.parse_capture(moved))
    assert followed.url == f"{REPLAY}/20210101000000id_/{truth['url']}"
    answer = HtmlResponse(followed.url, body=html.encode("utf-8"), encoding="utf-8", request=followed,
                          headers={"Content-Type": "text/html; charset=utf-8", **ARCHIVED})  # fmt: skip
    record, after = list(spider.parse_capture(answer))
    assert (record["fetched_at"], after.meta["bhg_capture"]["timestamp"]) == ("2021-01-01T00:00:00Z", "20220101000000")


MOVED_HTML, MOVED_TRUTH = saved("btq-current-moved-from-bhg")
NEW_HOME = MOVED_TRUTH["url"]
OLD_HOME = "https://baohagiang.vn/xa-hoi/202505/giai-dua-xe-dap-chinh-phuc-cao-nguyen-da-dong-van-2fe1357"
OLD_ELSEWHERE = "https://baohagiang.vn/the-thao/202505/giai-dua-xe-dap-2fe1357"


@pytest.mark.parametrize(
    ("redirects", "record_id_aliases", "url_aliases"),
    [
        ([], [], []),  # captured at its new home only
        ([OLD_HOME], ["baohagiang.vn:2fe1357"], [OLD_HOME]),  # its old home answered 301 to it
        ([OLD_HOME.replace("https://", "http://www.") + "?utm_source=zalo"], ["baohagiang.vn:2fe1357"], [OLD_HOME]),
        ([OLD_HOME, OLD_ELSEWHERE], ["baohagiang.vn:2fe1357"], [OLD_ELSEWHERE, OLD_HOME]),  # two old URLs
        ([NEW_HOME.replace("https://", "http://")], [], []),  # its own URL's http form: followed, no move
    ],
)  # fmt: skip
def test_a_recovered_record_of_a_moved_article_carries_the_aliases_of_a_crawled_one(
    recovery: Recovery, redirects: list[str], record_id_aliases: list[str], url_aliases: list[str]
) -> None:
    """A live crawl follows the old URL's 301 and names the old record in the new one; a recovery asks each
    redirect capture where it leads before it fetches the articles, so the new home's records name it too."""
    spider = recovery.spider
    found = [capture(f"202506{n + 1:02d}000000", url, "301", digest=f"R{n}") for n, url in enumerate(redirects)]
    found.append(capture("20250610000000", NEW_HOME, digest="P"))
    spider.captures, spider.walks = {c.key: c for c in found}, 1
    pending = list(spider._walk_over())
    assert [r.meta["bhg_probe"] for r in pending] == [True] * len(redirects) or [False]  # the redirects first
    records: list[dict[str, Any]] = []
    while pending:
        request = pending.pop(0)
        if request.meta["bhg_probe"]:
            target = NEW_HOME.replace("https://", "http://") if "http://baotuyen" in request.url else NEW_HOME
            response = HtmlResponse(request.url, status=301, request=request,
                                    headers={"Location": f"{REPLAY}/20250601000000id_/{target}", **ARCHIVED})  # fmt: skip
        else:
            response = HtmlResponse(request.url, body=MOVED_HTML.encode(), encoding="utf-8", request=request,
                                    headers={"Content-Type": "text/html; charset=utf-8", **ARCHIVED})  # fmt: skip
        for out in spider.parse_capture(response):
            (pending if isinstance(out, scrapy.Request) else records).append(out)
    assert len(records) == 1 + (redirects == [NEW_HOME.replace("https://", "http://")])  # a followed one too
    for record in records:
        assert record["record_id"] == "baotuyenquang.com.vn:2fe1357"
        assert record["record_id_aliases"] == record_id_aliases
        assert record["url_aliases"] == url_aliases
    assert [f[1].split(": ")[-1] for f in recovery.failed] == [
        "the article moved there, its records carry this URL"
    ] * (len(record_id_aliases) and len(redirects))


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({}, "recover needs a CDX endpoint"),
        ({"cdx": "ftp://x/cdx"}, "recover needs a CDX endpoint"),
        ({"cdx": CDX, "since": "2021-01"}, "since is a capture timestamp"),
        ({"cdx": CDX, "until": "123"}, "until is a capture timestamp"),
        ({"cdx": CDX, "since": "20250230"}, "since is a capture timestamp .* of a real time, not '20250230'"),
        ({"cdx": CDX, "since": "2025", "until": "2024"}, "since 2025 is later than until 2024"),
        ({"cdx": CDX, "limit": "many"}, "limit must be a whole number"),
        ({"cdx": CDX, "limit": "0"}, "limit must be at least 1, not 0"),
        ({"cdx": "https://index.commoncrawl.org/CC-MAIN-2024-10-index"}, "give the replay prefix"),
        ({"warc_files": "nowhere.warc.gz"}, "names no WARC file"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_fetched(arguments: dict[str, str], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        RecoverSpider(**arguments)


def timestamp(given: str, option: str = "--from") -> str:
    return f"{option} is a capture timestamp of 4 to 14 digits (YYYYMMDDhhmmss) of a real time, not {given!r}"


COMMAND_ERRORS = {  # recover's arguments as typed (in a folder, with a port that takes no connection) -> message
    "no CDX URL": (["ftp://x/cdx"], "recover needs a CDX endpoint, an http(s) URL, or WARC files, not 'ftp://x/cdx'"),
    "two CDX": ([CDX, CDX], f"recover reads one CDX endpoint, or local WARC files, not {CDX} {CDX}"),
    "a glob matching nothing": (["nowhere/*.warc.gz"], "nowhere/*.warc.gz names no WARC file (.warc, .warc.gz)"),
    "a folder of no WARC": (["{folder}/notes"], "{folder}/notes names no WARC file (.warc, .warc.gz)"),
    "a missing file": (["{folder}/gone.warc.gz"], "{folder}/gone.warc.gz names no WARC file (.warc, .warc.gz)"),
    "a glob of folders of no WARC": (["{folder}/n*/"], "{folder}/n*/ names no WARC file (.warc, .warc.gz)"),
    "folders of no WARC, all of them": (["{folder}/notes", "{folder}/runs"],
                                        "{folder}/notes {folder}/runs: no WARC file (.warc, .warc.gz) in any"),
    "a date, not a timestamp": ([CDX, "--from", "2021-01"], timestamp("2021-01")),
    "an impossible day": ([CDX, "--from", "2025-02-30"], timestamp("2025-02-30")),
    "an impossible month": ([CDX, "--from", "20251340"], timestamp("20251340")),
    "the 30th of February": ([CDX, "--to", "20250230"], timestamp("20250230", "--to")),
    "the 29th of February of no leap year": ([CDX, "--to", "20250229"], timestamp("20250229", "--to")),
    "an impossible hour": ([CDX, "--to", "2025010124"], timestamp("2025010124", "--to")),
    "too short": ([CDX, "--from", "202"], timestamp("202")),
    "from after to": ([CDX, "--from", "2025", "--to", "2024"], "--from 2025 is later than --to 2024"),
    "from after to, to the second": ([CDX, "--from", "20250101000001", "--to", "20250101000000"],
                                     "--from 20250101000001 is later than --to 20250101000000"),
    "no line a page": ([CDX, "--limit", "0"], "--limit must be at least 1, not 0"),
    "lines below none": ([CDX, "--limit", "-5"], "--limit must be at least 1, not -5"),
    "lines in words": ([CDX, "--limit", "many"], "--limit must be a whole number, not 'many'"),
    "lines with a separator": ([CDX, "--limit", "1_000"], "--limit must be a whole number, not '1_000'"),
    "an index for local files": (["{folder}/a.warc", "--limit", "5"],
                                 "WARC files on the disk are read whole: --replay, --warcs, --limit, --pages are "
                                 "for a CDX server"),
    "a CDX server that takes no connection": (["http://127.0.0.1:{port}/bhg/cdx"],
                                              "the archive 127.0.0.1:{port} takes no connection: Connection refused"),
    "a replay that takes no connection": (["http://127.0.0.1:{taken}/cdx", "--replay", "http://127.0.0.1:{port}/w"],
                                          "the archive 127.0.0.1:{port} takes no connection: Connection refused"),
}  # fmt: skip


@pytest.mark.parametrize(("argv", "error"), COMMAND_ERRORS.values(), ids=COMMAND_ERRORS.keys())
def test_the_command_refuses_bad_arguments_in_one_line_exit_2(
    argv: list[str], error: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("no archive\n")
    (tmp_path / "runs").mkdir()
    (tmp_path / "a.warc").write_bytes(b"")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        given = {"folder": tmp_path, "port": free_port(), "taken": taken.getsockname()[1]}
        code = main(["recover", *(arg.format(**given) for arg in argv), "--state", str(tmp_path / "state.sqlite3")])
    assert (code, capsys.readouterr().err) == (2, f"bhg-crawl: {error.format(**given)}\n")
    assert not (tmp_path / "state.sqlite3").exists()  # nothing opened, nothing fetched


def test_a_capture_is_read_as_a_crawl_reads_the_page_with_its_source(recovery: Recovery) -> None:
    html, truth = saved("bhg-era-a-2018-captions")
    spider, captured = recovery.spider, truth["url"].replace("https://", "http://www.") + "?utm_source=zalo"
    article = article_of(captured, spider.sites)
    assert article is not None
    request = spider._capture_request(capture("20190105083000", captured, digest="D"), article)
    aliases: list[list[str]] = []
    recovery.crawler.signals.connect(lambda record_id, urls: aliases.append(urls), signals.aliases_found, weak=False)
    archived = {"Memento-Datetime": "Sat, 05 Jan 2019 08:30:00 GMT"}  # the capture asked for
    response = HtmlResponse(request.url, body=html.encode("utf-8"), encoding="utf-8", request=request,
                            headers={"Content-Type": "text/html; charset=utf-8", **archived})  # fmt: skip
    [record] = list(spider.parse_capture(response))
    assert {field: record[field] for field in FIELDS} == {field: truth[field] for field in FIELDS}
    assert record["source"] == {"archive": CDX, "timestamp": "20190105083000", "original_url": captured,
                                "digest": "D"}  # fmt: skip
    assert record["fetched_at"] == "2019-01-05T08:30:00Z"
    assert aliases == [[truth["url"].replace("https://", "http://www.")]]  # the URL as captured, tracking dropped


def test_the_page_a_redirect_led_to_is_the_source_of_its_record(recovery: Recovery) -> None:
    """A redirect captured at 08:30:00, followed in the replay to the page it served, captured 5 seconds later:
    the record's time and source are the page's."""
    html, truth = saved("bhg-era-a-2018-captions")
    spider, captured = recovery.spider, truth["url"].replace("https://", "http://www.")
    article = article_of(captured, spider.sites)
    assert article is not None
    redirect = capture("20190105083000", captured, "301", digest="E")
    request = spider._capture_request(redirect, article, url=truth["url"], hops=1)
    served = {"Content-Type": "text/html; charset=utf-8", "Memento-Datetime": "Sat, 05 Jan 2019 08:30:05 GMT"}
    response = HtmlResponse(request.url, body=html.encode("utf-8"), encoding="utf-8", request=request,
                            headers=served)  # fmt: skip
    [record] = list(spider.parse_capture(response))
    assert record["source"] == {"archive": CDX, "timestamp": "20190105083005", "original_url": truth["url"],
                                "digest": None}  # fmt: skip
    assert record["fetched_at"] == "2019-01-05T08:30:05Z"
    assert request.meta["bhg_captures"] == [redirect.key]  # the redirect's capture is what was recovered


@pytest.mark.parametrize("probe", [True, False], ids=["probe", "fetch"])
def test_a_redirect_capture_the_replay_answers_with_its_page_is_the_page_captured_then(
    recovery: Recovery, probe: bool
) -> None:
    """pywb answers a capture of a redirect to the same article with the page it leads to (captured a day
    later: its Memento-Datetime and Content-Location): asked as a probe, only where it leads is learned (the
    record waits for the moves); fetched, the record is the page's, at its time and URL."""
    html, truth = saved("bhg-era-a-2018-captions")
    spider, captured = recovery.spider, truth["url"].replace("https://", "http://")
    article = article_of(captured, spider.sites)
    assert article is not None
    redirect = capture("20190104000000", captured, "301", digest="E")
    request = spider._capture_request(redirect, article, probe=probe)
    served = {"Content-Type": "text/html; charset=utf-8", "Memento-Datetime": "Sat, 05 Jan 2019 00:00:00 GMT",
              "Content-Location": f"/bhg/20190105000000id_/{truth['url']}"}  # fmt: skip
    response = HtmlResponse(request.url, body=html.encode("utf-8"), encoding="utf-8", request=request,
                            headers=served)  # fmt: skip
    out = list(spider.parse_capture(response))
    if probe:
        assert out == [] and spider.locations == {redirect.key: truth["url"]}
        return
    [record] = out
    assert (record["fetched_at"], record["source"]["timestamp"], record["source"]["original_url"]) == (
        "2019-01-05T00:00:00Z", "20190105000000", truth["url"])  # fmt: skip


NOT_FOUND = b"<html><body>Hmm. We have no such capture or collection.</body></html>"
OWN = "own"  # the archive's own answer: an error (bhg/failures/error) and an archive failure


@pytest.mark.parametrize(
    ("status", "headers", "body", "outcome", "retry", "reason"),
    [
        (404, {"Content-Type": "text/html"}, NOT_FOUND, OWN, True, "HTTP 404 from the archive, not an archived"),
        (404, ARCHIVED, b"<html>gone</html>", "gone", False, "HTTP 404 archived"),
        (410, ARCHIVED, b"", "gone", False, "HTTP 410 archived"),
        (200, {"Content-Type": "text/html"}, b"", OWN, True, "HTTP 200 from the archive, not an archived"),
        (200, {"Content-Type": "text/html"}, NOT_FOUND, OWN, True, "HTTP 200 from the archive, not an archived"),
        (200, {"Content-Type": "text/html", **ARCHIVED}, b"", OWN, True, "HTTP 200 from the archive with an empty"),
        (302, {"Location": "/login?next=/bhg"}, b"", OWN, True, "HTTP 302 from the archive, not an archived"),
        (302, {"Location": f"{REPLAY}/20210102000000id_/{OTHER}"}, b"", OWN, True, "HTTP 302 from the archive"),
        (503, {"Retry-After": "1"}, b"busy", OWN, True, "HTTP 503 from the archive, not an archived"),
        (503, ARCHIVED, b"busy", "error", False, "HTTP 503 archived"),  # the site's, archived: always so
        (403, ARCHIVED, b"no", "error", False, "HTTP 403 archived"),
        (304, ARCHIVED, b"", "not_modified", False, "HTTP 304 archived: the capture holds no page"),  # no error
    ],
)  # fmt: skip
def test_a_replay_answer_without_the_marks_of_an_archived_one_is_the_archives_failure(
    recovery: Recovery, status: int, headers: dict[str, str], body: bytes, outcome: str, retry: bool, reason: str
) -> None:
    spider = recovery.spider
    article = article_of(ARTICLE, spider.sites)
    assert article is not None
    request = spider._capture_request(capture("20210101000000"), article)
    response = HtmlResponse(request.url, status=status, headers=headers, body=body, request=request)
    if 200 <= status < 300 or status in (301, 302):
        out = list(spider.parse_capture(response))
    else:  # Scrapy's HttpErrorMiddleware: an error status goes to the errback
        failure = Failure(HttpError(response))  # type: ignore[no-untyped-call]
        failure.request = request  # type: ignore[attr-defined]
        out = list(spider.capture_failed(failure))
    assert out == []
    [(url, why, again)] = recovery.failed
    assert (url, again) == (request.url, retry) and why.startswith(reason)
    assert recovery.crawler.stats.get_value(f"bhg/failures/{'error' if outcome == OWN else outcome}") == 1
    assert recovery.crawler.stats.get_value("bhg/recover/archive_failures") == (1 if outcome == OWN else None)


@pytest.mark.parametrize(
    ("location", "hops", "followed"),
    [
        (f"{REPLAY}/20210102000000id_/{ARTICLE}", 0, True),  # the archive's capture of another time
        (f"/bhg/20210102000000id_/{ARTICLE}", 0, True),
        (f"{REPLAY}/20210102000000id_/{ARTICLE.replace('https://', 'http://www.')}", 2, True),  # the same article
        (f"{REPLAY}/20210102000000id_/{ARTICLE}", 3, False),  # hops enough
        (f"{REPLAY}/20210102000000/{ARTICLE}", 0, False),  # rewritten, not raw
        (f"http://127.0.0.1:9/other/20210102000000id_/{ARTICLE}", 0, False),  # off the replay
    ],
)  # fmt: skip
def test_the_archives_own_redirect_to_its_capture_of_another_time_is_followed(
    recovery: Recovery, location: str, hops: int, followed: bool
) -> None:
    spider = recovery.spider
    article = article_of(ARTICLE, spider.sites)
    assert article is not None
    request = spider._capture_request(capture("20210101000000"), article, hops=hops)
    response = HtmlResponse(request.url, status=302, headers={"Location": location}, request=request)
    out = list(spider.parse_capture(response))
    if followed:
        [hop] = out
        assert hop.url == f"{REPLAY}/{location.split('/bhg/', 1)[1]}" and hop.meta["bhg_hops"] == hops + 1
        assert hop.meta["bhg_captures"] == request.meta["bhg_captures"] and recovery.failed == []
    else:
        assert out == [] and [(f[1].split(",")[0], f[2]) for f in recovery.failed] == [
            ("HTTP 302 from the archive", True)
        ]


def range_record(url: str, date: str, html: str) -> bytes:
    """A gzipped WARC response record of ``url`` captured at ``date`` (ISO), its page ``html``."""
    out = io.BytesIO()
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer, page = WARCWriter(out, gzip=True), html.encode()
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page), length=len(page),
                                                  http_headers=http, warc_headers_dict={"WARC-Date": date}))  # fmt: skip
    return out.getvalue()


@pytest.mark.parametrize(
    ("status", "content_range", "shift", "url", "date", "reason"),
    [
        (206, "exact", 0, None, "2021-01-05T08:30:00Z", ""),
        (200, None, 100, None, "2021-01-05T08:30:00Z", "HTTP 200 from the archive to Range: bytes=100-"),  # whole file
        (206, "bytes 0-{last}/{size}", 0, None, "2021-01-05T08:30:00Z", "Content-Range bytes 0-"),
        (206, "exact", 0, None, "2021-01-06T08:30:00Z", "the WARC record at bytes=100-"),  # another capture
        (206, "exact", 0, OTHER, "2021-01-05T08:30:00Z", "the WARC record at bytes=100-"),
    ],
)  # fmt: skip
def test_a_byte_range_is_read_only_when_it_is_the_range_and_the_capture_asked(
    tmp_path: Path, status: int, content_range: str | None, shift: int, url: str | None, date: str, reason: str
) -> None:
    html, truth = saved("bhg-era-a-2018-captions")
    record = range_record(url or truth["url"], date, html)
    found = Capture("", "20210105083000", truth["url"], "text/html", "200", "D", str(len(record)), "100", "a.warc.gz")
    spider = recover_spider(tmp_path, warcs="http://127.0.0.1:9/warcs")
    failed: list[tuple[str, bool]] = []
    spider.crawler.signals.connect(lambda reason, retry, **_: failed.append((reason, retry)), signals.fetch_failed,
                                   weak=False)  # fmt: skip
    article = article_of(found.original, spider.sites)
    assert article is not None
    request = spider._capture_request(found, article)
    assert request.headers["Range"] == f"bytes=100-{99 + len(record)}".encode()
    body = b"x" * shift + record
    named = {"exact": f"bytes 100-{99 + len(record)}/9000"}.get(content_range or "", content_range or "")
    headers = {"Content-Range": named.format(last=len(record) - 1, size=9000)} if named else {}
    response = scrapy.http.Response(request.url, status=status, headers=headers, body=body, request=request)
    out = list(spider.parse_capture(response))
    if reason:
        assert out == [] and len(failed) == 1
        assert failed[0][0].startswith(reason) and failed[0][1] is True
    else:
        [extracted] = out
        assert extracted["url"] == truth["url"] and failed == []
    spider.state.close()


@pytest.mark.parametrize(
    ("filename", "path"),
    [
        ("crawl-data/CC-MAIN-2024-10/a.warc.gz", "crawl-data/CC-MAIN-2024-10/a.warc.gz"),
        ("a#1.warc.gz", "a%231.warc.gz"),  # no fragment
        ("a?b.warc.gz", "a%3Fb.warc.gz"),  # no query
        ("báo hg.warc.gz", "b%C3%A1o%20hg.warc.gz"),
        ("50%.warc.gz", "50%25.warc.gz"),  # a name, not an escape
    ],
)
def test_a_warc_file_is_asked_at_its_name_whatever_it_holds(tmp_path: Path, filename: str, path: str) -> None:
    spider = recover_spider(tmp_path, warcs="http://127.0.0.1:9/warcs")
    found = Capture("", "20210105083000", ARTICLE, "text/html", "200", "D", "100", "0", filename)
    article = article_of(ARTICLE, spider.sites)
    assert article is not None
    assert spider._capture_request(found, article).url == f"http://127.0.0.1:9/warcs/{path}"
    spider.state.close()


def test_two_captures_of_a_url_in_one_second_keep_the_first_and_say_so(recovery: Recovery) -> None:
    spider = recovery.spider
    first, same, other = capture("20210101000000", digest="A"), capture("20210101000000", digest="A"), capture(
        "20210101000000", digest="B")  # fmt: skip
    assert [spider._found(c) for c in (first, same, other)] == [True, False, False]
    assert spider.captures == {first.key: first}
    assert recovery.crawler.stats.get_value("bhg/recover/captures/same_second") == 1  # not the same payload twice


def line(n: int) -> str:
    """The index line of a capture of the n-th article, in pywb's JSON lines."""
    url = f"https://baohagiang.vn/xa-hoi/202101/tin-khac-{778800 + n}"
    return json.dumps({"timestamp": f"2021010100{n:04d}", "url": url, "mime": "text/html", "status": "200"})


class Archive:
    """A CDX server of ``n`` captures of baohagiang.vn (its other hosts have none), ``per`` lines a page, paged
    by resume key (``k<first line>``) or by number, with faults: ``refuse`` answers each of those requests
    (by its number among those to baohagiang.vn) with its status; ``shrink`` the number of pages at the second
    count; ``same_key`` gives back the first key forever; ``garbage`` adds a malformed line to each page."""

    def __init__(self, n: int = 7, per: int = 3, refuse: dict[int, int] | None = None, shrink: bool = False,
                 same_key: bool = False, garbage: bool = False):  # fmt: skip
        self.n, self.per, self.refuse = n, per, refuse or {}
        self.shrink, self.same_key, self.garbage = shrink, same_key, garbage
        self.asked: list[dict[str, str]] = []  # the queries to baohagiang.vn, in order
        self.counts = 0

    def answer(self, request: scrapy.Request) -> tuple[int, str]:
        query = dict(parse_qsl(urlsplit(request.url).query))
        if query["url"] != "baohagiang.vn/*":
            return 200, '{"pages": 0}' if "showNumPages" in query else ""
        self.asked.append(query)
        status = self.refuse.get(len(self.asked))
        if status:
            return status, "<html>no</html>"
        pages = -(-self.n // self.per)
        if "showNumPages" in query:
            self.counts += 1
            return 200, json.dumps({"pages": pages - (1 if self.shrink and self.counts > 1 else 0)})
        first = int(query["page"]) * self.per if "page" in query else int(query.get("resumeKey", "k0")[1:])
        if first >= self.n:
            return 400, "Page invalid"
        last = min(first + self.per, self.n)
        lines = [line(i) for i in range(first, last)] + (["a b c"] if self.garbage else [])
        if "showResumeKey" in query and last < self.n:
            lines += ["", "k3" if self.same_key else f"k{last}"]
        return 200, "\n".join(lines) + "\n"


def walk(spider: RecoverSpider, archive: Archive, stop_after: int | None = None) -> list[scrapy.Request]:
    """The spider's walks of the index through ``archive``, its answers given to the callbacks, until no page of
    the index is left to ask (or ``stop_after`` answers: a run killed): the capture requests made."""

    async def first() -> list[Any]:
        return [request async for request in spider.start()]

    pending, captures = deque(asyncio.run(first())), []
    while pending:
        request = pending.popleft()
        if request.meta["bhg_kind"] != "INDEX":
            captures.append(request)
            continue
        if stop_after is not None and len(archive.asked) == stop_after and "baohagiang.vn%2F" in request.url:
            break
        status, body = archive.answer(request)
        response = HtmlResponse(request.url, status=status, body=body.encode(), request=request)
        if status == 200:
            pending.extend(request.callback(response))
        else:
            failure = Failure(HttpError(response))  # type: ignore[no-untyped-call]
            failure.request = request  # type: ignore[attr-defined]
            pending.extend(request.errback(failure))
    return captures


def recover_spider(folder: Path, **arguments: str) -> RecoverSpider:
    crawler = project_crawler(RecoverSpider, BHG_STATE=str(folder / "state.sqlite3"))
    spider = RecoverSpider.from_crawler(crawler, cdx=CDX, **arguments)
    crawler.spider = spider
    return spider


@pytest.mark.parametrize(
    ("archive", "pages", "asked", "found", "restarted", "failures"),
    [
        (Archive(), "0", ["", "k3", "k6"], 7, 0, []),  # by resume key
        (Archive(refuse={2: 400}), "0", ["", "k3", "", "k3", "k6"], 7, 1, []),  # a key expired: the walk again
        (Archive(refuse={2: 410, 4: 410}), "0", ["", "k3", "", "k3"], 3, 1, ["HTTP 410 from the CDX server"]),
        (Archive(refuse={1: 404}), "0", [""], 0, 0, ["HTTP 404 from the CDX server"]),  # the first page refused
        (Archive(refuse={2: 503}), "0", ["", "k3"], 3, 0, ["HTTP 503 from the CDX server"]),  # after the back-off
        (Archive(same_key=True), "0", ["", "k3"], 6, 0, []),  # a key given back: no endless walk
        (Archive(), "1", ["count", "0", "1", "2"], 7, 0, []),  # by number
        (Archive(n=9, refuse={4: 400}, shrink=True), "1", ["count", "0", "1", "2", "count", "0", "1"], 6, 1, []),
        (Archive(garbage=True), "0", ["", "k3", "k6"], 7, 0, ["a malformed CDX line: a b c"]),  # noted once
    ],
)  # fmt: skip
def test_a_walk_of_the_index_reads_every_capture_once_whatever_the_archive_answers(
    tmp_path: Path, archive: Archive, pages: str, asked: list[str], found: int, restarted: int, failures: list[str]
) -> None:
    spider = recover_spider(tmp_path, limit="3", pages=pages)
    failed: list[str] = []
    spider.crawler.signals.connect(lambda reason, **_: failed.append(reason), signals.fetch_failed, weak=False)
    requests = walk(spider, archive)
    spider.state.close()
    got = [r.meta["bhg_capture"]["timestamp"] for r in requests]
    assert sorted(got) == sorted(json.loads(line(i))["timestamp"] for i in range(found))  # each once
    said = ["count" if "showNumPages" in q else q.get("page", q.get("resumeKey", "")) for q in archive.asked]
    assert said == asked
    assert spider.crawler.stats.get_value("bhg/recover/index_restarted", 0) == restarted
    assert failed == failures


@pytest.mark.parametrize(("pages", "kill_after", "resumed_at"), [("0", 2, "k6"), ("0", 1, "k3"), ("1", 3, "2")])
def test_a_walk_killed_goes_on_where_it_was(tmp_path: Path, pages: str, kill_after: int, resumed_at: str) -> None:
    killed, archive = recover_spider(tmp_path, limit="3", pages=pages), Archive()
    assert walk(killed, archive, stop_after=kill_after) == []
    killed.state.file.close()  # as the process dies: nothing closes the run
    again, archive = recover_spider(tmp_path, limit="3", pages=pages), Archive()
    requests = walk(again, archive)
    again.state.close()
    first = archive.asked[0]
    assert first.get("page", first.get("resumeKey")) == resumed_at
    assert again.crawler.stats.get_value("bhg/recover/index_resumed") == 1
    assert sorted(r.meta["bhg_capture"]["timestamp"] for r in requests) == sorted(
        json.loads(line(i))["timestamp"] for i in range(archive.n)
    )


def test_a_walk_done_by_a_run_that_died_is_planned_without_asking_and_walked_again_after_a_commit(
    tmp_path: Path,
) -> None:
    died = recover_spider(tmp_path, limit="3")
    walk(died, Archive())
    died.state.file.close()
    planned, archive = recover_spider(tmp_path, limit="3"), Archive()
    assert len(walk(planned, archive)) == archive.n
    assert archive.asked == []  # its lines kept: nothing asked again
    planned.state.commit_run("r2", "finished", {})
    planned.state.close()
    after, archive = recover_spider(tmp_path, limit="3"), Archive()
    assert len(walk(after, archive)) == archive.n
    assert [q.get("resumeKey", "") for q in archive.asked] == ["", "k3", "k6"]  # new captures may be there
    after.state.close()


@pytest.mark.parametrize(
    ("text", "pages"), [('{"pages": 3, "pageSize": 5, "blocks": 12}', 3), ("42", 42), ('{"pages": 0}', 0)]
)
def test_numbers_of_pages(text: str, pages: int) -> None:
    assert parse_num_pages(text) == pages


@pytest.mark.parametrize("text", ['{"blocks": 3}', "-1", "true", '"3"', "<html>"])
def test_what_is_no_number_of_pages(text: str) -> None:
    with pytest.raises(ValueError, match="not a number of pages"):
        parse_num_pages(text)


@pytest.fixture
def local(tmp_path: Path) -> Iterator[RecoverSpider]:
    """The spider on a crawler, reading a local WARC file (empty: the index is set by each test)."""
    (tmp_path / "a.warc.gz").write_bytes(b"")
    crawler = project_crawler(RecoverSpider, BHG_STATE=str(tmp_path / "state.sqlite3"))
    spider = RecoverSpider.from_crawler(crawler, warc_files=str(tmp_path / "*.warc.gz"), since="2021", until="202203")
    crawler.spider = spider
    yield spider
    spider.state.close()


def test_a_capture_of_a_local_file_is_read_from_its_offset_and_its_record_says_where(
    local: RecoverSpider, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="read whole: --replay, --warcs"):
        RecoverSpider(warc_files=str(tmp_path / "a.warc.gz"), warcs="http://127.0.0.1:9/warcs")
    html, truth = saved("bhg-era-a-2018-captions")
    path = str(tmp_path / "a.warc.gz")
    found = Capture("", "20210105083000", truth["url"], "text/html", "200", "D", "120", "4096", path)
    article = article_of(found.original, local.sites)
    assert article is not None
    request = local._capture_request(found, article)
    assert request.url == f"{(tmp_path / 'a.warc.gz').as_uri()}#4096"
    assert request.meta["bhg_warc_file"] == {"path": path, "offset": 4096, "length": 120}
    assert request.meta["bhg_warc_range"] is True
    assert "Range" not in request.headers
    assert local.allowed_domains == []
    response = HtmlResponse(request.url, body=html.encode("utf-8"), encoding="utf-8", request=request,
                            headers={"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
    [record] = list(local._read(response))
    assert record["source"] == {"archive": path, "offset": 4096, "timestamp": "20210105083000",
                                "original_url": truth["url"], "digest": "D"}  # fmt: skip


@pytest.mark.parametrize(
    ("timestamp", "kept"),
    [("20201231235959", False), ("20210101000000", True), ("20220331235959", True), ("20220401000000", False),
     ("2021", True), ("2023", False)],
)  # fmt: skip
def test_local_captures_are_kept_from_since_to_until_as_a_cdx_server_reads_them(
    local: RecoverSpider, timestamp: str, kept: bool
) -> None:
    assert local._in_range(Capture("", timestamp, ARTICLE)) is kept
