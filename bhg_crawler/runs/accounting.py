"""The run's accounting: every article it discovered, counted once, by what became of it; and the check it balances."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Self
from weakref import WeakKeyDictionary

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from bhg_crawler.core.components import CrawlerComponent
from bhg_crawler.core.requests import RequestKind, article_url_of, captures_of, kind_of
from bhg_crawler.sites.urls import article_of

# What became of an article in a run, the strongest first: an article given two in a run (a failed request,
# then an answer by another way) counts under the strongest.
TERMS = ("exported", "unchanged", "not_modified", "duplicate", "gone", "out_of_range", "rejected", "refused",
         "failed", "given_up", "deferred")  # fmt: skip
SPLIT = ("refused", "deferred")  # the terms counted by reason: refused by kind, deferred by why
# The meta of a request this process took that goes back to the scheduler: a redirect's next, a retry.
CONTINUED = ("redirect_urls", "retry_times", "bhg_backoff_tries")
# Why an article requested and never answered was left for the next run, by Scrapy's finish reason.
STOPS = {"closespider_pagecount": "max_requests", "closespider_timeout": "max_runtime"}


@dataclass
class Accounts:
    """The articles of a run (record ids, or the URL of a page no article URL names), each counted once:
    ``discovered`` (requested by this process, or held back), and what became of each (``TERMS``, with a
    ``detail``: the kind of refusal, why deferred)."""

    discovered: set[str] = field(default_factory=set)
    outcomes: dict[str, tuple[str, str]] = field(default_factory=dict)  # article -> (term, detail)

    def discover(self, article: str) -> None:
        """The run requested the article (or held it back)."""
        self.discovered.add(article)

    def hand_off(self, article: str) -> None:
        """The article's request went where another process may take it (the shared queue of a distributed
        crawl): it is that process's, unless it has an outcome here already."""
        if article not in self.outcomes:
            self.discovered.discard(article)

    def settle(self, article: str, term: str, detail: str = "") -> None:
        """What became of an article (one of ``TERMS``); a weaker term than the one it has is ignored."""
        before = self.outcomes.get(article)
        if before is None or TERMS.index(term) <= TERMS.index(before[0]):
            self.outcomes[article] = (term, detail)

    def summary(self, finish_reason: str, records: int) -> dict[str, Any]:
        """The accounting, as the manifest carries it: ``discovered``, each of ``TERMS`` (a count; ``refused``
        and ``deferred`` a dict by reason), ``unaccounted`` (articles discovered that a finished run left with
        no outcome, and outcomes of articles never discovered: both zero in a run that balances) and
        ``balanced``: ``discovered`` is the sum of the terms, nothing is unaccounted, and ``exported`` is the
        ``records`` the run's files hold. An article requested and never answered by a run that did not finish
        is deferred, by Scrapy's ``finish_reason``: ``max_requests``, ``max_runtime`` or ``stopped``."""
        counts: Counter[tuple[str, str]] = Counter()
        unanswered = 0
        for article in self.discovered:
            term, detail = self.outcomes.get(article, ("deferred", STOPS.get(finish_reason, "stopped")))
            if article not in self.outcomes and finish_reason == "finished":
                unanswered += 1
                continue
            counts[(term, detail if term in SPLIT else "")] += 1
        strays = len(self.outcomes.keys() - self.discovered)
        summary: dict[str, Any] = {"discovered": len(self.discovered)}
        for term in TERMS:
            if term in SPLIT:
                summary[term] = {detail: n for (t, detail), n in sorted(counts.items()) if t == term}
            else:
                summary[term] = counts[(term, "")]
        summary["unaccounted"] = unanswered + strays
        summary["balanced"] = not balance_problems({**summary, "balanced": True}, records)
        return summary


def balance_problems(accounting: dict[str, Any], records: int) -> list[str]:
    """What does not add up in a manifest's ``accounting`` whose files hold ``records`` records, in words
    (nothing when it balances): the check ``Accounts.summary`` makes, redone from the manifest alone."""
    terms = {k: sum(v.values()) if isinstance(v, dict) else v for k, v in accounting.items() if k in TERMS}
    problems = []
    if sum(terms.values()) != accounting["discovered"]:
        sums = " + ".join(f"{n} {term}" for term, n in terms.items() if n)
        problems.append(f"{accounting['discovered']} articles discovered, but {sums} = {sum(terms.values())}")
    if accounting["unaccounted"]:
        problems.append(f"{accounting['unaccounted']} articles unaccounted for")
    if terms["exported"] != records:
        problems.append(f"{terms['exported']} articles exported, but the files hold {records} records")
    if not accounting["balanced"] and not problems:
        problems.append("the run says it does not balance")
    return problems


_accounts: WeakKeyDictionary[Crawler, RunAccounting] = WeakKeyDictionary()


