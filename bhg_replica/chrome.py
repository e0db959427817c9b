"""The furniture around every page of a paper: head scripts, menus, sidebars, ad slots and the footer."""

from __future__ import annotations

import hashlib
import html
import random
from dataclasses import dataclass
from functools import cached_property

from bhg_replica.catalog import Catalog, Slot
from bhg_replica.content import Writer

# What real pages of the CMS family weigh: an article page of a sister paper was about 51 KB [seen, Oct 2026]. The
# furniture below is what makes up most of it on the live sites: menus with the whole section tree, "most read"
# and "newest" boxes with thumbnails, inline analytics and ad-loader scripts, ad slots and a footer with the
# licence. Its markup is a guess; only its weight and its links matter.
SIDEBAR_ITEMS = 10
MENU_NEWS = 1
PROVINCES = (
    "An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Điện Biên", "Đồng Nai",
    "Đồng Tháp", "Gia Lai", "Hà Nội", "Hà Tĩnh", "Hải Phòng", "Hưng Yên", "Khánh Hòa", "Lai Châu", "Lạng Sơn",
    "Lào Cai", "Lâm Đồng", "Nghệ An", "Ninh Bình", "Phú Thọ", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sơn La",
    "Tây Ninh", "Thái Nguyên", "Thanh Hóa", "Huế", "Tuyên Quang", "Vĩnh Long", "TP. Hồ Chí Minh",
)  # fmt: skip
STYLED = (
    "header", "top-bar", "logo", "menu", "menu-sub", "menu-mobile", "search", "breadcrumb", "sidebar", "box",
    "box-title", "most-read", "newest", "thumb", "time", "ads", "ads-slot", "footer", "footer-links", "copyright",
    "social", "related", "pagination", "story", "featured", "title1", "title2", "title3", "title4", "title5",
)  # fmt: skip
RULES = (
    "margin:0;padding:0;box-sizing:border-box",
    "display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between",
    "font-family:'Roboto',Arial,sans-serif;font-size:15px;line-height:1.5;color:#222",
    "position:relative;overflow:hidden;background:#fff;border-bottom:1px solid #e5e5e5",
    "display:block;width:100%;height:auto;object-fit:cover;aspect-ratio:16/9",
    "font-weight:700;text-transform:uppercase;color:#b40000;letter-spacing:.02em",
)
AD_ZONES = (("top", 970, 90), ("right-1", 300, 250), ("right-2", 300, 600), ("inline", 728, 90), ("bottom", 970, 250),
            ("float-left", 160, 600), ("float-right", 160, 600), ("mobile-sticky", 320, 50))  # fmt: skip


