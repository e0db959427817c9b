"""The state store across runs and the run lock."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bhg_crawler.core.errors import ConfigError
from bhg_crawler.state.lock import AlreadyRunning
from bhg_crawler.state.store import StateStore
from bhg_crawler.state.values import NO_ANSWER
from tests.helpers import AT, export, small_record


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "state" / "bhg.sqlite3")


def test_within_a_run_each_article_goes_out_once(path: str, open_store: Callable[..., StateStore]) -> None:
    store = open_store(path)
    first = small_record("111111")
    assert export(store, first) == "new1"
    assert export(store, small_record("111111", "Khác.")) == "duplicate:id"
    assert export(store, small_record("222222", url_aliases=[first["url"]])) == "duplicate:url"
    assert export(store, small_record("333333")) == "duplicate:content"
    assert export(store, small_record("444444", "Bài khác.")) == "new1"
    store.close()


def test_work_counts_only_once_its_export_is_committed(path: str, open_store: Callable[..., StateStore]) -> None:
    store = open_store(path)
    store.begin_run("r1", "exports")
    store.fetched("baohagiang.vn:111111", small_record("111111")["url"], 200, AT, etag='"a"')
    export(store, small_record("111111"))
    store.close()  # the run died before its export was committed
    store = open_store(path)
    assert store.known("baohagiang.vn:111111") is None
    assert store.begin_run("r2", "exports") == [("r1", "exports")]
    store.fetched("baohagiang.vn:111111", small_record("111111")["url"], 200, AT, etag='"a"', published=AT)
    assert export(store, small_record("111111")) == "new1"
    store.commit_run("r2", "complete", {"exit_code": 0})
    known = store.known("baohagiang.vn:111111")
    assert known is not None
    assert (known.version, known.etag, known.published_utc) == (1, '"a"', "2025-07-01T10:00:00Z")
    assert [(r["run_id"], r["status"]) for r in store.runs()] == [("r1", "crashed"), ("r2", "complete")]
    store.close()


def test_across_runs_unchanged_is_dropped_and_changed_is_the_next_version(
    path: str, open_store: Callable[..., StateStore]
) -> None:
    store = open_store(path)
    export(store, small_record("111111"))
    store.commit_run("r1", "complete", {})
    store.fetched("baohagiang.vn:111111", small_record("111111")["url"], 200, AT, etag='"b"')
    assert export(store, small_record("111111")) == "unchanged"
    assert export(store, small_record("555555")) == "duplicate:content"  # the same text under another id
    store.commit_run("r2", "complete", {})
    known = store.known("baohagiang.vn:111111")
    assert known is not None
    assert known.etag == '"b"'  # unchanged content: the new ETag is worth keeping
    placement = store.place(small_record("111111", "Đã sửa."))
    assert (placement.verdict, placement.version, placement.previous_sha256) == ("new", 2, known.content_sha256)
    store.close()


def test_an_etag_of_content_not_exported_is_not_kept(path: str, open_store: Callable[..., StateStore]) -> None:
    store = open_store(path)
    store.fetched("baohagiang.vn:111111", small_record("111111")["url"], 200, AT, etag='"rejected"')
    store.commit_run("r1", "complete", {})  # its record was rejected: not exported, not current
    known = store.known("baohagiang.vn:111111")
    assert known is not None
    assert (known.version, known.etag) == (0, None)
    store.close()


def test_recent_articles_and_walked_sections(path: str, open_store: Callable[..., StateStore]) -> None:
    store = open_store(path)
    for n, days in enumerate((1, 3, 30)):
        article_id = f"90000{n}"
        store.fetched(f"baohagiang.vn:{article_id}", small_record(article_id)["url"], 200, AT,
                      published=AT - timedelta(days=days))  # fmt: skip
        export(store, small_record(article_id, f"Bài {n}."))
    store.walked("baohagiang.vn", "xa-hoi")
    assert not store.section_walked("baohagiang.vn", "xa-hoi")  # not before the commit
    store.commit_run("r1", "complete", {})
    assert store.section_walked("baohagiang.vn", "xa-hoi")
    recent = store.recent("baohagiang.vn", AT - timedelta(days=7))
    assert [k.record_id for k in recent] == ["baohagiang.vn:900001", "baohagiang.vn:900000"]
    store.close()


def test_a_second_process_cannot_open_a_state_in_use(path: str) -> None:
    store = StateStore(path)
    try:
        other = subprocess.run(
            [sys.executable, "-c", f"from bhg_crawler.state.store import StateStore; StateStore({path!r})"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert other.returncode != 0
        assert "AlreadyRunning: another run holds" in other.stderr
    finally:
        store.close()
    StateStore(path).close()  # free again


def test_an_unusable_state_path_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match="cannot open the state"):
        StateStore(str(tmp_path / "file" / "bhg.sqlite3"))


@pytest.mark.parametrize(
    ("make", "lock_before", "lock_after"),
    [
        (lambda p: p.write_text("not a database, but a page of text\n" * 40), False, False),
        (lambda p: p.mkdir(), False, False),  # a folder
        (lambda p: p.write_text("not a database, but a page of text\n" * 40), True, True),  # its lock file was there
        (lambda p: None, False, True),  # a state to make: the lock file stays, as for every run
    ],
    ids=["not-a-database", "a-folder", "lock-there-before", "new-state"],
)
def test_a_state_that_cannot_be_opened_leaves_no_lock_file_of_its_own(
    tmp_path: Path, make: Callable[[Path], object], lock_before: bool, lock_after: bool
) -> None:
    state = tmp_path / "bhg.sqlite3"
    make(state)
    lock = tmp_path / "bhg.sqlite3.lock"
    if lock_before:
        lock.write_text("")
    if lock_after and not lock_before:
        StateStore(str(state)).close()
    else:
        with pytest.raises(ConfigError, match="cannot open the state"):
            StateStore(str(state))
    assert lock.exists() is lock_after


def test_the_same_process_cannot_open_a_state_twice(path: str) -> None:
    store = StateStore(path)
    try:
        with pytest.raises(AlreadyRunning, match=r"another run holds .*bhg\.sqlite3\.lock \(pid \d+ since "):
            StateStore(path)
    finally:
        store.close()


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


@pytest.mark.parametrize(
    ("site", "listed"),
    [
        ([], ["baohagiang.vn:111111", "baotuyenquang.com.vn:2fe1357"]),  # the site, then its successor
        (["--site", "baotuyenquang.com.vn"], ["baotuyenquang.com.vn:2fe1357"]),  # a site of no successor
    ],
)
def test_the_ledger_command_lists_a_site_and_the_sites_its_articles_moved_to(
    tmp_path: Path, site: list[str], listed: list[str]
) -> None:
    path = tmp_path / "state.sqlite3"
    store = StateStore(str(path))
    store.begin_run("r0", "exports")
    store.failed("baotuyenquang.com.vn:2fe1357", "https://baotuyenquang.com.vn/khu-vuc/202507/x-2fe1357", "HTTP 503")
    store.failed("baohagiang.vn:111111", "https://baohagiang.vn/xa-hoi/202101/x-111111", "HTTP 503")
    store.commit_run("r0", "complete", {})
    store.close()
    out = subprocess.run([sys.executable, "-m", "bhg_crawler", "ledger", "--state", str(path), *site],
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert [line.split("\t")[0] for line in out.stdout.splitlines()[1:]] == listed
    assert out.stderr.startswith(f"bhg-crawl: {len(listed)} articles and 0 listing pages in the ledger")
