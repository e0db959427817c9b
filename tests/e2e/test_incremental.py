"""Runs repeated across the replica's days: incremental discovery, versions, the lock and every exit code."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any, cast

import pytest

from bhg_crawler.runs.outcome import ExitCode
from bhg_crawler.runs.retention import RUN_ID
from bhg_crawler.state.lock import RunLock
from bhg_crawler.state.store import StateStore
from bhg_replica.answers import Response
from bhg_replica.site import Site
from tests.helpers import (
    bhg_run,
    command,
    exported,
    ledger_rows,
    manifests,
    replica,
    serving,
    stats,
    with_pipeline,
)

SECTIONS = 22  # 19 sections and 3 parents on the home page's menu


@pytest.fixture(scope="module")
def three_days(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Day 0 twice, then days 1 and 2: four runs against one state."""
    work = tmp_path_factory.mktemp("days")
    results = []
    for day in (0, 0, 1, 2):
        with replica(day) as (url, site):
            result = bhg_run(url, day, work)
            results.append((day, result, site))
    return {"work": work, "runs": results, "manifests": manifests(work)}


def test_the_first_run_exports_the_whole_site(three_days: dict[str, Any]) -> None:
    _, result, site = three_days["runs"][0]
    assert result.returncode == ExitCode.OK, result.stderr[-3000:]
    first = three_days["manifests"][0]
    records = exported(three_days["work"], first)
    assert sorted(r["article_id"] for r in records) == sorted(s.article_id for s in site.catalog.live)
    assert {r["version"] for r in records} == {1}
    assert {r["previous_sha256"] for r in records} == {None}
    assert first["outcome"] == {"exit_code": 0, "name": "ok", "reason": f"{len(records)} records exported"}


def test_a_second_run_the_same_day_finds_nothing_new_cheaply(three_days: dict[str, Any]) -> None:
    _, result, _ = three_days["runs"][1]
    assert result.returncode == ExitCode.NOTHING_NEW, result.stdout
    assert "Exit 3 (nothing_new)" in result.stdout
    manifest = three_days["manifests"][1]
    assert manifest["counts"]["articles"] == 0
    assert not any(f["kind"] == "articles" for f in manifest["files"])
    numbers = stats(three_days["work"], manifest)
    revisits = numbers.get("bhg/articles/not_modified", 0)
    assert numbers["downloader/request_count"] <= 2 + 2 * SECTIONS + revisits  # robots.txt, home
    assert numbers.get("bhg/articles/known", 0) > 0
    accounting = manifest["accounting"]  # the revisits answer 304 or the same content; nothing else is asked
    assert accounting["discovered"] == accounting["not_modified"] + accounting["unchanged"] == revisits + numbers.get(
        "bhg/articles/unchanged", 0)  # fmt: skip


def test_new_days_export_new_articles_and_edits_as_new_versions(three_days: dict[str, Any]) -> None:
    work = three_days["work"]
    for (day, result, site), manifest, previous in zip(
        three_days["runs"][2:], three_days["manifests"][2:], three_days["runs"][1:3], strict=True
    ):
        assert result.returncode == ExitCode.OK, result.stderr[-3000:]
        records = exported(work, manifest)
        known = previous[2].catalog.by_id
        new = {s.article_id for s in site.catalog.live if s.article_id not in known}
        edited_today = {
            article_id for article_id, times in site.catalog.edits.items()
            if any(t.date() == site.catalog.now.date() for t in times) and article_id in known
        }  # fmt: skip
        assert {r["article_id"] for r in records} == new | edited_today, day
        for record in records:
            truth = site.writer.expected_record(site.catalog.by_id[record["article_id"]])
            assert record["body_text"] == "\n\n".join(cast(list[str], truth["paragraphs"]))
            if record["article_id"] in edited_today:
                assert record["version"] >= 2
                assert record["previous_sha256"] not in (None, record["content_sha256"])
            else:
                assert record["version"] == 1
        numbers = stats(work, manifest)
        assert numbers.get("bhg/articles/changed", 0) == len(edited_today)


