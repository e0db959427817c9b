"""The metadata layer: what a page declares about itself (og: and article: tags, JSON-LD, canonical link, title)."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cached_property
from typing import Any

from bhg_crawler.extract.text import clean_text
from bhg_crawler.extract.tree import Page

NEWS_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle")  # the JSON-LD types of an article


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

    def title(self) -> str | None:
        """og:title, else the JSON-LD headline, else the ``<title>`` less the site's name (the profile's
        ``title_suffix``)."""
        declared = self.page.meta("og:title") or clean_text(str(self.news_article.get("headline") or ""))
        if declared:
            return declared
        profile = self.page.profile
        return profile.title_suffix.sub("", clean_text("".join(self.page.select("title::text")))) or None

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
