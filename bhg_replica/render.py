"""HTML of the replica's pages, in the markup of the site's two CMS generations."""

from __future__ import annotations

import html
import unicodedata
import zlib
from datetime import UTC, datetime
from email.utils import format_datetime
from html.entities import codepoint2name

from bhg_replica.catalog import Catalog, Slot
from bhg_replica.content import Article, Block, Writer

MAIN = "https://baohagiang.vn"
ENGLISH = "https://en.baohagiang.vn"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def as_entities(fragment: str) -> str:
    """Write every non-ASCII character as a character reference, as some CKEditor setups do."""
    out = []
    for char in fragment:
        code = ord(char)
        if code < 128:
            out.append(char)
        elif code in codepoint2name:
            out.append(f"&{codepoint2name[code]};")
        else:
            out.append(f"&#{code};")
    return "".join(out)


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


class Renderer:
    """Turns catalog slots into the bytes the site serves."""

    def __init__(self, catalog: Catalog, writer: Writer):
        self.catalog = catalog
        self.writer = writer

    # -- links --------------------------------------------------------------------------------

    def article_href(self, slot: Slot, source: str) -> str:
        """The link to an article as one page prints it: mostly canonical, sometimes not."""
        path = self.writer.path(slot)
        if slot.section.language == "en" and source.startswith("en:"):
            return ENGLISH + path.removeprefix("/english")
        roll = zlib.crc32(f"{source}|{slot.article_id}".encode()) % 100
        if roll < 70:
            return MAIN + path
        if roll < 76:
            return "http://baohagiang.vn" + path
        if roll < 82:
            return "https://www.baohagiang.vn" + path
        if roll < 88:
            return MAIN + path + "/"
        if roll < 92:
            return MAIN + path + "?utm_source=zalo&utm_medium=share"
        return path

    def section_href(self, slug: str, page: int = 1) -> str:
        return f"{MAIN}/{slug}" + (f"?page={page}" if page > 1 else "")

    # -- page frame ---------------------------------------------------------------------------

    def _nav(self, active: str | None) -> str:
        items = []
        for slug, name in self._menu():
            css = ' class="active"' if active and (active == slug or active.startswith(slug + "/")) else ""
            items.append(f'<li{css}><a href="{self.section_href(slug)}">{esc(name)}</a></li>')
        items.append(f'<li><a href="{ENGLISH}/">English</a></li>')
        return "\n".join(items)

    def _menu(self) -> list[tuple[str, str]]:
        menu: list[tuple[str, str]] = []
        for section in self.catalog.sections:
            top = section.parent or section.slug
            if top == "english" or any(slug == top for slug, _ in menu):
                continue
            menu.append((top, self.catalog.section_name(top)))
        return menu

    def _head(self, title: str, meta: str = "") -> str:
        return (
            '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n{meta}"
            '<link rel="stylesheet" href="/css/style.css">\n</head>\n'
        )

    def _footer(self) -> str:
        return (
            '<footer class="site-footer"><p>Báo Hà Giang - Cơ quan của Đảng bộ tỉnh Hà Giang</p>'
            "<p>Giấy phép số 432/GP-BTTTT. Tổng Biên tập: Hoàng Văn Tâm</p>"
            "<p>Địa chỉ: Tổ 19, phường Nguyễn Trãi, thành phố Hà Giang</p></footer>\n"
        )

    def _page(self, title: str, body: str, active: str | None, meta: str = "", era: str = "B") -> str:
        if era == "A":
            top = (
                '<div id="wrapper">\n<div id="header"><div class="logo"><a href="https://baohagiang.vn/">'
                '<img src="/images/logo.png" alt="Báo Hà Giang"></a></div></div>\n'
                f'<div id="menu"><ul class="nav">\n{self._nav(active)}\n</ul></div>\n'
            )
            return self._head(title, meta) + f"<body>\n{top}{body}{self._footer()}</div>\n</body>\n</html>\n"
        top = (
            '<header class="site-header"><a class="logo" href="https://baohagiang.vn/">'
            '<img src="/images/logo.png" alt="Báo Hà Giang"></a>\n'
            f'<nav class="main-nav"><ul>\n{self._nav(active)}\n</ul></nav></header>\n'
        )
        return self._head(title, meta) + f"<body>\n{top}{body}{self._footer()}</body>\n</html>\n"

    # -- articles -----------------------------------------------------------------------------

    def article(self, slot: Slot) -> str:
        article = self.writer.article(slot.article_id)
        meta = self._article_meta(article) if article.head_meta else ""
        related = self._related(article)
        era = slot.era
        lede_html = esc(article.printed_lede).replace("\xa0", "&nbsp;")
        body = self._body(article)
        byline = esc(article.byline) if article.byline else ""
        if article.entities:
            lede_html, body, byline = as_entities(lede_html), as_entities(body), as_entities(byline)
        if era == "A":
            author = f'<div class="author-detail">{byline}</div>\n' if byline and not article.byline_in_body else ""
            main = (
                '<div id="main" class="clearfix">\n<div class="col-left">\n'
                '<div class="breadcrumb"><a href="https://baohagiang.vn/">Hà Giang</a></div>\n'
                f'<h1 class="title-detail">{esc(article.title)}</h1>\n'
                f'<div class="date-detail">{article.printed_time()}</div>\n'
                f'<div class="sapo-detail">{lede_html}</div>\n'
                f'<div class="content-detail" id="content-detail">\n{body}</div>\n{author}{related}'
                f"</div>\n{self._sidebar(slot)}</div>\n"
            )
        else:
            crumbs = self._crumbs(slot)
            author = f'<div class="article__author">{byline}</div>\n' if byline and not article.byline_in_body else ""
            tags = ""
            if article.tags:
                links = ", ".join(
                    f'<a href="/tim-kiem?q={esc(tag.replace(" ", "+"))}">{esc(tag)}</a>' for tag in article.tags
                )
                tags = f'<div class="article__tags">Từ khóa: {links}</div>\n'
            main = (
                f'<main class="container">\n{crumbs}<article class="article">\n'
                f'<h1 class="article__title">{esc(article.title)}</h1>\n'
                f'<div class="article__meta"><span class="article__time">{article.printed_time()}</span></div>\n'
                f'<div class="article__sapo">{lede_html}</div>\n'
                f'<div class="article__body">\n{body}</div>\n{author}{tags}</article>\n{related}'
                f"{self._sidebar(slot)}</main>\n"
            )
        page = self._page(f"{article.title} - Báo Hà Giang", main, slot.section.slug, meta, era)
        return unicodedata.normalize("NFD", page) if article.nfd else page

    def _crumbs(self, slot: Slot) -> str:
        parts = []
        parent = slot.section.parent
        if parent:
            parts.append(f'<a href="{self.section_href(parent)}">{esc(self.catalog.section_name(parent).upper())}</a>')
        parts.append(f'<a href="{self.section_href(slot.section.slug)}">{esc(slot.section.name.upper())}</a>')
        return f'<div class="breadcrumbs">{" ".join(parts)}</div>\n'

    def _article_meta(self, article: Article) -> str:
        slot = article.slot
        url = self.writer.canonical_url(slot)
        lines = [
            f'<meta name="description" content="{esc(article.lede)}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{esc(article.title)}">',
            f'<meta property="og:description" content="{esc(article.lede)}">',
            f'<meta property="og:url" content="{url}">',
        ]
        if article.images:
            lines.append(f'<meta property="og:image" content="{MAIN}{article.images[0].src}">')
        lines.append(f'<link rel="canonical" href="{url}">')
        return "\n".join(lines) + "\n"

    def _body(self, article: Article) -> str:
        era_a = article.slot.era == "A"
        parts = []
        if article.repeat_lede:
            parts.append(f"<p>{esc(article.printed_lede)}</p>")
        for block in article.blocks:
            parts.append(self._block(block, era_a))
        if article.byline and article.byline_in_body:
            parts.append(f'<p style="text-align: right;"><strong>{esc(article.byline)}</strong></p>')
        return "\n".join(parts) + "\n"

    @staticmethod
    def _block(block: Block, era_a: bool, origin: str = MAIN) -> str:
        if block.kind == "p":
            return f"<p>{esc(block.text)}</p>"
        if block.kind == "h":
            return f"<p><strong>{esc(block.text)}</strong></p>" if era_a else f"<h3>{esc(block.text)}</h3>"
        if block.kind == "video":
            return f'<div class="video"><video controls src="{origin}{block.text}"></video></div>'
        image = block.image
        assert image is not None
        if era_a:
            caption = f'<tr><td class="image_desc">{esc(image.caption)}</td></tr>' if image.caption else ""
            return (
                '<table class="image center" border="0" cellpadding="0" cellspacing="0" style="width: 100%;">'
                f'<tr><td><img src="{esc(image.src)}" alt="{esc(image.alt)}" style="width: 100%;"></td></tr>'
                f"{caption}</table>"
            )
        caption = f"<tr><td>{esc(image.caption)}</td></tr>" if image.caption else ""
        return (
            f'<table align="center"><tbody><tr><td><img alt="{esc(image.alt)}" src="{origin}{esc(image.src)}">'
            f"</td></tr>{caption}</tbody></table>"
        )

    def _related(self, article: Article) -> str:
        slot = article.slot
        pinned = slot.pinned == 0
        others = self.catalog.related(slot, 4 if pinned else 5)
        if not others:
            return ""
        source = f"related:{slot.article_id}"
        items = []
        for k, other in enumerate(others):
            lede, _, prefix = self.writer.lede(other)
            lede_html = esc(prefix + lede).replace("\xa0", "&nbsp;")
            if pinned and self.catalog.seed_article["related"][k]["blank_after"]:
                lede_html = f"<p>{lede_html}</p><p>&nbsp;</p>"
            href = self.article_href(other, source)
            title = esc(self.writer.title(other))
            date = f"{other.published:%d/%m/%Y}"
            if slot.era == "A":
                items.append(
                    f'<li><a class="title-related" href="{href}">{title}</a>'
                    f'<div class="sapo-related">{lede_html}</div><span class="date-related">{date}</span></li>'
                )
            else:
                items.append(
                    f'<div class="related-box__item"><h3><a href="{href}">{title}</a></h3>'
                    f'<div class="sapo">{lede_html}</div><time>{date}</time></div>'
                )
        if slot.era == "A":
            return (
                '<div class="box-related"><h3 class="title-box">Cùng chuyên mục</h3>\n'
                f'<ul class="list-related">\n{chr(10).join(items)}\n</ul></div>\n'
            )
        return (
            '<section class="related-box"><div class="related-box__title">Cùng chuyên mục</div>\n'
            f"{chr(10).join(items)}\n</section>\n"
        )

    def _sidebar(self, slot: Slot | None) -> str:
        newest = self.catalog.newest(5)
        source = f"side:{slot.article_id if slot else ''}"
        links = "".join(
            f'<li><a href="{self.article_href(s, source)}">{esc(self.writer.title(s))}</a></li>' for s in newest
        )
        return f'<aside class="sidebar"><div class="box-title">Tin mới</div><ul>{links}</ul></aside>\n'

    # -- listings -----------------------------------------------------------------------------

    def listing(self, slug: str, page: int, english_host: bool = False, day: datetime | None = None) -> str:
        items = self.catalog.listing_day(slug, day) if day else self.catalog.listing_page(slug, page)
        source = f"{'en:' if english_host else ''}list:{slug}:{page}"
        name = self.catalog.section_name(slug)
        own = f"{ENGLISH}/{slug.removeprefix('english/')}" if english_host else self.section_href(slug)
        parts = [f'<main class="container">\n<h1 class="cat-title">{esc(name.upper())}</h1>\n']
        parts.append(
            f'<div class="view-by-date"><form action="{own}" method="get"><label>Xem theo ngày</label>'
            '<input type="date" name="date"><button type="submit">Xem</button></form></div>\n'
        )
        rest = items
        if page == 1 and items and day is None:
            top = items[0]
            rest = items[1:]
            href = self.article_href(top, source)
            title = esc(self.writer.title(top))
            lede, _, prefix = self.writer.lede(top)
            parts.append(
                f'<div class="featured"><a href="{href}" title="{title}"><img src="/images/thumb.jpg" '
                f'alt="{title}"></a><h2><a href="{href}">{title}</a></h2>'
                f'<span class="time">{top.published:%H:%M, %d/%m/%Y}</span>'
                f'<p class="sapo">{esc(prefix + lede)}</p></div>\n'
            )
        parts.append('<ul class="story-list">\n')
        for slot in rest:
            lede, _, prefix = self.writer.lede(slot)
            parts.append(
                f'<li class="story"><h3><a href="{self.article_href(slot, source)}">'
                f"{esc(self.writer.title(slot))}</a></h3>"
                f'<span class="time">{slot.published:%H:%M, %d/%m/%Y}</span>'
                f'<p class="sapo">{esc(prefix + lede)}</p></li>\n'
            )
        parts.append("</ul>\n")
        if day is None:
            parts.append(self._pagination(slug, page, own))
        parts.append("</main>\n")
        return self._page(f"{name} - Báo Hà Giang", "".join(parts), slug)

    def _pagination(self, slug: str, page: int, own: str) -> str:
        last = self.catalog.page_count(slug)
        if last == 1:
            return ""

        def href(n: int) -> str:
            return own + (f"?page={n}" if n > 1 else "")

        links = []
        if page > 1:
            links.append(f'<a class="prev" href="{href(page - 1)}">Trang trước</a>')
        for n in range(max(1, page - 2), min(last, page + 2) + 1):
            links.append(f'<span class="current">{n}</span>' if n == page else f'<a href="{href(n)}">{n}</a>')
        if page < last:
            links.append(f'<a class="next" href="{href(page + 1)}">Trang sau</a>')
            links.append(f'<a class="last" href="{href(last)}">Trang cuối</a>')
        return f'<div class="pagination">{" ".join(links)}</div>\n'

    # -- home, feeds, errors ------------------------------------------------------------------

    def home(self) -> str:
        source = "home"
        parts = ['<main class="container">\n<section class="top-stories"><h2>Tin nổi bật</h2><ul>\n']
        for slot in self.catalog.newest(8):
            parts.append(f'<li><a href="{self.article_href(slot, source)}">{esc(self.writer.title(slot))}</a></li>\n')
        parts.append("</ul></section>\n")
        for slug, name in self._menu():
            latest = self.catalog.listing_page(slug, 1)[:4]
            parts.append(
                f'<section class="home-section"><h2><a href="{self.section_href(slug)}">{esc(name)}</a></h2><ul>'
            )
            parts.extend(
                f'<li><a href="{self.article_href(s, source)}">{esc(self.writer.title(s))}</a></li>' for s in latest
            )
            parts.append("</ul></section>\n")
        parts.append("</main>\n")
        return self._page("Báo Hà Giang - Tin tức Hà Giang", "".join(parts), None)

    def english_home(self) -> str:
        parts = ['<main class="container">\n<h1>Ha Giang Newspaper - English edition</h1>\n']
        for sub in ("news", "Culture", "Society"):
            parts.append(f'<section><h2><a href="{ENGLISH}/{sub}">{sub}</a></h2><ul>')
            for slot in self.catalog.listing_page(f"english/{sub}", 1)[:5]:
                href = self.article_href(slot, "en:home")
                parts.append(f'<li><a href="{href}">{esc(self.writer.title(slot))}</a></li>')
            parts.append("</ul></section>\n")
        parts.append("</main>\n")
        return self._page("Ha Giang Newspaper", "".join(parts), "english")

    def search(self, query: str) -> str:
        body = (
            f'<main class="container"><h1>Tìm kiếm</h1><p>Kết quả cho “{esc(query)}”: '
            "không tìm thấy bài viết nào.</p></main>\n"
        )
        return self._page("Tìm kiếm - Báo Hà Giang", body, None)

    def not_found(self) -> str:
        body = (
            '<main class="container"><h1>Không tìm thấy trang</h1>'
            '<p>Trang bạn tìm không tồn tại hoặc đã bị xóa. <a href="https://baohagiang.vn/">Về trang chủ</a></p>'
            "</main>\n"
        )
        return self._page("404 - Báo Hà Giang", body, None)

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
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Báo Hà Giang</title>'
            f"<link>{MAIN}/</link><description>Tin tức Hà Giang</description>\n"
            + "\n".join(items)
            + "\n</channel></rss>\n"
        )

    @staticmethod
    def robots() -> str:
        return "User-agent: *\nDisallow: /tim-kiem\nDisallow: /admin/\n"
