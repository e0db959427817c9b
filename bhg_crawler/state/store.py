"""The crawl's state across runs, in SQLite (WAL): the source of truth of what was fetched and exported.

Per article (record id): its canonical URL, when it was first seen and last fetched, its ETag and
Last-Modified, the content hash and version last exported, and the last HTTP status; every URL seen for
it; which sections were walked to their last page; and the runs. A run's own work goes to ``run_*``
tables first and is merged in one transaction only when the run's export is committed, so an article is
marked done only once its record is in a complete export file. A run that dies leaves its ``run_*`` rows
behind; the next run drops them and does the work again.

One run at a time: the store holds an exclusive lock (``flock``) on ``<path>.lock`` while open.

With ``BHG_REDIS_URL`` set, what committed runs know lives in Redis instead, shared by every worker of a
distributed crawl (``bhg_crawler.redis_state``): the commit merges the run's work there, and the local
file keeps the runs and each run's own work.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bhg_crawler.core.clock import now_utc, utc
from bhg_crawler.core.errors import ConfigError
from bhg_crawler.state.lock import lock_for, RunLock
from bhg_crawler.state.redis import RedisState
from bhg_crawler.state.values import MOVED, NO_ANSWER, Known, Payload, Placement, RunWork

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    record_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    published_utc TEXT,              -- ISO 8601 in UTC, for the refresh window
    first_seen TEXT NOT NULL,
    last_fetched TEXT,
    etag TEXT,
    last_modified TEXT,
    content_sha256 TEXT,
    version INTEGER NOT NULL DEFAULT 0,  -- versions exported; 0: fetched but never exported
    last_status INTEGER,
    run_id TEXT                      -- the run whose export holds the last version
);
CREATE INDEX IF NOT EXISTS articles_by_content ON articles (content_sha256);
CREATE INDEX IF NOT EXISTS articles_by_published ON articles (published_utc);
CREATE TABLE IF NOT EXISTS urls (url TEXT PRIMARY KEY, record_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sections (site TEXT, slug TEXT, walked_at TEXT, PRIMARY KEY (site, slug));
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, started_at TEXT, finished_at TEXT, status TEXT, exports TEXT, outcome TEXT,
    figures TEXT,  -- what the monitors compare across runs (bhg_crawler.monitors.run_figures)
    published INTEGER  -- its files renamed and its manifest written, after its commit
);
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
    current INTEGER NOT NULL DEFAULT 0    -- what was fetched is what an export holds (ETag worth keeping)
);
CREATE INDEX IF NOT EXISTS run_articles_by_content ON run_articles (content_sha256) WHERE exported;
CREATE TABLE IF NOT EXISTS run_urls (url TEXT PRIMARY KEY, record_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run_sections (site TEXT, slug TEXT, PRIMARY KEY (site, slug));
CREATE TABLE IF NOT EXISTS run_requests (fingerprint BLOB PRIMARY KEY) WITHOUT ROWID;
-- payloads archived in WARC files: a later identical payload is written as a revisit of the first
CREATE TABLE IF NOT EXISTS payloads (digest TEXT PRIMARY KEY, uri TEXT, date TEXT, record_id TEXT);
CREATE TABLE IF NOT EXISTS run_payloads (digest TEXT PRIMARY KEY, uri TEXT, date TEXT, record_id TEXT);
-- the failures ledger: articles discovered and not exported, why, and how many runs tried them
CREATE TABLE IF NOT EXISTS ledger (
    record_id TEXT PRIMARY KEY, url TEXT NOT NULL, reason TEXT NOT NULL, attempts INTEGER NOT NULL,
    first_at TEXT NOT NULL, last_at TEXT NOT NULL,
    retry INTEGER NOT NULL  -- 0: nothing to retry (gone, out of the run's range, a duplicate)
);
CREATE TABLE IF NOT EXISTS run_discovered (record_id TEXT PRIMARY KEY, url TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run_failed (record_id TEXT PRIMARY KEY, url TEXT NOT NULL, reason TEXT, retry INTEGER);
"""
RUN_TABLES = ("run_articles", "run_urls", "run_sections", "run_requests", "run_payloads", "run_discovered",
              "run_failed")  # fmt: skip
WRITES_A_TRANSACTION = 1000


