"""HTML of a paper's pages: articles in their template family, listings, home pages, feeds and errors."""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

from bhg_replica.catalog import Catalog, Slot
from bhg_replica.chrome import Chrome, Masthead
from bhg_replica.content import Writer
from bhg_replica.families.base import ArticleView, Family, Related, article_page, esc, printed
from bhg_replica.families.listing import Item, home_main, listing_main

MAIN = "https://baohagiang.vn"
ENGLISH = "https://en.baohagiang.vn"
# The query a link carries when it was shared through Zalo and came back [seen-3p, config of Feb 2026].
ZALO = "zarsrc=30&utm_source=zalo&utm_medium=zalo&utm_campaign=zalo&gidzl="


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def zalo_query(key: str) -> str:
    """The tracking query of a link shared through Zalo: its ``gidzl`` token fixed by ``key``."""
    token = base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest() * 2).decode().rstrip("=")[:66]
    return f"?{ZALO}{token}"


class Renderer:
    """Turns one paper's catalog slots into the pages it serves; ``family_of`` names each article's template."""

    def __init__(
        self,
        catalog: Catalog,
        writer: Writer,
        masthead: Masthead,
        family_of: Callable[[Slot], Family],
        english: str | None = None,
    ):
        self.catalog = catalog
        self.writer = writer
        self.masthead = masthead
        self.family_of = family_of
        self.english = english  # the English edition's host, whose articles live under /english
        self.chrome = Chrome(masthead, catalog, writer)

    # -- links --------------------------------------------------------------------------------

    def article_href(self, slot: Slot, source: str) -> str:
        """The link to an article as one page prints it: mostly canonical, sometimes not."""
        path = self.writer.path(slot)
        origin = self.masthead.origin
        if self.english and slot.section.language == "en" and source.startswith("en:"):
            return self.english + path.removeprefix("/english")
        host = origin.split("//", 1)[1]
        roll = zlib.crc32(f"{source}|{slot.article_id}".encode()) % 100
        if roll < 70:
            return origin + path
        if roll < 76:
            return f"http://{host}{path}"
        if roll < 82:
            return f"https://www.{host}{path}"
        if roll < 88 and not path.endswith(".html"):
            return origin + path + "/"
        if roll < 93:
            return origin + path + zalo_query(f"{source}|{slot.article_id}")
        return path

    def section_href(self, slug: str) -> str:
        return self.chrome.section_href(slug)

    # -- articles -----------------------------------------------------------------------------

    def view(self, slot: Slot) -> ArticleView:
        """What the article's page says, in this paper's links."""
        article = self.writer.article(slot.article_id)
        return ArticleView(
            article=article,
            url=self.writer.canonical_url(slot),
            origin=self.masthead.origin,
            host=self.masthead.origin.split("//", 1)[1],
            section_href=self.section_href(slot.section.slug),
            section_name=slot.section.name,
            section_slug=slot.section.slug,
            related=tuple(self._related(slot)),
            chrome=self.chrome,
            head_title=f"{article.title} - {self.masthead.brand}",
        )

    def article(self, slot: Slot) -> str:
        return article_page(self.family_of(slot), self.view(slot))

    def _related(self, slot: Slot) -> list[Related]:
        pinned = slot.pinned == 0
        source = f"related:{slot.article_id}"
        items = []
        for k, other in enumerate(self.catalog.related(slot, 4 if pinned else 5)):
            lede, _, prefix = self.writer.lede(other)
            lede_html = printed(prefix + lede)
            if pinned and self.catalog.seed_article["related"][k]["blank_after"]:
                lede_html = f"<p>{lede_html}</p><p>&nbsp;</p>"
            title = self.writer.title(other)
            items.append(Related(self.article_href(other, source), title, lede_html, f"{other.published:%d/%m/%Y}"))
        return items

    # -- listings -----------------------------------------------------------------------------

    def _items(self, slots: list[Slot], source: str) -> list[Item]:
        return [
            Item(slot, self.article_href(slot, source), self.writer.title(slot), self._lede(slot)) for slot in slots
        ]

    def _lede(self, slot: Slot) -> str:
        lede, _, prefix = self.writer.lede(slot)
        return prefix + lede

    def listing(
        self, slug: str, page: int, english_host: bool = False, day: datetime | None = None, endless: str = ""
    ) -> str:
        """A section's listing page ``page``, or its articles of one ``day``; on the English host, its links. With
        ``endless`` (``faults.LISTINGS``), the last page and those past it link to a next page, and a page past
        the end lists the last page's articles again ("endless") or none ("empty")."""
        count = self.catalog.page_count(slug)
        if day:
            slots = self.catalog.listing_day(slug, day)
        elif endless and page > count:
            slots = self.catalog.listing_page(slug, count) if endless == "endless" else []
        else:
            slots = self.catalog.listing_page(slug, page)
        source = f"{'en:' if english_host else ''}list:{slug}:{page}"
        own = f"{self.english}/{slug.removeprefix('english/')}" if english_host else self.section_href(slug)
        last = page + 1 if endless and page >= count else None
        main = listing_main(self.chrome, slug, self._items(slots, source), page, own, day is not None, last)
        return self.chrome.page(f"{self.catalog.section_name(slug)} - {self.masthead.brand}", "", main, slug)

    def home(self) -> str:
        source = "home"
        top = self._items(self.catalog.newest(8), source)
        sections = [
            (top_slug, name, self._items(self.catalog.listing_page(top_slug, 1)[:4], source))
            for top_slug, name, _ in self.chrome.tree()
            if top_slug != "english"
        ]
        return self.chrome.page(f"{self.masthead.brand} - Tin tức", "", home_main(self.chrome, top, sections), None)

    def english_home(self) -> str:
        sections = [
            (f"english/{sub}", sub, self._items(self.catalog.listing_page(f"english/{sub}", 1)[:5], "en:home"))
            for sub in ("news", "Culture", "Society")
        ]
        main = "<h1>Ha Giang Newspaper - English edition</h1>\n" + home_main(self.chrome, [], sections)
        return self.chrome.page("Ha Giang Newspaper", "", main, "english")

    # -- other pages --------------------------------------------------------------------------

    def search(self, query: str) -> str:
        main = f"<h1>Tìm kiếm</h1><p>Kết quả cho “{esc(query)}”: không tìm thấy bài viết nào.</p>\n"
        return self.chrome.page(f"Tìm kiếm - {self.masthead.brand}", "", main, None)

    def not_found(self) -> str:
        main = (
            "<h1>Không tìm thấy trang</h1><p>Trang bạn tìm không tồn tại hoặc đã bị xóa. "
            f'<a href="{self.masthead.origin}/">Về trang chủ</a></p>\n'
        )
        return self.chrome.page(f"404 - {self.masthead.brand}", "", main, None)

    def rss(self) -> str:
        items = []
        for slot in self.catalog.newest(30):
            lede, _, prefix = self.writer.lede(slot)
            items.append(
                f"<item><title>{esc(self.writer.title(slot))}</title>"
                f"<link>{self.writer.canonical_url(slot)}</link>"
                f"<description>{esc(prefix + lede)}</description>"
                f"<pubDate>{http_date(slot.published)}</pubDate></item>"
            )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{esc(self.masthead.brand)}'
            f"</title><link>{self.masthead.origin}/</link><description>Tin tức</description>\n"
            + "\n".join(items)
            + "\n</channel></rss>\n"
        )

    @staticmethod
    def robots() -> str:
        return "User-agent: *\nDisallow: /tim-kiem\nDisallow: /admin/\n"
