"""Recovery from a web archive: the replica crawled with WARC archiving on three days, served by pywb's CDX server
and replay, recovered into a fresh state and exports, and into the live crawl's own."""

from __future__ import annotations

import gzip
import io
import json
import random
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bhg_crawler.extract.record import validation_error
from bhg_crawler.extract.warcfiles import read_warc
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
    saved,
    stats,
    warcs,
)

DAYS = (0, 4, 8)  # the replica edits some of the week before's articles each day: day 8's crawl finds 3 edits
CONTENT = ("record_id", "site", "article_id", "url", "section", "title", "lede", "lede_tag", "published_at",
           "published_time_known", "language", "body_text", "word_count", "images", "byline", "authors", "related",
           "tags", "content_sha256", "version", "previous_sha256", "extraction", "schema_version")  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The live crawls of three days with --warc, and pywb serving their WARC files."""
    live = tmp_path_factory.mktemp("live")
    for day in DAYS:
        with replica(day, 300) as (url, _):
            result = bhg_run(url, day, live, "--warc")
        assert result.returncode == 0, result.stderr[-2000:]
    runs = manifests(live)
    files = [path for manifest in runs for path in warcs(live, manifest)]
    with running_pywb(tmp_path_factory.mktemp("pywb"), files, "bhg") as url:
        yield {"live": live, "runs": runs, "cdx": f"{url}/cdx"}


@pytest.fixture(scope="module")
def recovered(archive: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two recoveries into a fresh state and exports."""
    work = tmp_path_factory.mktemp("recovered")
    first = recover(archive["cdx"], work, *FAST)
    second = recover(archive["cdx"], work, *FAST)
    return {"work": work, "first": first, "second": second, "runs": manifests(work)}


def by_content(records: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["record_id"], r["content_sha256"]): r for r in records}


def test_every_version_of_every_article_is_recovered_as_the_live_crawl_exported_it(
    archive: dict[str, Any], recovered: dict[str, Any]
) -> None:
    assert recovered["first"].returncode == 0, recovered["first"].stderr[-2000:]
    live = by_content([r for m in archive["runs"] for r in exported(archive["live"], m)])
    first = recovered["runs"][0]
    again = by_content(exported(recovered["work"], first))
    assert again.keys() == live.keys()
    assert sum(r["version"] > 1 for r in live.values()) == 3  # day 8's edits
    for key, record in live.items():
        assert {f: again[key][f] for f in CONTENT} == {f: record[f] for f in CONTENT}, key
        assert again[key]["record_id_aliases"] == record["record_id_aliases"], key
    # url_aliases may differ: the live crawl adds the URLs it found the article linked at (http://, www.), which
    # an archive of its fetches cannot know; a recovered record's are the URLs it was captured at, the crawl's
    # own, and an article that moved has the same (its old URL, from its 301 capture)
    aliases = {key: (set(again[key]["url_aliases"]), set(record["url_aliases"])) for key, record in live.items()}
    assert all(found <= crawled for found, crawled in aliases.values())
    assert all(found == crawled for key, (found, crawled) in aliases.items() if live[key]["record_id_aliases"])
    assert sum(found != crawled for found, crawled in aliases.values()) > len(live) / 2  # 206 of 327
    for record in again.values():
        assert validation_error(record) is None
        assert record["schema_version"] == 6
        source = record["source"]
        assert source["archive"] == archive["cdx"]
        assert record["fetched_at"].startswith(
            f"{source['timestamp'][:4]}-{source['timestamp'][4:6]}-{source['timestamp'][6:8]}T"
        )
        assert source["digest"]
    assert first["schema_version"] == 6


def test_each_edit_is_a_version_in_capture_order(recovered: dict[str, Any]) -> None:
    records = exported(recovered["work"], recovered["runs"][0])
    versions: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        versions.setdefault(record["record_id"], []).append(record)
    edited = {record_id: found for record_id, found in versions.items() if len(found) > 1}
    assert len(edited) == 3
    for found in edited.values():
        found.sort(key=lambda r: r["version"])
        assert [r["version"] for r in found] == list(range(1, len(found) + 1))
        assert [r["source"]["timestamp"] for r in found] == sorted(r["source"]["timestamp"] for r in found)
        assert [r["previous_sha256"] for r in found] == [None] + [r["content_sha256"] for r in found[:-1]]


def test_gone_and_redirected_captures_are_noted_not_extracted(
    archive: dict[str, Any], recovered: dict[str, Any]
) -> None:
    work, first = recovered["work"], recovered["runs"][0]
    failures = exported_records(work / "exports", first, "failures")
    reasons = sorted(f["reason"].split(" answered ")[-1].split(" redirects ")[0] for f in failures)
    assert any(r.startswith("HTTP 404") for r in reasons), reasons  # the deleted articles' 404 captures
    redirected = [f for f in failures if "redirects to https://baotuyenquang.com.vn/" in f["reason"]]
    assert redirected  # merged articles' old URLs: their own captures on the successor are the records
    for failure in failures:  # each named by the article's URL as captured, and where its capture is
        assert failure["url"] == failure["source"]["original_url"] and failure["kind"] == "article", failure
        assert failure["source"]["archive"] == archive["cdx"] and len(failure["source"]["timestamp"]) == 14
    run_stats = stats(work, first)
    assert run_stats["bhg/recover/captures/skip"] > 0  # listings, the home page, 304 answers


