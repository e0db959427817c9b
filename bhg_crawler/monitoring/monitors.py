"""The run's monitors (Spidermon): each checks one thing and names the exit code the run takes when it fails."""

from __future__ import annotations

import statistics
import warnings
from typing import Any, ClassVar

from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import BaseSettings
from spidermon import Monitor, MonitorSuite, monitors
from spidermon.contrib.monitors.mixins.spider import SpiderMonitorMixin
from spidermon.core.actions import Action

from bhg_crawler.core.errors import EXCUSED, REFUSALS
from bhg_crawler.monitoring.notify import Notify
from bhg_crawler.runs.figures import run_figures
from bhg_crawler.runs.outcome import ExitCode, failed_stat, judge, record_outcome
from bhg_crawler.state.binding import state_of

# Spidermon 1.27 writes its lines through Spider.log(), deprecated in Scrapy 2.19: the lines are kept, the warning not.
warnings.filterwarnings("ignore", r"Spider\.log\(\) is deprecated", ScrapyDeprecationWarning, "spidermon")


class RunMonitor(Monitor, SpiderMonitorMixin):
    """A monitor of the run: ``exit_code`` is the code the run takes when it fails."""

    exit_code: ClassVar[ExitCode]
    longMessage = False  # the failure is the message alone

    @property
    def settings(self) -> BaseSettings:
        """The crawler's settings."""
        settings: BaseSettings = self.crawler.settings
        return settings

    @property
    def min_records(self) -> int:
        """``BHG_MONITOR_MIN_RECORDS``: shares are judged on runs of this many records or more."""
        return self.settings.getint("BHG_MONITOR_MIN_RECORDS")

    def figures(self) -> dict[str, Any]:
        """This run's figures (``bhg_crawler.runs.figures.run_figures``)."""
        return run_figures(self.data.spider, self.stats)

    def past(self, **match: str) -> list[dict[str, Any]]:
        """The figures of the last ``BHG_MONITOR_RUNS`` complete runs that match (default: of this kind)."""
        limit = self.settings.getint("BHG_MONITOR_RUNS")
        return state_of(self.crawler).history(limit, **(match or {"kind": self.figures()["kind"]}))


@monitors.name("Raised errors")
class RaisedErrors(RunMonitor):
    """A callback or a pipeline raised (``bhg/errors/callback``, ``bhg/errors/item``): exit code 1."""

    exit_code = ExitCode.FAILED

    @monitors.name("No callback or pipeline raised")
    def test_nothing_raised(self) -> None:
        raised = self.stats.get("bhg/errors/callback", 0) + self.stats.get("bhg/errors/item", 0)
        if raised:
            self.fail(f"{raised} pages or records raised errors (see the log)")


# Why a run stopped before its end, by Scrapy's finish reason, in words for people.
STOPPED = {
    "shutdown": "it was interrupted (SIGTERM or SIGINT)",
    "closespider_timeout": "it ran out of time (--max-runtime, CLOSESPIDER_TIMEOUT)",
    "closespider_pagecount": "it reached its number of responses (--max-requests, CLOSESPIDER_PAGECOUNT)",
    "closespider_itemcount": "it reached its number of records (CLOSESPIDER_ITEMCOUNT)",
    "closespider_errorcount": "it reached its number of errors (CLOSESPIDER_ERRORCOUNT)",
    "memusage_exceeded": "it used more memory than MEMUSAGE_LIMIT_MB",
}


@monitors.name("Finish reason")
class FinishReason(RunMonitor):
    """The run went to its end: its finish reason is one of ``SPIDERMON_EXPECTED_FINISH_REASONS``
    (``finished``); else it stopped, and says why in words (``STOPPED``)."""

    exit_code = ExitCode.STOPPED

    @monitors.name("The run went to its end")
    def test_finished(self) -> None:
        reason = self.stats.get("finish_reason")
        if reason not in self.settings.getlist("SPIDERMON_EXPECTED_FINISH_REASONS", ["finished"]):
            why = STOPPED.get(reason, f'Scrapy ended it with "{reason}"')
            self.fail(f"the run stopped before its end: {why}; the next run goes on from where it stopped")


