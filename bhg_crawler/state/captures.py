"""What a recovery from a web archive does in a run: the captures it recovered, the versions it exported."""

from __future__ import annotations

from bhg_crawler.state.file import StateFile

SCHEMA = """
CREATE TABLE IF NOT EXISTS run_captures (key TEXT PRIMARY KEY, record_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run_versions (
    record_id TEXT NOT NULL, content_sha256 TEXT NOT NULL, version INTEGER NOT NULL,
    PRIMARY KEY (record_id, content_sha256)
);
"""
TABLES = ("run_captures", "run_versions")


class RecoveryTables:
    """This run's captures recovered and versions exported (``run_captures``, ``run_versions``) until its
    commit merges them into what is known (``Knowledge.merge``: the state file's ``captures`` and
    ``versions``, or Redis)."""

    def __init__(self, file: StateFile):
        self.file = file
        self.db = file.db

    def clear(self) -> None:
        """Drops this run's rows (in the open transaction)."""
        for table in TABLES:
            self.db.execute(f"DELETE FROM {table}")

    def recovered(self, key: str) -> bool:
        """Whether this run recovered a capture (``Capture.key``)."""
        return self.db.execute("SELECT 1 FROM run_captures WHERE key = ?", (key,)).fetchone() is not None

    def captured(self, key: str, record_id: str) -> None:
        """This run recovered the capture ``key`` of the article ``record_id``."""
        self.db.execute("INSERT OR IGNORE INTO run_captures VALUES (?, ?)", (key, record_id))
        self.file.wrote()

    def exporting(self, record_id: str, sha: str, version: int) -> None:
        """This run exports the article's content ``sha`` as ``version``."""
        self.db.execute("INSERT OR IGNORE INTO run_versions VALUES (?, ?, ?)", (record_id, sha, version))
        self.file.wrote()

    def withdraw(self, record_id: str) -> None:
        """This run exports none of the article's versions after all."""
        self.db.execute("DELETE FROM run_versions WHERE record_id = ?", (record_id,))
        self.file.wrote()

    def contents(self, record_id: str) -> set[str]:
        """The content hashes of the versions of the article this run exported."""
        rows = self.db.execute("SELECT content_sha256 FROM run_versions WHERE record_id = ?", (record_id,))
        return {row[0] for row in rows}
