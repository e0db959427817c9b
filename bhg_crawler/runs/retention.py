"""How long the runs' logs and stats are kept: those past the retention, never a manifest nor a record."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

RUN_ID = re.compile(r"(\d{8}T\d{6}Z)-[\w-]+")  # runs.files.new_run_id: <UTC time>-<spider>-<4 hex>


def run_time(run_id: str) -> datetime | None:
    """When the run of that id started (its id says: ``20261125T031500Z-bhg-9f2c``); None for a name that is no
    run id."""
    match = RUN_ID.fullmatch(run_id)
    return datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) if match else None


def past_retention(run_ids: Iterable[str], now: datetime, keep_days: float, keep: int) -> list[str]:
    """The run ids, of those given, started more than ``keep_days`` days before ``now`` and not among the newest
    ``keep``; sorted. Names that are no run ids are never among them."""
    dated = sorted(((time, run_id) for run_id in set(run_ids) if (time := run_time(run_id)) is not None), reverse=True)
    cutoff = now - timedelta(days=keep_days)
    return sorted(run_id for time, run_id in dated[keep:] if time < cutoff)


def prunable(logs: Path | None, exports: Path | None, now: datetime, keep_days: float, keep: int) -> list[Path]:
    """The files past the retention (``past_retention``): the runs' log files, ``<logs>/<run_id>.log`` (and
    ``.log.gz``), and their final stats, ``<exports>/runs/stats/<run_id>.json``; each kind counted apart.
    Manifests, the runs' folders (records, rejects, failures, WARC files), the crawls' manifests, the
    heartbeat and any file not named by a run id (``cron.log``) are never among them."""
    found: list[Path] = []
    kinds = [(logs, ("*.log", "*.log.gz")), (exports / "runs" / "stats" if exports else None, ("*.json",))]
    for folder, patterns in kinds:
        if folder is None or not folder.is_dir():
            continue
        files: dict[str, list[Path]] = {}
        for path in sorted(path for pattern in patterns for path in folder.glob(pattern)):
            files.setdefault(path.name.split(".", 1)[0], []).append(path)
        found += [path for run_id in past_retention(files, now, keep_days, keep) for path in files[run_id]]
    return found