def test_a_second_recovery_fetches_and_exports_nothing(recovered: dict[str, Any]) -> None:
    second = recovered["second"]
    assert second.returncode == 3, second.stdout[-2000:] + second.stderr[-2000:]
    manifest = recovered["runs"][1]
    assert manifest["counts"]["articles"] == 0
    run_stats = stats(recovered["work"], manifest)
    assert run_stats["bhg/recover/captures/recovered_before"] > 300
    assert run_stats["bhg/recover/index_pages"] == 3  # one a host of the site and its successor, www. folded
    assert "bhg/recover/captures/extracted" not in run_stats
    assert run_stats["downloader/request_count"] <= 3 + 2  # and robots.txt (pywb redirects it once, then 404)


def test_a_recovery_into_the_live_crawl_exports_nothing_it_holds(archive: dict[str, Any], tmp_path: Path) -> None:
    work = tmp_path / "merged"
    shutil.copytree(archive["live"], work)
    result = recover(archive["cdx"], work, *FAST)
    assert result.returncode == 3, result.stdout[-2000:] + result.stderr[-2000:]
    manifest = manifests(work)[-1]
    assert manifest["counts"]["articles"] == 0
    run_stats = stats(work, manifest)
    assert run_stats["bhg/accounting/unchanged"] > 300  # every capture holds a version the live crawl exported


def test_a_stopped_recovery_goes_on_where_it_stopped_at_its_rate(
    archive: dict[str, Any], recovered: dict[str, Any], tmp_path: Path
) -> None:
    rate, limit = 10.0, 25
    stopped = recover(archive["cdx"], tmp_path, "-s", f"BHG_RECOVER_RATE={rate}", "-s", "AUTOTHROTTLE_ENABLED=False",
                      "--max-requests", str(limit))  # fmt: skip
    assert stopped.returncode == 6, stopped.stdout[-2000:] + stopped.stderr[-2000:]
    rest = recover(archive["cdx"], tmp_path, *FAST)
    assert rest.returncode == 0, rest.stdout[-2000:] + rest.stderr[-2000:]
    first, second = manifests(tmp_path)
    run_stats = stats(tmp_path, first)
    assert run_stats["bhg/recover/index_pages"] >= 1
    assert "bhg/recover/index_pages" not in stats(tmp_path, second)  # the walk the stopped run read, kept
    requests = run_stats["downloader/request_count"] - run_stats.get("bhg/close/cut", 0)  # sent: not those cut
    seconds = datetime.fromisoformat(run_stats["finish_time"]) - datetime.fromisoformat(run_stats["start_time"])
    assert seconds.total_seconds() >= (requests - 1) / rate  # one request every 1/rate seconds at most
    print(f"{requests} requests in {seconds.total_seconds():.1f} s at BHG_RECOVER_RATE={rate}")
    records = exported(tmp_path, first) + exported(tmp_path, second)
    whole = exported(recovered["work"], recovered["runs"][0])
    assert 0 < len(exported(tmp_path, first)) < len(whole)
    assert sorted(map(versioned, records)) == sorted(map(versioned, whole))  # a move the first run learned, too


def versioned(record: dict[str, Any]) -> tuple[str, int, str, tuple[str, ...]]:
    """A record's article, version, content and the records it moved from."""
    return record["record_id"], record["version"], record["content_sha256"], tuple(record["record_id_aliases"])