def test_each_article_is_exported_once_per_version(three_days: dict[str, Any]) -> None:
    work = three_days["work"]
    everything = [r for m in three_days["manifests"] for r in exported(work, m)]
    versions = Counter((r["record_id"], r["version"]) for r in everything)
    assert max(versions.values()) == 1
    site = three_days["runs"][-1][2]
    assert {r["article_id"] for r in everything} == {s.article_id for s in site.catalog.live}
    by_content = Counter(r["content_sha256"] for r in everything)
    assert max(by_content.values()) == 1
    latest: dict[str, dict[str, Any]] = {}
    for record in everything:
        if record["version"] > latest.get(record["record_id"], {"version": 0})["version"]:
            latest[record["record_id"]] = record
    chain = {(r["record_id"], r["version"]): r for r in everything}
    for record in latest.values():
        if record["version"] > 1:
            assert chain[(record["record_id"], record["version"] - 1)]["content_sha256"] == record["previous_sha256"]


def test_the_state_knows_every_run(three_days: dict[str, Any]) -> None:
    store = StateStore(str(three_days["work"] / "state.sqlite3"))
    try:
        runs = store.runs()
        assert [r["status"] for r in runs] == ["complete"] * 4
        assert [r["outcome"]["exit_code"] for r in runs] == [0, 3, 0, 0]
        site = three_days["runs"][-1][2]
        assert store.counts()["exported"] == len(site.catalog.live)
    finally:
        store.close()


def test_discover_lists_what_a_run_would_fetch_and_fetches_none(tmp_path: Path) -> None:
    with replica(0) as (url, _):
        assert bhg_run(url, 0, tmp_path).returncode == ExitCode.OK
    with replica(1) as (url, site):
        listing = subprocess.run(command(url, 1, tmp_path, verb="discover"), capture_output=True, text=True,
                                 check=False)  # fmt: skip
        run = bhg_run(url, 1, tmp_path)
    assert listing.returncode == ExitCode.OK, listing.stderr[-2000:]
    assert run.returncode == ExitCode.OK, run.stderr[-2000:]
    planned = [line.split("\t") for line in listing.stdout.splitlines()]
    new = {site.writer.canonical_url(s) for s in site.catalog.live[-6:]}
    assert {u for reason, u in planned if reason == "new"} == new
    assert {reason for reason, _ in planned} <= {"new", "revisit"}
    counted = f"a run would fetch {len(planned)} articles ({len(new)} new, {len(planned) - len(new)} revisit)"
    assert listing.stderr == f"bhg-crawl: {counted}\n"  # the count alone: no warning
    [_, second] = manifests(tmp_path)
    assert {r["url"] for r in exported(tmp_path, second)} >= new  # discovering marked nothing done


# -- the lock and the exit codes ----------------------------------------------------------------


def test_a_second_run_on_a_locked_state_leaves_at_once(tmp_path: Path) -> None:
    with RunLock(tmp_path / "state.sqlite3.lock").held(), replica(0) as (url, _):
        started = time.monotonic()
        result = bhg_run(url, 0, tmp_path)
    assert result.returncode == ExitCode.ALREADY_RUNNING
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("bhg-crawl: another run holds ")
    assert f"pid {__import__('os').getpid()}" in result.stderr
    assert time.monotonic() - started < 30
    assert not (tmp_path / "exports").exists()


class BrokenSite(Site):
    """The replica, whose pages all answer 500 but its robots.txt."""

    def respond(self, host: str, path: str, query: str = "") -> Response:
        if path == "/robots.txt":
            return super().respond(host, path, query)
        return Response(500, b"<html><body>Internal Server Error</body></html>")


def test_crawl_errors_above_the_threshold_fail_the_run(tmp_path: Path) -> None:
    with serving(BrokenSite(seed=5, articles=60)) as url:
        result = bhg_run(url, 0, tmp_path, "-s", "RETRY_TIMES=0")
    assert result.returncode == ExitCode.CRAWL_ERRORS, result.stdout + result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    assert manifest["outcome"]["name"] == "crawl_errors"


@pytest.mark.parametrize(
    ("via", "setting", "message"),
    [
        ("http://127.0.0.1:9", "", "the proxy 127.0.0.1:9 (BHG_VIA) takes no connection: Connection refused"),
        ("notaurl", "", "BHG_VIA must be a URL of http:// or https://, not 'notaurl'"),
        ("", "BHG_REFRESH_DAYS=a week", "BHG_REFRESH_DAYS must be a number of at least 0, not 'a week'"),
        ("", "BHG_MAX_ERROR_RATIO=abc", "BHG_MAX_ERROR_RATIO must be a share from 0 to 1, not 'abc'"),
        ("", "BHG_TYPO=1", "BHG_TYPO is no setting of bhg-crawler"),
        ("", "BHG_REFRESH_DAY=3", "BHG_REFRESH_DAY is no setting of bhg-crawler (did you mean BHG_REFRESH_DAYS?)"),
        ("", "DOWNLOAD_TIMEOUT=0", "DOWNLOAD_TIMEOUT must be a number above 0, not '0'"),
        ("", "LOG_LEVEL=LOUD", "LOG_LEVEL must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG, not 'LOUD'"),
    ],
)  # fmt: skip
def test_settings_and_a_dead_proxy_are_refused_before_the_crawl(
    tmp_path: Path, via: str, setting: str, message: str
) -> None:
    with replica(0, 60) as (url, _):
        started = time.monotonic()
        result = bhg_run(via or url, 0, tmp_path, *(("-s", setting) if setting else ()))
    assert (result.returncode, result.stderr) == (ExitCode.BAD_CONFIG, f"bhg-crawl: {message}\n")
    assert time.monotonic() - started < 30 and manifests(tmp_path) == []


