"""The heartbeat: rewritten while a run is alive, closed with the exit code, stale when the run died."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bhg_crawler.runs.outcome import ExitCode
from tests.helpers import command, replica


def read(path: Path) -> dict[str, Any] | None:
    try:
        beat: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return beat


def check(work: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    line = [sys.executable, "-m", "bhg_crawler", "heartbeat", "--exports", str(work / "exports"), *extra]
    return subprocess.run(line, capture_output=True, text=True, check=False)


def test_a_run_beats_while_it_runs_and_closes_with_its_exit_code(tmp_path: Path) -> None:
    heartbeat = tmp_path / "exports" / "heartbeat.json"
    seen: list[dict[str, Any]] = []
    with replica(0, 300) as (url, _):
        child = subprocess.Popen(command(url, 0, tmp_path, "-s", "BHG_HEARTBEAT_SECONDS=0.2"), text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        while child.poll() is None:
            beat = read(heartbeat)
            if beat is not None and beat["status"] == "running" and beat not in seen:
                seen.append(beat)
            time.sleep(0.05)
        child.communicate()
    assert child.returncode == ExitCode.OK
    assert len(seen) >= 2
    assert seen[-1]["requests"] > seen[0]["requests"]  # it counts as it goes
    final = read(heartbeat)
    assert final is not None
    assert final["status"] == "closed"
    assert final["exit_code"] == 0 and final["finish_reason"] == "finished"
    assert final["pid"] == child.pid and final["exported"] == 300
    done = check(tmp_path)
    assert done.returncode == 0
    assert ": closed, exit 0 (ok): " in done.stdout


def test_a_run_killed_without_closing_leaves_a_stale_heartbeat(tmp_path: Path) -> None:
    heartbeat = tmp_path / "exports" / "heartbeat.json"
    with replica(0, 300) as (url, _):
        child = subprocess.Popen(command(url, 0, tmp_path, "-s", "BHG_HEARTBEAT_SECONDS=0.5"), text=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        while (beat := read(heartbeat)) is None or beat["requests"] < 5:
            assert child.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    alive = check(tmp_path, "--beats", "1000")
    assert alive.returncode == 0
    assert ": running;" in alive.stdout
    time.sleep(1.6)  # more than three beats
    dead = check(tmp_path)
    assert dead.returncode == 1
    assert "dead (no beat for too long)" in dead.stdout


def test_a_missing_heartbeat_is_a_clear_error(tmp_path: Path) -> None:
    missing = check(tmp_path)
    assert missing.returncode == ExitCode.BAD_CONFIG
    assert "cannot read the heartbeat" in missing.stderr
