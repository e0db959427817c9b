"""Each monitor fires when it should and only then, sets its exit code, and notifies when asked."""

from __future__ import annotations

import json
import shlex
import socketserver
import sys
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from spidermon.contrib.scrapy.extensions import Spidermon

from bhg_crawler.runs.figures import run_kind
from bhg_crawler.runs.outcome import ExitCode, Outcome, outcome_of, run_status
from bhg_crawler.spiders.bhg import BhgSpider
from bhg_crawler.spiders.recover import RecoverSpider
from bhg_crawler.state.binding import attach_state
from bhg_crawler.state.store import StateStore
from tests.helpers import project_crawler

GOOD = {"title": "T", "published_at": "2020-01-01T00:00:00+07:00", "body_text": "B", "section": {"slug": "kinh-te"},
        "images": [{"url": "u"}], "authors": [{"name": "A"}], "related": [{"url": "r"}]}  # fmt: skip


def record(**changes: Any) -> dict[str, Any]:
    return {**GOOD, **changes}


class Judged:
    """A run's close, as the crawl does it: Spidermon's extension with the project's suite."""

    def __init__(self, settings: dict[str, Any] | None = None, past: Sequence[dict[str, Any]] = (),
                 spider: type[BhgSpider | RecoverSpider] = BhgSpider, **arguments: str):  # fmt: skip
        self.crawler = project_crawler(spider, BHG_STATE="", BHG_EXPORTS="", **(settings or {}))
        self.store = attach_state(self.crawler, StateStore(""))
        for at, figures in enumerate(past):
            self.store.begin_run(f"past-{at}", "exports")
            self.store.commit_run(f"past-{at}", "complete", {}, figures)
        self.spider = spider.from_crawler(self.crawler, **arguments)
        self.crawler.spider = self.spider
        assert self.crawler.stats is not None
        self.crawler.stats.open_spider()
        self.stats = self.crawler.stats
        self.extension = Spidermon.from_crawler(self.crawler)
        self.extension.spider_opened(self.spider)

    def close(
        self,
        records: list[dict[str, Any]],
        reason: str = "finished",
        mode: str = "incremental",
        fallback: int = 0,
        always: tuple[str, ...] = (),
        **stats: int,
    ) -> Outcome:
        """Exports ``records`` (``fallback`` of them with their body through a fallback layer, and every one with
        the ``always`` fields so) and closes the run."""
        for item in records:
            self.extension.item_scraped(item, None, self.spider)
        self.stats.set_value("item_scraped_count", len(records))
        through = len(records) if always else fallback
        self.stats.set_value("bhg/extraction/selectors", len(records) - through)
        self.stats.set_value("bhg/extraction/metadata", through)
        self.stats.set_value("bhg/extraction/fallback/body_text", fallback)
        for field in always:
            self.stats.set_value(f"bhg/extraction/fallback/{field}", len(records))
        self.stats.set_value("bhg/mode", mode)
        self.stats.set_value("downloader/request_count", max(100, len(records)))
        self.stats.set_value("finish_reason", reason)
        for name, value in stats.items():
            self.stats.set_value(name.replace("__", "/"), value)
        self.extension.spider_closed(self.spider)
        return outcome_of(self.stats.get_stats())


def past_runs(
    count: int, articles: int = 100, share: float = 0.0, kind: str = "bhg incremental {}", always: tuple[str, ...] = ()
) -> list[Any]:
    by_field = {"body_text": share, **dict.fromkeys(always, 1.0)}
    return [{"kind": kind, "site": "baohagiang.vn", "articles": articles, "records": articles,
             "fallback_share": 1.0 if always else share, "fallback_by_field": by_field}] * count  # fmt: skip


def test_a_good_run_passes_every_monitor() -> None:
    judged = Judged(past=past_runs(3))
    outcome = judged.close([record()] * 100)
    assert outcome.code == ExitCode.OK, outcome
    assert judged.stats.get_value("bhg/monitors/ran") == 11
    assert not [k for k in judged.stats.get_stats() if k.startswith("bhg/monitors/failed/")]


def test_a_run_with_nothing_new_is_told_apart() -> None:
    assert Judged().close([]).code == ExitCode.NOTHING_NEW


