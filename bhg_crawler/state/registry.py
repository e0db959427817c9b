"""The run registry, in the state file: a run's row is committed in the transaction that merges its work."""

from __future__ import annotations

import json
from typing import Any

from bhg_crawler.state.file import StateFile

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, started_at TEXT, finished_at TEXT, status TEXT, exports TEXT, outcome TEXT,
    figures TEXT,  -- what the monitors compare across runs (bhg_crawler.runs.figures.run_figures)
    published INTEGER  -- its files renamed and its manifest written, after its commit
);
"""
ADDED_COLUMNS = {"runs": ("figures TEXT", "published INTEGER DEFAULT 1")}  # a state file of an earlier version


class RunRegistry:
    """The runs of a state (the ``runs`` table of ``file``): each with its ``run_id``, ``started_at`` and
    ``finished_at`` (ISO 8601 UTC), ``status`` (``running``, then ``complete``, ``partial``, ``failed`` or
    ``crashed``), ``exports`` (its exports folder), ``outcome`` and ``figures`` (JSON), and ``published``.
    It lives in the state file, not with what committed runs know, because the commit point is one SQLite
    transaction: a run's row says it committed exactly when its work was merged. (With the knowledge in Redis,
    the row follows the merge, and the merge's note, ``Knowledge.committed``, covers the moment between.)
    Nothing here commits; the state store decides when."""

    def __init__(self, file: StateFile):
        self.db = file.db

    def begin(self, run_id: str, exports: str, at: str) -> list[tuple[str, str]]:
        """Records the run as running since ``at``; the runs still running before are crashed, and returned
        as (``run_id``, exports folder)."""
        dead = [(r["run_id"], r["exports"]) for r in self.db.execute("SELECT * FROM runs WHERE status = 'running'")]
        self.db.execute("UPDATE runs SET status = 'crashed' WHERE status = 'running'")
        self.db.execute(
            "INSERT OR REPLACE INTO runs (run_id, started_at, status, exports, published) "
            "VALUES (?, ?, 'running', ?, 0)",
            (run_id, at, exports),
        )
        return dead

    def finish(self, run_id: str, status: str, outcome: dict[str, Any], figures: dict[str, Any] | None,
               at: str) -> None:  # fmt: skip
        """Records how the run ended, at ``at``: its status, outcome and figures (None or empty: none)."""
        self.db.execute(
            "UPDATE runs SET finished_at = ?, status = ?, outcome = ?, figures = ? WHERE run_id = ?",
            (at, status, json.dumps(outcome), json.dumps(figures) if figures else None, run_id),
        )

    def running(self) -> list[str]:
        """The runs recorded as running."""
        return [row["run_id"] for row in self.db.execute("SELECT run_id FROM runs WHERE status = 'running'")]

    def committed_elsewhere(self, run_id: str, status: str, at: str) -> None:
        """Records a run whose work was merged into knowledge kept elsewhere before it could record its end:
        finished at ``at`` with ``status``, its files not published."""
        self.db.execute(
            "UPDATE runs SET status = ?, finished_at = ?, published = 0 WHERE run_id = ?", (status, at, run_id)
        )

    def unpublished(self) -> list[tuple[str, str]]:
        """The committed runs whose files were not all published, as (``run_id``, exports folder)."""
        rows = self.db.execute(
            "SELECT run_id, exports FROM runs WHERE status IN ('complete', 'partial') AND NOT published"
        )
        return [(row["run_id"], row["exports"]) for row in rows]

    def published(self, run_id: str) -> None:
        """Records that the run's files are published."""
        self.db.execute("UPDATE runs SET published = 1 WHERE run_id = ?", (run_id,))

    def runs(self) -> list[dict[str, Any]]:
        """Every run, the first started first: its columns, with ``outcome`` decoded (None when not ended)."""
        rows = self.db.execute("SELECT * FROM runs ORDER BY started_at")
        return [{**dict(row), "outcome": json.loads(row["outcome"] or "null")} for row in rows]

    def history(self, limit: int, **match: str) -> list[dict[str, Any]]:
        """The figures (decoded) of the last ``limit`` complete runs whose figures have the given values
        (``kind=``, ``site=``), the newest first."""
        where = "".join(f" AND json_extract(figures, '$.{key}') = :{key}" for key in match if key.isidentifier())
        rows = self.db.execute(
            f"SELECT figures FROM runs WHERE status = 'complete' AND figures IS NOT NULL{where} "
            "ORDER BY finished_at DESC LIMIT :limit",
            {**match, "limit": limit},
        )
        return [json.loads(row["figures"]) for row in rows]
