"""The archive as the state knows it, for people: articles a month by section, its holes, and the ledger by reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bhg_crawler.core.clock import in_zone, now_utc
from bhg_crawler.runs import charts
from bhg_crawler.runs.report import NO_SECTION, reason_kind
from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import article_of
from bhg_crawler.state.knowledge import Knowledge
from bhg_crawler.state.values import Known, held_back

ALL = "all sections"
UNDATED = "undated"  # an article with no publication time known, whose URL names no month
TOP_REASONS = 20  # the ledger's reasons a chart shows; the table has them all


def month_of(article: Known, sites: Sequence[SiteProfile]) -> str:
    """The month an article was published in, ``YYYY-MM``, in its site's time zone (the first of ``sites`` it is
    on, else the first site's): from its publication time, else from the month its URL names; else ``UNDATED``."""
    found = article_of(article.url, sites)
    if article.published_utc:
        zone = next((s.timezone for s in sites if found is not None and s.name == found.site), sites[0].timezone)
        return f"{in_zone(datetime.fromisoformat(article.published_utc), zone):%Y-%m}"
    if found is not None and found.month:
        return f"{found.month[:4]}-{found.month[4:6]}"
    return UNDATED


def monthly(articles: Sequence[Known], sites: Sequence[SiteProfile]) -> dict[str, Counter[str]]:
    """Articles a month by section: section slug (as the URL names it, else ``NO_SECTION``) -> month -> count,
    with ``ALL`` first, the sections in order of their slugs; undated articles under ``UNDATED``."""
    found: dict[str, Counter[str]] = {ALL: Counter()}
    for article in articles:
        url = article_of(article.url, sites)
        month = month_of(article, sites)
        found[ALL][month] += 1
        found.setdefault((url.section if url is not None else "") or NO_SECTION, Counter())[month] += 1
    return {ALL: found.pop(ALL), **dict(sorted(found.items()))}


def calendar_of(counts: Counter[str]) -> tuple[dict[str, int], dict[str, float]]:
    """A section's months from its first to its last (each month of the span, zero when it has none), and its
    holes (``charts.holes``): month -> its neighbours' median."""
    dated = sorted(month for month in counts if month != UNDATED)
    if not dated:
        return {}, {}
    span = {month: counts[month] for month in charts.months_between(dated[0], dated[-1])}
    flagged = charts.holes(list(span.values()))
    return span, {month: median for month, median in zip(span, flagged, strict=True) if median is not None}


def ledger_by_reason(entries: Sequence[dict[str, Any]], give_up: int) -> list[tuple[str, int, int, int, int]]:
    """The failures ledger (``Knowledge.ledger``) by reason (``report.reason_kind``), the commonest first:
    (reason, entries, to retry, backing off, given up or not to retry); listing pages a walk missed count too."""
    rows: dict[str, Counter[str]] = {}
    for entry in entries:
        why = held_back(entry, give_up)
        turn = "retry" if why is None and entry["retry"] else why or "no"
        rows.setdefault(reason_kind(str(entry["reason"])), Counter())[turn] += 1
    table = [(reason, sum(c.values()), c["retry"], c["backoff"], c["given_up"] + c["no"]) for reason, c in rows.items()]
    return sorted(table, key=lambda row: (-row[1], row[0]))


def counted(number: int, noun: str) -> str:
    """``number`` and ``noun``, plural unless the number is 1: ``counted(1, "hole")`` is ``"1 hole"``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def archive_report(knowledge: Knowledge, sites: Sequence[SiteProfile], give_up: int) -> str:
    """The HTML page of the archive of ``sites[0]`` as ``knowledge`` has it (``sites``: the site, then the sites
    its articles moved to, which tell an article's section and time zone): its exported articles a month as
    calendar heat maps, all sections and each section, their holes, and the failures ledger by reason."""
    site = sites[0].name
    articles = knowledge.exported(site)
    sections = monthly(articles, sites)
    calendars = {slug: calendar_of(counts) for slug, counts in sections.items()}
    hole_rows = [(slug, month, span[month], f"{median:g}")
                 for slug, (span, flagged) in calendars.items() for month, median in flagged.items()]  # fmt: skip
    undated = sections[ALL][UNDATED]
    counts = [counted(len(articles), "article") + " exported", counted(len(sections) - 1, "section"),
              counted(len(hole_rows), "hole"), f"{undated} undated"]  # fmt: skip
    summary = f"{', '.join(counts)}; as the state knew it at {now_utc()}"
    parts = [
        charts.paragraph(summary),
        charts.section(
            "Holes: months with far fewer articles than their neighbours",
            charts.paragraph(
                f"A month is a hole when it has fewer than {charts.HOLE_SHARE:g} of the median of the "
                f"{charts.HOLE_NEIGHBOURS} months on each side, and that median is at least "
                f"{charts.HOLE_FLOOR}. Red in the calendars."
            ),
            charts.table("Holes", ("section", "month", "articles", "neighbours' median"), hole_rows, numeric_from=2)
            if hole_rows
            else charts.paragraph("No hole."),
        ),
        charts.section(
            "Articles a month",
            charts.figures(
                *[(slug, charts.calendar(slug, span, flagged)) for slug, (span, flagged) in calendars.items() if span]
            ),
            charts.table(
                "Articles by section",
                ("section", "articles", "months", "first", "last"),
                [
                    (slug, sum(sections[slug].values()), len(span), min(span, default=""), max(span, default=""))
                    for slug, (span, _) in calendars.items()
                ],
                numeric_from=1,
            ),
        ),
        _ledger(knowledge.ledger(site, retry_only=False), give_up),
    ]
    return charts.page(f"The archive of {site}", parts)


def _ledger(entries: list[dict[str, Any]], give_up: int) -> str:
    rows = ledger_by_reason(entries, give_up)
    if not rows:
        return charts.section("The failures ledger", charts.paragraph("The ledger is empty."))
    pages = sum(":listing:" in str(entry["record_id"]) for entry in entries)
    top = {reason_kind(reason, 80): n for reason, n, *_ in rows[:TOP_REASONS]}
    return charts.section(
        "The failures ledger",
        charts.paragraph(f"{len(entries) - pages} articles and {pages} listing pages never exported or walked."),
        charts.figures(("Entries by reason", charts.counts("Ledger entries by reason", top, "entries", width=900))),
        charts.table(
            "The ledger by reason", ("reason", "entries", "to retry", "backing off", "given up or not to retry"), rows
        ),
    )
