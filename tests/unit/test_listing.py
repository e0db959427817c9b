"""Listing pages: the pagination a page shows in either form, the next page, and the times printed by the links."""

from __future__ import annotations

import dataclasses

import pytest

from bhg_crawler.extract.listing import MAX_UNLINKED, ListingPage, ShownPages
from bhg_crawler.sites.profiles import PROFILES, SiteProfile, load_profile
from bhg_crawler.sites.urls import with_page
from tests.helpers import SITES

HG, TQ = PROFILES["baohagiang.vn"], PROFILES["baotuyenquang.com.vn"]
# A profile whose next_page selector names the pagination's next link: the fast path.
NEXT_LINK = dataclasses.replace(HG, selectors=dataclasses.replace(HG.selectors, next_page=".pagination a.next"))
NUIXANH = load_profile(SITES / "baonuixanh.vn.toml")
ARTICLE = "https://baohagiang.vn/xa-hoi/202008/trien-khai-hoat-dong-785426"


def listing(links: str, items: str = "") -> str:
    """A listing page: a menu, its items, and its pagination's links."""
    return (
        '<html><body><ul class="menu"><li><a href="https://baohagiang.vn/xa-hoi">Xã hội</a></li>'
        '<li><a href="https://baotuyenquang.com.vn/khu-vuc/">Khu vực</a></li></ul>'
        f'<ul class="list">{items}</ul><div class="phan-trang">{links}</div></body></html>'
    )


def anchors(*hrefs: str) -> str:
    return "".join(f'<a href="{href}">{n}</a>' for n, href in enumerate(hrefs, 1))


@pytest.mark.parametrize(
    ("url", "links", "shown"),
    [
        # baohagiang.vn, no rule: the query form as its links show it
        ("https://baohagiang.vn/xa-hoi", anchors("?page=2", "?page=3", "https://baohagiang.vn/xa-hoi?page=41"),
         ShownPages("xa-hoi", 1, {1: "https://baohagiang.vn/xa-hoi", 2: "https://baohagiang.vn/xa-hoi?page=2",
                                  3: "https://baohagiang.vn/xa-hoi?page=3", 41: "https://baohagiang.vn/xa-hoi?page=41"})),
        ("https://baohagiang.vn/xa-hoi?page=41", anchors("?page=39", "?page=40"),
         ShownPages("xa-hoi", 41, {1: "https://baohagiang.vn/xa-hoi", 39: "https://baohagiang.vn/xa-hoi?page=39",
                                   40: "https://baohagiang.vn/xa-hoi?page=40"})),
        # ... or the path form, relative to a section URL with a trailing slash
        ("https://baohagiang.vn/kinh-te/cong-nghiep/", anchors("trang-2.html", "trang-3.html"),
         ShownPages("kinh-te/cong-nghiep", 1, {2: "https://baohagiang.vn/kinh-te/cong-nghiep/trang-2.html",
                                               3: "https://baohagiang.vn/kinh-te/cong-nghiep/trang-3.html"})),
        # links to another section's pages are not this section's
        ("https://baohagiang.vn/kinh-te", anchors("https://baohagiang.vn/xa-hoi?page=2"),
         ShownPages("kinh-te", 1, {})),
        # not a section's listing: nothing shown
        ("https://baohagiang.vn/", anchors("?page=2"), ShownPages(None, 1, {})),
    ],
)  # fmt: skip
def test_the_pagination_a_page_shows(url: str, links: str, shown: ShownPages) -> None:
    assert ListingPage(listing(links), url, HG).pagination() == shown


@pytest.mark.parametrize(
    ("profile", "url", "links", "current", "highest", "following"),
    [
        (TQ, "https://baotuyenquang.com.vn/khu-vuc", anchors("/khu-vuc/trang-2.html", "/khu-vuc/trang-9.html"),
         1, 9, "https://baotuyenquang.com.vn/khu-vuc/trang-2.html"),
        (TQ, "https://baotuyenquang.com.vn/khu-vuc/trang-2.html", anchors("/khu-vuc", "/khu-vuc/trang-3.html"),
         2, 3, "https://baotuyenquang.com.vn/khu-vuc/trang-3.html"),
        (TQ, "https://baotuyenquang.com.vn/khu-vuc/trang-9.html", anchors("/khu-vuc/trang-8.html"), 9, 9, None),
        (TQ, "https://baotuyenquang.com.vn/khu-vuc/trang-2.html", anchors("/khu-vuc?page=3"),  # the form the page uses
         2, 3, "https://baotuyenquang.com.vn/khu-vuc?page=3"),
        (TQ, "https://baotuyenquang.com.vn/khu-vuc", "", 1, 1, None),
        (HG, "https://baohagiang.vn/xa-hoi?page=2", anchors("?page=1", "?page=3"), 2, 3, "https://baohagiang.vn/xa-hoi?page=3"),
        (HG, "https://baohagiang.vn/xa-hoi", anchors("/xa-hoi/trang-2.html"), 1, 2, "https://baohagiang.vn/xa-hoi/trang-2.html"),
        (NUIXANH, "https://baonuixanh.vn/doi-song/van-hoa?trang=2", anchors("?trang=3", "?trang=4"), 2, 4,
         "https://baonuixanh.vn/doi-song/van-hoa?trang=3"),
    ],
)  # fmt: skip
def test_the_next_page_is_the_one_after_the_current(
    profile: SiteProfile, url: str, links: str, current: int, highest: int, following: str | None
) -> None:
    page = ListingPage(listing(links), url, profile)
    shown = page.pagination()
    assert (shown.current, shown.highest, shown.next, page.next_page()) == (current, highest, following, following)


