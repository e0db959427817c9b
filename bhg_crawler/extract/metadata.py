"""The metadata layer: what a page declares about itself (og: and article: tags, JSON-LD, canonical link, title)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from functools import cache, cached_property
from typing import Any

from bhg_crawler.core.clock import Moment, parse_iso
from bhg_crawler.extract.text import clean_text, parse_timestamp, unescaped
from bhg_crawler.extract.tree import Page
from bhg_crawler.sites.profiles import SiteProfile

# The JSON-LD types of an article (schema.org's Article and the kinds of it a news page declares).
NEWS_TYPES = frozenset(
    ["Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "BackgroundNewsArticle",
     "OpinionNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting",
     "Report", "SatiricalArticle", "SocialMediaPosting", "TechArticle"]
)  # fmt: skip
NESTED = ("@graph", "mainEntity", "mainEntityOfPage")  # where a JSON-LD node holds others
MAX_DEPTH = 8  # lists or objects a JSON-LD walk enters; a value nested deeper is passed over


SEPARATOR = re.compile(r"\s+[-|\u2013]\s+")  # between a title and the site's name, or the name and a tagline


# Words a site's own pages print beside its name, never an article's title: "Báo Hà Giang điện tử", "Trang chủ -
# Báo Hà Giang". Compared folded (``folded``).
NAME_TAILS = r"(?:\s+(?:dien tu|online|newspaper))*"
GENERIC_TITLES = frozenset(["trang chu", "home", "homepage", "tin tuc", "trang tin dien tu", "trang nhat"])


def folded(text: str, lower: bool = True) -> str:
    """NFC text without its accents, lower-cased unless ``lower`` is False (for a pattern: ``\\S`` stays), one
    character for each of ``text``'s ("Báo Hà Giang" -> "bao ha giang"), so that a match in it is a match at the
    same place in ``text``."""
    return "".join(_folded_letter(letter, lower) for letter in text)


@cache
def _folded_letter(letter: str, lower: bool) -> str:
    base = unicodedata.normalize("NFD", letter)[0]
    base = "d" if base == "đ" else "D" if base == "Đ" else base
    return base.lower() if lower and len(base.lower()) == 1 else base


@cache
def _site_names(title_suffix: str, hosts: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two patterns over ``folded`` text: a separator and the site's name or one of its domains (``hosts``),
    then what the profile's ``title_suffix`` allows after it (the suffix to cut); and a separator and the name
    alone, maybe with "điện tử"/"Online" (a part of a title that is only the site's name)."""
    domains = {host.removeprefix("www.") for host in hosts}
    domain = "|".join(re.escape(f"{www}{host}") for host in sorted(domains) for www in ("www.", ""))
    suffix = folded(title_suffix, lower=False)
    named = folded(title_suffix.removesuffix("$").removesuffix(".*"), lower=False)
    return (
        re.compile(rf"{suffix}|\s*[-|\u2013]\s*(?:{domain})\s*$", re.IGNORECASE),
        re.compile(rf"(?:{named}|\s*[-|\u2013]\s*(?:{domain})){NAME_TAILS}", re.IGNORECASE),
    )


def without_site_name(text: str | None, profile: SiteProfile) -> str | None:
    """A title as a page prints or declares it, less the site's name or domain after it (the profile's
    ``title_suffix``, in any case, with or without accents); None when the site's name is all it says, maybe
    with "điện tử"/"Online", a tagline after it or a generic word ("Trang chủ", "Home", "Tin tức") before it
    ("BÁO HÀ GIANG", "Báo Hà Giang - Tin tức Hà Giang", "Trang chủ - Báo Hà Giang": a home page's title, or a
    page that declares no title of its own). A title that opens with the name ("Báo Hà Giang trao giải ...")
    is a title."""
    title = clean_text(text)
    suffix, name = _site_names(profile.title_suffix.pattern, (profile.canonical_host, *profile.hosts))
    parts = [part for part in SEPARATOR.split(folded(title)) if part.strip(" .") not in GENERIC_TITLES]
    if not parts or name.fullmatch(" - " + parts[0]):
        return None
    cut = suffix.search(folded(title))
    return (title[: cut.start()] if cut else title).strip() or None


# What a JSON-LD block may be wrapped in, as pages print it: a byte order mark, an HTML comment, a CDATA section
# commented out for old browsers (/*<![CDATA[*/ ... /*]]>*/).
JSON_LD_WRAPPERS = re.compile(
    r"^\s*(?:\ufeff|<!--|/\*\s*<!\[CDATA\[\s*\*/|<!\[CDATA\[)*"  # before the JSON
    r"|(?:-->|/\*\s*\]\]>\s*\*/|\]\]>|\s)*$"  # after it
)