def esc(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class Masthead:
    """Who publishes a paper and where: printed in every page's head, header and footer (the licence lines are
    a guess in form, the names as the notes give them)."""

    origin: str  # "https://baohagiang.vn"
    brand: str  # "Báo Hà Giang"
    footer_lines: tuple[str, ...]  # owner, licence, editor, address, contacts
    analytics_id: str  # the measurement id of its analytics script


def thumbnail(writer: Writer, slot: Slot) -> str:
    """The thumbnail a box prints for an article: its first image, else the paper's placeholder."""
    images = writer.article(slot.article_id).images
    return images[0].src if images else "/images/no-thumb.jpg"


class Chrome:
    """The furniture of one paper's pages, built once per replica: only the active menu item changes per page."""

    def __init__(self, masthead: Masthead, catalog: Catalog, writer: Writer):
        self.masthead = masthead
        self.catalog = catalog
        self.writer = writer

    def section_href(self, slug: str) -> str:
        return self.masthead.origin + self.catalog.listing_path(slug, 1)

    def tree(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """The menu: each top section with its sub-sections, (slug, name, children), in the catalog's order."""
        tops: dict[str, list[tuple[str, str]]] = {}
        for section in self.catalog.sections:
            top = section.parent or section.slug
            children = tops.setdefault(top, [])
            if section.parent:
                children.append((section.slug, section.name))
        return [(top, self.catalog.section_name(top), children) for top, children in tops.items()]

    # -- head and scripts ---------------------------------------------------------------------------------------

    def head(self, title: str, meta: str) -> str:
        """The ``<head>``: title, the page's meta tags, style sheets, inline styles and the head scripts."""
        return (
            '<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="X-UA-Compatible" content="IE=edge">\n<title>{esc(title)}</title>\n{meta}'
            f'<link rel="shortcut icon" href="/images/favicon.png">\n<link rel="stylesheet" href="/css/style.css">\n'
            f"{self._head_static}</head>\n"
        )

    @cached_property
    def _head_static(self) -> str:
        rules = "\n".join(
            f".{name}{{{RULES[k % len(RULES)]}}}.{name} a:hover{{color:#b40000}}"
            f"@media (max-width:768px){{.{name}{{{RULES[(k + 3) % len(RULES)]}}}}}"
            for k, name in enumerate(STYLED)
        )
        zones = ",".join(
            f'{{"id":"{self._zone_id(name)}","name":"{name}","w":{w},"h":{h},"lazy":{str(k > 1).lower()}}}'
            for k, (name, w, h) in enumerate(AD_ZONES)
        )
        measurement = self.masthead.analytics_id
        return (
            f"<style>\n{rules}\n</style>\n"
            f'<script async src="https://www.googletagmanager.com/gtag/js?id={measurement}"></script>\n'
            "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
            f"gtag('js',new Date());gtag('config','{measurement}',{{'anonymize_ip':true}});</script>\n"
            f"<script>var adZones=[{zones}];\n"
            "(function(w,d){var q=w.adQueue=w.adQueue||[];w.loadAds=function(){adZones.forEach(function(z){"
            "var s=d.querySelector('[data-zone=\"'+z.id+'\"]');if(!s)return;if(z.lazy&&'IntersectionObserver' in w)"
            "{new IntersectionObserver(function(e,o){e.forEach(function(x){if(x.isIntersecting){q.push(z);"
            "o.disconnect();}});}).observe(s);}else{q.push(z);}});};"
            "d.addEventListener('DOMContentLoaded',w.loadAds);})(window,document);</script>\n"
        )

    def _zone_id(self, name: str) -> str:
        return hashlib.md5(f"{self.masthead.origin}:{name}".encode()).hexdigest()[:12]

    def ad_slot(self, name: str) -> str:
        """An ad slot: the box the ad loader fills."""
        width, height = next((w, h) for zone, w, h in AD_ZONES if zone == name)
        return (
            f'<div class="ads ads-slot ads-{name}" data-zone="{self._zone_id(name)}" '
            f'style="min-height:{height}px;max-width:{width}px"><ins class="ads-ins" data-size="{width}x{height}">'
            "</ins></div>\n"
        )

    @cached_property
    def tail_scripts(self) -> str:
        """The scripts at the end of the body: lazy images, the back-to-top button, share buttons."""
        return (
            "<script>(function(){var imgs=document.querySelectorAll('img[data-src]');if('IntersectionObserver' in "
            "window){var o=new IntersectionObserver(function(es){es.forEach(function(e){if(e.isIntersecting){"
            "e.target.src=e.target.dataset.src;o.unobserve(e.target);}});});imgs.forEach(function(i){o.observe(i);"
            "});}else{imgs.forEach(function(i){i.src=i.dataset.src;});}})();</script>\n"
            "<script>(function(){var b=document.getElementById('back-to-top');if(!b)return;window.addEventListener("
            "'scroll',function(){b.style.display=window.scrollY>600?'block':'none';});b.addEventListener('click',"
            "function(e){e.preventDefault();window.scrollTo({top:0,behavior:'smooth'});});})();</script>\n"
            '<script async src="https://sp.zalo.me/plugins/sdk.js"></script>\n'
            '<script async defer crossorigin="anonymous" src="https://connect.facebook.net/vi_VN/sdk.js"></script>\n'
        )

    # -- header and menus --------------------------------------------------------------------------------------

    @cached_property
    def top_bar(self) -> str:
        """The bar above the header: the date, hotline, social links and the search form."""
        origin = self.masthead.origin
        return (
            '<div class="top-bar"><span class="today" id="today"></span>'
            '<span class="hotline">Đường dây nóng: 0219.3866.555</span>'
            '<ul class="social"><li><a class="fb" rel="nofollow" href="https://www.facebook.com/">Facebook</a></li>'
            '<li><a class="yt" rel="nofollow" href="https://www.youtube.com/">YouTube</a></li>'
            '<li><a class="zalo" rel="nofollow" href="https://zalo.me/">Zalo</a></li>'
            f'<li><a class="rss" href="{origin}/rss/home.rss">RSS</a></li></ul>'
            f'<form class="search" action="{origin}/tim-kiem" method="get"><input type="text" name="q" '
            'placeholder="Tìm kiếm..."><button type="submit">Tìm</button></form></div>\n'
        )

    def menu_items(self, active: str | None) -> str:
        """The desktop menu's items: every top section, its sub-sections in a drop-down."""
        return self._menu_items.replace(f'data-slug="{self._top_of(active)}"', 'class="active"', 1)

    @staticmethod
    def _top_of(active: str | None) -> str:
        return active.split("/", 1)[0] if active else "\0"

    @cached_property
    def _menu_items(self) -> str:
        items = [f'<li><a class="home" href="{self.masthead.origin}/">Trang chủ</a></li>']
        for top, name, children in self.tree():
            sub = "".join(
                f'<li><a href="{self.section_href(slug)}" title="{esc(child)}">{esc(child)}</a></li>'
                for slug, child in children
            )
            items.append(
                f'<li data-slug="{top}"><a href="{self.section_href(top)}" title="{esc(name)}">{esc(name)}</a>'
                + (f'<ul class="menu-sub">{sub}</ul>' if sub else "")
                + self._menu_news(top)
                + "</li>"
            )
        return "\n".join(items)

    def _menu_news(self, slug: str) -> str:
        """The drop-down's latest articles of the section, with thumbnails, as mega menus print them."""
        latest = self.catalog.listing_page(slug, 1)[:MENU_NEWS]
        items = "".join(
            f'<div class="menu-news__item"><a class="thumb" href="{href}"><img src="/images/lazy.gif" '
            f'data-src="{esc(thumbnail(self.writer, slot))}" alt="{title}"></a><a class="title5" href="{href}">{title}'
            "</a></div>"
            for slot in latest
            for href, title in [(self.writer.canonical_url(slot), esc(self.writer.title(slot)))]
        )
        return f'<div class="menu-news">{items}</div>' if items else ""

    @cached_property
    def mobile_menu(self) -> str:
        """The menu again, as the phone layout prints it: the whole section tree in a side panel."""
        groups = []
        for top, name, children in self.tree():
            sub = "".join(f'<a href="{self.section_href(slug)}">{esc(child)}</a>' for slug, child in children)
            groups.append(
                f'<div class="menu-mobile__group"><a class="menu-mobile__top" href="{self.section_href(top)}">'
                f'{esc(name)}</a><div class="menu-mobile__sub">{sub}</div></div>'
            )
        return (
            '<div class="menu-mobile" id="menu-mobile" aria-hidden="true"><button class="menu-mobile__close" '
            'type="button">&times;</button>\n' + "\n".join(groups) + "\n</div>\n"
        )

    # -- sidebar -----------------------------------------------------------------------------------------------

    def most_read(self) -> list[Slot]:
        """The "Đọc nhiều" box: ten of the paper's recent articles, chosen by the seed."""
        recent = [s for s in self.catalog.newest(200) if not s.deleted]
        rng = random.Random(f"most-read:{self.catalog.seed}:{self.masthead.origin}:{self.catalog.day}")
        return rng.sample(recent, min(SIDEBAR_ITEMS, len(recent)))

    def _box(self, css: str, heading: str, slots: list[Slot]) -> str:
        items = []
        for slot in slots:
            title = esc(self.writer.title(slot))
            href = self.writer.canonical_url(slot)
            items.append(
                f'<li class="box__item"><a class="thumb" href="{href}" title="{title}"><img '
                f'src="/images/lazy.gif" data-src="{esc(thumbnail(self.writer, slot))}" alt="{title}" width="120" '
                f'height="80"></a><h3><a class="title4" href="{href}">{title}</a></h3>'
                f'<span class="time">{slot.published:%H:%M, %d/%m/%Y}</span></li>'
            )
        return (
            f'<div class="box {css}"><div class="box-title">{heading}</div><ul>\n'
            + "\n".join(items)
            + "\n</ul></div>\n"
        )

    @cached_property
    def sidebar(self) -> str:
        """The right column: ad slots, "Đọc nhiều", "Tin mới" (both with thumbnails) and the print edition."""
        return (
            '<aside class="sidebar">\n'
            + self.ad_slot("right-1")
            + self._box("most-read", "Đọc nhiều", self.most_read())
            + self._box("newest", "Tin mới", self.catalog.newest(SIDEBAR_ITEMS))
            + self.ad_slot("right-2")
            + f'<div class="box print-edition"><div class="box-title">Báo in</div><a href="{self.masthead.origin}/'
            f'tim-kiem?q=bao-in"><img src="/images/bao-in.jpg" alt="{esc(self.masthead.brand)} - Báo in"></a></div>\n'
            "</aside>\n"
        )

    # -- footer ------------------------------------------------------------------------------------------------

    @cached_property
    def footer(self) -> str:
        """The footer's inside: the section links again, the paper's licence and contacts, links to other papers."""
        links = "".join(f'<li><a href="{self.section_href(top)}">{esc(name)}</a></li>' for top, name, _ in self.tree())
        lines = "".join(f"<p>{esc(line)}</p>" for line in self.masthead.footer_lines)
        papers = "".join(f"<option>Báo {esc(province)}</option>" for province in PROVINCES)
        return (
            f'<ul class="footer-links">{links}</ul>\n<div class="footer-info"><p class="footer-brand">'
            f"{esc(self.masthead.brand)}</p>{lines}</div>\n"
            f'<div class="footer-papers"><select aria-label="Liên kết báo địa phương"><option>Liên kết website</option>'
            f"{papers}</select></div>\n"
            '<p class="copyright">© Bản quyền thuộc về '
            f"{esc(self.masthead.brand)}. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p>\n"
            '<a id="back-to-top" href="#top" title="Lên đầu trang">↑</a>\n'
        )

    # -- the frame -----------------------------------------------------------------------------------------------

    def page(self, title: str, meta: str, main: str, active: str | None, old_frame: bool = False) -> str:
        """A whole page: ``main`` in the paper's furniture. ``old_frame``: the era-A CMS's frame of ids
        (``div#wrapper``, ``div#header``, ``div#menu``, ``div.col-left``, ``div#footer``), else the hex-id CMS's
        of classes (a guess, both)."""
        origin, brand = self.masthead.origin, esc(self.masthead.brand)
        logo = f'<div class="logo"><a href="{origin}/"><img src="/images/logo.png" alt="{brand}"></a></div>'
        menu = self.menu_items(active)
        if old_frame:
            body = (
                f'<div id="wrapper">\n<div id="header">{self.top_bar}{logo}{self.ad_slot("top")}</div>\n'
                f'<div id="menu"><ul class="nav">\n{menu}\n</ul></div>\n{self.mobile_menu}'
                f'<div id="main" class="clearfix">\n<div class="col-left">\n{main}</div>\n'
                f'<div class="col-right">\n{self.sidebar}</div>\n</div>\n'
                f'<div id="footer">\n{self.footer}</div>\n</div>\n'
            )
        else:
            body = (
                f'<header class="header">\n{self.top_bar}{logo}{self.ad_slot("top")}'
                f'<nav class="menu"><ul>\n{menu}\n</ul></nav></header>\n{self.mobile_menu}'
                f'<main class="container">\n<div class="main-col">\n{main}</div>\n{self.sidebar}</main>\n'
                f'{self.ad_slot("bottom")}<footer class="footer">\n{self.footer}</footer>\n'
            )
        return (
            f'<!DOCTYPE html>\n<html lang="vi">\n{self.head(title, meta)}<body>\n{body}'
            f"{self.ad_slot('mobile-sticky')}{self.tail_scripts}</body>\n</html>\n"
        )
