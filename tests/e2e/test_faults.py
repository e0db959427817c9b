"""Faults, kills and hostile input: nothing lost, nothing duplicated, nothing written where it should not be."""

from __future__ import annotations

import io
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from bench.faults import FOLDERS, run_suite
from bhg_crawler.runs.outcome import ExitCode
from tests.helpers import command, exported, manifests, replica


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
    accounting = report.accounting  # of the run under faults, after the kills (and the runs that ended first)
    assert accounting["balanced"] is True
    backing_off = accounting["deferred"].get("backoff", 0)  # refused by two runs already: held back this one
    assert backing_off or {"robots", "size", "not_html", "redirect"} <= set(accounting["refused"])
    assert ["balanced", "yes"] in [line.split() for line in report.lines()]
    assert report.offsite_requests == 0
    assert report.stray_files == []
    assert report.secrets_written == []
    assert (report.distributed.killed, report.distributed.workers) == (1, 2)
    assert report.distributed.lost == []
    assert report.distributed.duplicated == []
    assert report.distributed.problems == []


def test_the_next_run_retries_the_ledger_first(tmp_path: Path) -> None:
    articles = 150
    with replica(0, articles, faults="mixed") as (url, faulty):
        first = subprocess.run(command(url, 0, tmp_path, "-s", "DOWNLOAD_TIMEOUT=2", "-s", "BHG_BACKOFF_BASE=0.5"),
                               capture_output=True, text=True, check=False)  # fmt: skip
    assert first.returncode in (ExitCode.OK, ExitCode.CRAWL_ERRORS, ExitCode.REJECTS), first.stderr[-2000:]
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        retryable = db.execute("SELECT count(*) FROM ledger WHERE retry").fetchone()[0]
    assert retryable > 0
    listed = subprocess.run([sys.executable, "-m", "bhg_crawler", "ledger", "--state", str(tmp_path / "state.sqlite3")],
                            capture_output=True, text=True, check=True)  # fmt: skip
    header, *rows = listed.stdout.splitlines()
    assert header.split("\t") == ["record_id", "tries", "retry", "last_at", "reason", "url"]
    assert sum(row.split("\t")[2] == "yes" for row in rows) == retryable
    assert "Forbidden by robots.txt" in listed.stdout
    with replica(0, articles) as (url, site):
        second = subprocess.run(command(url, 0, tmp_path), capture_output=True, text=True, check=False)
    assert second.returncode == ExitCode.OK, second.stderr[-2000:]
    later = manifests(tmp_path)[-1]
    stats = (tmp_path / "exports" / "runs" / "stats" / f"{later['run_id']}.json").read_text()
    assert f'"bhg/article_requests/retry": {retryable}' in stats
    ids = [r["article_id"] for m in manifests(tmp_path) for r in exported(tmp_path, m)]
    gone = faulty.said_gone()  # the site said so under the faults: not asked for again
    assert gone and sorted(ids) == sorted(slot.article_id for slot in site.catalog.live if slot.article_id not in gone)
    assert {row.split("\t")[0].split(":")[1] for row in rows if row.split("\t")[2] == "no"} >= gone


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
