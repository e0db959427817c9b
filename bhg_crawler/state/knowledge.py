"""What committed runs know: the questions a run asks of past runs, the merge of its work; and their SQLite kind."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any, Protocol

from bhg_crawler.core.clock import utc
from bhg_crawler.state.file import StateFile
from bhg_crawler.state.values import GIVEN_UP, MOVED, NO_ANSWER, ROBOTS_UNAVAILABLE, Known, Payload
from bhg_crawler.state.work import RunTables

SCHEMA = """
-- per article (record id): its canonical URL, when it was first seen and last fetched, its ETag and
-- Last-Modified, the content hash of its current version (the latest fetched or captured: values.current_of)
-- and when it was, the highest version exported, and the last HTTP status
CREATE TABLE IF NOT EXISTS articles (
    record_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    published_utc TEXT,              -- ISO 8601 in UTC, for the refresh window
    first_seen TEXT NOT NULL,
    last_fetched TEXT,
    etag TEXT,
    last_modified TEXT,
    content_sha256 TEXT,             -- of the current version
    version INTEGER NOT NULL DEFAULT 0,  -- versions exported; 0: fetched but never exported
    last_status INTEGER,
    run_id TEXT,                     -- the run whose export holds the highest version
    content_at TEXT                  -- the current version's fetched_at; null: exported before it was kept
);
CREATE INDEX IF NOT EXISTS articles_by_content ON articles (content_sha256);
CREATE INDEX IF NOT EXISTS articles_by_published ON articles (published_utc);
-- every URL seen for an article, and the sections walked to their last page
CREATE TABLE IF NOT EXISTS urls (url TEXT PRIMARY KEY, record_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sections (site TEXT, slug TEXT, walked_at TEXT, PRIMARY KEY (site, slug));
-- payloads archived in WARC files: a later identical payload is written as a revisit of the first
CREATE TABLE IF NOT EXISTS payloads (digest TEXT PRIMARY KEY, uri TEXT, date TEXT, record_id TEXT);
-- the failures ledger: articles discovered and not exported, why, and how many runs tried them
CREATE TABLE IF NOT EXISTS ledger (
    record_id TEXT PRIMARY KEY, url TEXT NOT NULL, reason TEXT NOT NULL, attempts INTEGER NOT NULL,
    first_at TEXT NOT NULL, last_at TEXT NOT NULL,
    retry INTEGER NOT NULL,  -- 0: nothing to retry (gone, out of the run's range, a duplicate, given up)
    waited INTEGER NOT NULL DEFAULT 0  -- runs that held it back since its last try (values.ledger_turn)
);
-- captures of web archives recovered (extracted, or noted gone) by committed runs: "<timestamp> <original URL>"
CREATE TABLE IF NOT EXISTS captures (key TEXT PRIMARY KEY, record_id TEXT NOT NULL, run_id TEXT NOT NULL);
-- every version exported of each article (``articles`` keeps only the last): an archive's older copy is no news
CREATE TABLE IF NOT EXISTS versions (
    record_id TEXT NOT NULL, content_sha256 TEXT NOT NULL, version INTEGER NOT NULL,
    PRIMARY KEY (record_id, content_sha256)
);
"""
# the columns a state file of an earlier version lacks
ADDED_COLUMNS = {"ledger": ("waited INTEGER NOT NULL DEFAULT 0",), "articles": ("content_at TEXT",)}


class Knowledge(Protocol):
    """What committed runs know, and how a run's work joins it: in the state's own SQLite file
    (``SQLiteKnowledge``), or in Redis, shared by the workers of a distributed crawl
    (``bhg_crawler.state.redis.RedisKnowledge``). Both answer the same questions the same way.

    Record ids are ``<site>:<article id>``; times are ISO 8601 in UTC (``YYYY-MM-DDTHH:MM:SSZ``).
    """

    def known(self, record_id: str) -> Known | None:
        """What is known of an article: None when no committed run fetched it."""

    def recent(self, site: str, since: datetime) -> list[Known]:
        """The site's exported articles published at or after ``since`` (aware), oldest first."""

    def record_of(self, url: str) -> str | None:
        """The record a URL, canonical or alias, belongs to: the first to claim it."""

    def section_walked(self, site: str, slug: str) -> bool:
        """Whether a committed run followed the section's pages to the last one."""

    def ledger(self, site: str, retry_only: bool) -> list[dict[str, Any]]:
        """The site's entries of the failures ledger, the longest waiting first (``first_at``, then
        ``record_id``): each a dict of ``record_id``, ``url``, ``reason``, ``attempts`` (runs that tried it),
        ``first_at``, ``last_at``, ``retry`` (1: worth another go; 0: gone, out of range, a duplicate, given
        up) and ``waited`` (runs that held it back since its last try). ``retry_only`` leaves out those with
        ``retry`` 0."""

    def exported(self, site: str) -> list[Known]:
        """Every exported article of the site (a version exported), in no order."""

    def payload(self, digest: str) -> Payload | None:
        """Where a payload (its WARC digest) was first archived in full, if it was."""

    def exported_with(self, sha: str, other_than: str) -> str | None:
        """The record, other than ``other_than``, whose current version has the content of sha256 ``sha``."""

    def recovered(self, key: str) -> bool:
        """Whether a committed run recovered the web archive's capture ``key`` (``"<timestamp> <original URL>"``)."""

    def contents(self, record_id: str) -> set[str]:
        """The content sha256 of every version of the article a committed run (a crawl or a recovery) exported."""

    def counts(self) -> dict[str, int]:
        """``articles`` known, how many were ``exported``, and the ``versions`` exported in all."""

    def merge(self, work: RunTables, run_id: str, status: str, at: datetime, give_up: int | None = None) -> None:
        """Merges the run's work (its tables in the state file) into what is known, all of it or none, as the
        run ``run_id`` committed with ``status`` at ``at`` (aware). Articles exported or found current leave
        the ledger; those discovered and neither exported nor known as exported or moved enter it, or count one
        more attempt (``waited`` back to 0); those held back wait one run more. An article to retry, answered
        with a reason (not ``NO_ANSWER``), is given up at its ``give_up``-th attempt (None: never): no longer
        retried, its reason ``GIVEN_UP`` and the last one. Raises ``StateUnavailable`` when the knowledge is
        out of reach: then ``committed`` says, later, whether the merge happened."""

    def committed(self, run_id: str) -> str | None:
        """The status a run was merged with, while its own state file has not recorded the commit (``settled``);
        None when it was not merged, or was and is settled."""

    def settled(self, run_id: str) -> None:
        """The run's commit is recorded in its own state file: ``committed`` need not remember it."""


def _known(row: sqlite3.Row | None) -> Known | None:
    if row is None:
        return None
    return Known(row["record_id"], row["url"], row["published_utc"], row["etag"], row["last_modified"],
                 row["content_sha256"], row["version"], row["last_status"],
                 row["content_at"] or row["last_fetched"])  # fmt: skip


def _of_site(site: str) -> str:
    """The ``LIKE`` pattern of a site's record ids."""
    return site.replace("%", "") + ":%"


class SQLiteKnowledge:
    """What committed runs know, in the tables of the state file (``articles``, ``urls``, ``sections``,
    ``payloads``, ``ledger``). Its merge runs by SQL from the run's tables in the file's open transaction,
    which the same commit point ends; so a merge and its run's record are one, and ``committed`` has nothing
    to remember."""

    def __init__(self, file: StateFile):
        self.db = file.db

    def known(self, record_id: str) -> Known | None:
        """A row of ``articles``."""
        return _known(self.db.execute("SELECT * FROM articles WHERE record_id = ?", (record_id,)).fetchone())

    def recent(self, site: str, since: datetime) -> list[Known]:
        """Rows of ``articles`` with a version and ``published_utc`` at or after ``since``."""
        rows = self.db.execute(
            "SELECT * FROM articles WHERE record_id LIKE ? AND version >= 1 AND published_utc >= ? "
            "ORDER BY published_utc",
            (_of_site(site), utc(since)),
        )
        return [known for row in rows if (known := _known(row)) is not None]

    def record_of(self, url: str) -> str | None:
        """A row of ``urls``."""
        row = self.db.execute("SELECT record_id FROM urls WHERE url = ?", (url,)).fetchone()
        return None if row is None else str(row["record_id"])

    def section_walked(self, site: str, slug: str) -> bool:
        """A row of ``sections``."""
        row = self.db.execute("SELECT 1 FROM sections WHERE site = ? AND slug = ?", (site, slug)).fetchone()
        return row is not None

    def ledger(self, site: str, retry_only: bool) -> list[dict[str, Any]]:
        """Rows of ``ledger``."""
        rows = self.db.execute(
            "SELECT * FROM ledger WHERE record_id LIKE ? AND (retry OR NOT ?) ORDER BY first_at, record_id",
            (_of_site(site), retry_only),
        )
        return [dict(row) for row in rows]

    def exported(self, site: str) -> list[Known]:
        """Rows of ``articles`` with a version."""
        rows = self.db.execute("SELECT * FROM articles WHERE record_id LIKE ? AND version >= 1", (_of_site(site),))
        return [known for row in rows if (known := _known(row)) is not None]

    def payload(self, digest: str) -> Payload | None:
        """A row of ``payloads``."""
        row = self.db.execute("SELECT * FROM payloads WHERE digest = ?", (digest,)).fetchone()
        return None if row is None else Payload(row["uri"], row["date"], row["record_id"])

    def exported_with(self, sha: str, other_than: str) -> str | None:
        """A row of ``articles`` with a version and that content."""
        row = self.db.execute(
            "SELECT record_id FROM articles WHERE content_sha256 = ? AND version >= 1 AND record_id != ?",
            (sha, other_than),
        ).fetchone()
        return None if row is None else str(row["record_id"])

    def recovered(self, key: str) -> bool:
        """A row of ``captures``."""
        return self.db.execute("SELECT 1 FROM captures WHERE key = ?", (key,)).fetchone() is not None

    def contents(self, record_id: str) -> set[str]:
        """Rows of ``versions``."""
        rows = self.db.execute("SELECT content_sha256 FROM versions WHERE record_id = ?", (record_id,))
        return {row[0] for row in rows}

    def counts(self) -> dict[str, int]:
        """Counted over ``articles``."""
        row = self.db.execute(
            "SELECT count(*) AS articles, coalesce(sum(version >= 1), 0) AS exported, "
            "coalesce(sum(version), 0) AS versions FROM articles"
        ).fetchone()
        return dict(row)

    def merge(self, work: RunTables, run_id: str, status: str, at: datetime, give_up: int | None = None) -> None:
        """The ``run_*`` tables into these, in the open transaction: the caller commits it. ``work`` must be
        the tables of this same file; ``status`` is the registry's to record. The run's current version of an
        article is the article's unless the one known was fetched or captured later (``values.current_of``)."""
        now = utc(at)
        self.db.execute(
            """
            UPDATE articles SET
                url = r.url,
                published_utc = coalesce(r.published_utc, articles.published_utc),
                last_fetched = r.fetched_at,
                last_status = r.status,
                etag = CASE WHEN r.current THEN r.etag ELSE articles.etag END,
                last_modified = CASE WHEN r.current THEN r.last_modified ELSE articles.last_modified END,
                content_sha256 = CASE WHEN r.later THEN r.content_sha256 ELSE articles.content_sha256 END,
                content_at = CASE WHEN r.later THEN r.content_at
                                  ELSE coalesce(articles.content_at,
                                                CASE WHEN articles.version >= 1 THEN articles.last_fetched END) END,
                version = CASE WHEN r.exported THEN max(r.version, articles.version) ELSE articles.version END,
                run_id = CASE WHEN r.exported THEN :run ELSE articles.run_id END
            FROM (
                SELECT r.*, r.exported AND r.content_at >= coalesce(
                    a.content_at, CASE WHEN a.version >= 1 THEN a.last_fetched END, ''
                ) AS later
                FROM run_articles AS r JOIN articles AS a USING (record_id)
            ) AS r
            WHERE r.record_id = articles.record_id
            """,
            {"run": run_id},
        )
        self.db.execute(
            """
            INSERT OR IGNORE INTO articles (record_id, url, published_utc, first_seen, last_fetched, etag,
                                            last_modified, content_sha256, version, last_status, run_id,
                                            content_at)
            SELECT record_id, url, published_utc, fetched_at, fetched_at,
                   CASE WHEN current THEN etag END, CASE WHEN current THEN last_modified END,
                   CASE WHEN exported THEN content_sha256 END, CASE WHEN exported THEN version ELSE 0 END,
                   status, CASE WHEN exported THEN :run END, CASE WHEN exported THEN content_at END
            FROM run_articles
            """,
            {"run": run_id},
        )
        self.db.execute("INSERT OR IGNORE INTO urls SELECT url, record_id FROM run_urls")
        self.db.execute("INSERT OR IGNORE INTO payloads SELECT * FROM run_payloads")
        self.db.execute("INSERT OR REPLACE INTO sections SELECT site, slug, ? FROM run_sections", (now,))
        self.db.execute("INSERT OR IGNORE INTO captures SELECT key, record_id, ? FROM run_captures", (run_id,))
        self.db.execute("INSERT OR IGNORE INTO versions SELECT * FROM run_versions")
        self._settle_ledger(now, give_up)

    def _settle_ledger(self, now: str, give_up: int | None) -> None:
        """Articles done in this run leave the ledger: exported or found current, or requested or failed here with
        a version exported before; those discovered, or reported failed, and never exported enter it (or stay),
        as in Redis: a failure at an article's new home (one it was not requested at) too, and an article with a
        capture to ask again (``run_pending``), whatever versions of it were exported, unless it moved; one this
        run did not touch stays as it was. The URL is the failure's (the article's own URL when a link to it
        failed), else the one discovered."""
        touched = "SELECT record_id FROM run_discovered UNION SELECT record_id FROM run_failed"
        done = (
            "SELECT record_id FROM (SELECT record_id FROM run_articles WHERE exported OR current "
            f"UNION SELECT record_id FROM run_cleared UNION SELECT record_id FROM articles WHERE version >= 1 "
            f"AND record_id IN ({touched})) WHERE record_id NOT IN (SELECT record_id FROM run_pending) "
            f"UNION SELECT record_id FROM articles WHERE last_status = {MOVED}"
        )
        self.db.execute(f"DELETE FROM ledger WHERE record_id IN ({done})")
        self.db.execute(
            f"""
            WITH reported AS (
                SELECT record_id, url FROM run_discovered
                UNION ALL SELECT record_id, url FROM run_failed
                WHERE record_id NOT IN (SELECT record_id FROM run_discovered)
            )
            INSERT INTO ledger (record_id, url, reason, attempts, first_at, last_at, retry)
            SELECT r.record_id, coalesce(f.url, r.url), coalesce(f.reason, :no_answer), 1, :now, :now,
                   coalesce(f.retry, 1)
            FROM reported AS r LEFT JOIN run_failed AS f USING (record_id)
            WHERE r.record_id NOT IN ({done})
            ON CONFLICT (record_id) DO UPDATE SET
                url = excluded.url, reason = excluded.reason, attempts = ledger.attempts + 1,
                last_at = excluded.last_at, retry = excluded.retry, waited = 0
            """,
            {"now": now, "no_answer": NO_ANSWER},
        )
        self.db.execute(
            f"UPDATE ledger SET waited = waited + 1 WHERE record_id IN (SELECT record_id FROM run_deferred) "
            f"AND record_id NOT IN ({done})"
        )
        if give_up is not None:
            self.db.execute(
                "UPDATE ledger SET retry = 0, reason = :given_up || attempts || ' tries: ' || reason "
                "WHERE retry AND last_at = :now AND attempts >= :give_up AND reason != :no_answer "
                "AND substr(reason, 1, length(:robots)) != :robots AND record_id NOT LIKE '%:listing:%'",
                {
                    "now": now,
                    "give_up": give_up,
                    "no_answer": NO_ANSWER,
                    "given_up": GIVEN_UP,
                    "robots": ROBOTS_UNAVAILABLE,
                },
            )

    def committed(self, run_id: str) -> str | None:
        """Always None: a merge here is committed with its run's record, never apart from it."""
        return None

    def settled(self, run_id: str) -> None:
        """Nothing to forget."""