def test_an_article_with_a_capture_to_ask_again_is_in_the_ledger_though_a_version_was_exported(
    archive: dict[str, Any], recovered: dict[str, Any], tmp_path: Path
) -> None:
    """The capture of an edit cut short on every request: the article's first version exported, the article in
    the ledger to retry, with the reason; the next run against a sound archive exports the edit, and the ledger
    is a clean recovery's."""
    clean = exported(recovered["work"], recovered["runs"][0])
    edit = next(r for r in clean if r["version"] == 2)
    broken = f"{edit['source']['timestamp']} {edit['source']['original_url']}"
    pywb = archive["cdx"].removesuffix("/cdx")
    with serving(ArchiveFront(pywb, ArchiveFaults(broken=frozenset([broken])))) as url:
        first = recover(f"{url}/cdx", tmp_path, *FAST, "-s", "RETRY_TIMES=0")
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    [one] = manifests(tmp_path)
    assert [r["version"] for r in exported(tmp_path, one) if r["record_id"] == edit["record_id"]] == [1]
    [entry] = [row for row in ledger_rows(tmp_path, "--site", edit["site"]) if row[0] == edit["record_id"]]
    assert entry[2] == "yes" and entry[4].startswith("ResponseDataLossError"), entry
    first_version = next(r for r in clean if r["record_id"] == edit["record_id"] and r["version"] == 1)
    with serving(ArchiveFront(pywb, ArchiveFaults())) as url:  # a window before the edit: it stays in the ledger
        window = recover(f"{url}/cdx", tmp_path, *FAST, "--to", first_version["source"]["timestamp"])
        assert [row for row in ledger_rows(tmp_path, "--site", edit["site"]) if row[0] == edit["record_id"]] == [entry]
        second = recover(f"{url}/cdx", tmp_path, *FAST)
    assert window.returncode == 3, window.stdout[-2000:] + window.stderr[-2000:]
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    [_, _, two] = manifests(tmp_path)
    assert [(r["record_id"], r["version"]) for r in exported(tmp_path, two)] == [(edit["record_id"], 2)]
    left = [sorted((row[0], row[2]) for row in ledger_rows(work)) for work in (tmp_path, recovered["work"])]
    assert left[0] == left[1]  # the articles of both sites, and whether each is to retry


def test_a_recovery_from_a_cdxj_index_and_byte_ranges_of_its_warc_files(
    archive: dict[str, Any], tmp_path: Path
) -> None:
    """The Common Crawl form: the index gives each capture's WARC file, offset and length."""
    first = archive["runs"][0]
    with range_files(archive["live"] / "exports") as url:
        result = recover(f"{url}/{first['run_id']}/index.cdxj", tmp_path, "--warcs", f"{url}/{first['run_id']}", *FAST)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    again = by_content(exported(tmp_path, manifest))
    live = by_content(exported(archive["live"], first))
    assert again.keys() == live.keys()
    for key, record in live.items():
        assert {f: again[key][f] for f in CONTENT} == {f: record[f] for f in CONTENT}, key
    assert all(r["source"]["digest"].startswith("sha1:") for r in again.values())
    reasons = [f["reason"] for f in exported_records(tmp_path / "exports", manifest, "failures")]
    assert any("answered HTTP 404" in reason for reason in reasons)


