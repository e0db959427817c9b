"""The retention of the runs' logs and stats: what ``bhg-crawl prune`` removes, and what it never touches."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bhg_crawler.app.cli import main
from bhg_crawler.runs.retention import past_retention, run_time

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "time"),
    [
        ("20261125T031500Z-bhg-9f2c", datetime(2026, 11, 25, 3, 15, tzinfo=UTC)),
        ("20261125T031500Z-demo-ab12", datetime(2026, 11, 25, 3, 15, tzinfo=UTC)),
        ("20261125T031500Z-recover-0a0a", datetime(2026, 11, 25, 3, 15, tzinfo=UTC)),
        ("cron", None),
        ("20261125-bhg-9f2c", None),
        ("20261125T031500Z", None),
        ("x20261125T031500Z-bhg-9f2c", None),
        ("20261130T999999Z-bhg-9f2c", None),  # shaped like a run id, but no time of day
        ("20261131T000000Z-bhg-9f2c", None),  # no such day
        ("20261130T999999Z-bhg-zzzz", None),
        ("20261125T031500Z-bhg-9F2C", None),  # runs.files.new_run_id writes lower-case hex
        ("20261125T031500Z-bhg", None),
    ],
)
def test_a_run_id_says_when_the_run_started(name: str, time: datetime | None) -> None:
    assert run_time(name) == time


RUNS = ["20261130T110000Z-bhg-0001", "20261129T110000Z-bhg-0002", "20261101T110000Z-bhg-0003",
        "20261031T110000Z-bhg-0004", "20250101T000000Z-bhg-0005", "cron"]  # fmt: skip


@pytest.mark.parametrize(
    ("keep_days", "keep", "removed"),
    [
        (30, 0, ["20250101T000000Z-bhg-0005", "20261031T110000Z-bhg-0004"]),  # 30 days: from 31 October 12:00
        (30, 4, ["20250101T000000Z-bhg-0005"]),  # the newest four kept whatever their age
        (30, 5, []),
        (0, 0, sorted(RUNS[:5])),
        (0, 2, sorted(RUNS[2:5])),
        (1000, 0, []),
    ],
)  # fmt: skip
def test_what_is_past_the_retention_is_older_than_the_days_and_not_among_the_newest(
    keep_days: float, keep: int, removed: list[str]
) -> None:
    assert past_retention(RUNS, NOW, keep_days, keep) == removed


def test_prune_removes_old_logs_and_stats_and_never_a_manifest_a_record_or_another_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs, exports = tmp_path / "logs", tmp_path / "exports"
    old, kept = "20200101T000000Z-bhg-0001", "20200102T000000Z-bhg-0002"  # years old: only --keep keeps one
    stray = [
        logs / "20261130T999999Z-bhg-zzzz.log",
        logs / "20200101T000000Z-bhg-zzzz.log.gz",
        logs / "cron.log",
        logs / "notes.txt",
        exports / "runs" / "stats" / "summary.json",
    ]  # no run wrote them
    files = [*stray, logs / f"{old}.log", logs / f"{old}.log.gz", logs / f"{kept}.log",
             exports / "runs" / f"{old}.json", exports / "runs" / "stats" / f"{old}.json",
             exports / "runs" / "stats" / f"{kept}.json", exports / old / "articles-0001.jsonl",
             exports / old / "failures.jsonl", exports / "heartbeat.json", exports / "crawls" / f"{old}.json"]  # fmt: skip
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x" * 10)
    (logs / "20190101T000000Z-bhg-0003.log").mkdir()  # a folder under a log's name: no run's log either
    line = ["prune", "--logs", str(logs), "--exports", str(exports), "--keep", "1"]
    gone = [logs / f"{old}.log", logs / f"{old}.log.gz", exports / "runs" / "stats" / f"{old}.json"]
    unknown = [logs / "20190101T000000Z-bhg-0003.log", *sorted(stray[:4]), stray[4]]
    said_unknown = f"bhg-crawl: kept 6 files no run wrote: {', '.join(map(str, unknown))}\n"

    assert main([*line, "--dry-run"]) == 0
    said = capsys.readouterr()
    assert said.out.splitlines() == [str(path) for path in gone]
    assert said.err == said_unknown + "bhg-crawl: would remove 3 files (30 bytes)\n"
    assert all(path.exists() for path in files)

    assert main(line) == 0
    assert capsys.readouterr().err == said_unknown + "bhg-crawl: removed 3 files\n"
    assert sorted(path for path in files if path.exists()) == sorted(set(files) - set(gone))
    assert main(line) == 0  # and again, as the next day's cron does: nothing more to remove, the same kept
    assert capsys.readouterr().err == said_unknown + "bhg-crawl: removed 0 files\n"


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (["--keep-days", "-1"], "--keep-days must be a number of at least 0, not '-1'"),
        (["--keep-days", "nan"], "--keep-days must be a number of at least 0, not 'nan'"),
        (["--keep-days", "inf"], "--keep-days must be a number of at least 0, not 'inf'"),
        (["--keep-days=-inf"], "--keep-days must be a number of at least 0, not '-inf'"),
        (["--keep-days", "a month"], "--keep-days must be a number of at least 0, not 'a month'"),
        (["--keep", "0"], "--keep must be a whole number of at least 1, not '0'"),  # the newest run may be running
        (["--keep", "-1"], "--keep must be a whole number of at least 1, not '-1'"),
        (["--keep", "2.5"], "--keep must be a whole number of at least 1, not '2.5'"),
        (["--keep", "nan"], "--keep must be a whole number of at least 1, not 'nan'"),
    ],
)
def test_prune_refuses_a_retention_that_is_none(
    tmp_path: Path, options: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "20200101T000000Z-bhg-0001.log").write_text("x")
    assert main(["prune", "--logs", str(tmp_path / "logs"), "--exports", str(tmp_path), *options]) == 2
    assert capsys.readouterr().err == f"bhg-crawl: {error}\n"
    assert (tmp_path / "logs" / "20200101T000000Z-bhg-0001.log").exists()


@pytest.mark.parametrize(("options", "kept"), [(["--keep-days", "0.5"], 1), (["--keep", "1", "--keep-days", "0"], 1)])
def test_prune_takes_a_retention_of_its_kind(
    tmp_path: Path, options: list[str], kept: int, capsys: pytest.CaptureFixture[str]
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    for run_id in ("20200101T000000Z-bhg-0001", "20200102T000000Z-bhg-0002"):
        (logs / f"{run_id}.log").write_text("x")
    assert main(["prune", "--logs", str(logs), "--exports", str(tmp_path), "--keep", "1", *options]) == 0
    assert [path.name for path in logs.iterdir()] == ["20200102T000000Z-bhg-0002.log"][:kept]
