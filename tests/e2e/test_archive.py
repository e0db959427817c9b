"""Archival mode: WARC files checked with warcio, their index, revisits, re-extraction and WACZ."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bhg_replica.process import running_pywb
from bhg_replica.site import SITE_HOSTS
from tests.helpers import bhg_run, exported, manifests, replica, warc_records, warcs

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A run with --warc, then a second (--full) that finds the same payloads again."""
    work = tmp_path_factory.mktemp("archive")
    with replica(0, 300) as (url, site):
        first = bhg_run(url, 0, work, "--warc")
        second = bhg_run(url, 0, work, "--warc", "--full")
    assert first.returncode == 0, first.stderr[-2000:]
    assert second.returncode == 3, second.stderr[-2000:]
    runs = manifests(work)
    return {"work": work, "site": site, "runs": runs}


def test_every_warc_passes_warcio_check(archived: dict[str, Any]) -> None:
    for manifest in archived["runs"]:
        for path in warcs(archived["work"], manifest):
            result = subprocess.run([BIN / "warcio", "check", "-v", str(path)], capture_output=True, text=True,
                                    check=False)  # fmt: skip
            assert result.returncode == 0, result.stdout[-2000:]
            assert "digest pass" in result.stdout


def test_responses_are_archived_as_received_with_their_requests(archived: dict[str, Any]) -> None:
    [path] = warcs(archived["work"], archived["runs"][0])
    found = warc_records(path)
    kind, headers, _, info = found[0]
    assert kind == "warcinfo"
    assert headers["WARC-Filename"] == path.name
    assert b"software: bhg-crawler/" in info
    assert b"BHG_WARC=1" in info
    responses = {h["WARC-Record-ID"]: (h, http) for k, h, http, _ in found if k in ("response", "revisit")}
    requests = [(h, http) for k, h, http, _ in found if k == "request"]
    assert len(requests) == len(responses)
    for headers, http in requests:
        assert headers["WARC-Concurrent-To"] in responses
        assert (http.protocol, http.statusline[:1]) == ("GET", "/")  # warcio reads "GET /path HTTP/1.1" so
        assert http.get_header("Host") in SITE_HOSTS
    uris = {h["WARC-Target-URI"] for h, _ in responses.values()}
    assert "https://baohagiang.vn/xa-hoi/trang-2.html" in uris  # a query string is kept too: tests/unit/test_warc.py
    gzipped = [http for h, http in responses.values() if http.get_header("Content-Encoding") == "gzip"]
    assert gzipped  # bodies as sent, still gzipped, digests over those bytes (warcio check above)
    statuses = {http.get_statuscode() for _, http in responses.values()}
    assert {"200", "404"} <= statuses  # deleted articles answer 404, and that is archived too


def test_a_cdxj_index_lists_every_capture(archived: dict[str, Any]) -> None:
    manifest = archived["runs"][0]
    [index] = [archived["work"] / "exports" / e["path"] for e in manifest["files"] if e["kind"] == "cdxj"]
    lines = index.read_text(encoding="utf-8").splitlines()
    [path] = warcs(archived["work"], manifest)
    captures = [r for r in warc_records(path) if r[0] in ("response", "revisit")]
    assert len(lines) == len(captures)
    first = json.loads(lines[0].split(" ", 2)[2])
    assert first["filename"] == path.name


