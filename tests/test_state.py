"""The state store across runs and the run lock."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bhg_crawler.errors import ConfigError
from bhg_crawler.state import AlreadyRunning, StateStore

AT = datetime(2025, 7, 1, 10, 0, tzinfo=UTC)


def record(article_id: str, body: str = "Nội dung.", **extra: Any) -> dict[str, Any]:
    url = f"https://baohagiang.vn/xa-hoi/202507/bai-{article_id}"
    return {"record_id": f"baohagiang.vn:{article_id}", "url": url, "url_aliases": [],
            "content_sha256": hashlib.sha256(body.encode()).hexdigest(), "version": 1,
            "fetched_at": "2025-07-01T03:00:00Z", "published_at": "2025-07-01T08:00:00+07:00", **extra}  # fmt: skip


def export(store: StateStore, item: dict[str, Any]) -> str:
    placement = store.place(item)
    if placement.verdict == "new":
        item["version"] = placement.version
        store.exporting(item)
    elif placement.verdict == "unchanged":
        store.unchanged(item["record_id"])
    return f"{placement.verdict}{placement.by and ':' + placement.by}{placement.version if placement.verdict == 'new' else ''}"


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "state" / "bhg.sqlite3")


def test_within_a_run_each_article_goes_out_once(path: str, open_store: Callable[..., StateStore]) -> None:
    store = open_store(path)
    first = record("111111")
    assert export(store, first) == "new1"
    assert export(store, record("111111", "Khác.")) == "duplicate:id"
    assert export(store, record("222222", url_aliases=[first["url"]])) == "duplicate:url"
    assert export(store, record("333333")) == "duplicate:content"
    assert export(store, record("444444", "Bài khác.")) == "new1"
    store.close()


def test_work_counts_only_once_its_export_is_committed(path: str, open_store: Callable[..., StateStore]) -> None:
    store = open_store(path)
    store.begin_run("r1", "exports")
    store.fetched("baohagiang.vn:111111", record("111111")["url"], 200, AT, etag='"a"')
    export(store, record("111111"))
    store.close()  # the run died before its export was committed
    store = open_store(path)
    assert store.known("baohagiang.vn:111111") is None
    assert store.begin_run("r2", "exports") == [("r1", "exports")]
    store.fetched("baohagiang.vn:111111", record("111111")["url"], 200, AT, etag='"a"', published=AT)
    assert export(store, record("111111")) == "new1"
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
    export(store, record("111111"))
    store.commit_run("r1", "complete", {})
    store.fetched("baohagiang.vn:111111", record("111111")["url"], 200, AT, etag='"b"')
    assert export(store, record("111111")) == "unchanged"
    assert export(store, record("555555")) == "duplicate:content"  # the same text under another id
    store.commit_run("r2", "complete", {})
    known = store.known("baohagiang.vn:111111")
    assert known is not None
    assert known.etag == '"b"'  # unchanged content: the new ETag is worth keeping
    placement = store.place(record("111111", "Đã sửa."))
    assert (placement.verdict, placement.version, placement.previous_sha256) == ("new", 2, known.content_sha256)
    store.close()


def test_an_etag_of_content_not_exported_is_not_kept(path: str, open_store: Callable[..., StateStore]) -> None:
    store = open_store(path)
    store.fetched("baohagiang.vn:111111", record("111111")["url"], 200, AT, etag='"rejected"')
    store.commit_run("r1", "complete", {})  # its record was rejected: not exported, not current
    known = store.known("baohagiang.vn:111111")
    assert known is not None
    assert (known.version, known.etag) == (0, None)
    store.close()


def test_recent_articles_and_walked_sections(path: str, open_store: Callable[..., StateStore]) -> None:
    store = open_store(path)
    for n, days in enumerate((1, 3, 30)):
        article_id = f"90000{n}"
        store.fetched(f"baohagiang.vn:{article_id}", record(article_id)["url"], 200, AT,
                      published=AT - timedelta(days=days))  # fmt: skip
        export(store, record(article_id, f"Bài {n}."))
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
            [sys.executable, "-c", f"from bhg_crawler.state import StateStore; StateStore({path!r})"],
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


def test_the_same_process_cannot_open_a_state_twice(path: str) -> None:
    store = StateStore(path)
    try:
        with pytest.raises(AlreadyRunning, match=r"another run holds .*bhg\.sqlite3\.lock \(pid \d+ since "):
            StateStore(path)
    finally:
        store.close()
