"""Listing and home pages of the hex-id CMS, as both papers serve them today.

Follows [seen-3p, config of Feb 2026]: every article link of a listing or the home page carries a class ``title1``
... ``title5``; later listing pages are ``.../trang-N.html``, ``/kinh-te/cong-nghiep/`` with a trailing slash
[seen-3p, config of 2019-2020]; and [seen, the English edition]: newest first, each item with title, time
``HH:MM, DD/MM/YYYY`` and lede, one featured item on top whose title appears twice, a "View by date" control.
Guesses: 20 items a page, the "Xem theo ngày" form (``?date=YYYY-MM-DD``), the pagination's markup, the sections
paged with ``?page=N`` (``Catalog.query_paged``), the home page's boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

from bhg_replica.catalog import Slot
from bhg_replica.chrome import Chrome, thumbnail
from bhg_replica.families.base import category_id, esc, printed


@dataclass(frozen=True)
class Item:
    """An article as a listing prints it."""

    slot: Slot
    href: str
    title: str
    lede: str  # with its prefix


def item_html(chrome: Chrome, item: Item, level: int) -> str:
    """One listed article: thumbnail, title linked with the class ``title<level>``, time, lede."""
    title = printed(item.title)
    return (
        f'<div class="story"><a class="thumb" href="{item.href}" title="{title}"><img src="/images/lazy.gif" '
        f'data-src="{esc(thumbnail(chrome.writer, item.slot))}" alt="{title}"></a>'
        f'<h3><a class="title{level}" href="{item.href}">{title}</a></h3>'
        f'<span class="time">{item.slot.published:%H:%M, %d/%m/%Y}</span>'
        f'<p class="sapo">{printed(item.lede)}</p></div>'
    )


def pagination(chrome: Chrome, slug: str, page: int, last: int, own: str) -> str:
    """Links to the pages around this one, "Trang sau" and "Trang cuối"; ``own`` the first page's URL."""
    if last == 1:
        return ""

    def href(n: int) -> str:
        if own.startswith(chrome.masthead.origin):
            return chrome.masthead.origin + chrome.catalog.listing_path(slug, n)
        return own + (f"?page={n}" if n > 1 else "")  # another host of the paper: the English edition

    links = [f'<a class="prev" href="{href(page - 1)}">Trang trước</a>'] if page > 1 else []
    for n in range(max(1, page - 2), min(last, page + 2) + 1):
        links.append(f'<span class="current">{n}</span>' if n == page else f'<a href="{href(n)}">{n}</a>')
    if page < last:
        links.append(f'<a class="next" href="{href(page + 1)}">Trang sau</a>')
        links.append(f'<a class="last" href="{href(last)}">Trang cuối</a>')
    return f'<div class="pagination">{" ".join(links)}</div>\n'


def listing_main(
    chrome: Chrome, slug: str, items: list[Item], page: int, own: str, by_date: bool, last: int | None = None
) -> str:
    """The inside of a listing page: the section's name, its sub-sections, the date control, a featured item on
    the first page, the others, the pagination (none on a day's listing) up to page ``last`` (by default the
    section's last)."""
    catalog = chrome.catalog
    name = catalog.section_name(slug)
    children = "".join(
        f'<li><a href="{chrome.section_href(s.slug)}">{esc(s.name)}</a></li>'
        for s in catalog.sections
        if s.parent == slug
    )
    category = category_id(chrome.masthead.origin.split("//", 1)[1], slug)
    parts = [
        f'<div class="cate_title_1"><h1><a class="title {category}" href="{own}">{esc(name.upper())}</a></h1>'
        + (f'<ul class="sub-cate">{children}</ul>' if children else "")
        + "</div>\n",
        f'<div class="view-by-date"><form action="{own}" method="get"><label>Xem theo ngày</label>'
        '<input type="date" name="date"><button type="submit">Xem</button></form></div>\n',
    ]
    rest = items
    if page == 1 and items and not by_date:
        top, rest = items[0], items[1:]
        title = printed(top.title)
        parts.append(
            f'<div class="featured"><a class="thumb" href="{top.href}" title="{title}"><img src="/images/lazy.gif" '
            f'data-src="{esc(thumbnail(chrome.writer, top.slot))}" alt="{title}"></a>'
            f'<h2><a class="title1" href="{top.href}">{title}</a></h2>'
            f'<span class="time">{top.slot.published:%H:%M, %d/%m/%Y}</span>'
            f'<p class="sapo">{printed(top.lede)}</p></div>\n'
        )
    parts.append('<div class="list-news">\n' + "\n".join(item_html(chrome, item, 3) for item in rest) + "\n</div>\n")
    parts.append(chrome.ad_slot("inline"))
    if not by_date:
        parts.append(pagination(chrome, slug, page, last or catalog.page_count(slug), own))
    return "".join(parts)


def home_main(chrome: Chrome, top: list[Item], sections: list[tuple[str, str, list[Item]]]) -> str:
    """The inside of a home page: the top stories (``title1`` then ``title2``), then each section's latest
    (``title5``)."""
    parts = ['<section class="top-stories"><h2 class="box-title">Tin nổi bật</h2>\n']
    parts += [item_html(chrome, item, 1 if k == 0 else 2) + "\n" for k, item in enumerate(top)]
    parts.append("</section>\n")
    for slug, name, latest in sections:
        parts.append(
            f'<section class="home-section"><h2 class="box-title"><a href="{chrome.section_href(slug)}">{esc(name)}'
            "</a></h2>\n" + "\n".join(item_html(chrome, item, 5) for item in latest) + "\n</section>\n"
        )
        if len(parts) % 4 == 0:
            parts.append(chrome.ad_slot("inline"))
    return "".join(parts)
