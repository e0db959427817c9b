"""A heartbeat file, rewritten while the run is alive: a run that died without closing leaves it stale."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from bhg_crawler.core.clock import now_utc
from bhg_crawler.core.components import CrawlerComponent
from bhg_crawler.core.files import json_document, write_atomically
from bhg_crawler.state.lock import lock_for, lock_held


def heartbeat_path(settings: Any) -> Path | None:
    """The heartbeat file: ``BHG_HEARTBEAT``, else ``<BHG_EXPORTS>/heartbeat.json``; None when exports are off."""
    if settings.get("BHG_HEARTBEAT"):
        return Path(settings["BHG_HEARTBEAT"])
    if settings.get("BHG_EXPORTS"):
        return Path(settings["BHG_EXPORTS"]) / "heartbeat.json"
    return None


def stale(beat: dict[str, Any], now: datetime, beats: float = 3) -> bool:
    """Whether a heartbeat says ``running`` but missed ``beats`` beats: the run died without closing."""
    return beat.get("status") == "running" and beat_age(beat, now) > beats * float(beat["interval_seconds"])


def beat_age(beat: dict[str, Any], now: datetime) -> float:
    """Seconds since the heartbeat's last beat (``updated_at``)."""
    return (now - datetime.fromisoformat(beat["updated_at"].replace("Z", "+00:00"))).total_seconds()


class Liveness(NamedTuple):
    """What this host can tell of a run besides its beats: whether its ``pid`` runs here, and whether its state's
    lock is held (None: not known, the run's state has no lock)."""

    pid_alive: bool
    lock_held: bool | None


def liveness(beat: dict[str, Any]) -> Liveness:
    """This host's look at the run of a heartbeat: its pid (a zombie, killed and not yet reaped, is no run) and
    its state's lock (``state.lock.lock_held``). Only worth asking on the run's own host (``beat["host"]``)."""
    pid = beat.get("pid")
    alive = isinstance(pid, int) and pid > 0 and _runs(pid)
    lock = beat.get("lock")
    return Liveness(alive, lock_held(Path(lock)) if lock else None)


def _runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it runs
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True  # no /proc to ask: the signal said it runs
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


class Verdict(NamedTuple):
    """What a heartbeat says of its run: ``running``, ``closed``, ``dead`` or ``stuck``, and why in words."""

    state: str
    why: str


Look = Callable[[dict[str, Any]], Liveness]


def verdict(beat: dict[str, Any], now: datetime, beats: float, host: str, look: Look | None = None) -> Verdict:
    """What became of the run of ``beat``, read on ``host`` at ``now``. A run that says ``running`` is dead now
    when, on its own host (where ``look`` is asked: ``liveness``), its pid runs no more or its state's lock is
    free; when it missed ``beats`` beats it is stuck (its pid alive) or dead (no pid or lock to ask: another host,
    or an older heartbeat that names none); else running. A heartbeat that is not ``running`` says its status."""
    if beat.get("status") != "running":
        return Verdict(str(beat.get("status")), "")
    here = (look or liveness)(beat) if beat.get("host") == host else None
    if here is not None and not here.pid_alive:
        return Verdict("dead", f"pid {beat.get('pid')} is not running on {host}")
    if here is not None and here.lock_held is False:
        return Verdict("dead", f"its state's lock {beat.get('lock')} is free")
    if stale(beat, now, beats):
        missed = f"no beat for {beat_age(beat, now):.0f} s, over {beats:g} beats of {beat['interval_seconds']:g} s"
        if here is None:
            return Verdict("dead", missed)
        return Verdict("stuck", f"{missed}; pid {beat.get('pid')} still runs")
    elsewhere = f"on {beat.get('host') or 'a host it does not name'}: only its beats tell"
    return Verdict("running", elsewhere if here is None else "")


class Heartbeat(CrawlerComponent):
    """Rewrites the heartbeat file every ``BHG_HEARTBEAT_SECONDS`` while the run is alive, and once more when it
    closes. The file (``BHG_HEARTBEAT``; default ``<BHG_EXPORTS>/heartbeat.json``, none when exports are off;
    0 seconds turns it off) says ``running`` with the time of the last beat and the run's counts, or
    ``closed`` with the finish reason and the exit code; and the run's pid, host and state's lock file, which
    ``bhg-crawl heartbeat`` asks on that host (``verdict``)."""

    def __init__(self, crawler: Crawler, path: Path, interval: float):
        super().__init__(crawler)
        self.path = path
        self.interval = interval
        self.started_at = now_utc()
        state_lock = lock_for(crawler.settings["BHG_STATE"])
        self.lock = str(state_lock.path.resolve()) if state_lock is not None else None
        self.task = LoopingCall(self.beat)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Heartbeat:
        interval = crawler.settings.getfloat("BHG_HEARTBEAT_SECONDS")
        path = heartbeat_path(crawler.settings)
        if interval <= 0 or path is None:
            raise NotConfigured  # off (BHG_HEARTBEAT_SECONDS 0, or no file): no warning in the log
        heartbeat = cls(crawler, path, interval)
        heartbeat.listen("spider_opened", "spider_closed")
        return heartbeat

    def spider_opened(self, spider: Spider) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.task.start(self.interval, now=True)

    def beat(self, **closing: Any) -> None:
        """Rewrites the file (atomically): running, or with ``closing`` (finish reason, exit code, outcome) closed."""
        stats = self.stats.get_stats()
        beat = {
            "run_id": self.crawler.settings.get("BHG_RUN_ID"),
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "lock": self.lock,
            "status": "closed" if closing else "running",
            "started_at": self.started_at,
            "updated_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "interval_seconds": self.interval,
            "requests": stats.get("downloader/request_count", 0),
            "responses": stats.get("downloader/response_count", 0),
            "exported": stats.get("item_scraped_count", 0),
            "failures": stats.get("bhg/failures", 0),
            **closing,
        }
        write_atomically(self.path, json_document(beat))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task.running:
            self.task.stop()
        stats = self.stats.get_stats()
        self.beat(finish_reason=reason, exit_code=stats.get("bhg/exit_code"), outcome=stats.get("bhg/outcome"))