def test_raised_errors_fail_the_run() -> None:
    outcome = Judged().close([record()] * 30, bhg__errors__callback=1)
    assert outcome == Outcome(ExitCode.FAILED, "1 pages or records raised errors (see the log)")


@pytest.mark.parametrize(("reason", "code"), [("finished", ExitCode.OK), ("shutdown", ExitCode.STOPPED),
                                              ("closespider_timeout", ExitCode.STOPPED)])  # fmt: skip
def test_finish_reason(reason: str, code: ExitCode) -> None:
    assert Judged().close([record()] * 30, reason=reason).code == code  # the words: below


@pytest.mark.parametrize(
    ("failures", "code", "reason"),
    [
        ({"error": 5}, ExitCode.OK, None),
        ({"error": 6}, ExitCode.CRAWL_ERRORS, "6 of 100 requests failed or were refused (more than 5.0%): 6 errors"),
        ({"refused/size": 6}, ExitCode.CRAWL_ERRORS,
         "6 of 100 requests failed or were refused (more than 5.0%): 0 errors, refused 6 size"),
        ({"error": 2, "refused/not_html": 2, "refused/redirect": 2}, ExitCode.CRAWL_ERRORS,
         "6 of 100 requests failed or were refused (more than 5.0%): 2 errors, refused 2 not_html, 2 redirect"),
        ({"refused/other": 3, "refused/size": 2}, ExitCode.OK, None),
        ({"refused/robots": 60}, ExitCode.OK, None),  # the site owner's wish: counted, no crawl error
        ({"refused/robots_unavailable": 60}, ExitCode.OK, None),  # exit 13's (its own monitor)
        ({"refused/robots": 60, "error": 6}, ExitCode.CRAWL_ERRORS,
         "6 of 100 requests failed or were refused (more than 5.0%): 6 errors"),
        # a recovery's captures noted with no request (a damaged local WARC file, an index's 5xx) are requests
        ({"error": 6, "unrequested": 20}, ExitCode.OK, None),
        ({"error": 7, "unrequested": 20}, ExitCode.CRAWL_ERRORS,
         "7 of 120 requests failed or were refused (more than 5.0%): 7 errors"),

        # an archive host gone (connections refused in a row): its captures left not asked, whatever the ratio
        ({"error": 3, "archive_gone": 1}, ExitCode.CRAWL_ERRORS,
         "1 archive host refused connection after connection: the captures left were not asked, the next "
         "run asks them; 3 of 100 requests failed or were refused: 3 errors"),
        ({"error": 60, "archive_gone": 1}, ExitCode.CRAWL_ERRORS,
         "1 archive host refused connection after connection: the captures left were not asked, the next "
         "run asks them; 60 of 100 requests failed or were refused (more than 5.0%): 60 errors"),
        ({"error": 62, "unrequested": 50, "archive_gone": 2}, ExitCode.CRAWL_ERRORS,  # 50 captures not asked
         "2 archive hosts refused connection after connection: the captures left were not asked, the next "
         "run asks them; 62 of 150 requests failed or were refused (more than 5.0%): 62 errors"),
    ],
)  # fmt: skip
def test_error_ratio(failures: dict[str, int], code: ExitCode, reason: str | None) -> None:
    judged = Judged()
    for stat, count in failures.items():
        named = {"unrequested": "bhg/recover/unrequested", "archive_gone": "bhg/recover/archive_gone"}
        judged.stats.set_value(named.get(stat, f"bhg/failures/{stat}"), count)
    outcome = judged.close([record()] * 30, bhg__failures__gone=40)
    assert outcome.code == code
    assert outcome.reason == (reason or "30 records exported")


@pytest.mark.parametrize(
    ("missed", "code"), [(0, ExitCode.OK), (1, ExitCode.PAGES_MISSED), (12, ExitCode.PAGES_MISSED)]
)
def test_listing_pages_a_walk_missed_fail_the_run(missed: int, code: ExitCode) -> None:
    outcome = Judged().close([record()] * 30, bhg__listings__missed=missed)
    assert outcome.code == code
    if missed:
        assert outcome.reason.startswith(f"{missed} listing pages a walk did not fetch")


