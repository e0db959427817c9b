"""The state store: this run's work, the run registry and what committed runs know, behind the calls of a run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bhg_crawler.core.clock import now_utc, utc
from bhg_crawler.state.captures import SCHEMA as RECOVERY_SCHEMA
from bhg_crawler.state.captures import RecoveryTables
from bhg_crawler.state.file import StateFile
from bhg_crawler.state.knowledge import ADDED_COLUMNS as KNOWLEDGE_COLUMNS
from bhg_crawler.state.knowledge import SCHEMA as KNOWLEDGE_SCHEMA
from bhg_crawler.state.knowledge import Knowledge, SQLiteKnowledge
from bhg_crawler.state.registry import ADDED_COLUMNS as REGISTRY_COLUMNS
from bhg_crawler.state.registry import SCHEMA as REGISTRY_SCHEMA
from bhg_crawler.state.registry import RunRegistry
from bhg_crawler.state.values import Known, Payload, Placement, Versions, current_of, instant
from bhg_crawler.state.walks import SCHEMA as WALKS_SCHEMA
from bhg_crawler.state.walks import IndexWalks, WalkPosition
from bhg_crawler.state.work import ADDED_COLUMNS as WORK_COLUMNS
from bhg_crawler.state.work import SCHEMA as WORK_SCHEMA
from bhg_crawler.state.work import RunTables

# every table of the state file, whichever knowledge it uses
SCHEMA = WORK_SCHEMA + KNOWLEDGE_SCHEMA + REGISTRY_SCHEMA + RECOVERY_SCHEMA + WALKS_SCHEMA
ADDED_COLUMNS = {**REGISTRY_COLUMNS, **KNOWLEDGE_COLUMNS, **WORK_COLUMNS}  # columns an earlier version's file lacks


class StateStore:
    """The crawl's state across runs: the source of truth of what was fetched and exported.

    ``path`` names its SQLite file (``BHG_STATE``; empty keeps it in memory for one run), which holds this
    run's own work (``RunTables``), the runs (``RunRegistry``) and, unless ``knowledge`` is given (Redis, for
    a distributed crawl), what committed runs know (``SQLiteKnowledge``). A run's work is merged into what is
    known only when its export is committed (``commit_run``), so an article is done only once its record is in
    a complete export file; a run that dies leaves its work behind, and the next run drops it and does it again.

    One run at a time: the store holds an exclusive lock on ``<path>.lock`` while open. Raises
    ``AlreadyRunning`` when another run holds it, ``ConfigError`` when the file cannot be opened. Times given
    are aware ``datetime``; times kept and returned are ISO 8601 in UTC (``YYYY-MM-DDTHH:MM:SSZ``).
    """

    def __init__(self, path: str, knowledge: Knowledge | None = None):
        self.file = StateFile(path, SCHEMA, ADDED_COLUMNS)
        self.run = RunTables(self.file)
        self.registry = RunRegistry(self.file)
        self.knowledge: Knowledge = knowledge if knowledge is not None else SQLiteKnowledge(self.file)
        self.recovery = RecoveryTables(self.file)
        self.walks = IndexWalks(self.file)
        self.run.clear()  # a dead run's leftovers: the lock says no run is alive
        self.recovery.clear()

    def close(self) -> None:
        """Closes the file and releases the lock; this run's work not committed is dropped by the next run. A
        second call does nothing."""
        self.file.close()

    # -- runs -----------------------------------------------------------------------------------

    def begin_run(self, run_id: str, exports: str) -> list[tuple[str, str]]:
        """Records the run (its files go to the folder ``exports``); returns the runs that died without
        closing, as (``run_id``, exports folder): their work is lost and their files are to be removed."""
        dead = self.registry.begin(run_id, exports, now_utc())
        self.file.commit()
        return dead

    def unpublished(self) -> list[tuple[str, str]]:
        """The runs committed whose files were not all published (the process died in between), as
        (``run_id``, exports folder); among them a run whose work reached shared knowledge just before its
        process died, recorded now. Raises ``redis.RedisError`` when shared knowledge does not answer."""
        for run_id in self.registry.running():
            status = self.knowledge.committed(run_id)
            if status is not None:
                self.registry.committed_elsewhere(run_id, status, now_utc())
                self.file.commit()
                self.knowledge.settled(run_id)
        return self.registry.unpublished()

    def published(self, run_id: str) -> None:
        """Records that the committed run's files are published."""
        self.registry.published(run_id)
        self.file.commit()

    def runs(self) -> list[dict[str, Any]]:
        """Every run, the first started first (``RunRegistry.runs``)."""
        return self.registry.runs()

    def history(self, limit: int, **match: str) -> list[dict[str, Any]]:
        """The figures of the last ``limit`` complete runs whose figures match (``kind=``, ``site=``), newest
        first."""
        return self.registry.history(limit, **match)

    def commit_run(
        self,
        run_id: str,
        status: str,
        outcome: dict[str, Any],
        figures: dict[str, Any] | None = None,
        give_up: int | None = None,
        keep_walks: bool = False,
    ) -> None:
        """The run's export is committed: its work is merged into what is known and the run recorded with its
        ``status``, ``outcome`` and ``figures``, in one SQLite transaction (with shared knowledge, the merge
        first, then the run); the ledger's articles tried ``give_up`` times are given up (``Knowledge.merge``);
        the walks of the index read to their end are dropped (``IndexWalks.forget_done``), unless ``keep_walks``
        (a run stopped before its captures were all asked: the next one plans them from the lines kept).
        Raises ``StateUnavailable`` when shared knowledge does not take the merge: the run stays recorded as
        running, and the next run's ``unpublished`` or ``begin_run`` settles it."""
        at = datetime.now(UTC)
        self.knowledge.merge(self.run, run_id, status, at, give_up)
        if not keep_walks:
            self.walks.forget_done()
        self._close_run(run_id, status, outcome, figures, utc(at))
        self.knowledge.settled(run_id)

    def end_run(self, run_id: str, status: str, outcome: dict[str, Any]) -> None:
        """The run ends without a committed export: nothing of its work is kept."""
        self._close_run(run_id, status, outcome, None, now_utc())

    def _close_run(self, run_id: str, status: str, outcome: dict[str, Any], figures: dict[str, Any] | None,
                   at: str) -> None:  # fmt: skip
        self.registry.finish(run_id, status, outcome, figures, at)
        self.run.clear()
        self.recovery.clear()
        self.file.commit()

    # -- what is known ------------------------------------------------------------------------

    def known(self, record_id: str) -> Known | None:
        """What committed runs know of an article; None when none fetched it."""
        return self.knowledge.known(record_id)

    def recent(self, site: str, since: datetime) -> list[Known]:
        """Exported articles of a site published since ``since``, oldest first: the ones to revisit."""
        return self.knowledge.recent(site, since)

    def record_of(self, url: str) -> str | None:
        """The record a URL (canonical or alias) belongs to, in this run or a committed one; None if none."""
        record_id = self.run.record_of(url)
        return record_id if record_id is not None else self.knowledge.record_of(url)

    def section_walked(self, site: str, slug: str) -> bool:
        """Whether a committed run followed the section's pages to the last one."""
        return self.knowledge.section_walked(site, slug)

    def counts(self) -> dict[str, int]:
        """``articles`` known, how many were ``exported``, and the ``versions`` exported in all."""
        return self.knowledge.counts()

    def ledger(self, site: str, retry_only: bool = False) -> list[dict[str, Any]]:
        """The site's articles in the failures ledger, the longest waiting first (``Knowledge.ledger``)."""
        return self.knowledge.ledger(site, retry_only)

    def payload(self, digest: str) -> Payload | None:
        """The first archived record of this payload (its WARC digest), in this run or a committed one."""
        found = self.run.payload(digest)
        return found if found is not None else self.knowledge.payload(digest)

    def place(self, record: dict[str, Any]) -> Placement:
        """Where a clean, valid record (``record_id``, ``url``, ``url_aliases``, ``content_sha256``) goes: a
        copy of one this run exported or a committed run exported, unchanged, or a new version. A record recovered
        from a web archive (with a ``source``) goes as ``place_capture`` says."""
        if record.get("source"):
            return self.place_capture(record)
        copy = self.run.copy_of(record)
        if copy is not None:
            return copy
        record_id, sha = record["record_id"], record["content_sha256"]
        before = self.knowledge.known(record_id)
        if before is not None and before.exported and before.content_sha256 == sha:
            return Placement("unchanged", original=record_id)
        owner = self.knowledge.exported_with(sha, record_id)
        if owner is not None:
            return Placement("duplicate", "content", owner)
        if before is not None and before.exported:
            return Placement("new", version=before.version + 1, previous_sha256=before.content_sha256)
        return Placement("new")

    def place_capture(self, record: dict[str, Any]) -> Placement:
        """Where a record recovered from a capture goes. Captured (``fetched_at``) no earlier than the article's
        current version (``versions``): ``unchanged`` when it has its content, else the article's next version,
        the current one now. Captured earlier, it is history: ``unchanged`` when any version of the article
        exported (by any run, live or recovering) has its content, else the next version, the current one
        staying current. A ``duplicate`` when another article was exported with its content. Versions count
        exports; ``fetched_at`` orders them in time (``values.Versions``)."""
        record_id, sha = record["record_id"], record["content_sha256"]
        versions = self.versions(record_id)
        if versions is not None and instant(record["fetched_at"]) >= versions.at:
            seen = {versions.sha256}
        else:
            seen = self.recovery.contents(record_id) | self.knowledge.contents(record_id)
            seen |= {versions.sha256} if versions is not None else set()
        if sha in seen:
            return Placement("unchanged", original=record_id)
        owner = self.run.exported_with(sha, record_id) or self.knowledge.exported_with(sha, record_id)
        if owner is not None:
            return Placement("duplicate", "content", owner)
        if versions is None:
            return Placement("new")
        return Placement("new", version=versions.top + 1, previous_sha256=versions.sha256)

    def versions(self, record_id: str) -> Versions | None:
        """The article's versions as this run and committed runs exported them (``values.Versions``); None when
        none was."""
        before = self.knowledge.known(record_id)
        known = None
        if before is not None and before.exported and before.content_sha256:
            at = instant(before.content_at) if before.content_at else ""
            known = Versions(at, before.version, before.content_sha256)
        return current_of(known, self.run.versions(record_id))

    def recovered(self, key: str) -> bool:
        """Whether a capture of a web archive (``"<timestamp> <original URL>"``) was recovered already, by this
        run or a committed one."""
        return self.recovery.recovered(key) or self.knowledge.recovered(key)

    def captured(self, key: str, record_id: str) -> None:
        """This run recovered the capture ``key`` of the article ``record_id``: no later run fetches it."""
        self.recovery.captured(key, record_id)

    # -- this run's work ------------------------------------------------------------------------

    def fetched(self, record_id: str, url: str, status: int, fetched_at: datetime, etag: str | None = None,
                last_modified: str | None = None, published: datetime | None = None) -> None:  # fmt: skip
        """An article was fetched (200), found current (304), gone (404, 410) or moved (301) to another record
        (``MOVED``): its old URL is an alias of its new record (``record_of``)."""
        self.run.fetched(record_id, url, status, fetched_at, etag, last_modified, published)

    def discovered(self, record_id: str, url: str) -> None:
        """An article is requested in this run: at its end it is done, or in the ledger."""
        self.run.discovered(record_id, url)

    def failed(self, record_id: str, url: str, reason: str, retry: bool = True) -> None:
        """Why an article of this run was not exported (the last reason wins); ``retry``: worth another go."""
        self.run.failed(record_id, url, reason, retry)

    def cleared(self, ledger_id: str) -> None:
        """A page of the ledger that is no article (a listing page a walk missed) was fetched in this run: it
        leaves the ledger at the commit."""
        self.run.cleared(ledger_id)

    def pending(self, record_id: str) -> None:
        """A capture of a web archive of the article failed in this run and is to be asked again: at the commit
        the article is in the ledger (or stays), whatever versions of it were exported."""
        self.run.pending(record_id)

    def deferred(self, record_id: str) -> None:
        """An article of the ledger was held back in this run (``ledger_turn``): at the commit, one more run
        it waited."""
        self.run.deferred(record_id)

    def walked(self, site: str, slug: str) -> None:
        """This run followed the section's pages to the last one."""
        self.run.walked(site, slug)

    def archived(self, digest: str, uri: str, date: str, record_id: str) -> None:
        """This run archived a payload in full: its digest, target URI, WARC date (ISO 8601) and record."""
        self.run.archived(digest, uri, date, record_id)

    def request_seen(self, fingerprint: bytes) -> bool:
        """Whether this run already asked for a request with this fingerprint (and now it has)."""
        return self.run.request_seen(fingerprint)

    def unchanged(self, record_id: str) -> None:
        """The fetched record says what the export already holds: its ETag is worth keeping."""
        self.run.unchanged(record_id)

    def exporting(self, record: dict[str, Any]) -> None:
        """The record goes to this run's export (``RunTables.exporting`` names the fields read)."""
        self.run.exporting(record)
        self.recovery.exporting(record["record_id"], record["content_sha256"], record["version"])

    def withdraw(self, record_id: str) -> None:
        """The record goes to no export of this run after all (another worker exports it)."""
        self.run.withdraw(record_id)
        self.recovery.withdraw(record_id)

    def exported_in_run(self, record_id: str) -> bool:
        """Whether the record is in this run's export."""
        return self.run.exported(record_id)

    def alias(self, record_id: str, urls: list[str]) -> None:
        """The URLs belong to the record (the first record of this run to claim a URL keeps it)."""
        self.run.alias(record_id, urls)

    def walk_position(self, query: str) -> tuple[WalkPosition, list[dict[str, str]]]:
        """Where the walk of a CDX query (the URL of its first page) is, and the index lines it read so far: kept
        by a run that died or stopped before its end (``IndexWalks``)."""
        return self.walks.position(query), self.walks.lines(query)

    def index_walked(self, position: WalkPosition, lines: dict[str, dict[str, str]]) -> None:
        """A page of a CDX query read: its lines (capture key -> fields) and the walk's next ``position``, kept at
        once, so a run killed now goes on from here."""
        self.walks.advance(position, lines)
