"""The metadata layer: what a page declares about itself (og: and article: tags, JSON-LD, canonical link, title)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache, cached_property
from typing import Any

from bhg_crawler.extract.text import clean_text, unescaped
from bhg_crawler.extract.tree import Page
from bhg_crawler.sites.profiles import SiteProfile

NEWS_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle")  # the JSON-LD types of an article


SEPARATOR = re.compile(r"\s+[-|\u2013]\s+")  # between a title and the site's name, or the name and a tagline


@cache
def _site_name(suffix: str) -> re.Pattern[str]:
    """The profile's ``title_suffix`` less what it allows after the site's name (a trailing ``.*``): it matches
    a separator and the site's name alone."""
    return re.compile(suffix.removesuffix("$").removesuffix(".*"))


def without_site_name(text: str | None, profile: SiteProfile) -> str | None:
    """A title as a page prints or declares it, less the site's name after it (the profile's ``title_suffix``);
    None when the site's name is all it says, maybe with a tagline ("Báo Hà Giang", "Báo Hà Giang - Tin tức Hà
    Giang": a home page's title, or a page that declares no title of its own). A title that opens with the
    name ("Báo Hà Giang trao giải ...") is a title."""
    title = clean_text(text)
    if not title or _site_name(profile.title_suffix.pattern).fullmatch(" - " + SEPARATOR.split(title)[0]):
        return None
    return profile.title_suffix.sub("", title).strip() or None


class PageMetadata:
    """What a page declares: read from its meta tags, JSON-LD and links, never from its body."""

    def __init__(self, page: Page):
        self.page = page

    @cached_property
    def news_article(self) -> dict[str, Any]:
        """The page's JSON-LD NewsArticle (or Article), if it has one; else empty."""
        for text in self.page.select('script[type="application/ld+json"]::text'):
            try:
                data = json.loads(text)
            except ValueError:
                continue
            for node in data if isinstance(data, list) else [*data.get("@graph", []), data]:
                if isinstance(node, dict) and node.get("@type") in NEWS_TYPES:
                    return node
        return {}

    def headline(self) -> str:
        """The JSON-LD headline, its entities decoded (a JSON-LD string is not read by the HTML parser: a site that
        escapes it, "R&amp;D", means "R&D"); "" when none."""
        headline = self.news_article.get("headline")
        return unescaped(headline) if isinstance(headline, str) else ""

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

    def published_at(self) -> datetime | None:
        """article:published_time, else the JSON-LD datePublished: the first that is ISO 8601."""
        for declared in (self.page.meta("article:published_time"), self.news_article.get("datePublished")):
            if isinstance(declared, str) and declared:
                try:
                    return datetime.fromisoformat(declared)
                except ValueError:
                    continue
        return None

    def lede(self) -> str | None:
        """og:description, else the description meta tag: the lede (sapo) as the site gives it to sharers."""
        return self.page.meta("og:description", "description")

    def canonical_link(self) -> str | None:
        """The ``href`` of ``<link rel="canonical">`` as written (maybe relative)."""
        return next(iter(self.page.select('link[rel="canonical"]::attr(href)')), None)
