"""Faults, kills and hostile input: nothing lost, nothing duplicated, nothing written where it should not be."""

from __future__ import annotations

import io
import logging
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from bench.faults import FOLDERS, run_suite
from bhg_crawler.middlewares import EncodingMiddleware, RedirectGuardMiddleware
from bhg_crawler.outcome import ExitCode
from bhg_crawler.redact import RedactingFilter, public, secret_values
from bhg_crawler.replica import faults
from bhg_crawler.replica.site import Site
from bhg_crawler.state import NO_ANSWER, StateStore
from tests.test_incremental import command, exported, manifests, replica

TEXT = "Lãnh đạo tỉnh làm việc với huyện Quản Bạ, Đồng Văn và Mèo Vạc: ượu, ễ, ỡ"


def test_the_fault_suite_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    for name in FOLDERS:
        (tmp_path / name).mkdir()
    report = run_suite(articles=120, kills=3, seed=7, work=tmp_path, out=io.StringIO())
    assert report.problems == []
    assert report.lost == []
    assert report.duplicated == []
    assert report.kills_survived == report.kills == 3
    assert report.exported_at_end == report.articles == 120
    assert report.in_ledger > 0 and report.exported_under_faults + report.in_ledger == report.articles
    assert len(report.injected) >= 10  # most kinds of fault were acted out
    assert report.offsite_requests == 0
    assert report.stray_files == []
    assert report.secrets_written == []


def slot_with(site: Site, kind: str) -> str:
    for slot in site.catalog.live:
        path = site.writer.path(slot)
        fault = faults.fault_of(site.catalog.seed, site.faults, path)
        if fault is not None and fault.kind == kind:
            return path
    raise AssertionError(f"no article with {kind}")


@pytest.fixture(scope="module")
def faulty() -> Site:
    return Site(seed=3, articles=600, fault_profile="mixed")


@pytest.mark.parametrize("kind", faults.KINDS)
def test_each_fault_is_acted_out(faulty: Site, kind: str) -> None:
    path = slot_with(faulty, kind)
    clean = Site(seed=3, articles=600).respond("baohagiang.vn", path)
    answer = faulty.respond("baohagiang.vn", path)
    assert faulty.injected[kind] >= 1
    expected = {
        "server_error": lambda r: r.status in (500, 502, 504),
        "rate_limited": lambda r: r.status == 429 and r.headers["Retry-After"] == "1",
        "timeout": lambda r: r.delay == faults.TIMEOUT_SECONDS and r.body == clean.body,
        "slow": lambda r: r.trickle == faults.SLOW_SECONDS and r.body == clean.body,
        "reset": lambda r: r.cut == "reset",
        "truncated": lambda r: r.cut == "truncate",
        "empty": lambda r: r.status == 200 and r.body == b"",
        "garbage": lambda r: r.status == 200 and b"<html" not in r.body,
        "cp1258_as_utf8": lambda r: r.body == faults.windows_1258(clean.body.decode()) and "utf-8" in r.content_type,
        "utf8_as_cp1258": lambda r: r.body == clean.body and r.content_type.endswith("windows-1258"),
        "redirect_loop": lambda r: r.status == 302 and r.headers["Location"] == path,
        "offsite_redirect": lambda r: r.status == 302 and r.headers["Location"].startswith(faults.OFFSITE),
        "huge": lambda r: len(r.body) > faults.HUGE_BYTES,
        "gzip_bomb": lambda r: r.headers["Content-Encoding"] == "gzip" and len(r.body) < 1_000_000,
        "not_html": lambda r: r.content_type == "application/pdf",
        "malformed": lambda r: b"\x00" in r.body and len(r.body) < len(clean.body),
    }[kind]
    assert expected(answer), kind


def test_a_passing_fault_passes_and_the_content_never_changes() -> None:
    faulty = Site(seed=3, articles=600, fault_profile="mixed")  # its own: no answer given yet
    path = slot_with(faulty, "server_error")
    fault = faults.fault_of(3, faulty.faults, path)
    assert fault is not None and fault.times >= 1
    answers = [faulty.respond("baohagiang.vn", path).status for _ in range(fault.times + 1)]
    assert answers[-1] == 200 and all(status >= 500 for status in answers[:-1])
    assert faults.fault_of(3, faults.profile_named("none"), path) is None
    assert "Disallow: /the-thao/" in faulty.respond("baohagiang.vn", "/robots.txt").body.decode()


def test_windows_1258_reads_back_as_the_same_text() -> None:
    encoded = faults.windows_1258(TEXT)
    assert encoded.decode("cp1258") != TEXT  # tone marks apart from their letters
    import unicodedata

    assert unicodedata.normalize("NFC", encoded.decode("cp1258")) == TEXT


def encoding_middleware() -> EncodingMiddleware:
    crawler = get_crawler(Spider)
    crawler.spider = Spider(name="bhg")
    return EncodingMiddleware.from_crawler(crawler)


