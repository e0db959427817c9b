"""The heartbeat file: when a run that says it is running has died."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bhg_crawler.app.cli import main
from bhg_crawler.monitoring.heartbeat import stale


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
        ({"status": "running", "interval_seconds": 30}, 0, "running"),
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