def test_rejects_above_the_threshold_fail_the_run(tmp_path: Path) -> None:
    with replica(0, 100) as (url, _):
        result = bhg_run(url, 0, tmp_path, "-s", with_pipeline("tests.helpers.UndatedRecords"))
    assert result.returncode == ExitCode.REJECTS, result.stdout + result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    assert manifest["counts"]["rejects"] > 0
    assert manifest["outcome"]["name"] == "rejects"


def test_a_run_out_of_requests_stops_and_the_next_one_finishes(tmp_path: Path) -> None:
    with replica(0) as (url, site):
        stopped = bhg_run(url, 0, tmp_path, "--max-requests", "60", "-s", "CONCURRENT_REQUESTS=2")
        retries = {row[5] for row in ledger_rows(tmp_path) if row[2] == "yes"}
        listing = subprocess.run(command(url, 0, tmp_path, verb="discover"), capture_output=True, text=True,
                                 check=False)  # fmt: skip
        finished = bhg_run(url, 0, tmp_path)
    assert stopped.returncode == ExitCode.STOPPED, stopped.stderr[-2000:]
    assert finished.returncode == ExitCode.OK, finished.stderr[-2000:]
    first, second = manifests(tmp_path)
    # every article left is a retry of the ledger, one of a section under a crawled one (kinh-te/cong-nghiep) too
    assert any("/kinh-te/cong-nghiep/" in url for url in retries)
    assert {
        u for reason, u in (line.split("\t") for line in listing.stdout.splitlines()) if reason == "retry"
    } == retries
    assert stats(tmp_path, second)["bhg/article_requests/retry"] == len(retries)
    assert first["status"] == "partial"
    assert first["finish_reason"] == "closespider_pagecount"
    assert 0 < first["counts"]["articles"] < len(site.catalog.live)
    assert first["accounting"]["deferred"]["max_requests"] > 0  # queued, never answered: left for the next run
    assert second["accounting"]["deferred"] == {}
    ids = [r["article_id"] for m in (first, second) for r in exported(tmp_path, m)]
    assert sorted(ids) == sorted(s.article_id for s in site.catalog.live)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_or_killed_run_loses_nothing(tmp_path: Path, sig: signal.Signals) -> None:
    with replica(0, 1500) as (url, site):
        child = subprocess.Popen(command(url, 0, tmp_path, "-s", "CONCURRENT_REQUESTS=4"),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
            p.stat().st_size > 20_000 for p in (tmp_path / "exports").glob("*/.articles-*.part")
        ):
            time.sleep(0.1)
        child.send_signal(sig)
        _, err = child.communicate(timeout=60)
        again = bhg_run(url, 0, tmp_path)
    assert again.returncode == ExitCode.OK, again.stderr[-2000:]
    runs = manifests(tmp_path)
    if sig == signal.SIGTERM:
        assert child.returncode == ExitCode.STOPPED, err[-2000:]
        assert [m["status"] for m in runs] == ["partial", "complete"]
        assert runs[0]["counts"]["articles"] > 0
        assert runs[0]["accounting"]["deferred"]["stopped"] > 0
    else:
        assert child.returncode == -signal.SIGKILL
        assert [m["status"] for m in runs] == ["complete"]  # the killed run left no manifest
        assert "ended without closing" in (tmp_path / "logs" / f"{runs[0]['run_id']}.log").read_text()
    assert not list((tmp_path / "exports").glob("*/.*.part"))  # the killed run's unfinished files are gone
    assert run_folders(tmp_path) == [m["run_id"] for m in runs]  # and its folder: each left is a published run's
    ids = [r["article_id"] for m in runs for r in exported(tmp_path, m)]
    assert sorted(ids) == sorted(s.article_id for s in site.catalog.live)  # nothing lost, nothing twice