@pytest.mark.parametrize(
    ("body", "declared", "read"),
    [
        (faults.windows_1258(TEXT), "utf-8", "cp1258"),
        (TEXT.encode(), "windows-1258", "utf-8"),
        (TEXT.encode(), "utf-8", "utf-8"),
        (faults.windows_1258(TEXT), "windows-1258", "cp1258"),
        (b"plain ascii", "windows-1258", "cp1258"),
    ],
)
def test_a_wrongly_declared_encoding_is_read_right(body: bytes, declared: str, read: str) -> None:
    request = Request("https://baohagiang.vn/a")
    page = b"<html><body><p>" + body + b"</p></body></html>"
    response = HtmlResponse(request.url, body=page, headers={"Content-Type": f"text/html; charset={declared}"})
    fixed = encoding_middleware().process_response(request, response)
    assert isinstance(fixed, HtmlResponse)
    assert fixed.encoding == read or (read == "cp1258" and fixed.encoding == "cp1258")
    if body != b"plain ascii":
        import unicodedata

        assert TEXT in unicodedata.normalize("NFC", fixed.text)


def redirect(location: str, *chain: str) -> tuple[Request, Response]:
    request = Request("https://baohagiang.vn/a/202001/x-123456", meta={"redirect_urls": list(chain)})
    return request, Response(request.url, status=302, headers={"Location": location}, request=request)


def guard() -> RedirectGuardMiddleware:
    crawler = get_crawler(Spider)
    crawler.spider = Spider(name="bhg", allowed_domains=["baohagiang.vn"])
    return RedirectGuardMiddleware.from_crawler(crawler)


def test_redirects_within_the_site_pass() -> None:
    request, response = redirect("https://www.baohagiang.vn/a/202001/x-123456")
    assert guard().process_response(request, response) is response
    request, response = redirect("/a/202001/x-123456/")
    assert guard().process_response(request, response) is response


def test_a_redirect_to_another_host_is_refused_with_its_reason() -> None:
    request, response = redirect("https://bhg-mirror.example.net/a")
    with pytest.raises(IgnoreRequest, match=r"a redirect to another host: https://bhg-mirror\.example\.net/a"):
        guard().process_response(request, response)


def test_a_redirect_loop_is_refused_with_its_reason() -> None:
    request, response = redirect("https://baohagiang.vn/b", "https://baohagiang.vn/b")
    with pytest.raises(IgnoreRequest, match="a redirect loop"):
        guard().process_response(request, response)
    request, response = redirect(request.url)
    with pytest.raises(IgnoreRequest, match="a redirect loop"):
        guard().process_response(request, response)


def test_the_ledger_keeps_what_was_not_exported_and_lets_go_of_what_was(
    tmp_path: Path, open_store: Callable[..., StateStore]
) -> None:
    store = open_store(str(tmp_path / "state.sqlite3"))
    try:
        store.begin_run("r1", "exports")
        for n in range(4):
            store.discovered(f"baohagiang.vn:{n}", f"https://baohagiang.vn/x/202001/a-{n}00000")
        store.failed("baohagiang.vn:1", "https://baohagiang.vn/x/202001/a-100000", "HTTP 503")
        store.failed("baohagiang.vn:2", "https://baohagiang.vn/x/202001/a-200000", "HTTP 404", retry=False)
        store.fetched("baohagiang.vn:0", "https://baohagiang.vn/x/202001/a-000000", 304, datetime.now(UTC))
        store.commit_run("r1", "complete", {})
        waiting = {entry["record_id"]: entry for entry in store.ledger("baohagiang.vn")}
        assert set(waiting) == {"baohagiang.vn:1", "baohagiang.vn:2", "baohagiang.vn:3"}
        assert waiting["baohagiang.vn:1"]["reason"] == "HTTP 503"
        assert waiting["baohagiang.vn:3"]["reason"] == NO_ANSWER
        assert [e["record_id"] for e in store.ledger("baohagiang.vn", retry_only=True)] == [
            "baohagiang.vn:1", "baohagiang.vn:3"]  # fmt: skip
        store.begin_run("r2", "exports")
        store.discovered("baohagiang.vn:1", "https://baohagiang.vn/x/202001/a-100000")
        store.failed("baohagiang.vn:1", "https://baohagiang.vn/x/202001/a-100000", "HTTP 502")
        store.commit_run("r2", "complete", {})
        again = {entry["record_id"]: entry for entry in store.ledger("baohagiang.vn")}
        assert again["baohagiang.vn:1"]["attempts"] == 2
        assert again["baohagiang.vn:1"]["reason"] == "HTTP 502"
        store.begin_run("r3", "exports")  # exported, then met again at a URL that fails: not lost
        url = "https://baohagiang.vn/x/202001/a-300000"
        store.exporting({"record_id": "baohagiang.vn:3", "url": url, "url_aliases": [], "content_sha256": "3" * 64,
                         "version": 1, "fetched_at": "2026-11-25T03:00:00Z", "published_at": None})  # fmt: skip
        store.commit_run("r3", "complete", {})
        store.begin_run("r4", "exports")
        store.discovered("baohagiang.vn:3", "https://baohagiang.vn/the-thao/202001/a-300000")
        store.failed("baohagiang.vn:3", "https://baohagiang.vn/the-thao/202001/a-300000", "Forbidden by robots.txt")
        store.commit_run("r4", "complete", {})
        assert "baohagiang.vn:3" not in {entry["record_id"] for entry in store.ledger("baohagiang.vn")}
    finally:
        store.close()