@pytest.mark.parametrize(
    ("cut", "code", "reason"),
    [
        (0, ExitCode.OK, "30 records exported"),
        (1, ExitCode.PAGES_MISSED, "1 walks of the index were cut at --limit lines with no resume key to read on: "
                                   "the captures after them were never seen (recover with no --limit, or --pages)"),
        (2, ExitCode.PAGES_MISSED, "2 walks of the index were cut at --limit lines"),
    ],
)  # fmt: skip
def test_an_index_walk_cut_at_the_limit_fails_the_run(cut: int, code: ExitCode, reason: str) -> None:
    outcome = Judged().close([record()] * 30, bhg__recover__index_cut=cut)
    assert outcome.code == code
    assert outcome.reason.startswith(reason)


@pytest.mark.parametrize(
    ("stats", "code", "reason"),
    [
        ({}, ExitCode.OK, "30 records exported"),
        ({"bhg__robots__unavailable": 1, "bhg__robots__refused": 40}, ExitCode.ROBOTS_UNAVAILABLE,
         "the robots.txt of 1 host gave no answer to read (5xx, or no connection): 40 requests to them not made"),
        ({"bhg__robots__unavailable": 1, "bhg__robots__refused": 3, "bhg__listings__missed": 2},
         ExitCode.ROBOTS_UNAVAILABLE, "the robots.txt of 1 host"),  # before the pages it kept the walk from
    ],
)  # fmt: skip
def test_a_host_whose_robots_txt_did_not_answer_fails_the_run(
    stats: dict[str, int], code: ExitCode, reason: str
) -> None:
    outcome = Judged().close([record()] * 30, "finished", "incremental", 0, (), **stats)
    assert (outcome.code, outcome.reason.startswith(reason)) == (code, True)


@pytest.mark.parametrize(("rejects", "code"), [(0, ExitCode.OK), (1, ExitCode.REJECTS)])
def test_validation(rejects: int, code: ExitCode) -> None:
    assert Judged().close([record()] * 50, bhg__rejects=rejects).code == code


def test_rejects_with_a_threshold_of_their_own() -> None:
    assert Judged({"BHG_MAX_REJECT_RATIO": 0.05}).close([record()] * 50, bhg__rejects=2).code == ExitCode.OK


def test_a_field_that_must_always_be_there_fails_the_run_at_once() -> None:
    outcome = Judged().close([record()] * 4 + [record(body_text="")])
    assert outcome.code == ExitCode.COVERAGE
    assert (
        outcome.reason == "fields missing from the 5 records exported: body_text in 80% of the records (at least 100%)"
    )


def test_a_field_that_is_mostly_there_is_judged_on_large_runs_only() -> None:
    few = [record(authors=[])] * 3 + [record()] * 2
    assert Judged().close(few).code == ExitCode.OK
    many = [record(authors=[])] * 12 + [record()] * 10
    outcome = Judged().close(many)
    assert outcome.code == ExitCode.COVERAGE
    assert "authors in 45% of the records (at least 50%)" in outcome.reason
    assert Judged({"BHG_FIELD_COVERAGE": {"authors": 0.4}}).close(many).code == ExitCode.OK


@pytest.mark.parametrize(("fallback", "code"), [(0, ExitCode.OK), (25, ExitCode.OK), (26, ExitCode.DRIFT)])
def test_extraction_drift_against_the_past_runs(fallback: int, code: ExitCode) -> None:
    outcome = Judged(past=past_runs(3)).close([record()] * 100, fallback=fallback)
    assert outcome.code == code
    if code == ExitCode.DRIFT:
        assert outcome.reason.startswith("records needed a fallback layer for body_text in 26% of the records, "
                                         "against 0% in the past runs")  # fmt: skip


def test_no_drift_is_judged_without_past_runs_or_on_small_runs() -> None:
    assert Judged().close([record()] * 100, fallback=100).code == ExitCode.OK  # the first run: no past
    full = past_runs(3, kind="bhg full {}")
    assert Judged(past=full).close([record()] * 10, fallback=10).code == ExitCode.OK
    small_past = past_runs(3, articles=5)
    assert Judged(past=small_past).close([record()] * 100, fallback=100).code == ExitCode.OK


