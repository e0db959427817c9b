"""The heartbeat file: when a run that says it is running has died."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bhg_crawler.monitoring.heartbeat import stale


def test_a_heartbeat_is_stale_after_three_missed_beats() -> None:
    assert not stale(BEAT, AT + timedelta(seconds=90))
    assert stale(BEAT, AT + timedelta(seconds=91))
    assert stale(BEAT, AT + timedelta(seconds=31), beats=1)
    assert not stale({**BEAT, "status": "closed"}, AT + timedelta(days=1))  # a closed run is not dead


BEAT = {"status": "running", "updated_at": "2026-11-25T03:00:00Z", "interval_seconds": 30}


AT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
