"""The heartbeat file: when a run that says it is running has died."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bhg_crawler.app.cli import main
from bhg_crawler.monitoring import heartbeat
from bhg_crawler.monitoring.heartbeat import Liveness, liveness, stale, verdict
from bhg_crawler.state.lock import RunLock


def test_a_heartbeat_is_stale_after_three_missed_beats() -> None:
    assert not stale(BEAT, AT + timedelta(seconds=90))
    assert stale(BEAT, AT + timedelta(seconds=91))
    assert stale(BEAT, AT + timedelta(seconds=31), beats=1)
    assert not stale({**BEAT, "status": "closed"}, AT + timedelta(days=1))  # a closed run is not dead


BEAT = {"status": "running", "updated_at": "2026-11-25T03:00:00Z", "interval_seconds": 30}


AT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("beat", "code", "said"),
    [
        ({"status": "closed", "exit_code": 0, "outcome": "30 records exported"}, 0,
         "closed, exit 0 (ok): 30 records exported"),
        ({"status": "closed", "exit_code": 3, "outcome": "nothing new"}, 0, "closed, exit 3 (nothing_new): nothing new"),
        ({"status": "closed", "exit_code": 11, "outcome": "the exports could not be written: [Errno 28] No space"}, 3,
         "closed, exit 11 (export_failed): the exports could not be written: [Errno 28] No space"),
        ({"status": "closed", "exit_code": 4, "outcome": "12 of 40 requests failed"}, 3,
         "closed, exit 4 (crawl_errors): 12 of 40 requests failed"),
        ({"status": "running", "interval_seconds": 30}, 0, "running (on a host it does not name: only its beats tell)"),
    ],
)  # fmt: skip
def test_the_heartbeat_command_says_how_the_last_run_closed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], beat: dict[str, Any], code: int, said: str
) -> None:
    now = datetime.now(UTC).isoformat()
    path = tmp_path / "heartbeat.json"
    path.write_text(json.dumps({"run_id": "r1", "pid": 7, "updated_at": now, **beat}))
    assert main(["heartbeat", "--file", str(path)]) == code
    assert capsys.readouterr().out == f"run r1 (pid 7): {said}; last beat {now}\n"


HERE = "crawler-1"
RUNNING = {"run_id": "r1", "pid": 4242, "host": HERE, "lock": "/srv/state/bhg.sqlite3.lock", "status": "running",
           "updated_at": "2026-11-25T03:00:00Z", "interval_seconds": 30}  # fmt: skip


@pytest.mark.parametrize(
    ("age", "pid_alive", "lock_held", "host", "state", "why", "code"),
    [
        (10, True, True, HERE, "running", "", 0),
        (10, True, None, HERE, "running", "", 0),  # a state in memory: no lock to ask
        (10, False, True, HERE, "dead", "pid 4242 is not running on crawler-1", 1),  # SIGKILL: dead at once
        (10, False, False, HERE, "dead", "pid 4242 is not running on crawler-1", 1),
        (10, False, None, HERE, "dead", "pid 4242 is not running on crawler-1", 1),
        (10, True, False, HERE, "dead", "its state's lock /srv/state/bhg.sqlite3.lock is free", 1),  # pid reused
        (91, True, True, HERE, "stuck", "no beat for 91 s, over 3 beats of 30 s; pid 4242 still runs", 1),
        (91, False, True, HERE, "dead", "pid 4242 is not running on crawler-1", 1),
        (10, False, False, "crawler-2", "running", "on crawler-2: only its beats tell", 0),  # not asked here
        (91, True, True, "crawler-2", "dead", "no beat for 91 s, over 3 beats of 30 s", 1),
        (90, True, True, "crawler-2", "running", "on crawler-2: only its beats tell", 0),
        (10, False, False, None, "running", "on a host it does not name: only its beats tell", 0),  # an older beat
        (91, False, False, None, "dead", "no beat for 91 s, over 3 beats of 30 s", 1),
    ],
)
def test_what_a_heartbeat_says_of_its_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    age: int, pid_alive: bool, lock_held: bool | None, host: str | None, state: str, why: str, code: int,
) -> None:  # fmt: skip
    beat = {**RUNNING, "host": host} if host else {k: v for k, v in RUNNING.items() if k != "host"}
    asked = []

    def look(seen: dict[str, Any]) -> Liveness:
        asked.append(seen["pid"])
        return Liveness(pid_alive, lock_held)

    assert verdict(beat, AT + timedelta(seconds=age), 3, HERE, look) == (state, why)
    assert asked == ([4242] if host == HERE else [])  # a pid is asked only on its own host
    now = datetime.now(UTC)
    path = tmp_path / "heartbeat.json"
    path.write_text(json.dumps({**beat, "updated_at": (now - timedelta(seconds=age - 0.5)).isoformat()}))
    monkeypatch.setattr(socket, "gethostname", lambda: HERE)
    monkeypatch.setattr(heartbeat, "liveness", lambda seen: Liveness(pid_alive, lock_held))
    assert main(["heartbeat", "--file", str(path)]) == code
    assert capsys.readouterr().out.startswith(f"run r1 (pid 4242): {state}{' (' if why else ';'}")


def test_a_run_on_this_host_is_seen_by_its_pid_and_its_lock(tmp_path: Path) -> None:
    lock = RunLock(tmp_path / "state.sqlite3.lock")
    beat = {**RUNNING, "pid": os.getpid(), "lock": str(lock.path)}
    assert liveness(beat) == Liveness(True, False)  # no lock file yet: free
    with lock.held():
        assert liveness(beat) == Liveness(True, True)
    assert liveness(beat) == Liveness(True, False)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert liveness({**beat, "pid": int(gone.stdout)}) == Liveness(False, False)
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    time.sleep(0.5)  # it ended, and is not reaped yet
    assert liveness({**beat, "pid": zombie.pid, "lock": None}) == Liveness(False, None)
    zombie.wait()
    assert liveness({**beat, "pid": 0})[0] is False  # never a signal to the process group
    assert liveness({**beat, "pid": "7"})[0] is False


@pytest.mark.parametrize("beats", ["0", "-1", "nan", "inf", "0.5", "three"])
def test_the_heartbeat_command_refuses_beats_that_are_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], beats: str
) -> None:
    path = tmp_path / "heartbeat.json"
    path.write_text(json.dumps(RUNNING))
    assert main(["heartbeat", "--file", str(path), f"--beats={beats}"]) == 2
    assert capsys.readouterr().err == f"bhg-crawl: --beats must be a number of at least 1, not {beats!r}\n"
