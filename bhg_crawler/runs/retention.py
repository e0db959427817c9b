"""How long the runs' logs and stats are kept: those past the retention, never a manifest nor a record."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

RUN_ID = re.compile(r"(\d{8}T\d{6}Z)-[\w-]+-[0-9a-f]{4}")  # runs.files.new_run_id: <UTC time>-<spider>-<4 hex>
RUN_FILE = re.compile(r"(?P<run_id>[^.]+)(?P<suffix>\..+)")  # <run_id><suffix>: 20261125T031500Z-bhg-9f2c.log


def run_time(run_id: str) -> datetime | None:
    """When the run of that id started (its id says: ``20261125T031500Z-bhg-9f2c``); None for a name that is no
    run id, a time that is none (``20261130T999999Z-bhg-9f2c``) among them."""
    match = RUN_ID.fullmatch(run_id)
    try:
        return datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) if match else None
    except ValueError:
        return None


def past_retention(run_ids: Iterable[str], now: datetime, keep_days: float, keep: int) -> list[str]:
    """The run ids, of those given, started more than ``keep_days`` days before ``now`` and not among the newest
    ``keep``; sorted. Names that are no run ids are never among them."""
    dated = sorted(((time, run_id) for run_id in set(run_ids) if (time := run_time(run_id)) is not None), reverse=True)
    cutoff = now - timedelta(days=keep_days)
    return sorted(run_id for time, run_id in dated[keep:] if time < cutoff)


class Pruning(NamedTuple):
    """What ``prunable`` found: the files past the retention, and those it does not know (no run wrote them)."""

    past: list[Path]
    unknown: list[Path]


def prunable(logs: Path | None, exports: Path | None, now: datetime, keep_days: float, keep: int) -> Pruning:
    """The files past the retention (``past_retention``): the runs' log files, ``<logs>/<run_id>.log`` (and
    ``.log.gz``), and their final stats, ``<exports>/runs/stats/<run_id>.json``; each kind counted apart. Any
    other entry of those two folders is unknown: never removed, named so that it can be looked at (``cron.log``,
    a name shaped like a run id with no real time in it). Manifests, the runs' folders (records, rejects,
    failures, WARC files), the crawls' manifests and the heartbeat are never looked at."""
    past: list[Path] = []
    unknown: list[Path] = []
    kinds = [(logs, (".log", ".log.gz")), (exports / "runs" / "stats" if exports else None, (".json",))]
    for folder, suffixes in kinds:
        if folder is None or not folder.is_dir():
            continue
        files: dict[str, list[Path]] = {}
        for path in sorted(folder.iterdir()):
            named = RUN_FILE.fullmatch(path.name)
            if named and named["suffix"] in suffixes and run_time(named["run_id"]) and path.is_file():
                files.setdefault(named["run_id"], []).append(path)
            else:
                unknown.append(path)
        past += [path for run_id in past_retention(files, now, keep_days, keep) for path in files[run_id]]
    return Pruning(past, unknown)