def test_drift_is_judged_field_by_field_on_a_site_whose_every_record_needs_a_fallback() -> None:
    """A site whose title markup is unknown reads every title by its patterns: the body's selectors failing too is
    still a drift, though every record needed a fallback layer before as after."""
    past = past_runs(3, always=("title",))
    assert Judged(past=past).close([record()] * 100, always=("title",)).code == ExitCode.OK
    outcome = Judged(past=past).close([record()] * 100, fallback=100, always=("title",))
    assert outcome.code == ExitCode.DRIFT
    assert "body_text in 100% of the records, against 0%" in outcome.reason and "title" not in outcome.reason
    older = [{**run, "fallback_by_field": None} for run in past]  # figures kept before fields were counted
    assert Judged(past=older).close([record()] * 100, fallback=100, always=("title",)).code == ExitCode.OK


def test_drift_compares_runs_of_any_kind_on_the_site() -> None:
    past = past_runs(2, kind='bhg full {"full": "1"}')
    assert Judged(past=past).close([record()] * 100, fallback=100).code == ExitCode.DRIFT


CDX = "http://127.0.0.1:9/bhg/cdx"


def recovery_runs(count: int, share: float, **arguments: str) -> list[Any]:
    """The figures of past recoveries with these arguments, ``share`` of their records' bodies by a fallback."""
    kind = run_kind(RecoverSpider(cdx=CDX, **arguments), {"bhg/mode": "recover"})
    return past_runs(count, share=share, kind=kind)


@pytest.mark.parametrize(
    ("past", "code"),
    [
        (recovery_runs(3, 0.0, since="2025"), ExitCode.OK),  # another window: other years' markup, not judged
        (recovery_runs(3, 0.0) + past_runs(2), ExitCode.OK),  # no window, and crawls: neither its kind
        (recovery_runs(3, 0.0, since="2019"), ExitCode.DRIFT),  # its own kind, whose records needed none
        (recovery_runs(3, 0.9, since="2019"), ExitCode.OK),  # its own kind, whose records needed as many
    ],
)
def test_a_recovery_is_judged_for_drift_against_the_recoveries_of_its_kind_alone(
    past: list[dict[str, Any]], code: ExitCode
) -> None:
    judged = Judged(past=past, spider=RecoverSpider, cdx=CDX, since="2019")
    assert judged.close([record()] * 100, mode="recover", fallback=100).code == code


def test_a_crawl_is_not_judged_for_drift_against_recoveries() -> None:
    """Recoveries of old captures need the fallback layers for old markup: they do not raise a crawl's past."""
    past = past_runs(2) + recovery_runs(3, 1.0)
    outcome = Judged(past=past).close([record()] * 100, fallback=100)
    assert outcome.code == ExitCode.DRIFT
    assert "body_text in 100% of the records, against 0% in the past runs" in outcome.reason


@pytest.mark.parametrize(
    ("stats", "code", "reason"),
    [
        ({}, ExitCode.OK, "30 records exported"),  # no index planned (not a recovery, or stopped before)
        ({"bhg__recover__article_captures": 3}, ExitCode.OK, "30 records exported"),
        ({"bhg__recover__article_captures": 0, "bhg__recover__index_lines": 12}, ExitCode.EMPTY_INDEX,
         "the index held no capture of an article of the site (12 index lines read): check the archive, its "
         "collection, --site, --from and --to"),
        ({"bhg__recover__article_captures": 0, "bhg__failures__error": 1, "downloader__request_count": 2},
         ExitCode.CRAWL_ERRORS, "1 of 2 requests failed"),  # the index that failed says why it held nothing
    ],
)  # fmt: skip
def test_a_recovery_whose_index_held_no_article_is_no_quiet_hour(
    stats: dict[str, int], code: ExitCode, reason: str
) -> None:
    outcome = Judged(spider=RecoverSpider, cdx=CDX).close([record()] * 30, "finished", "recover", 0, (), **stats)
    assert (outcome.code, outcome.reason.startswith(reason)) == (code, True), outcome


@pytest.mark.parametrize(("articles", "code"), [(50, ExitCode.OK), (49, ExitCode.FEWER_ARTICLES)])
def test_article_count_against_the_past_runs_of_its_kind(articles: int, code: ExitCode) -> None:
    outcome = Judged(past=past_runs(3)).close([record()] * articles)
    assert outcome.code == code
    if code != ExitCode.OK:
        assert outcome.reason.startswith("49 articles, against 100 in the past 3 runs of this kind (at least 50%)")