def json_ld_text(text: str) -> str:
    """A JSON-LD block's JSON, the wrappers pages print around it taken off (``JSON_LD_WRAPPERS``)."""
    return JSON_LD_WRAPPERS.sub("", text)


class PageMetadata:
    """What a page declares: read from its meta tags, JSON-LD and links, never from its body."""

    def __init__(self, page: Page):
        self.page = page

    @cached_property
    def news_article(self) -> dict[str, Any]:
        """The page's first JSON-LD node of an article type (``NEWS_TYPES``; ``@type`` a name, a schema.org URL or
        a list of them), at the top of a block, in a list or nested in ``@graph``/``mainEntity``; empty when none.
        A block that is no JSON, or JSON of another shape (null, a string, a number), is passed over."""
        for text in self.page.select('script[type="application/ld+json"]::text'):
            try:
                data = json.loads(json_ld_text(str(text)), strict=False)
            except (ValueError, RecursionError):
                continue
            node = next((node for node in json_ld_nodes(data) if is_article(node)), None)
            if node is not None:
                return node
        return {}

    def headline(self) -> str:
        """The JSON-LD headline, its entities decoded (a JSON-LD string is not read by the HTML parser: a site that
        escapes it, "R&amp;D", means "R&D"); "" when none."""
        return unescaped(declared_text(self.news_article.get("headline")) or "")

    def title(self) -> str | None:
        """og:title less the site's name, unless that name is all it says (``without_site_name``)."""
        return without_site_name(self.page.meta("og:title"), self.page.profile)

    def titles(self) -> list[str]:
        """Every title the page declares that is more than the site's name, less that name: og:title, the JSON-LD
        headline, the ``<title>``."""
        declared = (
            self.page.meta("og:title"),
            self.headline(),
            "".join(self.page.select("title::text")),
        )
        return [title for text in declared if (title := without_site_name(text, self.page.profile))]

    def page_title(self) -> str | None:
        """The JSON-LD headline, else the ``<title>``: the first that is more than the site's name
        (``without_site_name``), less that name."""
        profile = self.page.profile
        declared = (self.headline(), "".join(self.page.select("title::text")))
        return next((title for text in declared if (title := without_site_name(text, profile))), None)

    def published_at(self) -> Moment | None:
        """article:published_time, else the JSON-LD datePublished: the first that is a time (ISO 8601, else a
        printed timestamp, ``text.parse_timestamp``), in the site's time zone (``clock.parse_iso``: an offset
        converted, none read as the site's); a date alone is its midnight, its time not known."""
        profile = self.page.profile
        for declared in (
            self.page.meta("article:published_time"),
            declared_text(self.news_article.get("datePublished")),
        ):
            if not declared:
                continue
            moment = parse_iso(declared, profile.timezone)
            printed = parse_timestamp(declared, profile) if moment is None else None
            if printed is not None:
                return Moment(printed, time_known=True)
            if moment is not None:
                return moment
        return None

    def lede(self) -> str | None:
        """og:description, else the description meta tag: the lede (sapo) as the site gives it to sharers."""
        return self.page.meta("og:description", "description")

    def canonical_link(self) -> str | None:
        """The ``href`` of ``<link rel="canonical">`` as written (maybe relative)."""
        return next(iter(self.page.select('link[rel="canonical"]::attr(href)')), None)


def json_ld_nodes(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD block, in order: the block itself, the items of a list, the nodes under
    ``NESTED`` keys (each may be an object or a list); anything else (null, strings, numbers) holds none."""
    if depth > MAX_DEPTH:  # deeper is no article's metadata
        return
    if isinstance(data, list):
        for item in data:
            yield from json_ld_nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in NESTED:
            yield from json_ld_nodes(data.get(key), depth + 1)


def is_article(node: dict[str, Any]) -> bool:
    """Whether a JSON-LD node's ``@type`` (a name, ``https://schema.org/NewsArticle``, or a list) is an article's."""
    declared = node.get("@type")
    types = declared if isinstance(declared, list) else [declared]
    return any(isinstance(kind, str) and kind.rsplit("/", 1)[-1].strip() in NEWS_TYPES for kind in types)


def declared_text(value: Any, depth: int = 0) -> str | None:
    """The text of a JSON-LD value: a string, the ``@value`` of an object, or the first text of a list; None for
    anything else (a number, true, null, an object without ``@value``) and for a value nested more than
    ``MAX_DEPTH`` lists or objects deep (no metadata is written so; never a ``RecursionError``)."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, list):
        return next((text for item in value if (text := declared_text(item, depth + 1))), None)
    if isinstance(value, dict):
        return declared_text(value.get("@value"), depth + 1)
    return clean_text(value) or None if isinstance(value, str) else None