@pytest.mark.parametrize(
    ("links", "following"),
    [
        ('<div class="pagination"><a class="next" href="?page=7">Trang sau</a></div>', "https://baohagiang.vn/xa-hoi?page=7"),
        ('<div class="pagination"><a class="next">Trang sau</a></div>' + anchors("?page=2"),
         "https://baohagiang.vn/xa-hoi?page=2"),
        ('<div class="pagination"><a class="next" href=" ">Trang sau</a></div>', None),
    ],
)  # fmt: skip
def test_the_next_page_selector_is_the_fast_path_and_an_empty_link_falls_through(
    links: str, following: str | None
) -> None:
    assert ListingPage(listing(links), "https://baohagiang.vn/xa-hoi", NEXT_LINK).next_page() == following


@pytest.mark.parametrize(
    ("item", "published"),
    [
        (f'<a href="{ARTICLE}">Tiêu đề</a><span class="time">10:04, 20/08/2020</span>', "2020-08-20T10:04:00+07:00"),
        (f'<a href="{ARTICLE}">Tiêu đề</a><span class="views">12</span><span>10:04, 20/08/2020</span>',
         "2020-08-20T10:04:00+07:00"),
        (f'<a href="{ARTICLE}">Tiêu đề</a><span>10:04</span>, <span>20/08/2020</span>', "2020-08-20T10:04:00+07:00"),
        (f'<a href="{ARTICLE}">Tiêu đề</a><i class="icon"></i>Thứ Bảy, 17/10/2020, 14:34', "2020-10-17T14:34:00+07:00"),
        (f'<a href="{ARTICLE}">Tiêu đề</a><span>20/08/2020</span>', None),
    ],
)  # fmt: skip
def test_a_listing_item_gives_the_time_printed_in_it(item: str, published: str | None) -> None:
    [entry] = ListingPage(listing("", f"<li>{item}</li>"), "https://baohagiang.vn/xa-hoi", HG).entries()
    assert (entry.published.isoformat() if entry.published else None) == published


@pytest.mark.parametrize(
    ("profile", "url", "page", "expected"),
    [
        (TQ, "https://baotuyenquang.com.vn/xa-hoi/trang-3.html", 2, "https://baotuyenquang.com.vn/xa-hoi/trang-2.html"),
        (TQ, "https://baotuyenquang.com.vn/kinh-te/cong-nghiep/trang-12.html/", 7,
         "https://baotuyenquang.com.vn/kinh-te/cong-nghiep/trang-7.html/"),
        (HG, "https://baohagiang.vn/xa-hoi?page=3", 2, "https://baohagiang.vn/xa-hoi?page=2"),
        (HG, "https://baohagiang.vn/xa-hoi?utm_source=x&page=30&date=2025-01-01", 4,
         "https://baohagiang.vn/xa-hoi?utm_source=x&page=4&date=2025-01-01"),
        (HG, "https://baohagiang.vn/multimedia/truyen-hinh/page/5/", 2, "https://baohagiang.vn/multimedia/truyen-hinh/page/2/"),
        (NUIXANH, "https://baonuixanh.vn/doi-song/van-hoa?trang=4", 3, "https://baonuixanh.vn/doi-song/van-hoa?trang=3"),
        (HG, "https://baohagiang.vn/xa-hoi", 2, None),  # page 1 says nothing of the others' form
        (HG, "https://baohagiang.vn/xa-hoi?q=abc", 2, None),
    ],
)  # fmt: skip
def test_a_page_number_put_in_the_form_of_a_listing_url(
    profile: SiteProfile, url: str, page: int, expected: str | None
) -> None:
    assert with_page(url, page, profile) == expected


@pytest.mark.parametrize(
    ("url", "links", "first", "expected"),
    [
        # "1 ... 3 Trang cuối": page 2 is skipped, yet a walk that ends at page 1 missed it too
        ("https://baotuyenquang.com.vn/xa-hoi", anchors("/xa-hoi/trang-3.html"), 2,
         ["https://baotuyenquang.com.vn/xa-hoi/trang-2.html", "https://baotuyenquang.com.vn/xa-hoi/trang-3.html"]),
        ("https://baotuyenquang.com.vn/xa-hoi/trang-2.html", anchors("/xa-hoi/trang-3.html", "/xa-hoi/trang-6.html"), 4,
         ["https://baotuyenquang.com.vn/xa-hoi/trang-4.html", "https://baotuyenquang.com.vn/xa-hoi/trang-5.html",
          "https://baotuyenquang.com.vn/xa-hoi/trang-6.html"]),
        ("https://baotuyenquang.com.vn/xa-hoi", anchors("/xa-hoi/trang-2.html"), 3, []),
        ("https://baotuyenquang.com.vn/xa-hoi", anchors("/xa-hoi/trang-400.html"), 2,
         [f"https://baotuyenquang.com.vn/xa-hoi/trang-{n}.html" for n in range(2, 2 + MAX_UNLINKED)]
         + ["https://baotuyenquang.com.vn/xa-hoi/trang-400.html"]),
    ],
)  # fmt: skip
def test_the_pages_from_one_on_include_those_the_pagination_skips(
    url: str, links: str, first: int, expected: list[str]
) -> None:
    assert ListingPage(listing(links), url, TQ).pagination().from_page(first, TQ) == expected