@pytest.mark.parametrize(
    ("records", "found", "code"),
    [
        (10, {"bhg__articles__not_modified": 90}, ExitCode.OK),  # revisits answered 304
        (1, {"bhg__articles__known": 48, "bhg__articles__not_modified": 1}, ExitCode.OK),  # a walk repaired
        (1, {"bhg__articles__known": 47, "bhg__articles__not_modified": 1}, ExitCode.FEWER_ARTICLES),
    ],
)
def test_article_count_counts_every_article_found(records: int, found: dict[str, int], code: ExitCode) -> None:
    assert Judged(past=past_runs(3)).close([record()] * records, "finished", "incremental", 0, (), **found).code == code


def test_article_count_compares_only_runs_of_the_same_kind() -> None:
    full = past_runs(3, articles=2000, kind="bhg full {}")
    assert Judged(past=full).close([record()] * 30).code == ExitCode.OK
    other = past_runs(3, kind='bhg incremental {"sections": "kinh-te"}')
    assert Judged(past=other).close([record()] * 30).code == ExitCode.OK
    assert Judged(past=other, sections="kinh-te").close([record()] * 30).code == ExitCode.FEWER_ARTICLES


def test_the_first_failure_in_precedence_sets_the_code_and_every_reason_is_kept() -> None:
    judged = Judged(past=past_runs(3))
    outcome = judged.close([record(title="")] * 30, reason="shutdown", bhg__rejects=9, fallback=30)
    assert outcome.code == ExitCode.STOPPED
    stats = judged.stats.get_stats()
    for code in (ExitCode.STOPPED, ExitCode.REJECTS, ExitCode.COVERAGE, ExitCode.DRIFT, ExitCode.FEWER_ARTICLES):
        assert stats[f"bhg/monitors/failed/{code.name.lower()}"], code


def test_a_run_the_monitors_did_not_judge_is_a_failure() -> None:
    assert outcome_of({"finish_reason": "finished", "item_scraped_count": 5}).code == ExitCode.FAILED


# -- notifications ------------------------------------------------------------------------------


def python_command(script: str) -> str:
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}"


def test_no_notification_is_sent_unless_configured() -> None:
    judged = Judged()
    judged.close([record()] * 30, reason="shutdown")
    assert not [k for k in judged.stats.get_stats() if k.startswith("bhg/notify/")]


def test_a_command_is_told_of_a_failed_run(tmp_path: Path) -> None:
    out = tmp_path / "message.txt"
    command = python_command(
        f"import os, sys; open({str(out)!r}, 'w').write(os.environ['BHG_EXIT_CODE'] + '\\n' + sys.stdin.read())"
    )
    judged = Judged({"BHG_NOTIFY_COMMAND": command, "BHG_RUN_ID": "r1"})
    judged.close([record()] * 30, reason="shutdown")
    code, subject, *text = out.read_text().splitlines()
    assert code == "6"
    assert subject == "bhg-crawler run r1: stopped (exit 6)"
    assert any("the run stopped before its end: it was interrupted (SIGTERM or SIGINT)" in line for line in text)
    assert judged.stats.get_value("bhg/notify/sent/command") == 1


def test_a_good_run_notifies_no_one(tmp_path: Path) -> None:
    out = tmp_path / "message.txt"
    command = python_command(f"open({str(out)!r}, 'w')")
    Judged({"BHG_NOTIFY_COMMAND": command}).close([record()] * 30)
    assert not out.exists()


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200 if self.path == "/hook" else 404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()
    server.server_close()


