"""This run's own work, in the ``run_*`` tables of the state file until its commit merges it into what is known."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bhg_crawler.core.clock import utc
from bhg_crawler.state.file import StateFile
from bhg_crawler.state.values import MOVED, Payload, Placement, RunWork, Versions, instant

SCHEMA = """
CREATE TABLE IF NOT EXISTS run_articles (
    record_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    published_utc TEXT,
    fetched_at TEXT,
    status INTEGER,
    etag TEXT,
    last_modified TEXT,
    content_sha256 TEXT,
    version INTEGER,
    exported INTEGER NOT NULL DEFAULT 0,  -- its record is in this run's export
    current INTEGER NOT NULL DEFAULT 0,   -- what was fetched is what an export holds (ETag worth keeping)
    content_at TEXT  -- the fetched_at of content_sha256: of the run's versions, the current (values.current_of)
);
CREATE INDEX IF NOT EXISTS run_articles_by_content ON run_articles (content_sha256) WHERE exported;
CREATE TABLE IF NOT EXISTS run_urls (url TEXT PRIMARY KEY, record_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run_sections (site TEXT, slug TEXT, PRIMARY KEY (site, slug));
CREATE TABLE IF NOT EXISTS run_requests (fingerprint BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS run_payloads (digest TEXT PRIMARY KEY, uri TEXT, date TEXT, record_id TEXT);
-- articles requested in this run, and why those that failed were not exported
CREATE TABLE IF NOT EXISTS run_discovered (record_id TEXT PRIMARY KEY, url TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run_failed (record_id TEXT PRIMARY KEY, url TEXT NOT NULL, reason TEXT, retry INTEGER);
-- pages of the ledger that are no articles (listing pages a walk missed) fetched in this run: they leave it
CREATE TABLE IF NOT EXISTS run_cleared (record_id TEXT PRIMARY KEY);
-- articles of the ledger this run held back (``ledger_turn``): one more run they waited
CREATE TABLE IF NOT EXISTS run_deferred (record_id TEXT PRIMARY KEY);
-- articles of which a capture of a web archive failed in this run, to be asked again: in the ledger, whatever
-- versions of them were exported
CREATE TABLE IF NOT EXISTS run_pending (record_id TEXT PRIMARY KEY);
"""
ADDED_COLUMNS = {"run_articles": ("content_at TEXT",)}  # the columns a state file of an earlier version lacks
TABLES = ("run_articles", "run_urls", "run_sections", "run_requests", "run_payloads", "run_discovered",
          "run_failed", "run_cleared", "run_deferred", "run_pending")  # fmt: skip


def as_utc(moment: datetime | str | None) -> str | None:
    """An aware moment, or one in ISO 8601 text, as ``YYYY-MM-DDTHH:MM:SSZ``; None for none."""
    if not moment:
        return None
    return utc(datetime.fromisoformat(moment) if isinstance(moment, str) else moment)


def epoch_seconds(moment: str | None) -> int | None:
    """An ISO 8601 moment in whole seconds since 1970 (UTC); None for none."""
    return int(datetime.fromisoformat(moment).timestamp()) if moment else None


class RunTables:
    """What this run did, in the ``run_*`` tables of ``file``: the articles it fetched and exported, the URLs
    of its records, the sections it walked to their last page, the payloads it archived, the requests it asked
    for, and the articles it discovered and why some failed. Nothing here is final until the run's commit; a
    run that dies leaves its rows behind, and the next run drops them (``clear``). Every write counts towards
    the file's periodic commit."""

    def __init__(self, file: StateFile):
        self.file = file
        self.db = file.db

    def _write(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any]) -> sqlite3.Cursor:
        cursor = self.db.execute(sql, parameters)
        self.file.wrote()
        return cursor

    def clear(self) -> None:
        """Drops every row of the run tables (in the open transaction)."""
        for table in TABLES:
            self.db.execute(f"DELETE FROM {table}")

    # -- what the run did -----------------------------------------------------------------------

    def fetched(self, record_id: str, url: str, status: int, fetched_at: datetime, etag: str | None,
                last_modified: str | None, published: datetime | None) -> None:  # fmt: skip
        """An article's answer: its HTTP status (or ``MOVED``), when (aware), its validators, when it was
        published (aware, when known). A 304 or a move makes the article current. The URL answering is the
        article's, unless it said gone (404, 410) after this run found the article at another."""
        self._write(
            """
            INSERT INTO run_articles (record_id, url, published_utc, fetched_at, status, etag, last_modified, current)
            VALUES (:record_id, :url, :published, :at, :status, :etag, :last_modified, :status IN (304, :moved))
            ON CONFLICT (record_id) DO UPDATE SET
                url = CASE WHEN excluded.status IN (404, 410) THEN run_articles.url ELSE excluded.url END,
                fetched_at = excluded.fetched_at, status = excluded.status, etag = excluded.etag,
                last_modified = excluded.last_modified,
                published_utc = coalesce(excluded.published_utc, run_articles.published_utc),
                current = run_articles.current OR excluded.current
            """,
            {"record_id": record_id, "url": url, "published": as_utc(published), "at": utc(fetched_at),
             "status": status, "etag": etag, "last_modified": last_modified, "moved": MOVED},
        )  # fmt: skip

    def exporting(self, record: dict[str, Any]) -> None:
        """The record (its ``record_id``, ``url``, ``url_aliases``, ``content_sha256``, ``version``,
        ``fetched_at`` and ``published_at``, ISO 8601 or None) is exported, current, and owns its URLs. Of the
        versions of an article a run exports (a recovery's), the row keeps the highest number and the content
        of the current one (``values.current_of``)."""
        self._write(
            """
            INSERT INTO run_articles (record_id, url, published_utc, fetched_at, status, content_sha256, version,
                                      exported, current, content_at)
            VALUES (:record_id, :url, :published, :at, 200, :sha, :version, 1, 1, :content_at)
            ON CONFLICT (record_id) DO UPDATE SET
                url = excluded.url,
                content_sha256 = CASE WHEN NOT run_articles.exported OR excluded.content_at >= run_articles.content_at
                                      THEN excluded.content_sha256 ELSE run_articles.content_sha256 END,
                content_at = CASE WHEN NOT run_articles.exported OR excluded.content_at >= run_articles.content_at
                                  THEN excluded.content_at ELSE run_articles.content_at END,
                version = CASE WHEN run_articles.exported THEN max(run_articles.version, excluded.version)
                               ELSE excluded.version END,
                exported = 1, current = 1,
                published_utc = coalesce(run_articles.published_utc, excluded.published_utc)
            """,
            {"record_id": record["record_id"], "url": record["url"], "sha": record["content_sha256"],
             "version": record["version"], "at": record["fetched_at"], "published": as_utc(record["published_at"]),
             "content_at": instant(record["fetched_at"])},
        )  # fmt: skip
        self.alias(record["record_id"], [record["url"], *record["url_aliases"]])

    def unchanged(self, record_id: str) -> None:
        """The article is current: what was fetched is what an export holds."""
        self._write("UPDATE run_articles SET current = 1 WHERE record_id = ?", (record_id,))

    def withdraw(self, record_id: str) -> None:
        """The article is neither exported nor current after all."""
        self._write("UPDATE run_articles SET exported = 0, current = 0 WHERE record_id = ?", (record_id,))

    def alias(self, record_id: str, urls: list[str]) -> None:
        """The URLs belong to the record, unless a URL already belongs to another record of this run."""
        self.db.executemany("INSERT OR IGNORE INTO run_urls VALUES (?, ?)", [(url, record_id) for url in urls])
        self.file.wrote()

    def discovered(self, record_id: str, url: str) -> None:
        """The article was requested, at ``url``."""
        self._write("INSERT OR IGNORE INTO run_discovered VALUES (?, ?)", (record_id, url))

    def failed(self, record_id: str, url: str, reason: str, retry: bool) -> None:
        """Why the article was not exported, replacing an earlier reason; ``retry``: worth another go."""
        self._write("INSERT OR REPLACE INTO run_failed VALUES (?, ?, ?, ?)", (record_id, url, reason, retry))

    def cleared(self, ledger_id: str) -> None:
        """A page of the ledger that is no article (a listing page) was fetched: it leaves the ledger."""
        self._write("INSERT OR IGNORE INTO run_cleared VALUES (?)", (ledger_id,))

    def pending(self, record_id: str) -> None:
        """A capture of the article failed, to be asked again: it stays in the ledger, whatever was exported."""
        self._write("INSERT OR IGNORE INTO run_pending VALUES (?)", (record_id,))

    def deferred(self, record_id: str) -> None:
        """An article of the ledger was held back in this run, to wait for later ones (``ledger_turn``)."""
        self._write("INSERT OR IGNORE INTO run_deferred VALUES (?)", (record_id,))

    def walked(self, site: str, slug: str) -> None:
        """The section's pages were followed to the last one."""
        self._write("INSERT OR IGNORE INTO run_sections VALUES (?, ?)", (site, slug))

    def archived(self, digest: str, uri: str, date: str, record_id: str) -> None:
        """A payload was archived in full (its digest, target URI, ISO 8601 date, record), unless it was already."""
        self._write("INSERT OR IGNORE INTO run_payloads VALUES (?, ?, ?, ?)", (digest, uri, date, record_id))

    def request_seen(self, fingerprint: bytes) -> bool:
        """Whether a request of this fingerprint was asked for before; it is noted now."""
        return self._write("INSERT OR IGNORE INTO run_requests VALUES (?)", (fingerprint,)).rowcount == 0

    # -- what the run knows ---------------------------------------------------------------------

    def exported(self, record_id: str) -> bool:
        """Whether the record is in this run's export."""
        row = self.db.execute("SELECT 1 FROM run_articles WHERE record_id = ? AND exported", (record_id,))
        return row.fetchone() is not None

    def record_of(self, url: str) -> str | None:
        """The record of this run a URL belongs to, if any."""
        row = self.db.execute("SELECT record_id FROM run_urls WHERE url = ?", (url,)).fetchone()
        return None if row is None else str(row["record_id"])

    def payload(self, digest: str) -> Payload | None:
        """Where this run archived a payload in full, if it did."""
        row = self.db.execute("SELECT * FROM run_payloads WHERE digest = ?", (digest,)).fetchone()
        return None if row is None else Payload(row["uri"], row["date"], row["record_id"])

    def copy_of(self, record: dict[str, Any]) -> Placement | None:
        """A ``duplicate`` placement when this run exported the record already, by its ``record_id``, by its
        ``url`` or one of its ``url_aliases``, or by its ``content_sha256``; None otherwise."""
        if self.exported(record["record_id"]):
            return Placement("duplicate", "id", record["record_id"])
        for url in [record["url"], *record["url_aliases"]]:
            row = self.db.execute(
                "SELECT u.record_id FROM run_urls AS u JOIN run_articles AS a USING (record_id) "
                "WHERE u.url = ? AND a.exported",
                (url,),
            ).fetchone()
            if row is not None:
                return Placement("duplicate", "url", row["record_id"])
        row = self.db.execute(
            "SELECT record_id FROM run_articles WHERE content_sha256 = ? AND exported", (record["content_sha256"],)
        ).fetchone()
        return None if row is None else Placement("duplicate", "content", row["record_id"])

    def versions(self, record_id: str) -> Versions | None:
        """The versions of the article this run exported (``exporting``); None when none."""
        row = self.db.execute(
            "SELECT content_at, version, content_sha256 FROM run_articles WHERE record_id = ? AND exported",
            (record_id,),
        ).fetchone()
        return None if row is None else Versions(row["content_at"] or "", row["version"], row["content_sha256"])

    def exported_with(self, sha: str, other_than: str) -> str | None:
        """The record, other than ``other_than``, this run exported with the content of sha256 ``sha``."""
        row = self.db.execute(
            "SELECT record_id FROM run_articles WHERE content_sha256 = ? AND exported AND record_id != ?",
            (sha, other_than),
        ).fetchone()
        return None if row is None else str(row["record_id"])

    def as_work(self, run_id: str, status: str) -> RunWork:
        """The run's work as one value, for a merge outside this file: every article (with ``published_ts``,
        its publication in seconds since 1970), URL, section, payload, and the ledger's candidates (the
        discovered articles, and the failed ones with their reason and ``retry``, and ``pending`` when a
        capture of theirs is to be asked again), and the ledger's articles held back; a recovery's captures and
        versions (the ``run_captures`` and ``run_versions`` of ``state.captures``, in the same file)."""
        articles = [
            {**dict(row), "exported": bool(row["exported"]), "current": bool(row["current"]),
             "published_ts": epoch_seconds(row["published_utc"])}
            for row in self.db.execute("SELECT * FROM run_articles")
        ]  # fmt: skip
        ledger = {row["record_id"]: {"url": row["url"], "reason": None, "retry": None}
                  for row in self.db.execute("SELECT * FROM run_discovered")}  # fmt: skip
        for row in self.db.execute("SELECT * FROM run_failed"):  # failures of what another worker discovered too
            ledger[row["record_id"]] = {"url": row["url"], "reason": row["reason"], "retry": bool(row["retry"])}
        pending = "SELECT record_id FROM run_pending WHERE record_id IN (SELECT record_id FROM run_failed)"
        for row in self.db.execute(pending):
            ledger[row["record_id"]]["pending"] = True
        return RunWork(
            run_id,
            status,
            articles,
            [(row["url"], row["record_id"]) for row in self.db.execute("SELECT * FROM run_urls")],
            [f"{row['site']} {row['slug']}" for row in self.db.execute("SELECT * FROM run_sections")],
            [tuple(row) for row in self.db.execute("SELECT digest, uri, date, record_id FROM run_payloads")],
            ledger,
            [row["record_id"] for row in self.db.execute("SELECT record_id FROM run_cleared")],
            [row["record_id"] for row in self.db.execute("SELECT record_id FROM run_deferred")],
            [(row["key"], row["record_id"]) for row in self.db.execute("SELECT * FROM run_captures")],
            [tuple(row) for row in self.db.execute("SELECT record_id, content_sha256, version FROM run_versions")],
        )
