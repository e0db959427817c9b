"""The spider's arguments, parsed and checked apart from Scrapy (the command line reuses them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bhg_crawler.core.clock import in_zone
from bhg_crawler.core.errors import ConfigError
from bhg_crawler.core.numbers import whole_number
from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import article_url


@dataclass(frozen=True)
class CrawlOptions:
    """What a crawl is asked to fetch, parsed and checked: its sections, date range, URLs and article limit."""

    sections: list[str]  # leaf sections to crawl
    since: datetime | None  # inclusive, start of the day, site time
    until: datetime | None  # exclusive, the day after "until"
    urls: list[str]  # canonical article URLs: fetch just these
    max_articles: int | None

    def in_range(self, moment: datetime | None) -> bool:
        """Whether a publication time is in the date range (one without an offset is the site's wall time, as
        ``since`` and ``until`` are); a time not known is."""
        bound = self.since or self.until
        if moment is None or bound is None:
            return True
        moment = in_zone(moment, bound.tzinfo or UTC)
        return (self.since is None or moment >= self.since) and (self.until is None or moment < self.until)


def parse_day(text: str, profile: SiteProfile) -> datetime:
    """A day given as ``YYYY-MM-DD`` or ``DD/MM/YYYY``, as its midnight in the site's time zone; ``ConfigError``."""
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text.strip(), layout)
        except ValueError:
            continue
        return in_zone(datetime.combine(day.date(), time()), profile.timezone)
    raise ConfigError(f"not a date: {text!r} (use YYYY-MM-DD or DD/MM/YYYY)")


def parse_options(
    profile: SiteProfile,
    sections: str | None = None,
    since: str | None = None,
    until: str | None = None,
    urls: str | None = None,
    urls_file: str | None = None,
    max_articles: str | int | None = None,
) -> CrawlOptions:
    """The spider's arguments, as given (strings; None: not given), parsed and checked against the profile
    (unknown sections, URLs not of the site, dates, a limit below 1, a text given empty or only separators, a
    URL file that lists no URL: ``-a sections=,`` is a mistake, not "all"): ``ConfigError`` with one line saying
    what is wrong."""
    given_text = {"sections": sections, "since": since, "until": until, "urls": urls, "urls_file": urls_file}
    for name, value in given_text.items():
        if value is not None and not value.replace(",", " ").strip():
            raise ConfigError(f"{name} is empty ({value!r}): give a value, or leave it out")
    chosen = [s.strip() for s in sections.split(",") if s.strip()] if sections else list(profile.sections)
    start = parse_day(since, profile) if since else None
    end = parse_day(until, profile) + timedelta(days=1) if until else None
    if start and end and start >= end:
        raise ConfigError(f"since ({since}) is after until ({until})")
    given = (urls or "").replace(",", " ").split()
    if urls_file:
        try:
            text = Path(urls_file).read_text(encoding="utf-8-sig")  # a byte order mark, as Windows editors write
        except OSError as error:
            raise ConfigError(f"cannot read urls_file {urls_file}: {error.strerror}") from None
        listed = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        if not listed:  # a list that came out empty is a mistake, not "the whole site"
            raise ConfigError(f"urls_file {urls_file} lists no URL (only blank lines and # comments)")
        given += listed
    canonical = []
    for url in given:
        article = article_url(url, profile)
        if article is None:
            raise ConfigError(f"not an article URL of {profile.name}: {url}")
        canonical.append(article.canonical)
    limit = parse_count(max_articles, "max_articles")
    return CrawlOptions(profile.expand_sections(chosen), start, end, list(dict.fromkeys(canonical)), limit)


EARLIEST = "00000101000000"  # what a capture timestamp's missing digits stand for, at the earliest


def parse_timestamp(text: str, name: str) -> str:
    """A capture timestamp as a CDX server reads ``from`` and ``to``: 4 to 14 digits of ``YYYYMMDDhhmmss`` that
    begin a real time (``2025``, ``202502``, ``20250228``; not ``20251340`` nor ``20250230``); ``ConfigError``
    naming the argument ``name`` as the user gave it."""
    error = ConfigError(f"{name} is a capture timestamp of 4 to 14 digits (YYYYMMDDhhmmss) of a real time, "
                        f"not {text!r}")  # fmt: skip
    if not (text.isascii() and text.isdigit() and 4 <= len(text) <= 14):
        raise error
    try:  # 14 digits: each field of its two (four) digits, as strptime reads no other way
        datetime.strptime(text + EARLIEST[len(text) :], "%Y%m%d%H%M%S")
    except ValueError:
        raise error from None
    return text


def parse_window(since: str | None, until: str | None, names: tuple[str, str] = ("since", "until")) -> tuple[str, str]:
    """The capture timestamps ``since`` and ``until`` (``parse_timestamp``; empty: no bound), checked to leave a
    time between them as a CDX server reads them (each to its own number of digits): ``ConfigError`` naming the
    arguments as the user gave them (``names``)."""
    start = parse_timestamp(since, names[0]) if since else ""
    end = parse_timestamp(until, names[1]) if until else ""
    common = min(len(start), len(end))
    if start and end and start[:common] > end[:common]:
        raise ConfigError(f"{names[0]} {start} is later than {names[1]} {end}")
    return start, end


def parse_count(value: str | int | None, name: str) -> int | None:
    """A number of at least 1 (``--limit``, ``max_articles``); None when not given; ``ConfigError`` naming the
    argument as the user gave it."""
    if value is None or value == "":
        return None
    try:
        number = whole_number(str(value))
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if number < 1:
        raise ConfigError(f"{name} must be at least 1, not {number}")
    return number


FLAGS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def parse_flag(value: str | bool | None, name: str) -> bool:
    """A yes/no argument: ``-a full=1`` (also true/yes/on, false/no/off/0); absent is no."""
    if value is None or isinstance(value, bool):
        return bool(value)
    try:
        return FLAGS[value.strip().lower()]
    except KeyError:
        raise ConfigError(f"{name} must be 1 or 0 (true/false), not {value!r}") from None