def test_a_slack_webhook_is_told_of_a_failed_run(webhook: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = webhook
    judged = Judged({"BHG_NOTIFY_SLACK_WEBHOOK": f"{url}/hook", "BHG_RUN_ID": "r2"})
    judged.close([record()] * 30, bhg__rejects=5)
    [message] = received
    assert message["text"].startswith("*bhg-crawler run r2: rejects (exit 5)*")
    assert "Validation: 5 of 35 records failed validation" in message["text"]


def test_a_channel_that_fails_is_logged_and_counted_and_the_others_still_go(
    webhook: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    url, received = webhook
    out = tmp_path / "message.txt"
    command = python_command(f"open({str(out)!r}, 'w')")
    judged = Judged({"BHG_NOTIFY_SLACK_WEBHOOK": f"{url}/wrong", "BHG_NOTIFY_COMMAND": command})
    outcome = judged.close([record()] * 30, reason="shutdown")
    assert outcome.code == ExitCode.STOPPED  # the outcome is the run's, whatever the notifications do
    assert judged.stats.get_value("bhg/notify/failed/slack") == 1
    assert judged.stats.get_value("bhg/notify/sent/command") == 1
    assert received and out.exists()


class Smtp(socketserver.StreamRequestHandler):
    """Enough of SMTP to take one message."""

    received: ClassVar[list[str]] = []

    def handle(self) -> None:
        self.wfile.write(b"220 localhost\r\n")
        data = False
        lines: list[str] = []
        for raw in self.rfile:
            line = raw.decode().rstrip("\r\n")
            if data:
                if line == ".":
                    data = False
                    self.received.append("\n".join(lines))
                    self.wfile.write(b"250 OK\r\n")
                else:
                    lines.append(line)
                continue
            verb = line.split(" ")[0].upper()
            if verb == "DATA":
                data = True
                self.wfile.write(b"354 go on\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


def test_email_tells_of_a_failed_run() -> None:
    server = socketserver.TCPServer(("127.0.0.1", 0), Smtp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = {"BHG_NOTIFY_EMAIL": "ops@example.org", "BHG_SMTP_HOST": "127.0.0.1",
                    "BHG_SMTP_PORT": server.server_address[1], "BHG_RUN_ID": "r3"}  # fmt: skip
        judged = Judged(settings)
        judged.close([record()] * 30, bhg__errors__item=2)
    finally:
        server.shutdown()
        server.server_close()
    [message] = Smtp.received
    assert "Subject: bhg-crawler run r3: failed (exit 1)" in message
    assert "To: ops@example.org" in message
    assert "2 pages or records raised errors" in message
    assert judged.stats.get_value("bhg/notify/sent/email") == 1


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("shutdown", "it was interrupted (SIGTERM or SIGINT)"),
        ("closespider_timeout", "it ran out of time (--max-runtime, CLOSESPIDER_TIMEOUT)"),
        ("closespider_pagecount", "it reached its number of responses (--max-requests, CLOSESPIDER_PAGECOUNT)"),
        ("memusage_exceeded", "it used more memory than MEMUSAGE_LIMIT_MB"),
        ("cancelled", 'Scrapy ended it with "cancelled"'),
    ],
)
def test_a_stopped_run_says_why_in_words(reason: str, words: str) -> None:
    outcome = Judged({}).close([record()] * 30, reason=reason)
    assert outcome.code == ExitCode.STOPPED
    assert outcome.reason == f"the run stopped before its end: {words}; the next run goes on from where it stopped"


@pytest.mark.parametrize(
    ("reason", "code", "status"),
    [
        ("finished", ExitCode.OK, "complete"),
        ("finished", ExitCode.NOTHING_NEW, "complete"),
        ("finished", ExitCode.REJECTS, "complete"),  # every page fetched: what it found is the matter
        ("finished", ExitCode.COVERAGE, "complete"),
        ("finished", ExitCode.DRIFT, "complete"),
        ("finished", ExitCode.FEWER_ARTICLES, "complete"),
        ("finished", ExitCode.EMPTY_INDEX, "complete"),  # a recovery that read its index: nothing there
        ("finished", ExitCode.FAILED, "partial"),  # a page that raised: not read
        ("finished", ExitCode.CRAWL_ERRORS, "partial"),  # pages not fetched, in the ledger for the next run
        ("finished", ExitCode.PAGES_MISSED, "partial"),
        ("finished", ExitCode.ROBOTS_UNAVAILABLE, "partial"),  # a first run with no way to the site
        ("finished", ExitCode.STOPPED, "partial"),
        ("shutdown", ExitCode.STOPPED, "partial"),
        ("closespider_timeout", ExitCode.STOPPED, "partial"),
        ("shutdown", ExitCode.OK, "partial"),  # however it was judged, the crawl did not end
    ],
)
def test_a_run_is_complete_only_when_it_finished_and_left_no_page_undone(
    reason: str, code: ExitCode, status: str
) -> None:
    assert run_status(reason, Outcome(code, "")) == status
