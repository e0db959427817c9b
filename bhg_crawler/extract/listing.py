"""Listing pages (a section's pages, the home page): article links with their times, and the next page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from bhg_crawler.extract.text import parse_timestamp
from bhg_crawler.extract.tree import Page
from bhg_crawler.sites.urls import ArticleUrl, article_url, canonical_url, page_number, section_of


@dataclass(frozen=True)
class ListingEntry:
    """An article a listing links to: the URL as linked, the article it names, and the time printed beside it
    (aware, the site's time zone; None when none is printed)."""

    url: str  # as linked
    article: ArticleUrl
    published: datetime | None


class ListingPage(Page):
    """A section listing (or the home page): article links with their times, and the next page."""

    def entries(self) -> list[ListingEntry]:
        """The articles the page links to, once each (by article id), in the page's order, each with the time printed
        in its item if any."""
        entries: dict[str, ListingEntry] = {}
        for anchor, url, article in self.article_links():
            known = entries.get(article.article_id)
            if known is None or known.published is None:
                entries[article.article_id] = ListingEntry(url, article, self._time_near(anchor, article))
        return list(entries.values())

    def _time_near(self, anchor: HtmlElement, article: ArticleUrl) -> datetime | None:
        """The timestamp printed in the same list item as the link, if any."""
        node: HtmlElement | None = anchor
        for _ in range(4):
            node = node.getparent() if node is not None else None
            if node is None:
                return None
            ids = {a.article_id for _, _, a in self.article_links(node)}
            if ids != {article.article_id}:
                return None
            stamp = parse_timestamp(node.text_content(), self.profile)
            if stamp is not None:
                return stamp
        return None

    def next_page(self) -> str | None:
        """The URL of the section's next listing page: the profile's selector, else the link to this section with the
        next page number; None on the last page."""
        fast = self.first(self.profile.selectors.next_page)
        if fast is not None and fast.get("href"):
            return urljoin(self.url, fast.get("href"))
        here = section_of(self.url, self.profile)
        wanted = page_number(self.url, self.profile) + 1
        for _, url in self.links():
            if here is not None and section_of(url, self.profile) == here and page_number(url, self.profile) == wanted:
                return url
        return None

    def unknown_section_links(self) -> list[str]:
        """Menu links (in ``nav`` or a list) that look like a section of the site but not a known one."""
        found = []
        for anchor, url in self.links():
            parts = urlsplit(canonical_url(url, self.profile))
            slug = parts.path.strip("/")
            in_menu = any(a.tag in ("nav", "ul") for a in anchor.iterancestors())
            if (
                in_menu
                and parts.hostname == self.profile.canonical_host
                and re.fullmatch(r"[a-z0-9-]+(/[a-z0-9-]+)?", slug)
                and not parts.query
                and section_of(url, self.profile) is None
                and article_url(url, self.profile) is None
            ):
                found.append(url)
        return list(dict.fromkeys(found))