def test_a_run_whose_requests_cannot_be_sent_obeys_sigterm_at_once(tmp_path: Path) -> None:
    """A delay of an hour between two requests to the host: after the first, every request waits in the host's
    slot, and the close would wait with them. SIGTERM cuts them: the run commits what it has, exits 6."""
    with replica(0, 60) as (url, site):
        line = [*command(url, 0, tmp_path), "-s", "DOWNLOAD_DELAY=3600"]  # after the replica's settings: it wins
        child = subprocess.Popen(line, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (tmp_path / "exports" / "heartbeat.json").exists():
            time.sleep(0.1)
        time.sleep(2)  # the robots.txt answered, the next requests waiting for their turn
        child.send_signal(signal.SIGTERM)
        stopping = time.monotonic()
        try:
            _, err = child.communicate(timeout=30)
        finally:
            if child.poll() is None:  # a run that did not obey: not left behind
                child.kill()
                child.communicate()
        took = time.monotonic() - stopping
        again = bhg_run(url, 0, tmp_path)
    assert child.returncode == ExitCode.STOPPED, err[-2000:]
    assert took < 15, f"{took:.1f} s from SIGTERM to the exit"
    stopped, finished = manifests(tmp_path)  # each balances
    assert (stopped["status"], stopped["finish_reason"], stopped["counts"]["articles"]) == ("partial", "shutdown", 0)
    assert stats(tmp_path, stopped)["bhg/close/cut"] > 0
    beat = json.loads((tmp_path / "exports" / "heartbeat.json").read_text(encoding="utf-8"))
    assert (beat["status"], beat["run_id"]) == ("closed", finished["run_id"])
    assert again.returncode == ExitCode.OK, again.stderr[-2000:]
    ids = [r["article_id"] for r in exported(tmp_path, finished)]
    assert sorted(ids) == sorted(s.article_id for s in site.catalog.live)  # nothing of the stopped run lost


def test_errors_in_the_code_fail_the_run_and_lose_no_record(tmp_path: Path) -> None:
    with replica(0, 100) as (url, site):
        result = bhg_run(url, 0, tmp_path, "-s", with_pipeline("tests.helpers.ExplodingRecords"))
    assert result.returncode == ExitCode.FAILED, result.stdout + result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    text = (tmp_path / "exports" / manifest["run_id"] / "rejects.jsonl").read_text(encoding="utf-8")
    rejects = [json.loads(line) for line in text.splitlines()]
    assert rejects
    assert {r["reason"] for r in rejects} == {"error in a pipeline: KeyError: 'lede_html'"}
    assert manifest["counts"]["articles"] + len(rejects) == len(site.catalog.live)
    assert manifest["accounting"]["failed"] == len(rejects)  # a pipeline that raised: failed, each once


def test_an_unwritable_exports_folder_is_refused_before_the_crawl(tmp_path: Path) -> None:
    (tmp_path / "exports").write_text("a file where the folder should be")
    result = bhg_run("http://127.0.0.1:9", 0, tmp_path)
    assert result.returncode == ExitCode.BAD_CONFIG
    assert result.stderr.startswith(f"bhg-crawl: cannot write to {tmp_path / 'exports'} (BHG_EXPORTS): ")
    assert result.stderr.count("\n") == 1


class FailingArticles(Site):
    """The replica, whose articles ``failing`` (paths) answer 500."""

    def __init__(self, failing: set[str]) -> None:
        super().__init__(seed=5, articles=60)
        self.failing = failing

    def respond(self, host: str, path: str, query: str = "") -> Response:
        if path in self.failing:
            return Response(500, b"<html><body>Internal Server Error</body></html>")
        return super().respond(host, path, query)


def test_max_articles_bounds_every_article_request_retries_and_revisits_too(tmp_path: Path) -> None:
    probe = Site(seed=5, articles=60)
    slots = probe.catalog.live[:6]
    listing = tmp_path / "urls.txt"
    listing.write_text("".join(probe.writer.canonical_url(slot) + "\n" for slot in slots))
    with serving(FailingArticles({probe.writer.path(slot) for slot in slots[:5]})) as url:
        first = bhg_run(url, 0, tmp_path, "--urls-file", str(listing), "-s", "RETRY_TIMES=0")
    assert first.returncode == ExitCode.CRAWL_ERRORS, first.stderr[-2000:]  # five in the ledger, one exported
    with replica(0, 60) as (url, _):  # the ledger's five to retry, one to revisit, the section's new ones
        for run, limit in (("second", 1), ("third", 2)):
            done = bhg_run(url, 0, tmp_path, "--max-articles", str(limit), "-s", f"BHG_RUN_ID={run}")
            assert done.returncode in (ExitCode.OK, ExitCode.NOTHING_NEW), done.stderr[-2000:]
            manifest = manifests(tmp_path)[-1]
            assert manifest["run_id"] == run
            accounting = manifest["accounting"]
            fetched = accounting["discovered"] - sum(accounting["deferred"].values())  # each article once
            assert fetched == limit, accounting
            assert len(exported(tmp_path, manifest)) <= limit
            assert accounting["deferred"]["max_articles"] > 0


def test_a_run_of_a_section_revisits_only_that_sections_articles(tmp_path: Path) -> None:
    with replica(0, 60) as (url, site):
        first = bhg_run(url, 0, tmp_path)
        assert first.returncode == ExitCode.OK, first.stderr[-2000:]
        window = ("-s", "BHG_REFRESH_DAYS=5000")  # every article exported is recent: revisited
        every = subprocess.run(command(url, 0, tmp_path, *window, verb="discover"), capture_output=True, text=True,
                               check=False)  # fmt: skip
        one = subprocess.run(command(url, 0, tmp_path, "--sections", "van-hoa", *window, verb="discover"),
                             capture_output=True, text=True, check=False)  # fmt: skip
    revisits = [line.split("\t")[1] for line in every.stdout.splitlines() if line.startswith("revisit\t")]
    of_section = [line.split("\t")[1] for line in one.stdout.splitlines() if line.startswith("revisit\t")]
    assert any("/van-hoa/" not in u for u in revisits)  # the recent articles of every section
    own = [u for u in revisits if "/van-hoa/" in u]
    assert own and set(own) <= set(of_section) <= set(revisits)
    also_in = {site.writer.canonical_url(s) for s in site.catalog.live if s.also_in and s.also_in.slug == "van-hoa"}
    others = {u for u in of_section if "/van-hoa/" not in u} - also_in  # its articles of two sections aside
    assert all(u.startswith("https://baotuyenquang.com.vn/") for u in others), others  # and those moved there


def test_a_run_through_the_replica_takes_the_replicas_clock(tmp_path: Path) -> None:
    """As the README runs it, with no BHG_NOW: the run's "now" is the replica's day, so that what the replica
    published on its last days is recent and revisited (with the wall clock, nothing of it would be)."""

    def run(url: str) -> subprocess.CompletedProcess[str]:
        line = command(url, 0, tmp_path)
        at = next(i for i, value in enumerate(line) if value.startswith("BHG_NOW="))
        del line[at - 1 : at + 1]  # no -s BHG_NOW=...
        return subprocess.run(line, capture_output=True, text=True, check=False)

    for day in (1, 4):
        with replica(day, 60) as (url, _):
            result = run(url)
        assert result.returncode in (ExitCode.OK, ExitCode.NOTHING_NEW), result.stderr[-2000:]
    latest = manifests(tmp_path)[-1]
    assert stats(tmp_path, latest).get("bhg/article_requests/revisit", 0) > 0  # days 1's articles, 3 days old


def run_folders(work: Path) -> list[str]:
    """The runs' folders under ``work``'s exports, by name."""
    return sorted(path.name for path in (work / "exports").iterdir() if path.is_dir() and RUN_ID.fullmatch(path.name))


def test_a_run_that_exports_nothing_keeps_no_folder_and_the_next_removes_those_left_empty(tmp_path: Path) -> None:
    foreign = "20261130T000000Z-bhg-0f0f"  # a run of another state on the same exports: it may be running
    with replica(0, 30) as (url, _):
        first = bhg_run(url, 0, tmp_path)
        again = bhg_run(url, 0, tmp_path)
        first_id, again_id = (m["run_id"] for m in manifests(tmp_path))
        assert run_folders(tmp_path) == [first_id]  # nothing new: no file, no folder
        (tmp_path / "exports" / again_id).mkdir()  # as an earlier version left it
        (tmp_path / "exports" / foreign).mkdir()
        last = bhg_run(url, 0, tmp_path)
    assert (first.returncode, again.returncode, last.returncode) == (0, 3, 3), last.stderr[-2000:]
    assert run_folders(tmp_path) == sorted([foreign, first_id])
    last_id = manifests(tmp_path)[-1]["run_id"]
    assert f"Run {again_id} left an empty folder: removed" in (tmp_path / "logs" / f"{last_id}.log").read_text()
