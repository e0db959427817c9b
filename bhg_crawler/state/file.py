"""The state's local SQLite file: opened under the run lock, in WAL mode, with a transaction always open."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

from bhg_crawler.core.errors import ConfigError
from bhg_crawler.state.lock import RunLock, lock_for

WRITES_A_TRANSACTION = 1000  # writes of a run's work between two commits, so the write-ahead log stays short


class StateFile:
    """The SQLite file at ``path`` (an empty path keeps it in memory, for one run), locked while open by an
    exclusive ``flock`` on ``<path>.lock``.

    ``schema`` is the SQL that creates its tables where missing; ``added_columns`` maps a table to the columns
    (``"name TYPE"``) a later version of the project added to it, added to a file that lacks them. ``db`` is the
    connection (rows as ``sqlite3.Row``); a transaction is always open on it. Raises ``AlreadyRunning`` when
    another run holds the lock, ``ConfigError`` when the file cannot be created, opened or given its schema
    (and then leaves no lock file it made).
    """

    def __init__(self, path: str, schema: str, added_columns: Mapping[str, Sequence[str]]):
        self.path = path
        self.lock: RunLock | None = None
        self.closed = False
        made = False  # a lock file this open made, unmade if it fails
        try:
            if path:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            lock = lock_for(path)
            made = lock is not None and not lock.path.exists()
            if lock is not None:
                lock.acquire()
            self.lock = lock
            self.db = open_database(path)
            self.db.executescript(schema)
            for table, columns in added_columns.items():
                add_missing_columns(self.db, table, columns)
        except (OSError, sqlite3.Error) as error:
            if made and self.lock is not None:
                self.lock.path.unlink(missing_ok=True)
            self._release()
            raise ConfigError(f"cannot open the state {path}: {error}") from None
        self._writes = 0
        self.db.execute("BEGIN")

    def commit(self) -> None:
        """Commits the open transaction and opens the next."""
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    def wrote(self) -> None:
        """Counts one write of a run's work, committing every ``WRITES_A_TRANSACTION`` writes: a run's rows are
        not final until its own commit anyway."""
        self._writes += 1
        if self._writes % WRITES_A_TRANSACTION == 0:
            self.commit()

    def close(self) -> None:
        """Commits what is open (a run's rows at most: the next run drops them), closes the file and releases
        the lock; a second call does nothing."""
        if self.closed:
            return
        self.closed = True
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self.db.close()
        self._release()

    def _release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def open_database(path: str) -> sqlite3.Connection:
    """A connection to the SQLite file at ``path`` (in memory when empty) in WAL mode, committing only when
    told (``isolation_level=None``), usable from any thread, its rows ``sqlite3.Row``. Raises ``sqlite3.Error``."""
    db = sqlite3.connect(path or ":memory:", isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def add_missing_columns(db: sqlite3.Connection, table: str, columns: Sequence[str]) -> None:
    """Adds to ``table`` those of ``columns`` (``"name TYPE"``) it lacks: a file from an earlier version.
    Raises ``sqlite3.Error``."""
    present = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
    for column in columns:
        if column.split()[0] not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
