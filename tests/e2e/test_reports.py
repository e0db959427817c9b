"""The run report and `bhg-crawl report` in headless Chromium: the figures of the manifest and of the state."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bhg_crawler.runs.report import SERIES, by_section, reason_kind
from bhg_crawler.sites.profiles import BAOHAGIANG, with_successors
from bhg_crawler.state.store import StateStore
from tests.helpers import (
    Browsed,
    browse,
    exported,
    exported_records,
    ledger_rows,
    manifests,
    replica,
    screenshot_colours,
    small_record,
    tables,
)
from tests.helpers import bhg_run as run

SIZE = (1280, 1600)
SITES = with_successors(BAOHAGIANG)


def looks_whole(browsed: Browsed, charts: int) -> None:
    """A page that rendered: no error in the console, at least ``charts`` inline SVG charts, and a screenshot of
    the window's size with text and figures on it (many colours, far from blank)."""
    assert browsed.errors == []
    assert browsed.dom.count("<svg") >= charts
    assert "<script" not in browsed.dom
    size, colours, inked = screenshot_colours(browsed.screenshot)
    assert size == SIZE
    assert colours >= 30, colours
    assert 0.02 < inked < 0.9, inked


def report_cli(work: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    line = [sys.executable, "-m", "bhg_crawler", "report", "--state", str(work / "state.sqlite3"),
            "--exports", str(work / "exports"), *extra]  # fmt: skip
    return subprocess.run(line, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run of a faulty replica (rejects, refusals, failures), then one of the next day's replica."""
    work = tmp_path_factory.mktemp("reports")
    with replica(day=0, articles=200, faults="mixed") as (url, _):
        run(url, 0, work)
    with replica(day=1, articles=200) as (url, _):
        run(url, 1, work)
    return work


def test_each_run_report_shows_the_figures_of_its_manifest(two_runs: Path, tmp_path: Path) -> None:
    first, second = manifests(two_runs)
    assert first["counts"]["rejects"] and first["counts"]["failures"] and second["counts"]["articles"]
    for manifest in (first, second):
        page = two_runs / "exports" / "runs" / f"{manifest['run_id']}.html"
        browsed = browse(page, tmp_path, SIZE)
        looks_whole(browsed, charts=6)
        shown = tables(browsed.dom)
        assert shown["Counts (the manifest's)"] == [[k, str(v)] for k, v in manifest["counts"].items()]
        accounting = dict(row for row in shown["Accounting: each article once"] if len(row) == 2)
        assert accounting["discovered"] == str(manifest["accounting"]["discovered"])
        assert accounting["exported"] == str(manifest["accounting"]["exported"])
        refused = manifest["accounting"]["refused"]
        assert {
            k.removeprefix("refused: "): int(v) for k, v in accounting.items() if k.startswith("refused: ")
        } == refused

        sections = {row[0]: [int(n) for n in row[1:]] for row in shown[
            "Per section: records exported, rejected, and pages not fetched"]}  # fmt: skip
        from_files = by_section(two_runs / "exports", manifest, SITES)  # the run's export counted them as it wrote
        assert sections == {slug: [counts[name] for name in SERIES] for slug, counts in from_files.items()}
        records = exported(two_runs, manifest)
        assert {s: n[0] + n[1] for s, n in sections.items() if n[0] + n[1]} == Counter(
            r["section"]["slug"] for r in records
        )
        assert sum(n[1] for n in sections.values()) == sum(r["version"] > 1 for r in records)
        assert sum(n[2] for n in sections.values()) == manifest["counts"]["rejects"]
        assert sum(n[3] for n in sections.values()) == manifest["counts"]["failures"]
        failures = exported_records(two_runs / "exports", manifest, "failures")
        reasons = Counter(reason_kind(f["reason"]) for f in failures)
        assert {row[0]: int(row[1]) for row in shown.get("Pages not fetched, by reason", [])} == reasons

        assert "Records by the last layer any field needed" in shown
    past = tables(browse(two_runs / "exports" / "runs" / f"{second['run_id']}.html", tmp_path, SIZE).dom)
    assert [(row[0], row[3]) for row in past["The runs, oldest first"]] == [
        (m["run_id"], str(m["counts"]["articles"])) for m in (first, second)
    ]


def test_the_archive_report_shows_the_articles_and_the_ledger_the_state_holds(two_runs: Path, tmp_path: Path) -> None:
    out = tmp_path / "archive.html"
    result = report_cli(two_runs, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out.resolve())
    browsed = browse(out, tmp_path, SIZE)
    shown = tables(browsed.dom)
    latest: dict[str, dict[str, Any]] = {}
    for manifest in manifests(two_runs):
        latest.update((r["record_id"], r) for r in exported(two_runs, manifest) if r["site"] == "baohagiang.vn")
    by_section = Counter(r["section"]["slug"] for r in latest.values())
    rows = {row[0]: int(row[1]) for row in shown["Articles by section"]}
    assert rows == {"all sections": len(latest), **by_section}
    looks_whole(browsed, charts=len(rows) + 1)
    assert f"{len(latest)} articles exported" in browsed.text()
    ledger = ledger_rows(two_runs)
    assert sum(int(row[1]) for row in shown["The ledger by reason"]) == len(ledger)
    assert Counter(reason_kind(row[4]) for row in ledger) == {
        row[0]: int(row[1]) for row in shown["The ledger by reason"]
    }

    default = report_cli(two_runs)  # beside the exports, named after the site
    assert default.stdout.strip() == str((two_runs / "exports" / "archive-baohagiang.vn.html").resolve())


def test_the_archive_report_flags_a_month_with_far_fewer_articles_than_its_neighbours(tmp_path: Path) -> None:
    """xa-hoi has 10 articles a month in 2020 but 1 in June and none in September; kinh-te 2 a month (too few to
    tell a hole), none in May."""
    store = StateStore(str(tmp_path / "state.sqlite3"))
    store.begin_run("r1", str(tmp_path))
    number = 700000
    for month in range(1, 13):
        plan = {"xa-hoi": {6: 1, 9: 0}.get(month, 10), "kinh-te": 0 if month == 5 else 2}
        for section, count in plan.items():
            for _ in range(count):
                number += 1
                store.exporting(small_record(str(number), f"Bài {number}.",
                                             url=f"https://baohagiang.vn/{section}/2020{month:02d}/bai-{number}",
                                             published_at=f"2020-{month:02d}-15T08:00:00+07:00"))  # fmt: skip
    store.commit_run("r1", "complete", {})
    store.close()
    out = tmp_path / "archive.html"
    assert report_cli(tmp_path, "--out", str(out)).returncode == 0
    browsed = browse(out, tmp_path, SIZE)
    looks_whole(browsed, charts=3)
    assert tables(browsed.dom)["Holes"] == [
        ["all sections", "2020-06", "3", "12"],
        ["all sections", "2020-09", "2", "12"],
        ["xa-hoi", "2020-06", "1", "10"],
        ["xa-hoi", "2020-09", "0", "10"],
    ]
    assert browsed.dom.count("fill: #d62728") == 4  # each hole red in its calendar


def test_a_report_that_cannot_be_written_fails_no_run(tmp_path: Path) -> None:
    run_id = "20261130T000000Z-bhg-0bad"
    (tmp_path / "exports" / "runs" / f"{run_id}.html").mkdir(parents=True)  # where the report would go
    with replica(day=0, articles=60) as (url, _):
        result = run(url, 0, tmp_path, "-s", f"BHG_RUN_ID={run_id}")
    assert result.returncode == 0, result.stdout
    [manifest] = manifests(tmp_path)
    assert manifest["run_id"] == run_id and manifest["outcome"]["name"] == "ok"
    log = (tmp_path / "logs" / f"{run_id}.log").read_text(encoding="utf-8")
    assert f"Run {run_id}: its report could not be written: IsADirectoryError" in log
    assert "'bhg/report/failed': 1" in log
    assert f"{run_id}.html  (report)" not in result.stdout
