"""The heartbeat: rewritten while a run is alive, closed with the exit code, stale when the run died."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
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


def test_a_run_killed_without_closing_is_dead_at_once_on_its_host(tmp_path: Path) -> None:
    heartbeat = tmp_path / "exports" / "heartbeat.json"
    with replica(0, 300) as (url, _):
        child = subprocess.Popen(command(url, 0, tmp_path, "-s", "BHG_HEARTBEAT_SECONDS=0.5"), text=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        while (beat := read(heartbeat)) is None or beat["requests"] < 5:
            assert child.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)
        alive = check(tmp_path)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert alive.returncode == 0, alive.stdout
    assert f"(pid {child.pid}): running; last beat " in alive.stdout
    assert beat["host"] == socket.gethostname() and beat["lock"] == str((tmp_path / "state.sqlite3.lock").resolve())
    dead = check(tmp_path, "--beats", "1000")  # no beat missed yet: its pid says it is gone
    assert dead.returncode == 1
    assert f"(pid {child.pid}): dead (pid {child.pid} is not running on {socket.gethostname()}); " in dead.stdout
    elsewhere = {**beat, "host": "another-host"}
    heartbeat.write_text(json.dumps(elsewhere))
    assert check(tmp_path, "--beats", "1000").returncode == 0  # another host's run: only its beats tell
    time.sleep(1.6)  # more than three beats
    stale = check(tmp_path)
    assert stale.returncode == 1
    assert re.search(r": dead \(no beat for \d+ s, over 3 beats of 0.5 s\); last beat ", stale.stdout)


def test_a_missing_heartbeat_is_a_clear_error(tmp_path: Path) -> None:
    missing = check(tmp_path)
    assert missing.returncode == ExitCode.BAD_CONFIG
    assert "cannot read the heartbeat" in missing.stderr
