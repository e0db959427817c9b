"""Recovery from an archive that misbehaves (``bhg_replica.archive``): rate limits, 503s, captures cut short, a
malformed index line, an expiring resume key, URL variants, the archive's own answers in place of captures (a
replay without the marks of an archived answer, a range server that does not give the range asked); and a
recovery killed in the middle of its index walk."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bhg_crawler.sites.profiles import get_profile, with_successors
from bhg_crawler.sites.urls import article_of
from bhg_replica.archive import ArchiveFaults, ArchiveFront, serving
from bhg_replica.process import running_pywb
from tests.helpers import (
    FAST,
    bhg_run,
    exported,
    exported_records,
    ledger_rows,
    manifests,
    range_files,
    recover,
    replica,
    stats,
    warcs,
)

DAYS = (0, 8)  # day 8's crawl finds edits of day 0's articles: versions
ARTICLES = 150
LIMIT = ("--limit", "40")  # index lines a page: a walk of many pages, by resume key
POLITE = ("-s", "BHG_BACKOFF_BASE=0.5")  # a 503 without Retry-After waits half a second, not five
FAULTS = ArchiveFaults(index_answers=(429, 503), rate_limited=23, unavailable=29, truncated=17, expire_key=3,
                       variants=11, revisits=7, malformed=True)  # fmt: skip
KEYS = ("record_id", "content_sha256", "version", "previous_sha256", "record_id_aliases", "source")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The live crawls of two days with --warc, pywb serving their WARC files, and a clean recovery from it."""
    live = tmp_path_factory.mktemp("live")
    for day in DAYS:
        with replica(day, ARTICLES) as (url, _):
            result = bhg_run(url, day, live, "--warc")
        assert result.returncode == 0, result.stderr[-2000:]
    runs = manifests(live)
    files = [path for manifest in runs for path in warcs(live, manifest)]
    with running_pywb(tmp_path_factory.mktemp("pywb"), files, "bhg") as url:
        clean = tmp_path_factory.mktemp("clean")
        result = recover(f"{url}/cdx", clean, *FAST)  # pywb answers one page: no --limit
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        yield {
            "live": live,
            "runs": runs,
            "pywb": url,
            "clean": exported(clean, manifests(clean)[0]),
            "clean_ledger": ledger_of(clean),
        }


def ledger_of(work: Path) -> list[tuple[str, str, str]]:
    """The ledger of both sites' articles under ``work``: (record id, retry, reason) of each."""
    rows = ledger_rows(work)  # the site and its successor
    return sorted((row[0], row[2], row[4]) for row in rows)