def damaged_copies(archive: dict[str, Any], folder: Path) -> tuple[list[str], Path]:
    """The live crawls' WARC files under ``folder`` as ``recover`` takes them: the first run's in a folder, the
    second's unzipped (``.warc``), the last's with the first half of an article's record of the first appended
    (its file ends short); the arguments that name them (a folder, a file, a glob), and the damaged file."""
    first, second, last = (warcs(archive["live"], m) for m in archive["runs"])
    (folder / "first").mkdir()
    for path in first:
        shutil.copy(path, folder / "first" / path.name)
    (folder / "later").mkdir()
    plain = folder / "later" / second[0].name.removesuffix(".gz")
    plain.write_bytes(b"".join(gzip.decompress(path.read_bytes()) for path in second))
    damaged = folder / "later" / last[0].name
    shutil.copy(last[0], damaged)
    for path in last[1:]:
        shutil.copy(path, folder / "later" / path.name)
    article = next(c for c in read_warc(first[0])[0] if "/xa-hoi/" in c.original and c.status == "200")
    with first[0].open("rb") as stream:
        stream.seek(int(article.offset))
        half = stream.read(int(article.length) // 2)
    with damaged.open("ab") as stream:
        stream.write(half)
    return [str(folder / "first"), str(plain), str(folder / "later" / "*.warc.gz")], damaged


def test_a_recovery_from_local_warc_files_one_damaged(archive: dict[str, Any], tmp_path: Path) -> None:
    """WARC files on the disk, no server: every version recovered as the live crawl exported it, the damaged
    file's good records too, its broken one noted; a second run exports nothing, and its one read, of the damage
    still there, failed: exit 4."""
    sources, damaged = damaged_copies(archive, tmp_path)
    work = tmp_path / "work"
    first = recover(sources, work)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    second = recover(sources, work)
    assert second.returncode == 4, second.stdout[-2000:] + second.stderr[-2000:]
    assert "Exit 4 (crawl_errors): 1 of 1 requests failed" in second.stdout
    one, two = manifests(work)
    again = by_content(exported(work, one))
    live = by_content([r for m in archive["runs"] for r in exported(archive["live"], m)])
    assert again.keys() == live.keys()
    for key, record in live.items():
        assert {f: again[key][f] for f in CONTENT} == {f: record[f] for f in CONTENT}, key
    files = {str(p) for p in tmp_path.glob("*/*.warc*")}
    for record in again.values():
        assert validation_error(record) is None
        source = record["source"]
        assert source["archive"] in files
        assert source["digest"].startswith("sha1:")
        with Path(source["archive"]).open("rb") as stream:  # the offset is the record's that holds the page
            stream.seek(source["offset"])
            assert stream.read(4) in (b"WARC", b"\x1f\x8b\x08\x00")
    assert any(r["source"]["archive"] == str(damaged) for r in again.values())  # its good records
    assert any(r["source"]["archive"].endswith(".warc") for r in again.values())
    failures = exported_records(work / "exports", one, "failures")
    broken = [f for f in failures if f["reason"].startswith(f"{damaged} at byte ")]
    assert len(broken) == 1, [f["reason"] for f in failures]
    assert broken[0]["reason"].endswith(" bytes short")
    assert any("answered HTTP 404" in f["reason"] for f in failures)
    for failure in failures:  # each named by the article's URL (its record's WARC-Target-URI), where it lies
        assert failure["url"] == failure["source"]["original_url"] and failure["url"].startswith("http"), failure
        assert failure["source"]["archive"] in files and isinstance(failure["source"]["offset"], int), failure
    assert broken[0]["source"]["archive"] == str(damaged) and "/xa-hoi/" in broken[0]["url"]
    assert broken[0]["reason"].startswith(f"{damaged} at byte {broken[0]['source']['offset']}: ")
    first_stats, second_stats = stats(work, one), stats(work, two)
    assert first_stats["bhg/recover/warc_damaged"] == 1
    assert first_stats["bhg/recover/warc_files"] == len(files)
    assert second_stats["bhg/recover/captures/recovered_before"] > 300
    assert "bhg/recover/captures/extracted" not in second_stats
    assert two["counts"]["articles"] == 0


def test_a_recovery_into_redis_gives_the_records_of_sqlite_and_another_worker_then_nothing(
    archive: dict[str, Any], tmp_path: Path, redis_url: str
) -> None:
    """What a recovery knows shared in Redis: the same records as with the state file alone; a second
    recovery, by a worker with a state file of its own, fetches and exports nothing."""
    sources = [str(path) for manifest in archive["runs"] for path in warcs(archive["live"], manifest)]
    shared = ("--redis", redis_url, "-s", "BHG_REDIS_IDLE_SECONDS=0.5")
    alone = recover(sources, tmp_path / "sqlite")
    first = recover(sources, tmp_path / "one", *shared)
    second = recover(sources, tmp_path / "two", *shared)
    assert (alone.returncode, first.returncode) == (0, 0), first.stdout[-2000:] + first.stderr[-2000:]
    assert second.returncode == 3, second.stdout[-2000:] + second.stderr[-2000:]
    [by_sqlite], [by_redis], [again] = (manifests(tmp_path / name) for name in ("sqlite", "one", "two"))
    wanted = by_content(exported(tmp_path / "sqlite", by_sqlite))
    found = by_content(exported(tmp_path / "one", by_redis))
    assert found.keys() == wanted.keys()
    for key, record in wanted.items():
        assert {f: found[key][f] for f in (*CONTENT, "source")} == {f: record[f] for f in (*CONTENT, "source")}
    assert again["counts"]["articles"] == 0
    run_stats = stats(tmp_path / "two", again)
    assert run_stats["bhg/recover/captures/recovered_before"] > 300
    assert "bhg/recover/captures/extracted" not in run_stats
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    assert client.hlen("bhg:bhg:captures") >= len(found)
    assert sum(len(json.loads(v)) for v in client.hvals("bhg:bhg:versions")) == len(found)


def test_a_stopped_recovery_from_local_warc_files_goes_on_where_it_stopped(
    archive: dict[str, Any], recovered: dict[str, Any], tmp_path: Path
) -> None:
    sources = [str(path) for manifest in archive["runs"] for path in warcs(archive["live"], manifest)]
    stopped = recover(sources, tmp_path, "--max-requests", "25")
    assert stopped.returncode == 6, stopped.stdout[-2000:] + stopped.stderr[-2000:]
    rest = recover(sources, tmp_path)
    assert rest.returncode == 0, rest.stdout[-2000:] + rest.stderr[-2000:]
    first, second = manifests(tmp_path)
    assert 0 < len(exported(tmp_path, first)) < len(exported(tmp_path, second))
    records = exported(tmp_path, first) + exported(tmp_path, second)
    whole = exported(recovered["work"], recovered["runs"][0])
    assert sorted(map(versioned, records)) == sorted(map(versioned, whole))  # a move the first run learned, too
    assert stats(tmp_path, second)["bhg/recover/captures/recovered_before"] >= len(exported(tmp_path, first))


def warc_of(path: Path, records: list[tuple[str, str, bytes]]) -> Path:
    """A WARC file of ``(type, URL, payload)`` records, HTML answered 200, gzipped if its name ends so."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=path.name.endswith(".gz"))
        for kind, url, payload in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, kind, payload=io.BytesIO(payload), length=len(payload),
                                                          http_headers=http if kind == "response" else None))  # fmt: skip
    return path


UNUSABLE = {  # the files given -> the exit code; whether each is in failures.jsonl and the ledger, damaged
    "random bytes": ({"garbage.warc.gz": bytes(random.Random(3).randrange(256) for _ in range(5000))}, 4, True),
    "empty files": ({"empty.warc": b"", "empty.warc.gz": b""}, 4, True),
    "a file of a warcinfo record alone": ({"info.warc.gz": [("warcinfo", "", b"software: x\r\n")]}, 14, False),
    "a file of another site's page": ({"other.warc": [("response", "https://example.org/a.html", b"<p>a</p>")]},
                                      14, False),
}  # fmt: skip


@pytest.mark.parametrize(("files", "code", "damaged"), UNUSABLE.values(), ids=UNUSABLE.keys())
def test_local_files_that_give_no_capture_say_so(
    files: dict[str, bytes | list[tuple[str, str, bytes]]], code: int, damaged: bool, tmp_path: Path
) -> None:
    """Garbage and empty files are errors of the run, each in failures.jsonl and the ledger under its name; good
    files that hold no capture of an article are an index with nothing to recover: neither is a quiet hour."""
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            warc_of(path, content)
        paths.append(path)
    result = recover([str(p) for p in paths], tmp_path / "work")
    assert result.returncode == code, result.stdout[-2000:] + result.stderr[-2000:]
    [manifest] = manifests(tmp_path / "work")
    assert manifest["outcome"]["exit_code"] == code
    failures = exported_records(tmp_path / "work" / "exports", manifest, "failures")
    ledger = {row[0]: row for row in ledger_rows(tmp_path / "work")}
    if damaged:
        assert sorted((f["url"], f["source"]["archive"], f["source"]["offset"]) for f in failures) == sorted(
            (p.as_uri(), str(p), 0) for p in paths
        )
        assert all(f["reason"].startswith(f"{f['source']['archive']} at byte 0: ") for f in failures)
        assert sorted(ledger) == sorted(f"baohagiang.vn:warc:{p}" for p in paths)
        assert manifest["outcome"]["reason"].startswith(f"{len(paths)} of {len(paths)} requests failed")
    else:
        assert (failures, ledger) == ([], {})
        assert manifest["outcome"]["reason"].startswith("the index held no capture of an article of the site")
        log = (tmp_path / "work" / "logs" / f"{manifest['run_id']}.log").read_text(encoding="utf-8")
        assert "No capture of an article of baohagiang.vn or baotuyenquang.com.vn in the 1 WARC files given" in log


def test_a_window_of_the_index_with_no_capture_is_an_empty_index(archive: dict[str, Any], tmp_path: Path) -> None:
    result = recover(archive["cdx"], tmp_path, "--from", "2090", *FAST)
    assert result.returncode == 14, result.stdout[-2000:] + result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    assert manifest["outcome"]["name"] == "empty_index"
    assert manifest["outcome"]["reason"].startswith("the index held no capture of an article of the site (0 index")
    log = (tmp_path / "logs" / f"{manifest['run_id']}.log").read_text(encoding="utf-8")
    assert (f"No capture of an article of baohagiang.vn or baotuyenquang.com.vn (from 2090) in the index at "
            f"{archive['cdx']}") in log  # fmt: skip


def test_a_file_read_whole_again_leaves_the_ledger(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    path.write_bytes(b"not an archive\r\n" * 20)
    first = recover([str(path)], tmp_path / "work")
    assert first.returncode == 4, first.stdout[-2000:] + first.stderr[-2000:]
    assert [row[0] for row in ledger_rows(tmp_path / "work")] == [f"baohagiang.vn:warc:{path}"]
    warc_of(path, [("warcinfo", "", b"software: x\r\n")])  # repaired: a file of no capture
    second = recover([str(path)], tmp_path / "work")
    assert second.returncode == 14, second.stdout[-2000:] + second.stderr[-2000:]
    assert ledger_rows(tmp_path / "work") == []


def current_by_fetched_at(records: list[dict[str, Any]]) -> dict[str, str]:
    """Record id -> the content sha256 of its current version, as downstream reads it: the latest ``fetched_at``
    (an instant), then the highest ``version``."""
    current: dict[str, dict[str, Any]] = {}
    for record in records:
        key = (datetime.fromisoformat(record["fetched_at"]), record["version"])
        found = current.get(record["record_id"])
        if found is None or key > (datetime.fromisoformat(found["fetched_at"]), found["version"]):
            current[record["record_id"]] = record
    return {record_id: record["content_sha256"] for record_id, record in current.items()}


def test_warc_files_given_newest_first_give_versions_in_capture_order_and_the_current_text(
    archive: dict[str, Any], tmp_path: Path
) -> None:
    """One recovery of the three crawls' WARC files given newest first: each article's versions in capture order.
    Two recoveries, the last crawl's files first, then the earlier ones: the older versions come after as
    history, and the latest ``fetched_at`` gives the live crawl's last text of every article, as the state knows
    it: a crawl of the last day into it, revisiting every article, exports none of the articles edited, only
    what changed since their current version."""
    first, middle, last = ([str(path) for path in warcs(archive["live"], m)] for m in archive["runs"])
    live = [r for m in archive["runs"] for r in exported(archive["live"], m)]
    at_once = recover([*last, *middle, *first], tmp_path / "once")
    assert at_once.returncode == 0, at_once.stdout[-2000:] + at_once.stderr[-2000:]
    [run] = manifests(tmp_path / "once")
    records = exported(tmp_path / "once", run)
    assert sorted((r["record_id"], r["version"], r["content_sha256"]) for r in records) == sorted(
        (r["record_id"], r["version"], r["content_sha256"]) for r in live
    )
    for record_id in {r["record_id"] for r in records if r["version"] > 1}:
        found = sorted((r for r in records if r["record_id"] == record_id), key=lambda r: r["version"])
        assert [r["fetched_at"] for r in found] == sorted(r["fetched_at"] for r in found)
    work = tmp_path / "apart"
    for sources in (last, [*middle, *first]):
        result = recover(sources, work)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    newest, older = manifests(work)
    history = exported(work, older)  # and the articles gone by the last day, their first version
    edited = [r for r in history if r["version"] > 1]  # the first texts of the articles edited on the last day
    assert len(edited) == 3
    assert all(r["version"] == 2 and r["fetched_at"] < exported(work, newest)[0]["fetched_at"] for r in edited)
    assert current_by_fetched_at(exported(work, newest) + history) == current_by_fetched_at(live)
    with replica(DAYS[-1], 300) as (url, _):
        # every article revisited; the recoveries' figures are no baseline for the extraction's
        again = bhg_run(url, DAYS[-1], work, "-s", "BHG_REFRESH_DAYS=100000", "-s", "BHG_MAX_DRIFT=1")
    assert again.returncode in (0, 3), again.stdout[-2000:] + again.stderr[-2000:]
    crawled = manifests(work)[-1]
    assert crawled["counts"]["unchanged"] > 300
    current = current_by_fetched_at(live)
    changed = exported(work, crawled)  # edits of the replica's last day that the live crawls never revisited
    assert {r["record_id"] for r in changed}.isdisjoint(r["record_id"] for r in live if r["version"] > 1)
    assert all(r["previous_sha256"] == current[r["record_id"]] != r["content_sha256"] for r in changed)


def test_an_index_cut_at_the_limit_with_no_resume_key_asks_for_action_until_read_whole(
    archive: dict[str, Any], tmp_path: Path
) -> None:
    """pywb gives no resume key: a page of --limit lines is not the whole index. The run says so (exit 12, the
    query in the ledger), and so does the next, until a walk with no --limit reads it whole."""
    for _ in range(2):
        cut = recover(archive["cdx"], tmp_path, "--limit", "5", *FAST)
        assert cut.returncode == 12, cut.stdout[-2000:] + cut.stderr[-2000:]
    runs = manifests(tmp_path)
    assert [m["outcome"]["name"] for m in runs] == ["pages_missed", "pages_missed"]
    cut_walks = stats(tmp_path, runs[0])["bhg/recover/index_cut"]
    assert runs[0]["outcome"]["reason"].startswith(f"{cut_walks} walks of the index were cut at --limit lines")
    log = (tmp_path / "logs" / f"{runs[0]['run_id']}.log").read_text(encoding="utf-8")
    assert "The index of baohagiang.vn/* was cut at 5 lines (--limit) with no resume key" in log
    ids = [row[0] for row in ledger_rows(tmp_path) if ":index:" in row[0]]
    assert len(ids) == cut_walks >= 1
    assert all(i.startswith(f"baohagiang.vn:index:{archive['cdx']}?") and "limit" not in i for i in ids)
    whole = recover(archive["cdx"], tmp_path, *FAST)
    assert whole.returncode == 0, whole.stdout[-2000:] + whole.stderr[-2000:]
    assert [row[0] for row in ledger_rows(tmp_path) if ":index:" in row[0]] == []


WINDOWS = {  # --from of two captures of this year's WARC file -> index lines said, the exit code
    "none": ((), 2, 5),  # read, each a record of no title: rejects
    "every year since 2000": (("--from", "2000"), 2, 5),
    "from 2090": (("--from", "2090"), 0, 14),
}


@pytest.mark.parametrize(("window", "lines", "code"), WINDOWS.values(), ids=WINDOWS.keys())
def test_the_index_lines_said_of_local_files_are_those_in_the_window(
    window: tuple[str, ...], lines: int, code: int, tmp_path: Path
) -> None:
    path = warc_of(tmp_path / "a.warc", [("response", f"https://baohagiang.vn/xa-hoi/202101/tin-khac-77880{n}", b"<p>")
                                         for n in (1, 2)])  # fmt: skip
    result = recover([str(path)], tmp_path / "work", *window)
    assert result.returncode == code, result.stdout[-2000:] + result.stderr[-2000:]
    [manifest] = manifests(tmp_path / "work")
    assert stats(tmp_path / "work", manifest).get("bhg/recover/index_lines", 0) == lines
    if code == 14:
        assert manifest["outcome"]["reason"].startswith(
            f"the index held no capture of an article of the site ({lines} "
        )


def test_a_deleted_file_leaves_the_ledger_a_damaged_one_stays(tmp_path: Path) -> None:
    gone, kept = tmp_path / "gone.warc.gz", tmp_path / "kept.warc.gz"
    for path in (gone, kept):
        path.write_bytes(b"not an archive\r\n" * 20)
    first = recover([str(gone), str(kept)], tmp_path / "work")
    assert first.returncode == 4, first.stdout[-2000:] + first.stderr[-2000:]
    assert sorted(row[0] for row in ledger_rows(tmp_path / "work")) == [f"baohagiang.vn:warc:{p}" for p in (gone, kept)]
    gone.unlink()
    second = recover([str(kept)], tmp_path / "work")
    assert second.returncode == 4, second.stdout[-2000:] + second.stderr[-2000:]
    assert [row[0] for row in ledger_rows(tmp_path / "work")] == [f"baohagiang.vn:warc:{kept}"]
    [_, manifest] = manifests(tmp_path / "work")
    log = (tmp_path / "work" / "logs" / f"{manifest['run_id']}.log").read_text(encoding="utf-8")
    assert f"{gone} is no more: it leaves the failures ledger" in log


def test_an_article_failed_at_a_record_of_a_deleted_file_stays_in_the_ledger_not_to_retry(tmp_path: Path) -> None:
    """The article of a record cut short, and that of a revisit of a payload no file holds: in the ledger to
    retry while their files exist; once the files are deleted, not to retry, the reason saying why, once."""
    cut_url = "https://baohagiang.vn/thoi-su-chinh-tri/202111/hoi-nghi-ban-chap-hanh-dang-bo-tinh-lan-thu-11-784020"
    revisit_url = "https://baohagiang.vn/xa-hoi/202401/ngay-hoi-van-hoa-123456"
    cut = warc_of(tmp_path / "cut.warc", [("response", cut_url, b"<html>" + b"x" * 500 + b"</html>")])
    cut.write_bytes(cut.read_bytes()[:-100])  # the block 96 bytes short, and its closing line
    orphan = tmp_path / "orphan.warc"
    with orphan.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_revisit_record(revisit_url, "sha1:" + "A" * 32, revisit_url,
                                                         "2024-01-02T03:04:05Z", http_headers=http))  # fmt: skip
    work = tmp_path / "work"
    first = recover([str(cut), str(orphan)], work)
    assert first.returncode == 4, first.stdout[-2000:] + first.stderr[-2000:]
    before = {row[0]: row for row in ledger_rows(work)}
    assert {rid: row[2] for rid, row in before.items()} == {
        "baohagiang.vn:784020": "yes",
        "baohagiang.vn:123456": "yes",
    }
    assert before["baohagiang.vn:784020"][4] == f"{cut} at byte 0: its record ends 96 bytes short"
    assert before["baohagiang.vn:123456"][4].startswith(f"{orphan} at byte 0: the capture of ")
    cut.unlink()
    orphan.unlink()
    info = warc_of(tmp_path / "info.warc", [("warcinfo", "", b"software: x\r\n")])
    for _ in range(2):  # the second run finds them not to retry already: nothing more said
        again = recover([str(info)], work)
        assert again.returncode == 14, again.stdout[-2000:] + again.stderr[-2000:]
        after = {row[0]: (row[2], row[4]) for row in ledger_rows(work)}
        files = {"baohagiang.vn:784020": cut, "baohagiang.vn:123456": orphan}
        assert after == {rid: ("no", f"{row[4]} ({files[rid]} is no more)") for rid, row in before.items()}
    [_, manifest, _] = manifests(work)
    log = (work / "logs" / f"{manifest['run_id']}.log").read_text(encoding="utf-8")
    assert f"{cut} is no more: baohagiang.vn:784020 is not to retry" in log


def test_a_revisit_of_a_capture_recovered_before_is_no_change_in_a_later_batch_of_files(tmp_path: Path) -> None:
    """WARC files handed over a batch at a time: a later one's revisit of a capture an earlier run recovered
    (its WARC-Refers-To-*) repeats a content known: a duplicate, no error (exit 3, nothing new), not asked
    again; a revisit that names no capture recovered is an error to retry."""
    html, truth = saved("bhg-era-a-2018-captions")
    url, body = truth["url"], html.encode("utf-8")
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    first, later = tmp_path / "2019.warc.gz", tmp_path / "2020.warc.gz"
    with first.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        page = writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                         http_headers=http, warc_headers_dict={"WARC-Date": "2019-05-01T00:00:00Z"})  # fmt: skip
        writer.write_record(page)
    digest = page.rec_headers.get_header("WARC-Payload-Digest")
    with later.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for date, refers_to in [
            ("2020-05-01T00:00:00Z", "2019-05-01T00:00:00Z"),
            ("2020-06-01T00:00:00Z", "2018-01-01T00:00:00Z"),
        ]:
            writer.write_record(writer.create_revisit_record(url, digest, url, refers_to, http_headers=http,
                                                             warc_headers_dict={"WARC-Date": date}))  # fmt: skip
    work = tmp_path / "work"
    one = recover([str(first)], work)
    assert one.returncode == 0, one.stdout[-2000:] + one.stderr[-2000:]
    two = recover([str(later)], work)
    assert two.returncode == 4, two.stdout[-2000:] + two.stderr[-2000:]  # the one that names none recovered
    _, manifest = manifests(work)
    failures = {f["source"]["timestamp"]: f["reason"] for f in exported_records(work / "exports", manifest, "failures")}
    assert failures == {
        "20200501000000": f"{later} at byte 0: the capture of 20200501000000 is a revisit of {digest}, the payload of "
        f"the capture 20190501000000 {url}, recovered before",
        "20200601000000": f"{later} at byte {second_record_offset(later)}: the capture of 20200601000000 is a revisit of "
        f"{digest}, in none of the files",
    }
    run_stats = stats(work, manifest)
    assert (run_stats["bhg/failures/duplicate"], run_stats["bhg/failures/error"]) == (1, 1)
    three = recover([str(later)], work)  # the duplicate not asked again; the error is
    assert three.returncode == 4, three.stdout[-2000:] + three.stderr[-2000:]
    assert "bhg/failures/duplicate" not in stats(work, manifests(work)[-1])


def second_record_offset(path: Path) -> int:
    """The offset of the second record of a WARC file."""
    [_, second] = [c.offset for c in read_warc(path)[0]]
    return int(second)


def test_a_redirect_to_the_same_article_in_a_warc_file_is_its_alias_no_error(tmp_path: Path) -> None:
    """The captures of an article's http:// and www. URLs answered 301 to its own, beside the capture of its
    page: the page recovered, those URLs its aliases, each redirect a duplicate of it (no error: exit 0)."""
    html, truth = saved("bhg-era-a-2018-captions")
    url = truth["url"]
    variants = [url.replace("https://", "http://"), url.replace("https://", "https://www.")]
    path = tmp_path / "site.warc.gz"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for variant in variants:  # a body that names where: the redirects' payloads differ, as a server's do
            moved = StatusAndHeaders("301 Moved Permanently", [("Location", url)], protocol="HTTP/1.1")
            note = f'<a href="{url}">{variant}</a>'.encode()
            writer.write_record(writer.create_warc_record(variant, "response", payload=io.BytesIO(note),
                                                          length=len(note), http_headers=moved))  # fmt: skip
        page = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        body = html.encode("utf-8")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                      http_headers=page))  # fmt: skip
    work = tmp_path / "work"
    result = recover([str(path)], work)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    [manifest] = manifests(work)
    [record] = exported(work, manifest)
    assert record["url"] == url and set(variants) <= set(record["url_aliases"])
    failures = {f["url"]: f["reason"] for f in exported_records(work / "exports", manifest, "failures")}
    assert {u: r.split(", ", 1)[1] for u, r in failures.items()} == dict.fromkeys(
        variants, "the same article, whose own captures are read"
    )
    assert stats(work, manifest)["bhg/failures/duplicate"] == 2


def test_folders_of_no_warc_file_beside_one_of_warc_files_are_skipped_with_a_line(tmp_path: Path) -> None:
    """``recover exports/*/`` as the shell expands it: the folders of no WARC file (runs/, schema/) skipped."""
    for folder in ("a", "runs", "schema"):
        (tmp_path / folder).mkdir()
    warc_of(tmp_path / "a" / "1.warc.gz", [("warcinfo", "", b"software: x\r\n")])
    given = [f"{tmp_path / folder}/" for folder in ("a", "runs", "schema")]
    result = recover(given, tmp_path / "work")
    assert result.returncode == 14, result.stdout[-2000:] + result.stderr[-2000:]  # the file's: no capture
    lines = [f"{tmp_path / folder}/ holds no WARC file (.warc, .warc.gz): skipped" for folder in ("runs", "schema")]
    assert [line for line in result.stderr.splitlines() if "skipped" in line] == [
        f"bhg-crawl: {line}" for line in lines
    ]
    [manifest] = manifests(tmp_path / "work")
    log = (tmp_path / "work" / "logs" / f"{manifest['run_id']}.log").read_text(encoding="utf-8")
    assert all(f"INFO: {line}" in log for line in lines)