@monitors.name("Crawl errors")
class CrawlErrors(RunMonitor):
    """Failed requests (``bhg/failures/error``) and requests refused (``bhg/failures/refused/<kind>``: too
    large, not HTML, a redirect refused...; but robots.txt's, ``core.errors.EXCUSED``: the site owner's wish, or
    exit code 13) above ``BHG_MAX_ERROR_RATIO`` of the requests: exit code 4. A recovery's captures noted with
    no request (``bhg/recover/unrequested``: a damaged part of a local WARC file, a capture the index says is an
    error) count as requests. A recovery whose archive host refused connection after connection
    (``bhg/recover/archive_gone``: the captures left of it not asked) fails whatever the ratio."""

    exit_code = ExitCode.CRAWL_ERRORS

    @monitors.name("Failed and refused requests within BHG_MAX_ERROR_RATIO")
    def test_error_ratio(self) -> None:
        requests = self.stats.get("downloader/request_count", 0) + self.stats.get("bhg/recover/unrequested", 0)
        errors = self.stats.get("bhg/failures/error", 0)
        refused = {kind: self.stats.get(f"bhg/failures/refused/{kind}", 0) for kind in REFUSALS if kind not in EXCUSED}
        most = self.settings.getfloat("BHG_MAX_ERROR_RATIO")
        failed = errors + sum(refused.values())
        gone = self.stats.get("bhg/recover/archive_gone", 0)
        over = bool(requests) and failed / requests > most
        if over or gone:
            kinds = ", ".join(f"{count} {kind}" for kind, count in refused.items() if count)
            hosts = f"{gone} archive host{'' if gone == 1 else 's'}"
            self.fail((f"{hosts} refused connection after connection: the captures left were not asked, the next "
                       "run asks them; " if gone else "")
                      + f"{failed} of {requests} requests failed or were refused"
                      + (f" (more than {most:.1%})" if over else "") + ": "
                      f"{errors} errors" + (f", refused {kinds}" if kinds else ""))  # fmt: skip


@monitors.name("Recovery index")
class RecoveryIndex(RunMonitor):
    """A recovery whose index (the CDX server's for the site's hosts, within ``--from`` and ``--to``; or the
    local WARC files) held no capture of an article of the site or its successors
    (``bhg/recover/article_captures`` 0): no quiet hour, but a wrong endpoint, collection, site or window.
    Exit code 14."""

    exit_code = ExitCode.EMPTY_INDEX

    @monitors.name("The index held captures of the site's articles")
    def test_index_held_articles(self) -> None:
        if self.stats.get("bhg/recover/article_captures", 1) == 0:
            lines = self.stats.get("bhg/recover/index_lines", 0)
            self.fail(f"the index held no capture of an article of the site ({lines} index lines read): check the "
                      "archive, its collection, --site, --from and --to")  # fmt: skip


@monitors.name("Listing walks")
class ListingWalks(RunMonitor):
    """Listing pages a section's walk never fetched although the pagination showed them
    (``bhg/listings/missed``): the articles they list were never seen. Exit code 12; the pages are in the
    failures ledger, and the next run walks the section again."""

    exit_code = ExitCode.PAGES_MISSED

    @monitors.name("Every listing page the pagination showed was fetched")
    def test_no_page_missed(self) -> None:
        missed = self.stats.get("bhg/listings/missed", 0)
        if missed:
            self.fail(f"{missed} listing pages a walk did not fetch although the pagination showed them "
                      "(bhg-crawl ledger lists them)")  # fmt: skip


