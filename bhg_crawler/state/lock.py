"""One run at a time on a state: an exclusive ``flock`` on ``<state>.lock``."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from bhg_crawler.core.clock import now_utc


class AlreadyRunning(RuntimeError):
    """Another run holds the state's lock: the command line exits with ``ExitCode.ALREADY_RUNNING``."""


class RunLock:
    """An exclusive ``flock`` on the file at ``path`` (created if missing), which names its holder (``pid <n>
    since <ISO 8601 UTC>``). A second holder, even in the same process, is refused."""

    def __init__(self, path: Path):
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Takes the lock and writes the holder into the file. Raises ``AlreadyRunning``, naming the holder,
        when the lock is held, and ``OSError`` when the file cannot be opened."""
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise AlreadyRunning(f"another run holds {self.path} ({holder})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {now_utc()}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Lets the lock go; nothing when it is not held."""
        if self._handle is not None:
            self._handle.close()  # closing the file releases the lock
            self._handle = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """The lock, held for the ``with`` block (``acquire``'s errors)."""
        self.acquire()
        try:
            yield
        finally:
            self.release()


def lock_held(path: Path) -> bool:
    """Whether a process holds the lock at ``path`` now (a file that is missing is a lock no one holds). It asks
    by taking a shared lock for an instant, which a run that starts in that instant is refused as if another run
    held it (exit 7): only ever asked of a run said to be running."""
    try:
        handle = path.open("r", encoding="utf-8")
    except FileNotFoundError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False  # closing the file lets the shared lock go


def lock_for(state: str) -> RunLock | None:
    """The lock of a state path (None for the in-memory state, which no other run can share)."""
    return RunLock(Path(state + ".lock")) if state else None
