"""``make demo`` end to end: a replica served, crawled whole, exported, and the replica stopped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bhg_crawler.runs.outcome import ExitCode


def test_the_demo_crawls_the_replica_whole_and_says_where_the_exports_are(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    line = [sys.executable, "-m", "bhg_crawler", "demo", "--articles", "80", "--exports", str(exports)]
    for _ in range(2):  # a second demo exports everything again: its state is its own
        result = subprocess.run(line, capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300)
        assert result.returncode == ExitCode.OK, result.stderr[-3000:]
    found = [json.loads(p.read_text(encoding="utf-8")) for p in (exports / "runs").glob("*.json")]
    manifests = sorted(found, key=lambda m: m["started_at"])
    assert [m["counts"]["articles"] for m in manifests] == [80, 80]
    last = manifests[-1]
    log = exports / "logs" / f"{last['run_id']}.log"
    assert result.stdout.splitlines()[1:] == [
        f"Run {last['run_id']} (complete): 80 articles exported, 0 rejected, 0 duplicates dropped, 0 pages not fetched",
        f"  {exports.resolve()}/{last['run_id']}/articles-0001.jsonl  (articles, 80 records)",
        f"  {exports.resolve()}/runs/{last['run_id']}.json  (manifest)",
        f"  {log.resolve()}  (log)",
    ]  # after the replica's address: a few lines of its own, and Scrapy's log in the run's log file
    assert result.stderr == ""
    assert "[scrapy.core.engine] INFO: Spider closed (finished)" in log.read_text(encoding="utf-8")
    assert not (tmp_path / "state").exists()  # the demo's state lives in memory


def demo(cwd: Path, *options: str) -> subprocess.CompletedProcess[str]:
    line = [sys.executable, "-m", "bhg_crawler", "demo", "--articles", "30", *options]
    return subprocess.run(line, capture_output=True, text=True, check=False, cwd=cwd, timeout=300)


def test_the_demo_exports_into_a_folder_of_its_own_and_never_into_a_real_crawls(tmp_path: Path) -> None:
    result = demo(tmp_path)
    assert result.returncode == ExitCode.OK, result.stderr[-3000:]
    [manifest] = (tmp_path / "demo" / "exports" / "runs").glob("*.json")
    assert "-demo-" in manifest.stem and not (tmp_path / "exports").exists()
    real = tmp_path / "exports"
    (real / "runs").mkdir(parents=True)
    (real / "runs" / "20261125T031500Z-bhg-9f2c.json").write_text("{}")
    refused = demo(tmp_path, "--exports", str(real))
    assert refused.returncode == ExitCode.BAD_CONFIG
    assert refused.stderr == (f"bhg-crawl: {real} holds runs that no demo made (20261125T031500Z-bhg-9f2c.json): a demo "
                              "exports into a folder of its own (default demo/exports)\n")  # fmt: skip
    assert sorted(p.name for p in (real / "runs").iterdir()) == ["20261125T031500Z-bhg-9f2c.json"]


@pytest.mark.parametrize(
    ("options", "code"),
    [
        (("--template", "broken"), ExitCode.REJECTS),  # no body on the pages: rejected
        (("--faults", "robots-503"), ExitCode.ROBOTS_UNAVAILABLE),
        (("--day", "30"), ExitCode.OK),
    ],
)
def test_the_demo_serves_the_replica_its_options_choose(
    tmp_path: Path, options: tuple[str, ...], code: ExitCode
) -> None:
    result = demo(tmp_path, *options)
    assert result.returncode == code, result.stderr[-3000:]
    if options[0] == "--day":
        [manifest] = (tmp_path / "demo" / "exports" / "runs").glob("*.json")
        assert json.loads(manifest.read_text())["counts"]["articles"] > 30  # the site moved on: more articles