def test_the_second_run_writes_revisits_of_the_first(archived: dict[str, Any]) -> None:
    first, second = archived["runs"]
    originals = {h["WARC-Record-ID"]: h for p in warcs(archived["work"], first) for k, h, _, _ in warc_records(p)}
    revisits = [h for p in warcs(archived["work"], second) for k, h, _, _ in warc_records(p) if k == "revisit"]
    assert len(revisits) > 50  # every article page is the same as yesterday's but for the date, robots.txt...
    for headers in revisits:
        assert headers["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
        original = originals[headers["WARC-Refers-To"]]
        assert original["WARC-Target-URI"] == headers["WARC-Refers-To-Target-URI"]
        assert original["WARC-Payload-Digest"] == headers["WARC-Payload-Digest"]


def test_records_point_at_their_warc_record(archived: dict[str, Any]) -> None:
    manifest = archived["runs"][0]
    by_id = {h["WARC-Record-ID"]: h for p in warcs(archived["work"], manifest) for _, h, _, _ in warc_records(p)}
    for record in exported(archived["work"], manifest):
        headers = by_id[record["warc_record_id"]]
        assert headers["WARC-Target-URI"] == record["url"]
        assert headers["WARC-Date"].replace("Z", "+00:00") == record["fetched_at"].replace("Z", "+00:00")


def test_reextract_reproduces_the_exported_records(archived: dict[str, Any]) -> None:
    manifest, work = archived["runs"][0], archived["work"]
    result = subprocess.run(
        [sys.executable, "-m", "bhg_crawler", "reextract", manifest["run_id"], "--exports", str(work / "exports")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    again = {r["warc_record_id"]: r for r in map(json.loads, result.stdout.splitlines())}
    records = exported(work, manifest)
    assert len(records) == len(archived["site"].catalog.live)
    for record in records:
        assert again[record["warc_record_id"]] == record


def test_wacz_packages_a_run(archived: dict[str, Any]) -> None:
    manifest, work = archived["runs"][0], archived["work"]
    out = work / "run.wacz"
    result = subprocess.run(
        [sys.executable, "-m", "bhg_crawler", "wacz", manifest["run_id"], "--exports", str(work / "exports"),
         "--out", str(out)], capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert (result.stdout, result.stderr) == (f"{out}\n", "")  # the file's path, not wacz's steps or warnings
    with zipfile.ZipFile(out) as wacz:
        names = wacz.namelist()
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").decode().splitlines()[1:]]
    assert {"datapackage.json", "datapackage-digest.json", "indexes/index.cdx.gz"} <= set(names)
    assert [n for n in names if n.startswith("archive/")] == [f"archive/{p.name}" for p in warcs(work, manifest)]
    assert sorted(p["url"] for p in pages) == sorted(r["url"] for r in exported(work, manifest))
    check = subprocess.run([BIN / "wacz", "validate", "-f", str(out)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]


def test_reextract_of_an_unknown_run_is_a_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bhg_crawler", "reextract", "no-such-run", "--exports",
                             str(tmp_path)], capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 2
    assert (
        result.stderr
        == f"bhg-crawl: no run 'no-such-run': neither a WARC file nor a run with a manifest under {tmp_path}\n"
    )


@pytest.fixture
def wayback(archived: dict[str, Any], tmp_path: Path) -> Iterator[str]:
    """pywb serving the first run's WARC files on loopback."""
    with running_pywb(tmp_path, warcs(archived["work"], archived["runs"][0])) as url:
        yield url


def test_pywb_replays_an_archived_article_as_the_site_served_it(archived: dict[str, Any], wayback: str) -> None:
    site = archived["site"]
    newest = next(slot for slot in reversed(site.catalog.live) if slot.article_id not in site.moved)
    for slot in (site.catalog.live[0], newest):
        url = site.writer.canonical_url(slot)
        with urllib.request.urlopen(f"{wayback}/2026id_/{url}", timeout=30) as reply:
            replayed = reply.read()
        assert replayed == site.respond("baohagiang.vn", site.writer.path(slot)).body


def test_warc_files_roll_at_their_size_limit(tmp_path: Path) -> None:
    with replica(0, 60) as (url, _):
        result = bhg_run(url, 0, tmp_path, "--warc", "-s", "BHG_WARC_MAX_BYTES=60000",
                         "-s", "BHG_NOTIFY_SLACK_WEBHOOK=https://user:hunter2@hooks.invalid/T0")  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    paths = warcs(tmp_path, manifest)
    assert len(paths) >= 4
    assert [p.name for p in paths] == [f"{manifest['run_id']}-{n:05d}.warc.gz" for n in range(1, len(paths) + 1)]
    captures = 0
    for path in paths:
        found = warc_records(path)
        assert found[0][0] == "warcinfo"
        assert b"hunter2" not in found[0][3]  # no secret from the settings is written down
        captures += sum(kind in ("response", "revisit") for kind, _, _, _ in found)
    [index] = [tmp_path / "exports" / e["path"] for e in manifest["files"] if e["kind"] == "cdxj"]
    lines = index.read_text().splitlines()
    assert len(lines) == captures
    assert {json.loads(line.split(" ", 2)[2])["filename"] for line in lines} == {p.name for p in paths}
    assert not list((tmp_path / "exports").glob("*/.*.part"))