def keyed(records: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Each record by (record id, content), with the fields an archive's misbehaviour must not change."""
    return {(r["record_id"], r["content_sha256"]): {k: r[k] for k in KEYS if k != "source"} for r in records}


def test_a_recovered_moved_article_carries_the_aliases_the_live_crawl_gave_it(archive: dict[str, Any]) -> None:
    live = {(r["record_id"], r["content_sha256"]): r for m in archive["runs"] for r in exported(archive["live"], m)}
    moved = {key: r for key, r in live.items() if r["record_id_aliases"]}
    assert moved  # the replica's articles that moved to the successor, reached through their old URLs' 301
    again = {(r["record_id"], r["content_sha256"]): r for r in archive["clean"]}
    for key, record in moved.items():
        assert again[key]["record_id_aliases"] == record["record_id_aliases"], key
        assert set(record["url_aliases"]) <= set(again[key]["url_aliases"]), key


def test_a_misbehaving_archive_gives_every_version_once_and_notes_every_capture_it_spoiled(
    archive: dict[str, Any], tmp_path: Path
) -> None:
    clean = keyed(archive["clean"])
    spoiled = next(r for r in archive["clean"] if r["version"] == 1 and not r["record_id_aliases"]
                   and not FAULTS.varies(r["source"]["original_url"])
                   and sum(k[0] == r["record_id"] for k in clean) == 1)  # fmt: skip
    broken = f"{spoiled['source']['timestamp']} {spoiled['source']['original_url']}"
    faults = ArchiveFaults(**{**FAULTS.__dict__, "broken": frozenset([broken])})
    front = ArchiveFront(archive["pywb"], faults)
    with serving(front) as url:
        first = recover(f"{url}/cdx", tmp_path, *FAST, *LIMIT, *POLITE)
        fetched = len(front.log.captures)
        second = recover(f"{url}/cdx", tmp_path, *FAST, *LIMIT, *POLITE)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    one, two = manifests(tmp_path)
    records = exported(tmp_path, one)
    got = keyed(records)
    assert len(got) == len(records)  # nothing twice
    assert got == {k: v for k, v in clean.items() if k != (spoiled["record_id"], spoiled["content_sha256"])}
    for record in records:  # the URL variants folded into their article: its aliases, at most
        assert record["url_aliases"] == sorted(record["url_aliases"])
    # every fault was served, and the run got past each
    served = {fault.split(" ", 1)[0] for fault in front.log.faults}
    assert served == {"429", "503", "400", "truncated"}, front.log.faults
    run_stats = stats(tmp_path, one)
    assert run_stats["bhg/backoff/429"] >= 2 and run_stats["bhg/backoff/503"] >= 2
    assert run_stats["bhg/recover/index_restarted"] == 1  # the resume key that expired
    assert run_stats["bhg/recover/index_malformed"] == 1  # once a run, whatever walks gave it
    variants = {v["url"] for v in front.log.variants}
    assert variants and not variants & {r["source"]["original_url"] for r in records}  # the same article, once
    revisits = {v["timestamp"] for v in front.log.revisits}
    assert revisits and not revisits & {r["source"]["timestamp"] for r in records}  # a payload fetched already
    assert one["accounting"]["balanced"] is True, one["accounting"]
    # what could not be used is in the failures and the ledger, with its reason
    failures = [f["reason"] for f in exported_records(tmp_path / "exports", one, "failures")]
    assert failures.count("a malformed CDX line: this line is no CDX line") == run_stats["bhg/recover/index_malformed"]
    [cut] = [f for f in exported_records(tmp_path / "exports", one, "failures") if f["url"].endswith(broken.split()[1])]
    assert cut["reason"].startswith("ResponseDataLossError") and cut["kind"] == "article"
    ledger = subprocess.run([sys.executable, "-m", "bhg_crawler", "ledger", "--state", str(tmp_path / "state.sqlite3"),
                             "--site", spoiled["site"]], capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert spoiled["record_id"] in ledger
    # the second run: nothing new; the capture cut short tried again (the archive's fault may pass), and cut
    # short again: the run's one error, of its few requests (the index's pages, robots.txt, that capture)
    assert second.returncode == 4, second.stdout[-2000:] + second.stderr[-2000:]
    assert "Exit 4 (crawl_errors): 1 of " in second.stdout
    assert two["counts"]["articles"] == 0 and two["accounting"]["balanced"] is True
    assert set(front.log.captures[fetched:]) == {broken.replace(" ", "id_/", 1)}  # no other capture again
    assert stats(tmp_path, two)["bhg/recover/captures/recovered_before"] > len(records)


def test_a_recovery_killed_in_its_index_walk_goes_on_from_where_it_was(archive: dict[str, Any], tmp_path: Path) -> None:
    front = ArchiveFront(archive["pywb"], ArchiveFaults(delay=0.3))
    work = tmp_path / "killed"
    with serving(front) as url:
        line = [sys.executable, "-m", "bhg_crawler", "recover", f"{url}/cdx", "--state", str(work / "state.sqlite3"),
                "--exports", str(work / "exports"), "--logs", str(work / "logs"), *FAST, *LIMIT]  # fmt: skip
        process = subprocess.Popen(line, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while len([q for q in front.log.queries if "resumeKey" in q]) < 4:
            assert process.poll() is None and time.monotonic() < deadline, "the walk ended before the kill"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        asked = len(front.log.queries)
        assert front.log.captures == []  # killed in the walk
        rest = recover(f"{url}/cdx", work, *FAST, *LIMIT)
    assert rest.returncode == 0, rest.stdout[-2000:] + rest.stderr[-2000:]
    again = front.log.queries[asked:]
    [manifest] = manifests(work)  # the killed run published nothing
    assert stats(work, manifest)["bhg/recover/index_resumed"] >= 1
    assert "resumeKey" in again[0] or "resumeKey" in again[1]  # the long walk went on from its key
    hosts = {q["url"] for q in front.log.queries}
    pages = sum(max(1, -(-len(front.lines(host, "", "")) // 40)) for host in hosts)
    assert pages - asked <= len(again) <= pages - asked + len(hosts)  # the pages read were not asked again
    assert keyed(exported(work, manifest)) == keyed(archive["clean"])
    assert manifest["accounting"]["balanced"] is True, manifest["accounting"]


def test_a_recovery_page_by_page_through_a_busy_archive(archive: dict[str, Any], tmp_path: Path) -> None:
    """``--pages``: the number of pages of each host, then each page, one after the other, through 429 and 503."""
    front = ArchiveFront(archive["pywb"], ArchiveFaults(index_answers=(503, 429, 503), unavailable=13))
    with serving(front) as url:
        result = recover(f"{url}/cdx", tmp_path, "--pages", *FAST, *POLITE)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    assert keyed(exported(tmp_path, manifest)) == keyed(archive["clean"])
    asked = [q for q in front.log.queries if q["url"] == "baohagiang.vn/*"]
    counted = [q for q in asked if "showNumPages" in q]
    pages = [int(q["page"]) for q in asked if "page" in q]
    assert len(counted) >= 1 and pages == sorted(pages) and set(pages) == set(range(max(pages) + 1))
    assert max(pages) >= 2  # a walk of several pages


def test_a_revisit_whose_original_is_out_of_the_window_is_fetched_as_the_page_it_repeats(
    archive: dict[str, Any], tmp_path: Path
) -> None:
    front = ArchiveFront(archive["pywb"], ArchiveFaults(revisits=5))
    with serving(front) as url:
        front.lines("baohagiang.vn/*", "", "")
        since = min(line["timestamp"] for line in front.log.revisits)[:8]  # the day after the crawls
        result = recover(f"{url}/cdx", tmp_path, "--from", since, *FAST)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    records = exported(tmp_path, manifest)
    sites = with_successors(get_profile("baohagiang.vn"))
    revisits = {(line["timestamp"], line["url"]): line for line in front.log.revisits if article_of(line["url"], sites)}
    assert {(r["source"]["timestamp"], r["source"]["original_url"]) for r in records} <= set(revisits)
    revisited = {found.record_id for _, url in revisits if (found := article_of(url, sites)) is not None}
    assert {r["record_id"] for r in records} == revisited  # each article revisited: a record (a version each)
    assert all(r["source"]["digest"] == revisits[r["source"]["timestamp"], r["source"]["original_url"]]["digest"]
               for r in records)  # fmt: skip
    assert set(keyed(records)) <= set(keyed(archive["clean"]))  # the content the original capture held


def test_an_archive_gone_in_the_middle_of_a_recovery_is_crawl_errors(archive: dict[str, Any], tmp_path: Path) -> None:
    """The archive stops taking connections once a few captures are fetched: after 10 refused in a row, the
    captures left are not asked, each an error of the run in the ledger, and the run exits 4 with that reason
    (its robots.txt was read: never the reason)."""
    front = ArchiveFront(archive["pywb"], ArchiveFaults(delay=0.05))
    work = tmp_path / "gone"
    line = [sys.executable, "-m", "bhg_crawler", "recover", "", "--state", str(work / "state.sqlite3"),
            "--exports", str(work / "exports"), "--logs", str(work / "logs"), *FAST, "-s", "RETRY_TIMES=0"]  # fmt: skip
    with serving(front) as url:
        line[4] = f"{url}/cdx"
        process = subprocess.Popen(line, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 120
        while len(front.log.captures) < 5:
            assert process.poll() is None and time.monotonic() < deadline, "the recovery ended before the stop"
            time.sleep(0.02)
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 4, out[-3000:]
    [manifest] = manifests(work)
    run_stats = stats(work, manifest)
    assert "bhg/robots/unavailable" not in run_stats
    host = urlsplit(url).netloc
    reason = manifest["outcome"]["reason"]
    asked = run_stats["downloader/request_count"] + run_stats["bhg/recover/unrequested"]  # those not asked, too
    assert reason.startswith("1 archive host refused connection after connection: the captures left were not "
                             f"asked, the next run asks them; {run_stats['bhg/failures/error']} of {asked} requests "
                             "failed")  # fmt: skip
    assert run_stats["bhg/failures/error"] <= asked
    assert run_stats["bhg/recover/archive_gone"] == 1
    failures = exported_records(work / "exports", manifest, "failures")
    connection = ("DownloadConnectionRefusedError", "ConnectionRefusedError", "ConnectionLost", "ResponseNeverReceived",
                  "ConnectError", "TCPTimedOut", "DownloadFailedError")  # fmt: skip
    lost = [f for f in failures if f["reason"].split(":")[0] in connection]  # refused, or cut while answering
    left = [f for f in failures if f["reason"] == f"ArchiveGone: not asked: the archive {host} refused 10 connections in "
            "a row"]  # fmt: skip
    assert len(lost) + len(left) == run_stats["bhg/failures/error"], sorted({f["reason"][:60] for f in failures})
    assert 10 <= len(lost) <= 10 + 16 and len(left) > 100  # the refusals in a row, and those in flight then
    assert all(f["url"] == f["source"]["original_url"] for f in lost + left)
    assert run_stats["elapsed_time_seconds"] < 60  # no retry of every capture left against a refused connection
    rows = ledger_rows(work)  # the site and its successor
    noted = [row for row in rows if row[4].startswith("ArchiveGone: not asked: the archive")]
    assert noted and {row[2] for row in noted} == {"yes"}  # asked again next run
    # the archive back: the next run recovers what was left, and the ledger is a clean recovery's
    with serving(ArchiveFront(archive["pywb"], ArchiveFaults())) as url:
        again = recover(f"{url}/cdx", work, *FAST)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    both = [r for m in manifests(work) for r in exported(work, m)]
    assert len(keyed(both)) == len(both) and keyed(both) == keyed(archive["clean"])  # a moved article's aliases too
    assert archive["clean_ledger"] and ledger_of(work) == archive["clean_ledger"]  # the captures of 404 pages


def failed_run(work: Path, result: Any, reason: str) -> list[dict[str, Any]]:
    """The failures of the one run under ``work`` whose reason starts with ``reason``, checked: the run exited 4
    (crawl errors) and exported nothing, and each such capture is in the ledger to be retried, none gone."""
    assert result.returncode == 4, result.stdout[-2000:] + result.stderr[-2000:]
    [manifest] = manifests(work)
    assert manifest["counts"]["articles"] == 0 and manifest["accounting"]["balanced"] is True
    failures = [f for f in exported_records(work / "exports", manifest, "failures") if f["reason"].startswith(reason)]
    assert failures and stats(work, manifest)["bhg/recover/archive_failures"] == len(failures)
    rows = ledger_rows(work)  # the site and its successor
    noted = [row for row in rows if row[4].startswith(reason)]
    assert noted and {row[2] for row in noted} == {"yes"}, noted  # asked again next run
    assert not [row for row in rows if row[2] == "no" and "from the archive" in row[4]]  # none taken as gone
    return failures


@pytest.mark.parametrize(
    ("faults", "reason"),
    [
        (ArchiveFaults(unmarked=1), "HTTP 404 from the archive, not an archived answer"),  # pywb: a wrong collection
        (ArchiveFaults(empty=1), "HTTP 200 from the archive, not an archived answer"),  # an empty 200
    ],
    ids=["404-unmarked", "200-empty"],
)
def test_a_replay_that_answers_for_itself_loses_no_capture(
    archive: dict[str, Any], tmp_path: Path, faults: ArchiveFaults, reason: str
) -> None:
    """Every capture answered by the archive itself, not as archived: each a failure to ask again (exit 4), and
    a recovery from the sound archive then gives every record of a clean one."""
    front = ArchiveFront(archive["pywb"], faults)
    with serving(front) as url:
        first = recover(f"{url}/cdx", tmp_path, *FAST)
    failures = failed_run(tmp_path, first, reason)
    assert len(failures) == len(front.log.captures) == len(front.log.faults)  # each capture asked, each noted
    again = recover(f"{archive['pywb']}/cdx", tmp_path, *FAST)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    second = manifests(tmp_path)[1]
    assert keyed(exported(tmp_path, second)) == keyed(archive["clean"])
    left = ledger_rows(tmp_path)
    assert not [row for row in left if row[4].startswith(reason)]


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("ignored", "HTTP 200 from the archive to Range: bytes="),  # the whole file
        ("elsewhere", "Content-Range bytes 0-"),
        ("mislabelled", "the WARC record at bytes="),  # the bytes of the file's start: its warcinfo record
    ],
)
def test_a_server_of_warc_files_that_does_not_give_the_range_asked_loses_no_capture(
    archive: dict[str, Any], tmp_path: Path, fault: str, reason: str
) -> None:
    """``--warcs`` on a server that ignores byte ranges or gives others: each capture a failure to ask again
    (exit 4); a recovery from a sound server then gives every record of the live crawl."""
    run = archive["runs"][0]["run_id"]
    with range_files(archive["live"] / "exports", fault) as url:
        first = recover(f"{url}/{run}/index.cdxj", tmp_path, "--warcs", f"{url}/{run}", *FAST)
    failed_run(tmp_path, first, reason)
    with range_files(archive["live"] / "exports") as url:
        again = recover(f"{url}/{run}/index.cdxj", tmp_path, "--warcs", f"{url}/{run}", *FAST)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    second = manifests(tmp_path)[1]
    live = exported(archive["live"], archive["runs"][0])
    got = {(r["record_id"], r["content_sha256"]) for r in exported(tmp_path, second)}
    assert got == {(r["record_id"], r["content_sha256"]) for r in live}