def test_the_next_run_retries_the_ledger_first(tmp_path: Path) -> None:
    site_args = {"articles": 150}
    with replica(0, **site_args, faults="mixed") as (url, _):
        first = subprocess.run(command(url, 0, tmp_path, "-s", "DOWNLOAD_TIMEOUT=2", "-s", "BHG_BACKOFF_BASE=0.5"),
                               capture_output=True, text=True, check=False)  # fmt: skip
    assert first.returncode in (ExitCode.OK, ExitCode.CRAWL_ERRORS, ExitCode.REJECTS), first.stderr[-2000:]
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        retryable = db.execute("SELECT count(*) FROM ledger WHERE retry").fetchone()[0]
    assert retryable > 0
    listed = subprocess.run([sys.executable, "-m", "bhg_crawler", "ledger", "--state", str(tmp_path / "state.sqlite3")],
                            capture_output=True, text=True, check=True)  # fmt: skip
    header, *rows = listed.stdout.splitlines()
    assert header.split("\t") == ["record_id", "attempts", "retry", "last_at", "reason", "url"]
    assert sum(row.split("\t")[2] == "yes" for row in rows) == retryable
    assert "Forbidden by robots.txt" in listed.stdout
    with replica(0, **site_args) as (url, site):
        second = subprocess.run(command(url, 0, tmp_path), capture_output=True, text=True, check=False)
    assert second.returncode == ExitCode.OK, second.stderr[-2000:]
    later = manifests(tmp_path)[-1]
    stats = (tmp_path / "exports" / "runs" / "stats" / f"{later['run_id']}.json").read_text()
    assert f'"bhg/article_requests/retry": {retryable}' in stats
    ids = [r["article_id"] for m in manifests(tmp_path) for r in exported(tmp_path, m)]
    assert sorted(ids) == sorted(slot.article_id for slot in site.catalog.live)  # each exactly once


def limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))


def test_a_full_disk_fails_the_run_and_keeps_nothing(tmp_path: Path) -> None:
    with replica(0, 600) as (url, site):
        full = subprocess.run(command(url, 0, tmp_path), capture_output=True, text=True, check=False,
                              preexec_fn=limit_file_size)  # fmt: skip
        assert full.returncode == ExitCode.EXPORT_FAILED, full.stdout + full.stderr[-2000:]
        assert "the exports could not be written: [Errno 27] File too large" in full.stdout
        assert manifests(tmp_path) == []
        assert not [p for p in (tmp_path / "exports").rglob("*") if p.is_file() and p.name != "heartbeat.json"]
        with sqlite3.connect(tmp_path / "state.sqlite3") as db:
            assert db.execute("SELECT count(*) FROM articles WHERE version >= 1").fetchone()[0] == 0
        after = subprocess.run(command(url, 0, tmp_path), capture_output=True, text=True, check=False)
    assert after.returncode == ExitCode.OK, after.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    ids = [record["article_id"] for record in exported(tmp_path, manifest)]
    assert sorted(ids) == sorted(slot.article_id for slot in site.catalog.live)


def test_runs_on_different_states_do_not_interfere(tmp_path: Path) -> None:
    with replica(0, 200) as (url, site):
        results: dict[str, subprocess.CompletedProcess[str]] = {}

        def run(name: str) -> None:
            results[name] = subprocess.run(command(url, 0, tmp_path / name), capture_output=True, text=True,
                                           check=False)  # fmt: skip

        threads = [threading.Thread(target=run, args=(name,)) for name in ("one", "two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for name in ("one", "two"):
        assert results[name].returncode == ExitCode.OK, results[name].stderr[-2000:]
        [manifest] = manifests(tmp_path / name)
        assert len(exported(tmp_path / name, manifest)) == len(site.catalog.live)


def test_secrets_never_reach_the_log() -> None:
    crawler = get_crawler(Spider, {"BHG_SMTP_PASSWORD": "s3cret-pass", "BHG_VIA": "http://me:pw-1234@127.0.0.1:9"})
    secrets = secret_values(crawler.settings)
    assert secrets == ["s3cret-pass", "me:pw-1234"]
    record = logging.LogRecord(
        "bhg", logging.INFO, __file__, 1, "proxy %s, password %s", ("http://me:pw-1234@h", "s3cret-pass"), None
    )
    assert RedactingFilter(secrets).filter(record)
    assert record.getMessage() == "proxy http://***@h, password ***"
    assert public("BHG_NOTIFY_SLACK_WEBHOOK", "https://hooks.example/T/X") == "***"