@monitors.name("Index walks")
class IndexWalks(RunMonitor):
    """A recovery's walks of a CDX index that the server cut (``bhg/recover/index_cut``: a page as full as
    ``--limit`` with no resume key): the captures in its lines after the cut were never seen, as a listing page
    never fetched. Exit code 12; the queries are in the failures ledger, and the next run walks them again."""

    exit_code = ExitCode.PAGES_MISSED

    @monitors.name("Every walk of the index was read to its end")
    def test_no_index_cut(self) -> None:
        cut = self.stats.get("bhg/recover/index_cut", 0)
        if cut:
            self.fail(f"{cut} walks of the index were cut at --limit lines with no resume key to read on: the "
                      "captures after them were never seen (recover with no --limit, or --pages)")  # fmt: skip


@monitors.name("Robots rules")
class RobotsRules(RunMonitor):
    """Hosts whose robots.txt answered 5xx or could not be fetched (``bhg/robots/unavailable``): by RFC 9309
    nothing of them was crawled in this run (``RobotsRulesMiddleware``). Exit code 13; their articles are in
    the failures ledger, and the next run asks again."""

    exit_code = ExitCode.ROBOTS_UNAVAILABLE

    @monitors.name("Every host's robots.txt answered")
    def test_robots_answered(self) -> None:
        hosts = self.stats.get("bhg/robots/unavailable", 0)
        if hosts:
            refused = self.stats.get("bhg/robots/refused", 0)
            of = f"{hosts} host{'' if hosts == 1 else 's'}"
            self.fail(f"the robots.txt of {of} gave no answer to read (5xx, or no connection): "
                      f"{refused} requests to them not made (RFC 9309)")  # fmt: skip


@monitors.name("Validation")
class Validation(RunMonitor):
    """The records that failed the published JSON Schema (``ValidatePipeline``: they are in rejects.jsonl)."""

    exit_code = ExitCode.REJECTS

    @monitors.name("Records failing the schema within BHG_MAX_REJECT_RATIO")
    def test_reject_ratio(self) -> None:
        rejects, exported = self.stats.get("bhg/rejects", 0), self.stats.get("item_scraped_count", 0)
        most = self.settings.getfloat("BHG_MAX_REJECT_RATIO")
        if rejects and rejects / (rejects + exported) > most:
            self.fail(f"{rejects} of {rejects + exported} records failed validation (more than {most:.1%})")


@monitors.name("Field coverage")
class FieldCoverage(RunMonitor):
    """The share of exported records with each field (Spidermon's coverage stats). A threshold of 1.0 is
    checked on any run; lower ones only on runs of BHG_MONITOR_MIN_RECORDS records or more."""

    exit_code = ExitCode.COVERAGE

    @monitors.name("Fields present in their share of the records (BHG_FIELD_COVERAGE)")
    def test_field_coverage(self) -> None:
        records = self.stats.get("item_scraped_count", 0)
        if not records:
            self.skipTest("no records exported")
        low = []
        for field, share in self.settings.getdict("BHG_FIELD_COVERAGE").items():
            if share < 1.0 and records < self.min_records:
                continue
            found = self.stats.get(f"spidermon_field_coverage/dict/{field}", 0)
            if found < float(share):
                low.append(f"{field} in {found:.0%} of the records (at least {float(share):.0%})")
        if low:
            self.fail(f"fields missing from the {records} records exported: " + "; ".join(low))


RECOVERY = "recover "  # the kind of a recovery's run begins so (``runs.figures.run_kind``)


