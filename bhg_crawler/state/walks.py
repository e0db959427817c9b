"""Where each walk of a web archive's CDX index is: its next page and the index lines its pages gave, across runs."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bhg_crawler.state.file import StateFile

SCHEMA = """
-- the walk of a CDX query (the URL of its first page): the next page's resume key or number, the number of pages
-- when the index said it, and whether it reached its end; kept by a run that dies or stops, dropped by the
-- commit of a run that walked it to its end and asked its captures
CREATE TABLE IF NOT EXISTS index_walks (
    query TEXT PRIMARY KEY, resume_key TEXT, page INTEGER, pages INTEGER, done INTEGER NOT NULL DEFAULT 0
);
-- the index lines the pages of a walk gave, each capture once (its "<timestamp> <original URL>")
CREATE TABLE IF NOT EXISTS index_lines (
    query TEXT NOT NULL, key TEXT NOT NULL, fields TEXT NOT NULL, PRIMARY KEY (query, key)
);
"""


@dataclass
class WalkPosition:
    """Where the walk of ``query`` is: the next page is the one after ``resume_key`` (``showResumeKey``), or page
    number ``page`` of ``pages`` (``showNumPages``; None: not asked yet); ``done`` once it reached the last."""

    query: str
    resume_key: str | None = None
    page: int | None = None
    pages: int | None = None
    done: bool = False

    @property
    def started(self) -> bool:
        """Whether the walk read a page already (a run goes on from here rather than from the first page)."""
        return self.done or self.resume_key is not None or bool(self.page)


class IndexWalks:
    """The walks of the CDX queries of recoveries, in the state's SQLite file (``index_walks``, ``index_lines``).

    Unlike a run's own work, a walk's position and lines are committed as each page is read (``advance``), so a
    run killed in the middle of a walk leaves it where it was and the next run goes on from there; a committed
    run that walked its queries to their end drops them (``forget_done``), so the run after it walks them again
    and finds the captures the archive took since, but a run stopped before it asked every capture (exit 6)
    keeps them: the next one plans the captures left from the lines kept, reading no page of the index again."""

    def __init__(self, file: StateFile):
        self.file = file
        self.db = file.db

    def position(self, query: str) -> WalkPosition:
        """Where the walk of ``query`` is; at its start when none was kept."""
        row = self.db.execute("SELECT * FROM index_walks WHERE query = ?", (query,)).fetchone()
        if row is None:
            return WalkPosition(query)
        return WalkPosition(query, row["resume_key"], row["page"], row["pages"], bool(row["done"]))

    def lines(self, query: str) -> list[dict[str, str]]:
        """The index lines (field name -> value) the walk of ``query`` kept, in the order they were read."""
        rows = self.db.execute("SELECT fields FROM index_lines WHERE query = ? ORDER BY rowid", (query,))
        return [json.loads(row["fields"]) for row in rows]

    def advance(self, position: WalkPosition, lines: dict[str, dict[str, str]]) -> None:
        """A page read: its ``lines`` (capture key -> fields) kept with the walk's new ``position``, committed at
        once (with whatever else is open: a run's own rows are dropped by the next run if this one dies)."""
        self.db.executemany(
            "INSERT OR IGNORE INTO index_lines VALUES (?, ?, ?)",
            [(position.query, key, json.dumps(fields, sort_keys=True)) for key, fields in lines.items()],
        )
        self.db.execute(
            "INSERT OR REPLACE INTO index_walks VALUES (?, ?, ?, ?, ?)",
            (position.query, position.resume_key, position.page, position.pages, int(position.done)),
        )
        self.file.commit()

    def forget_done(self) -> None:
        """The walks at their end dropped, with their lines (in the open transaction: a run's commit)."""
        self.db.execute("DELETE FROM index_lines WHERE query IN (SELECT query FROM index_walks WHERE done)")
        self.db.execute("DELETE FROM index_walks WHERE done")