class StateStore:
    """The state database. ``BHG_STATE`` names its file; empty keeps it in memory for one run. ``shared``
    holds what committed runs know, when a distributed crawl keeps it in Redis."""

    def __init__(self, path: str, shared: RedisState | None = None):
        self.path = path
        self.shared = shared
        self.lock: RunLock | None = None
        self.closed = False
        try:
            if path:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            lock = lock_for(path)
            if lock is not None:
                lock.acquire()
            self.lock = lock
            self.db = sqlite3.connect(path or ":memory:", isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.executescript(SCHEMA)
            columns = {row["name"] for row in self.db.execute("PRAGMA table_info(runs)")}
            for column in ("figures TEXT", "published INTEGER DEFAULT 1"):  # a state from an earlier version
                if column.split()[0] not in columns:
                    self.db.execute(f"ALTER TABLE runs ADD COLUMN {column}")
        except (OSError, sqlite3.Error) as error:
            self._release()
            raise ConfigError(f"cannot open the state {path}: {error}") from None
        self._writes = 0
        self.db.execute("BEGIN")
        for table in RUN_TABLES:  # a dead run's leftovers: the lock says no run is alive
            self.db.execute(f"DELETE FROM {table}")

    def _release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def close(self) -> None:
        """Closes the database and releases the lock; a second call does nothing."""
        if self.closed:
            return
        self.closed = True
        if self.db.in_transaction:
            self.db.execute("COMMIT")  # run_* rows only: the next run drops them
        self.db.close()
        self._release()

    def _wrote(self) -> None:
        """Commit now and then, so the write-ahead log stays short; run rows are not final anyway."""
        self._writes += 1
        if self._writes % WRITES_A_TRANSACTION == 0:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")

    # -- runs -----------------------------------------------------------------------------------

    def begin_run(self, run_id: str, exports: str) -> list[tuple[str, str]]:
        """Records the run; returns the runs that died without closing (``run_id``, exports folder)."""
        dead = [(r["run_id"], r["exports"]) for r in self.db.execute("SELECT * FROM runs WHERE status = 'running'")]
        self.db.execute("UPDATE runs SET status = 'crashed' WHERE status = 'running'")
        self.db.execute(
            "INSERT OR REPLACE INTO runs (run_id, started_at, status, exports, published) "
            "VALUES (?, ?, 'running', ?, 0)",
            (run_id, now_utc(), exports),
        )
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")
        return dead

    def unpublished(self) -> list[tuple[str, str]]:
        """Runs committed whose files were not all published (the process died in between). With a shared
        state, a run that died after its commit reached Redis and before its own state recorded it, too."""
        if self.shared is not None:
            for row in self.db.execute("SELECT run_id FROM runs WHERE status = 'running'").fetchall():
                status = self.shared.committed(row["run_id"])
                if status is not None:
                    self.db.execute("UPDATE runs SET status = ?, finished_at = ?, published = 0 WHERE run_id = ?",
                                    (status, now_utc(), row["run_id"]))  # fmt: skip
                    self.shared.settled(row["run_id"])
        rows = self.db.execute(
            "SELECT run_id, exports FROM runs WHERE status IN ('complete', 'partial') AND NOT published"
        )
        return [(row["run_id"], row["exports"]) for row in rows]

    def published(self, run_id: str) -> None:
        self.db.execute("UPDATE runs SET published = 1 WHERE run_id = ?", (run_id,))
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    def runs(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM runs ORDER BY started_at")
        return [{**dict(row), "outcome": json.loads(row["outcome"] or "null")} for row in rows]

    def history(self, limit: int, **match: str) -> list[dict[str, Any]]:
        """The figures of the last ``limit`` complete runs whose figures match (``kind=``, ``site=``),
        newest first."""
        where = "".join(f" AND json_extract(figures, '$.{key}') = :{key}" for key in match if key.isidentifier())
        rows = self.db.execute(
            f"SELECT figures FROM runs WHERE status = 'complete' AND figures IS NOT NULL{where} "
            "ORDER BY finished_at DESC LIMIT :limit",
            {**match, "limit": limit},
        )
        return [json.loads(row["figures"]) for row in rows]

    def commit_run(
        self, run_id: str, status: str, outcome: dict[str, Any], figures: dict[str, Any] | None = None
    ) -> None:
        """The run's export is committed: merge its work into the state, in one transaction (with a shared
        state: into Redis, then the run into the local state)."""
        now = now_utc()
        if self.shared is not None:
            self.shared.merge(self._run_work(run_id, status), NO_ANSWER)
        else:
            self._merge(run_id, now)
        self.db.execute(
            "UPDATE runs SET finished_at = ?, status = ?, outcome = ?, figures = ? WHERE run_id = ?",
            (now, status, json.dumps(outcome), json.dumps(figures) if figures else None, run_id),
        )
        for table in RUN_TABLES:
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")
        if self.shared is not None:
            self.shared.settled(run_id)

    def _run_work(self, run_id: str, status: str) -> RunWork:
        articles = [
            {**dict(row), "exported": bool(row["exported"]), "current": bool(row["current"]),
             "published_ts": int(datetime.fromisoformat(row["published_utc"]).timestamp())
             if row["published_utc"] else None}
            for row in self.db.execute("SELECT * FROM run_articles")
        ]  # fmt: skip
        ledger = {row["record_id"]: {"url": row["url"], "reason": None, "retry": None}
                  for row in self.db.execute("SELECT * FROM run_discovered")}  # fmt: skip
        for row in self.db.execute("SELECT * FROM run_failed"):  # failures of what another worker discovered too
            ledger[row["record_id"]] = {"url": row["url"], "reason": row["reason"], "retry": bool(row["retry"])}
        return RunWork(
            run_id,
            status,
            articles,
            [(row["url"], row["record_id"]) for row in self.db.execute("SELECT * FROM run_urls")],
            [f"{row['site']} {row['slug']}" for row in self.db.execute("SELECT * FROM run_sections")],
            [tuple(row) for row in self.db.execute("SELECT digest, uri, date, record_id FROM run_payloads")],
            ledger,
        )

    def _merge(self, run_id: str, now: str) -> None:
        """The run's work into the local tables of what is known."""
        self.db.execute(
            """
            UPDATE articles SET
                url = r.url,
                published_utc = coalesce(r.published_utc, articles.published_utc),
                last_fetched = r.fetched_at,
                last_status = r.status,
                etag = CASE WHEN r.current THEN r.etag ELSE articles.etag END,
                last_modified = CASE WHEN r.current THEN r.last_modified ELSE articles.last_modified END,
                content_sha256 = CASE WHEN r.exported THEN r.content_sha256 ELSE articles.content_sha256 END,
                version = CASE WHEN r.exported THEN r.version ELSE articles.version END,
                run_id = CASE WHEN r.exported THEN :run ELSE articles.run_id END
            FROM run_articles AS r WHERE r.record_id = articles.record_id
            """,
            {"run": run_id},
        )
        self.db.execute(
            """
            INSERT OR IGNORE INTO articles (record_id, url, published_utc, first_seen, last_fetched, etag,
                                            last_modified, content_sha256, version, last_status, run_id)
            SELECT record_id, url, published_utc, fetched_at, fetched_at,
                   CASE WHEN current THEN etag END, CASE WHEN current THEN last_modified END,
                   CASE WHEN exported THEN content_sha256 END, CASE WHEN exported THEN version ELSE 0 END,
                   status, CASE WHEN exported THEN :run END
            FROM run_articles
            """,
            {"run": run_id},
        )
        self.db.execute("INSERT OR IGNORE INTO urls SELECT url, record_id FROM run_urls")
        self.db.execute("INSERT OR IGNORE INTO payloads SELECT * FROM run_payloads")
        self.db.execute("INSERT OR REPLACE INTO sections SELECT site, slug, ? FROM run_sections", (now,))
        self._settle_ledger(now)

    def _settle_ledger(self, now: str) -> None:
        """Articles done in this run leave the ledger; those discovered and never exported enter it (or stay)."""
        done = (
            "SELECT record_id FROM run_articles WHERE exported OR current "
            f"UNION SELECT record_id FROM articles WHERE version >= 1 OR last_status = {MOVED}"
        )
        self.db.execute(f"DELETE FROM ledger WHERE record_id IN ({done})")
        self.db.execute(
            f"""
            INSERT INTO ledger (record_id, url, reason, attempts, first_at, last_at, retry)
            SELECT d.record_id, d.url, coalesce(f.reason, :no_answer), 1, :now, :now, coalesce(f.retry, 1)
            FROM run_discovered AS d LEFT JOIN run_failed AS f USING (record_id)
            WHERE d.record_id NOT IN ({done})
            ON CONFLICT (record_id) DO UPDATE SET
                url = excluded.url, reason = excluded.reason, attempts = ledger.attempts + 1,
                last_at = excluded.last_at, retry = excluded.retry
            """,
            {"now": now, "no_answer": NO_ANSWER},
        )

    def end_run(self, run_id: str, status: str, outcome: dict[str, Any]) -> None:
        """The run ends without a committed export: nothing of its work is kept."""
        self.db.execute(
            "UPDATE runs SET finished_at = ?, status = ?, outcome = ? WHERE run_id = ?",
            (now_utc(), status, json.dumps(outcome), run_id),
        )
        for table in RUN_TABLES:
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    # -- what is known ------------------------------------------------------------------------

    @staticmethod
    def _known(row: sqlite3.Row | None) -> Known | None:
        if row is None:
            return None
        return Known(row["record_id"], row["url"], row["published_utc"], row["etag"], row["last_modified"],
                     row["content_sha256"], row["version"], row["last_status"])  # fmt: skip

    def known(self, record_id: str) -> Known | None:
        if self.shared is not None:
            return self.shared.known(record_id)
        return self._known(self.db.execute("SELECT * FROM articles WHERE record_id = ?", (record_id,)).fetchone())

    def recent(self, site: str, since: datetime) -> list[Known]:
        """Exported articles of a site published since ``since``, oldest first: the ones to revisit."""
        if self.shared is not None:
            return self.shared.recent(site, since)
        rows = self.db.execute(
            "SELECT * FROM articles WHERE record_id LIKE ? AND version >= 1 AND published_utc >= ? "
            "ORDER BY published_utc",
            (site.replace("%", "") + ":%", utc(since)),
        )
        return [known for row in rows if (known := self._known(row)) is not None]

    def record_of(self, url: str) -> str | None:
        """The record a URL (canonical or alias) belongs to, in this run or a committed one."""
        row = self.db.execute("SELECT record_id FROM run_urls WHERE url = ?", (url,)).fetchone()
        if row is None and self.shared is not None:
            return self.shared.record_of(url)
        if row is None:
            row = self.db.execute("SELECT record_id FROM urls WHERE url = ?", (url,)).fetchone()
        return None if row is None else str(row["record_id"])

    def section_walked(self, site: str, slug: str) -> bool:
        """Whether a committed run followed the section's pages to the last one."""
        if self.shared is not None:
            return self.shared.section_walked(site, slug)
        row = self.db.execute("SELECT 1 FROM sections WHERE site = ? AND slug = ?", (site, slug)).fetchone()
        return row is not None

    def counts(self) -> dict[str, int]:
        if self.shared is not None:
            return self.shared.counts()
        row = self.db.execute(
            "SELECT count(*) AS articles, coalesce(sum(version >= 1), 0) AS exported, "
            "coalesce(sum(version), 0) AS versions FROM articles"
        ).fetchone()
        return dict(row)

    # -- this run's work ------------------------------------------------------------------------

    def payload(self, digest: str) -> Payload | None:
        """The first archived record of this payload, in this run or a committed one."""
        row = self.db.execute("SELECT * FROM run_payloads WHERE digest = ?", (digest,)).fetchone()
        if row is None and self.shared is not None:
            return self.shared.payload(digest)
        if row is None:
            row = self.db.execute("SELECT * FROM payloads WHERE digest = ?", (digest,)).fetchone()
        return None if row is None else Payload(row["uri"], row["date"], row["record_id"])

    def archived(self, digest: str, uri: str, date: str, record_id: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO run_payloads VALUES (?, ?, ?, ?)", (digest, uri, date, record_id))
        self._wrote()

    def request_seen(self, fingerprint: bytes) -> bool:
        """Whether this run already asked for a request with this fingerprint (and now it has)."""
        added = self.db.execute("INSERT OR IGNORE INTO run_requests VALUES (?)", (fingerprint,)).rowcount
        self._wrote()
        return added == 0

    def walked(self, site: str, slug: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO run_sections VALUES (?, ?)", (site, slug))
        self._wrote()

    def fetched(self, record_id: str, url: str, status: int, fetched_at: datetime, etag: str | None = None,
                last_modified: str | None = None, published: datetime | None = None) -> None:  # fmt: skip
        """An article was fetched (200), found current (304), gone (404, 410) or moved (301) to another record
        (``MOVED``): its old URL is an alias of its new record (``record_of``)."""
        self.db.execute(
            """
            INSERT INTO run_articles (record_id, url, published_utc, fetched_at, status, etag, last_modified, current)
            VALUES (:record_id, :url, :published, :at, :status, :etag, :last_modified, :status IN (304, :moved))
            ON CONFLICT (record_id) DO UPDATE SET
                fetched_at = excluded.fetched_at, status = excluded.status, etag = excluded.etag,
                last_modified = excluded.last_modified,
                published_utc = coalesce(excluded.published_utc, run_articles.published_utc),
                current = run_articles.current OR excluded.current
            """,
            {"record_id": record_id, "url": url, "published": utc(published) if published else None,
             "at": utc(fetched_at), "status": status, "etag": etag, "last_modified": last_modified, "moved": MOVED},
        )  # fmt: skip
        self._wrote()

    def discovered(self, record_id: str, url: str) -> None:
        """An article is requested in this run: at its end it is done, or in the ledger."""
        self.db.execute("INSERT OR IGNORE INTO run_discovered VALUES (?, ?)", (record_id, url))
        self._wrote()

    def failed(self, record_id: str, url: str, reason: str, retry: bool = True) -> None:
        """Why an article of this run was not exported (the last reason wins); ``retry``: worth another go."""
        self.db.execute("INSERT OR REPLACE INTO run_failed VALUES (?, ?, ?, ?)", (record_id, url, reason, retry))
        self._wrote()

    def ledger(self, site: str, retry_only: bool = False) -> list[dict[str, Any]]:
        """The site's articles in the failures ledger, the longest waiting first."""
        if self.shared is not None:
            return self.shared.ledger(site, retry_only)
        rows = self.db.execute(
            "SELECT * FROM ledger WHERE record_id LIKE ? AND (retry OR NOT ?) ORDER BY first_at, record_id",
            (site.replace("%", "") + ":%", retry_only),
        )
        return [dict(row) for row in rows]

    def place(self, record: dict[str, Any]) -> Placement:
        """Where a clean, valid record goes: a copy of one this run exported, unchanged, or a new version."""
        record_id, sha = record["record_id"], record["content_sha256"]
        found = self.db.execute("SELECT 1 FROM run_articles WHERE record_id = ? AND exported", (record_id,))
        if found.fetchone() is not None:
            return Placement("duplicate", "id", record_id)
        for url in [record["url"], *record["url_aliases"]]:
            row = self.db.execute(
                "SELECT u.record_id FROM run_urls AS u JOIN run_articles AS a USING (record_id) "
                "WHERE u.url = ? AND a.exported",
                (url,),
            ).fetchone()
            if row is not None:
                return Placement("duplicate", "url", row["record_id"])
        row = self.db.execute(
            "SELECT record_id FROM run_articles WHERE content_sha256 = ? AND exported", (sha,)
        ).fetchone()
        if row is not None:
            return Placement("duplicate", "content", row["record_id"])
        before = self.known(record_id)
        if before is not None and before.exported and before.content_sha256 == sha:
            return Placement("unchanged", original=record_id)
        owner = self._exported_with(sha, record_id)
        if owner is not None:
            return Placement("duplicate", "content", owner)
        if before is not None and before.exported:
            return Placement("new", version=before.version + 1, previous_sha256=before.content_sha256)
        return Placement("new")

    def _exported_with(self, sha: str, other_than: str) -> str | None:
        """Another article whose exported version has this content."""
        if self.shared is not None:
            return self.shared.exported_with(sha, other_than)
        row = self.db.execute(
            "SELECT record_id FROM articles WHERE content_sha256 = ? AND version >= 1 AND record_id != ?",
            (sha, other_than),
        ).fetchone()
        return None if row is None else str(row["record_id"])

    def unchanged(self, record_id: str) -> None:
        """The fetched record says what the export already holds: its ETag is worth keeping."""
        self.db.execute("UPDATE run_articles SET current = 1 WHERE record_id = ?", (record_id,))
        self._wrote()

    def exporting(self, record: dict[str, Any]) -> None:
        """The record goes to this run's export."""
        self.db.execute(
            """
            INSERT INTO run_articles (record_id, url, published_utc, fetched_at, status, content_sha256, version,
                                      exported, current)
            VALUES (:record_id, :url, :published, :at, 200, :sha, :version, 1, 1)
            ON CONFLICT (record_id) DO UPDATE SET
                url = excluded.url, content_sha256 = excluded.content_sha256, version = excluded.version,
                exported = 1, current = 1,
                published_utc = coalesce(run_articles.published_utc, excluded.published_utc)
            """,
            {"record_id": record["record_id"], "url": record["url"], "sha": record["content_sha256"],
             "version": record["version"], "at": record["fetched_at"],
             "published": utc(datetime.fromisoformat(record["published_at"])) if record["published_at"] else None},
        )  # fmt: skip
        self.alias(record["record_id"], [record["url"], *record["url_aliases"]])

    def withdraw(self, record_id: str) -> None:
        """The record goes to no export of this run after all (another worker exports it)."""
        self.db.execute("UPDATE run_articles SET exported = 0, current = 0 WHERE record_id = ?", (record_id,))
        self._wrote()

    def exported_in_run(self, record_id: str) -> bool:
        row = self.db.execute("SELECT 1 FROM run_articles WHERE record_id = ? AND exported", (record_id,))
        return row.fetchone() is not None

    def alias(self, record_id: str, urls: list[str]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO run_urls VALUES (?, ?)", [(url, record_id) for url in urls])
        self._wrote()