@monitors.name("Extraction drift")
class ExtractionDrift(RunMonitor):
    """Field by field, the share of records whose field needed a layer past the site's selectors, against the
    past crawls of the site (a recovery's: the past recoveries of its kind): a jump means the site's markup
    changed. Field by field, as a site whose markup is
    partly unknown needs a fallback layer for some field of every record anyway."""

    exit_code = ExitCode.DRIFT

    @staticmethod
    def compared_with(figures: dict[str, Any]) -> dict[str, str]:
        """Which past runs a run is compared with (``figures`` as ``run_figures`` gives them): a crawl, with the
        site's crawls of any kind (any sections or dates: the markup is the site's); a recovery, with those of
        its own kind alone (its archive, its window: captures of other years hold other markup)."""
        return {"kind": figures["kind"]} if figures["kind"].startswith(RECOVERY) else {"site": figures["site"]}

    @monitors.name("Fields needing a fallback layer within BHG_MAX_DRIFT of the past runs")
    def test_fallback_share(self) -> None:
        figures = self.figures()
        if figures["records"] < self.min_records:
            self.skipTest(f"fewer than {self.min_records} records")
        past = [
            run["fallback_by_field"]
            for run in self.past(**self.compared_with(figures))
            if run.get("records", 0) >= self.min_records
            and run.get("fallback_by_field")
            and run["kind"].startswith(RECOVERY) == figures["kind"].startswith(RECOVERY)
        ]
        if not past:
            self.skipTest("no past run to compare with")
        most = self.settings.getfloat("BHG_MAX_DRIFT")
        risen = []
        for field, now in figures["fallback_by_field"].items():
            usual = statistics.median(run.get(field, 0.0) for run in past)
            if now - usual > most:
                risen.append(f"{field} in {now:.0%} of the records, against {usual:.0%}")
        if risen:
            self.fail(
                "records needed a fallback layer for " + "; ".join(risen) + " in the past runs: the site's markup "
                "has changed (bhg/extraction/fallback/<field> in the stats)"
            )


@monitors.name("Article count")
class ArticleCount(RunMonitor):
    """The articles a run found (``run_figures``), against the past runs of its kind."""

    exit_code = ExitCode.FEWER_ARTICLES

    @monitors.name("Articles at least BHG_MIN_ARTICLE_RATIO of the past runs")
    def test_article_count(self) -> None:
        if self.settings.get("BHG_REDIS_URL"):
            self.skipTest("a worker's share of a distributed crawl depends on the other workers")
        past = [run["articles"] for run in self.past()]
        if not past:
            self.skipTest("no past run of this kind")
        usual, now = statistics.median(past), self.figures()["articles"]
        least = self.settings.getfloat("BHG_MIN_ARTICLE_RATIO")
        if now < least * usual:
            self.fail(
                f"{now} articles, against {usual:g} in the past {len(past)} runs of this kind "
                f"(at least {least:.0%}): listings or links may have changed"
            )


class RecordOutcome(Action):
    """Writes the monitors' results and the run's outcome to the stats."""

    def run_action(self) -> None:
        crawler = self.data.crawler
        stats = crawler.stats
        stats.set_value("bhg/monitors/ran", len(self.result.monitor_results))
        for failed in self.result.monitors_failed_results:
            monitor = failed.item
            code = getattr(type(monitor), "exit_code", ExitCode.FAILED)
            reason = failed.reason or (failed.error or "").strip().splitlines()[-1]
            before = stats.get_value(failed_stat(code))
            stats.set_value(failed_stat(code), f"{before}; {reason}" if before else reason)
        record_outcome(stats, judge(stats.get_stats()))


class RunMonitors(MonitorSuite):
    """The suite run when the spider closes, before the export. Its results go to the stats
    (``bhg/monitors/ran``, ``bhg/monitors/failed/<exit code name>`` with the reasons, ``bhg/exit_code``,
    ``bhg/outcome``), and a failed run is notified (``Notify``). The figures compared across runs
    (``bhg_crawler.runs.figures``) are kept with the run in the state by the export."""

    monitors: ClassVar[list[Any]] = [
        RaisedErrors,
        FinishReason,
        RobotsRules,
        CrawlErrors,
        RecoveryIndex,
        ListingWalks,
        IndexWalks,
        Validation,
        FieldCoverage,
        ExtractionDrift,
        ArticleCount,
    ]
    monitors_finished_actions: ClassVar[list[Any]] = [RecordOutcome]
    monitors_failed_actions: ClassVar[list[Any]] = [Notify]
