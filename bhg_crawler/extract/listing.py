"""Listing pages (a section's pages, the home page): article links with their times, and the pages they link to."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from bhg_crawler.extract.text import parse_timestamp
from bhg_crawler.extract.tree import Page, spaced_text
from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import ArticleUrl, article_url, canonical_url, listing_url, section_of, with_page

MAX_UNLINKED = 50  # pages a pagination skips that are made up from its links' form, at most, per listing page


@dataclass(frozen=True)
class ShownPages:
    """The pagination a listing page shows: the section it is a page of, its own page number, and the pages of
    the same section it links to, by number."""

    section: str | None  # the section's slug; None off a section's listing (the home page)
    current: int  # this page's number: 1 for the section's own URL
    pages: dict[int, str]  # page number -> absolute URL as linked, ascending; this page too if it links to itself

    @property
    def highest(self) -> int:
        """The highest page number shown (a "last page" link's, when there is one); ``current`` when no higher."""
        return max((*self.pages, self.current))

    @property
    def next(self) -> str | None:
        """The URL of page ``current + 1`` as linked; None when the page shows no such page (the last page)."""
        return self.pages.get(self.current + 1)

    def from_page(self, first: int, profile: SiteProfile) -> list[str]:
        """The URLs of pages ``first`` to ``highest``: as linked, and those the pagination skips ("1 ... 3",
        a missing "2") in the form of the highest page's link (``sites.urls.with_page``); at most
        ``MAX_UNLINKED`` of the skipped ones."""
        model = self.pages.get(self.highest)
        found: list[str] = []
        unlinked = 0
        for number in range(first, self.highest + 1):
            url = self.pages.get(number)
            if url is None and model is not None and unlinked < MAX_UNLINKED:
                url = with_page(model, number, profile)
                unlinked += url is not None
            if url is not None:
                found.append(url)
        return found


@dataclass(frozen=True)
class ListingEntry:
    """An article a listing links to: the URL as linked, the article it names, and the time printed beside it
    (aware, the site's time zone; None when none is printed)."""

    url: str  # as linked
    article: ArticleUrl
    published: datetime | None
    listed: bool = True  # an item of the listing itself, not of the page's furniture (menus, sidebars)


class ListingPage(Page):
    """A section listing (or the home page): article links with their times, and the next page."""

    def entries(self) -> list[ListingEntry]:
        """The articles the page links to, once each (by article id), in the page's order, each with the time printed
        in its item if any, and whether the listing lists it or only the page's furniture links to it (a menu of
        the newest articles, a sidebar of the most read: ``Page.in_furniture``). When no link is outside the
        furniture, every one is listed."""
        listed: dict[str, ListingEntry] = {}
        linked: dict[str, ListingEntry] = {}  # by the furniture only
        for anchor, url, article in self.article_links():
            book = linked if self.in_furniture(anchor) else listed
            known = book.get(article.article_id)
            if known is None or known.published is None:
                book[article.article_id] = ListingEntry(url, article, self._time_near(anchor, article), book is listed)
        if not listed:
            return [dataclasses.replace(entry, listed=True) for entry in linked.values()]
        return [*listed.values(), *(entry for key, entry in linked.items() if key not in listed)]

    def lists_own(self) -> bool:
        """Whether the page has items of its own: an article link outside the page's furniture."""
        return any(not self.in_furniture(anchor) for anchor, _, _ in self.article_links())

    def listed(self) -> list[ListingEntry]:
        """The listing's own items (``entries`` the furniture does not hold), in the page's order."""
        return [entry for entry in self.entries() if entry.listed]

    def _time_near(self, anchor: HtmlElement, article: ArticleUrl) -> datetime | None:
        """The timestamp printed in the same list item as the link, if any (its text nodes read apart: a count or
        a label printed before it never runs into it)."""
        node: HtmlElement | None = anchor
        for _ in range(4):
            node = node.getparent() if node is not None else None
            if node is None:
                return None
            ids = {a.article_id for _, _, a in self.article_links(node)}
            if ids != {article.article_id}:
                return None
            stamp = parse_timestamp(spaced_text(node), self.profile)
            if stamp is not None:
                return stamp
        return None

    def pagination(self) -> ShownPages:
        """The pagination the page shows: every link to a page of its own section with that page's number, in
        the profile's ``pagination`` form or either form (``sites.urls.page_number``), whatever the link's text or
        markup. A walk that stops before ``highest`` ended early."""
        listing = listing_url(self.url, self.profile)
        here = section_of(self.url, self.profile)
        pages: dict[int, str] = {}
        if here is not None and listing is not None:
            for _, url in self.links():
                linked = listing_url(url, self.profile)
                if linked is not None and linked.section == here:
                    pages.setdefault(linked.page, url)
        return ShownPages(here, listing.page if listing else 1, dict(sorted(pages.items())))

    def next_page(self) -> str | None:
        """The URL of the section's next listing page: the first link the profile's ``next_page`` selector finds
        with a usable ``href`` (``Page.resolve``), else the link to this section with the next page number
        (``pagination().next``); None on the last page."""
        for link in self.select(self.profile.selectors.next_page):
            href = link.get("href") if isinstance(link, HtmlElement) else None
            url = self.resolve(href) if href and href.strip() else None
            if url:
                return url
        return self.pagination().next

    def unknown_section_links(self) -> list[str]:
        """Menu links (in ``nav`` or a list) that look like a section of the site but not a known one."""
        found = []
        for anchor, url in self.links():
            parts = urlsplit(canonical_url(url, self.profile))
            slug = parts.path.strip("/")
            in_menu = next(anchor.iterancestors("nav", "ul"), None) is not None
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