class RunAccounting(CrawlerComponent):
    """Counts what became of each article of the run (``Accounts``), each outcome where it is decided:

    - discovered: an article request this process takes (as a downloader middleware, first of all, so a
      request refused by robots.txt counts too; a redirect's next request is the same article), or one the
      scheduler takes (one process: what a stopped run left queued; with a distributed crawl a redirect's next
      request and a retry go to the shared queue, and whichever worker takes it counts the article), or one
      the spider held back (``signals.article_held``: ``backoff`` and ``max_articles`` are deferred,
      ``given_up`` its own term);
    - exported: a record scraped; unchanged, duplicate, out of range, rejected: a record a pipeline dropped
      (``core.errors.Dropped``); failed: a record a pipeline raised on, a callback that raised;
    - not modified: a revisit answered 304; gone, refused (by kind), failed: ``signals.fetch_failed``'s
      ``outcome``; duplicate: a redirect to a URL the run requested already (Scrapy's ``request_dropped``).

    An article is the one the request first asked for (the first URL of its redirects). One a crawler,
    shared by the downloader middleware and the export (``accounting_of``); ``summary`` is the accounting.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.accounts = Accounts()
        self.shared = bool(crawler.settings.get("BHG_REDIS_URL"))  # other workers take what this one schedules
        self.listen("request_scheduled", "request_dropped", "response_received", "item_scraped", "item_dropped",
                    "item_error", "spider_error", "fetch_failed", "article_held")  # fmt: skip

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """The crawler's one accounting (``accounting_of``)."""
        found = _accounts.get(crawler)
        if not isinstance(found, cls):
            found = _accounts[crawler] = cls(crawler)
        return found

    def _article(self, request: Request) -> str | None:
        """The article a request first asked for (its record id, else its URL); None for other pages. A capture of
        a web archive counts apart from the article's other captures: ``"<record id> <capture key>"``, so that each
        version it gives is one exported."""
        if kind_of(request) is not RequestKind.ARTICLE:
            return None
        url = (request.meta.get("redirect_urls") or [article_url_of(request)])[0]
        article = article_of(url, tuple(getattr(self.crawler.spider, "sites", ())))
        captures = captures_of(request)
        if article is not None and captures:
            return f"{article.record_id} {captures[0]}"
        return article.record_id if article is not None else url

    def _settle(self, request: Request | None, term: str, detail: str = "") -> None:
        article = self._article(request) if request is not None else None
        if article is not None:
            self.accounts.settle(article, term, detail)

    def process_request(self, request: Request) -> None:
        """A request this process takes: its article is discovered."""
        article = self._article(request)
        if article is not None:
            self.accounts.discover(article)

    def request_scheduled(self, request: Request) -> None:
        article = self._article(request)
        if article is None:
            return
        if not self.shared:
            self.accounts.discover(article)
        elif any(key in request.meta for key in CONTINUED):
            self.accounts.hand_off(article)

    def request_dropped(self, request: Request) -> None:
        article = self._article(request)
        if article is not None and request.meta.get("redirect_urls"):  # redirected to a URL requested already
            self.accounts.discover(article)  # it stays with this process, which answers it so
            self.accounts.settle(article, "duplicate")

    def response_received(self, response: Response, request: Request) -> None:
        if response.status == 304:
            self._settle(request, "not_modified")

    def item_scraped(self, item: Any, response: Response) -> None:
        self._settle(response.request, "exported")

    def item_dropped(self, item: Any, response: Response, exception: BaseException) -> None:
        self._settle(response.request, getattr(exception, "outcome", "failed"))

    def item_error(self, item: Any, response: Response | None, failure: Failure) -> None:
        self._settle(response.request if response is not None else None, "failed")

    def spider_error(self, failure: Failure, response: Response) -> None:
        self._settle(response.request, "failed")

    def fetch_failed(self, request: Request, outcome: str) -> None:
        """A page that gave no record: ``gone``, ``error`` (failed) or ``refused/<kind>``; a capture the index
        alone tells of (``meta["bhg_unrequested"]``: a 404 capture) is discovered so."""
        if request.meta.get("bhg_unrequested"):
            article = self._article(request)
            if article is not None:
                self.accounts.discover(article)
        term, _, kind = outcome.partition("/")
        self._settle(request, "failed" if term == "error" else term, kind)

    def article_held(self, record_id: str, why: str) -> None:
        self.accounts.discover(record_id)
        self.accounts.settle(record_id, "given_up" if why == "given_up" else "deferred", why)

    def summary(self, finish_reason: str, records: int) -> dict[str, Any]:
        """The run's accounting (``Accounts.summary``), also in the stats: ``bhg/accounting/<term>`` (and
        ``<term>/<reason>`` for refused and deferred), ``bhg/accounting/discovered``, ``.../balanced``."""
        summary = self.accounts.summary(finish_reason, records)
        for name, value in summary.items():
            for key, count in value.items() if isinstance(value, dict) else [("", value)]:
                self.stats.set_value(f"bhg/accounting/{name}/{key}" if key else f"bhg/accounting/{name}", count)
        return summary


def accounting_of(crawler: Crawler) -> RunAccounting:
    """The crawler's accounting, made on first use."""
    return RunAccounting.from_crawler(crawler)
