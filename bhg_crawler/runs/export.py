"""The run's exports: records, rejects, failures, stats and manifest, committed to the state, then published."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from bhg_crawler.core.clock import now_utc
from bhg_crawler.core.components import CrawlerComponent
from bhg_crawler.core.errors import StateUnavailable, error_in
from bhg_crawler.core.files import file_entry, json_document, published, write_atomically, write_durably
from bhg_crawler.extract.record import SCHEMA_VERSION, ArticleRecord, add_url_aliases
from bhg_crawler.runs.accounting import RunAccounting, accounting_of
from bhg_crawler.runs.figures import run_figures
from bhg_crawler.runs.files import (
    JsonLinesFile,
    RunFiles,
    manifest_part,
    publish,
    publish_schemas,
    remove_empty_folders,
    remove_run_files,
    run_of,
)
from bhg_crawler.runs.outcome import ExitCode, Outcome, outcome_of, record_outcome, run_status
from bhg_crawler.runs.report import SectionFigures, write_run_report
from bhg_crawler.state.binding import state_of
from bhg_crawler.state.store import StateStore

# The manifest's own keys (docs/exports.md): 2 added "accounting"; 3 "schema", and the media files in "files".
MANIFEST_VERSION = 4


class RunExport(CrawlerComponent):
    """Writes the run's articles, rejects and failures, merges late aliases, the manifest and the stats;
    then commits the run's work to the state store, so that what it exported counts as done; then publishes.

    Files are written as ``.<name>.part`` and published (renamed) only once the run's work is committed to the
    state store, with the manifest last: a reader never sees half a file, and a run killed at any point leaves
    either nothing (its files are removed by the next run) or a committed run that the next run publishes. A
    file that cannot be written (a full disk) fails the run (exit code 11): nothing of it is kept.

    Settings: ``BHG_EXPORTS`` (folder; empty turns exports off), ``BHG_RUN_ID`` (default: made from the time
    and the spider), ``BHG_EXPORT_MAX_RECORDS`` (records a file). The outcome is the monitors'
    (``bhg_crawler.monitoring.monitors``), which run before. Once published, the run's HTML report is written
    beside its manifest (``runs.report``). Stats: ``bhg/exported``, ``bhg/failures``, ``bhg/report/failed``."""

    def __init__(self, crawler: Crawler, run: RunFiles, max_records: int, state: StateStore, accounting: RunAccounting):
        super().__init__(crawler)
        self.accounting = accounting
        self.run = run
        self.root = run.root
        self.run_id = run.run_id
        self.max_records = max_records
        self.state = state
        self.started_at = now_utc()
        self.articles: list[JsonLinesFile] = []
        self.rejects: JsonLinesFile | None = None
        self.failures: JsonLinesFile | None = None
        self.pending_aliases: dict[str, set[str]] = {}
        self.late_aliases: dict[str, set[str]] = {}
        self.broken: OSError | None = None  # a file could not be written: the run keeps nothing
        self.sections = SectionFigures(())  # what its lines say of each section, for its report; sites once open

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunExport:
        folder = crawler.settings.get("BHG_EXPORTS")
        if not folder:
            raise NotConfigured  # off, as a dry run wants: no warning in the log
        max_records = crawler.settings.getint("BHG_EXPORT_MAX_RECORDS")
        extension = cls(crawler, run_of(crawler), max_records, state_of(crawler), accounting_of(crawler))
        extension.listen("spider_opened", "item_scraped", "spider_closed", "record_rejected", "aliases_found",
                         "fetch_failed", "item_error", "spider_error", "article_held")  # fmt: skip
        return extension

    @property
    def folder(self) -> Path:
        """The run's folder: ``<BHG_EXPORTS>/<run_id>``."""
        return self.root / self.run_id

    def spider_opened(self, spider: Spider) -> None:
        """Publishes what committed runs left unpublished, removes what dead runs left (their files and folders),
        and the empty folders of the state's other runs, none of which runs now (this run holds the lock); then
        the run's own folder, once the state knows the run."""
        self.sections = SectionFigures(tuple(getattr(spider, "sites", ())))
        (self.root / "runs").mkdir(parents=True, exist_ok=True)
        for run_id, exports in self.state.unpublished():
            count = publish(Path(exports) / run_id, manifest_part(Path(exports), run_id))
            self.state.published(run_id)
            spider.logger.warning("Run %s was committed but not published: %d files published now", run_id, count)
            self._report(spider, Path(exports), run_id, None)  # its files are read again: no export counted them
        for dead, exports in self.state.begin_run(self.run_id, str(self.root.resolve())):
            removed = remove_run_files(Path(exports), dead)
            spider.logger.warning(
                "Run %s ended without closing; its work was not kept and its %d files were removed", dead, removed
            )
        done = [(Path(run["exports"]), run["run_id"]) for run in self.state.runs()
                if run["status"] != "running" and run["exports"]]  # fmt: skip
        for run_id in remove_empty_folders(done):  # left by a run of an earlier version, or by hand
            spider.logger.info("Run %s left an empty folder: removed", run_id)
        self.folder.mkdir(parents=True, exist_ok=True)
        spider.logger.info("Run %s exporting to %s", self.run_id, self.folder)

    # -- records ------------------------------------------------------------------------------

    def item_scraped(self, item: ArticleRecord) -> None:
        extra = self.pending_aliases.pop(item["record_id"], None)
        if extra:
            add_url_aliases(item, extra)
        if not self.articles or self.articles[-1].records >= self.max_records:
            self.articles.append(JsonLinesFile(self.folder / f"articles-{len(self.articles) + 1:04d}.jsonl"))
        self._write("articles", self.articles[-1], item)
        self.stats.inc_value("bhg/exported")

    def _write(self, kind: str, file: JsonLinesFile, record: Mapping[str, Any]) -> None:
        """A record to a file of ``kind`` (the manifest's), counted for the report (``SectionFigures``); if it
        cannot be written (a full disk), the run stops and keeps nothing."""
        if self.broken is not None:
            return
        try:
            file.write(record)
        except OSError as error:
            self.broken = error
            engine, spider = self.crawler.engine, self.crawler.spider
            assert engine is not None
            assert spider is not None
            spider.logger.error("Cannot write %s: %s; the run stops", file.part, error)
            deferred_from_coro(engine.close_spider_async(reason="export_failed"))
        else:
            self.sections.add(kind, record)

    def aliases_found(self, record_id: str, urls: list[str]) -> None:
        """More URLs of a record (``signals.aliases_found``): merged into it when it is written, or at the run's end
        when it is already written."""
        book = self.late_aliases if self.state.exported_in_run(record_id) else self.pending_aliases
        book.setdefault(record_id, set()).update(urls)

    def record_rejected(self, record: dict[str, Any], reason: str) -> None:
        """A record that failed validation goes to ``rejects.jsonl``: its URL, the reason, when, and the record."""
        if self.rejects is None:
            self.rejects = JsonLinesFile(self.folder / "rejects.jsonl")
        self._write(
            "rejects", self.rejects, {"url": record.get("url"), "reason": reason, "at": now_utc(), "record": record}
        )

    def item_error(self, item: Any, response: Response | None, failure: Failure) -> None:
        """A pipeline raised: the record goes to the rejects with the error, never silently away."""
        record = dict(item) if isinstance(item, dict) else {"item": repr(item)}
        self.record_rejected(record, error_in("a pipeline", failure))
        self._count("bhg/errors/item")

    def spider_error(self, failure: Failure, response: Response) -> None:
        """A callback raised: the page goes to the failures with the error."""
        self._failure(response.url, response.meta.get("bhg_kind"), error_in("the spider", failure))
        self._count("bhg/errors/callback")

    def _count(self, name: str) -> None:
        self.stats.inc_value(name)

    def fetch_failed(self, request: Request, reason: str) -> None:
        """A page that gave no record (``signals.fetch_failed``) goes to the failures; a capture of a web archive
        as its URL as captured, with where it is (``meta["bhg_source"]``: a record's ``source``)."""
        source = request.meta.get("bhg_source")
        url = (source or {}).get("original_url") or request.url
        self._failure(url, request.meta.get("bhg_kind"), reason, source)

    def article_held(self, url: str, why: str, reason: str) -> None:
        """An article the ledger gave up (``signals.article_held``) goes to the failures, with the ledger's reason
        ("given up after 5 tries: ..."): each run says what it did not fetch."""
        if why == "given_up":
            self._failure(url, "article", reason)

    def _failure(self, url: str, kind: str | None, reason: str, source: dict[str, Any] | None = None) -> None:
        """A line of failures.jsonl: the page, its kind ("article", "listing", "home", "page"), why, when; and for
        a capture of a web archive, its ``source``."""
        if self.failures is None:
            self.failures = JsonLinesFile(self.folder / "failures.jsonl")
        row = {"url": url, "kind": (kind or "page").lower(), "reason": reason, "at": now_utc()}
        self._write("failures", self.failures, {**row, "source": source} if source else row)
        self.stats.inc_value("bhg/failures")

    # -- the end of the run -------------------------------------------------------------------

    def _merge_late_aliases(self) -> None:
        change = {record_id: partial(add_url_aliases, urls=urls) for record_id, urls in self.late_aliases.items()}
        for part in self.articles:
            part.rewrite(change)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """The end of the run, after the monitors: every file flushed, the manifest and the stats written, then
        the commit point (the run's work into the state), then the files published, the manifest last."""
        stats = self.stats
        outcome = outcome_of(stats.get_stats())
        try:
            if self.broken is not None:
                raise self.broken
            self._merge_late_aliases()
            manifest = self._finish(spider, reason, outcome)
            runs = self.root / "runs"
            (runs / "stats").mkdir(exist_ok=True)
            write_atomically(runs / "stats" / f"{self.run_id}.json", json_document(stats.get_stats(), sort_keys=True))
            write_durably(manifest_part(self.root, self.run_id), json_document(manifest))
        except OSError as error:
            self._fail(spider, error)
            return
        figures = run_figures(spider, stats.get_stats())
        try:
            self.state.commit_run(self.run_id, manifest["status"], outcome.as_dict(), figures,  # the commit point
                                  give_up=self.crawler.settings.getint("BHG_LEDGER_GIVE_UP_TRIES"),
                                  keep_walks=outcome.code is ExitCode.STOPPED)  # fmt: skip
        except StateUnavailable as error:
            self._undecided(spider, error)
            return
        publish(self.folder, manifest_part(self.root, self.run_id))
        self.state.published(self.run_id)
        self._report(spider, self.root, self.run_id, self.sections)
        spider.logger.info("Run %s: %s articles exported; %s", self.run_id, manifest["counts"]["articles"],
                           outcome.reason)  # fmt: skip

    def _report(self, spider: Spider, root: Path, run_id: str, sections: SectionFigures | None) -> None:
        """The HTML report of a published run beside its manifest (``runs.report``), with the sections' figures
        its export counted (None: read from its files). A report that cannot be written fails nothing: it is
        logged and counted (``bhg/report/failed``), and the run keeps its exit code."""
        try:
            path = write_run_report(root, run_id, tuple(getattr(spider, "sites", ())), sections)
        except Exception as error:  # a report is for people: whatever breaks it, the run stands as it is
            self.stats.inc_value("bhg/report/failed")
            spider.logger.error("Run %s: its report could not be written: %r", run_id, error)
        else:
            spider.logger.info("Run %s: report %s", run_id, path)

    def _fail(self, spider: Spider, error: OSError) -> None:
        """The exports could not be written: the run keeps nothing, and says so."""
        outcome = Outcome(ExitCode.EXPORT_FAILED, f"the exports could not be written: {error}")
        record_outcome(self.stats, outcome)
        for written in [*self.articles, self.rejects, self.failures]:
            if written is not None:
                written.discard()
        manifest_part(self.root, self.run_id).unlink(missing_ok=True)
        remove_empty_folders([(self.root, self.run_id)])
        spider.logger.error("Run %s: %s; nothing of the run was kept", self.run_id, outcome.reason)
        try:
            self.state.end_run(self.run_id, "failed", outcome.as_dict())
        except sqlite3.Error as state_error:  # the same full disk: the next run finds the run crashed
            spider.logger.error("Run %s: the state could not record the failure: %s", self.run_id, state_error)

    def _undecided(self, spider: Spider, error: StateUnavailable) -> None:
        """The shared state did not answer the commit: it may or may not hold the run. The files wait, under
        their temporary names, for the next run, which publishes them if the commit reached Redis and
        removes them if not."""
        outcome = Outcome(ExitCode.EXPORT_FAILED, f"{error}; the next run publishes or removes this run's files")
        record_outcome(self.stats, outcome)
        spider.logger.error("Run %s: %s", self.run_id, outcome.reason)

    def _finish(self, spider: Spider, reason: str, outcome: Outcome) -> dict[str, Any]:
        """Every file flushed to disk, still under its temporary name; the manifest that lists them."""
        stats = self.stats
        files = []
        for kind, written in [("articles", f) for f in self.articles] + [
            ("rejects", self.rejects),
            ("failures", self.failures),
        ]:
            if written is None:
                continue
            entry = written.finish()
            if entry is not None:
                files.append({"path": f"{self.run_id}/{written.path.name}", "kind": kind, **entry})
        for close in self.run.closers:  # each gives its files still under their temporary names
            files += [
                {"path": f"{self.run_id}/{published(part).name}", "kind": kind, **file_entry(part)}
                for kind, part in close()
            ]
        for listed in self.run.listers:
            files += listed()
        duplicates = sum(v for k, v in stats.get_stats().items() if k.startswith("bhg/duplicates/"))
        records = sum(f.records for f in self.articles)
        return {
            "manifest_version": MANIFEST_VERSION,
            "run_id": self.run_id,
            "spider": spider.name,
            "site": getattr(getattr(spider, "profile", None), "name", None),
            "arguments": getattr(spider, "arguments", {}),
            "started_at": self.started_at,
            "finished_at": now_utc(),
            "finish_reason": reason,
            "status": run_status(reason, outcome),
            "outcome": outcome.as_dict(),
            "schema_version": SCHEMA_VERSION,
            "schema": publish_schemas(self.root),
            "counts": {
                "articles": records,
                "changed": stats.get_value("bhg/articles/changed", 0),
                "unchanged": stats.get_value("bhg/articles/unchanged", 0),
                "not_modified": stats.get_value("bhg/articles/not_modified", 0),
                "rejects": self.rejects.records if self.rejects else 0,
                "duplicates": duplicates,
                "failures": self.failures.records if self.failures else 0,
            },
            "accounting": self.accounting.summary(reason, records),
            "files": files,
        }
