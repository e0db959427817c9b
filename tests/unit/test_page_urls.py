"""URLs a page gives: resolved against its base URL (``<base href>``), percent-encoded as a browser requests them,
and an unusable one leaves out that link or image alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.listing import ListingPage
from bhg_crawler.extract.record import build_record, validation_error
from bhg_crawler.extract.tree import Page
from bhg_crawler.sites.profiles import PROFILES
from bhg_crawler.sites.urls import resolve_url

HG = PROFILES["baohagiang.vn"]
PAGE = "https://baohagiang.vn/van-hoa/202101/le-hoi-xuan-756001"  # the page's own URL: a month away from its links
HOME = "https://baohagiang.vn/"


@pytest.mark.parametrize(
    ("given", "base", "url"),
    [
        # relative to the base: a path, a root path, a query, a fragment, a scheme-relative host
        ("van-hoa/202003/mua-hoa-756980", HOME, "https://baohagiang.vn/van-hoa/202003/mua-hoa-756980"),
        ("van-hoa/202003/mua-hoa-756980", PAGE, "https://baohagiang.vn/van-hoa/202101/van-hoa/202003/mua-hoa-756980"),
        ("/dataimages/a.jpg", PAGE, "https://baohagiang.vn/dataimages/a.jpg"),
        ("?page=2", "https://baohagiang.vn/xa-hoi", "https://baohagiang.vn/xa-hoi?page=2"),
        ("#top", HOME, "https://baohagiang.vn/#top"),
        ("//cdn.baohagiang.vn/a.jpg", PAGE, "https://cdn.baohagiang.vn/a.jpg"),
        # percent-encoded as a browser sends them: spaces, Vietnamese letters, characters no URL holds
        ("/dataimages/202003/original/ảnh đẹp 1.jpg", HOME,
         "https://baohagiang.vn/dataimages/202003/original/%E1%BA%A3nh%20%C4%91%E1%BA%B9p%201.jpg"),
        ("https://baohagiang.vn/tìm-kiếm?q=hà giang", HOME,
         "https://baohagiang.vn/t%C3%ACm-ki%E1%BA%BFm?q=h%C3%A0%20giang"),
        ('https://baohagiang.vn/a"b<c>{d}|e', HOME, "https://baohagiang.vn/a%22b%3Cc%3E%7Bd%7D%7Ce"),
        ("https://baohagiang.vn/a?x=[1]", HOME, "https://baohagiang.vn/a?x=%5B1%5D"),
        # whitespace around, and tabs or line breaks inside, dropped; an upper-case host lowered
        ("  https://baohagiang.vn/xa-hoi\n  ", HOME, "https://baohagiang.vn/xa-hoi"),
        ("/xa-\thoi/\n", HOME, "https://baohagiang.vn/xa-hoi/"),
        ("HTTPS://BaoHaGiang.VN/Xa-Hoi", HOME, "https://baohagiang.vn/Xa-Hoi"),
        # an absolute URL as written, the common case
        ("https://baohagiang.vn/xa-hoi/202008/a-785426", PAGE, "https://baohagiang.vn/xa-hoi/202008/a-785426"),
        ("http://127.0.0.1:8080/x", PAGE, "http://127.0.0.1:8080/x"),
        # unusable: no URL, another scheme, no host, unparsable
        ("", PAGE, None),
        ("   ", PAGE, None),
        (None, PAGE, None),
        ("javascript:void(0)", PAGE, None),
        ("JavaScript:alert(1)", PAGE, None),
        ("mailto:toasoan@baohagiang.vn", PAGE, None),
        ("tel:02193866455", PAGE, None),
        ("data:image/gif;base64,R0lGODlhAQABAAAAACw=", PAGE, None),
        ("ftp://baohagiang.vn/a.jpg", PAGE, None),
        ("http://[::1", PAGE, None),
        ("http://[::1/a.jpg", PAGE, None),
        ("https://baohagiang.vn:99999/a", PAGE, None),
        ("http:///a.jpg", PAGE, None),
        ("https://", PAGE, None),
        # an empty path is "/": a browser requests it so
        ("https://baohagiang.vn", PAGE, "https://baohagiang.vn/"),
        ("https://baohagiang.vn?page=2", PAGE, "https://baohagiang.vn/?page=2"),
        ("https://baohagiang.vn#top", PAGE, "https://baohagiang.vn/#top"),
        # the host checked: a domain of usable labels (IDNA), an IPv4 address, a bracketed IPv6 address
        ("https://ex ample.com/a.jpg", PAGE, None),
        ("https://ex\u00a0ample.com/a.jpg", PAGE, None),
        ("https://ex\u3000ample.com/a.jpg", PAGE, None),
        ("https://ex&nbsp;ample.com/a.jpg", PAGE, None),
        ("http://exa%mple.com/", PAGE, None),
        ("https://xn--/a.jpg", PAGE, None),
        ("https://xn--abc/a.jpg", PAGE, None),  # no valid Punycode
        ("https://-a-.vn/", PAGE, None),
        ("https://a-.vn/", PAGE, None),
        ("https://a..vn/", PAGE, None),
        (f"https://{'a' * 64}.vn/", PAGE, None),
        ("https://999.1.1.1/a.jpg", PAGE, None),
        ("https://[fe80::1%25eth0]/a.jpg", PAGE, None),  # a zone: no host a browser requests
        ("https://[not-v6]/a.jpg", PAGE, None),
        ("https://[::1]:8080/a.jpg", PAGE, "https://[::1]:8080/a.jpg"),
        ("https://[FE80::1]/a.jpg", PAGE, "https://[fe80::1]/a.jpg"),
        ("https://xn--bo-mia.vn/a.jpg", PAGE, "https://xn--bo-mia.vn/a.jpg"),
        ("https://báo.vn/a.jpg", PAGE, "https://xn--bo-mia.vn/a.jpg"),
        ("https://cdn_1.baohagiang.vn/a.jpg", PAGE, "https://cdn_1.baohagiang.vn/a.jpg"),
        ("https://\uff11\uff12\uff17.0.0.1/a.jpg", PAGE, "https://127.0.0.1/a.jpg"),
        (f"https://{'a' * 63}.vn/", PAGE, f"https://{'a' * 63}.vn/"),
        # a backslash before the query is a slash, as a browser reads it; in the query it is a character
        ("https:\\\\baohagiang.vn\\x\\", PAGE, "https://baohagiang.vn/x/"),
        ("\\\\cdn.baohagiang.vn\\a.jpg", PAGE, "https://cdn.baohagiang.vn/a.jpg"),
        ("\\dataimages\\a.jpg", PAGE, "https://baohagiang.vn/dataimages/a.jpg"),
        ("https:\\\\baohagiang.vn\\xa-hoi\\202101\\tin-khac-778801", PAGE,
         "https://baohagiang.vn/xa-hoi/202101/tin-khac-778801"),
        ("/tim?q=a\\b#c\\d", PAGE, "https://baohagiang.vn/tim?q=a%5Cb#c%5Cd"),
    ],
)  # fmt: skip
def test_a_url_a_page_gives_is_what_a_browser_requests(given: str | None, base: str, url: str | None) -> None:
    assert resolve_url(given, base) == url


@pytest.mark.parametrize(
    ("head", "base"),
    [
        ("", PAGE),
        ('<base href="https://baohagiang.vn/">', HOME),
        ('<base href="/">', HOME),
        ('<base href="/van-hoa/">', "https://baohagiang.vn/van-hoa/"),
        ('<base target="_blank"><base href="https://baohagiang.vn/a/">', "https://baohagiang.vn/a/"),  # first href
        ('<base href="https://baohagiang.vn/a/"><base href="https://baohagiang.vn/b/">', "https://baohagiang.vn/a/"),
        ('<base href="  https://baohagiang.vn/ ">', HOME),
        ('<base href="http://[::1">', PAGE),  # unusable: the page's own URL
        ('<base href="javascript:x">', PAGE),
        ('<base href="">', PAGE),
        ('<base href="https:\\\\baohagiang.vn\\x\\">', "https://baohagiang.vn/x/"),
        ('<base href="https://ex ample.com/">', PAGE),
    ],
)
def test_the_base_url_is_the_first_base_href_else_the_page_url(head: str, base: str) -> None:
    page = Page(f"<html><head>{head}</head><body><p>x</p></body></html>", PAGE, HG)
    assert page.base_url == base


def article(body: str, head: str = '<base href="https://baohagiang.vn/">') -> str:
    """A baohagiang.vn article page (era A's markup) with ``body`` after its first paragraphs, and a related block
    of two items linked relative to the base."""
    return (
        f"<html><head>{head}<title>Lễ hội xuân - Báo Hà Giang</title></head><body>"
        '<ul class="menu"><li><a href="van-hoa">Văn hóa</a></li><li><a href="javascript:void(0)">Tìm</a></li></ul>'
        '<h1 class="title">Lễ hội xuân ở vùng cao</h1><div id="date">08:15, 05/01/2021</div>'
        '<div id="content"><p>BHG - Người dân vùng cao đón xuân với nhiều lễ hội truyền thống đặc sắc.</p>'
        "<p>Lễ hội diễn ra trong ba ngày, thu hút hàng nghìn du khách đến tham quan và trải nghiệm.</p>"
        f"{body}<p>Các hoạt động văn hóa được tổ chức ở nhiều xã, thị trấn trong huyện.</p></div>"
        '<div class="related"><h3>Tin cùng chuyên mục</h3><ul>'
        '<li><a href="van-hoa/202003/mua-hoa-tam-giac-mach-756980">Mùa hoa tam giác mạch</a></li>'
        '<li><a href="/van-hoa/202002/cho-phien-dong-van-756970">Chợ phiên Đồng Văn</a></li>'
        '<li><a href="http://[::1">Hỏng</a></li></ul></div></body></html>'
    )


FIGURE = (
    '<table class="image"><tr><td><img src="dataimages/202101/original/le-hoi.jpg"></td></tr>'
    "<tr><td>Lễ hội xuân ở Đồng Văn.</td></tr></table>"
)


@pytest.mark.parametrize(
    ("head", "related", "images"),
    [
        # the base says the site's root: links and images relative to it
        ('<base href="https://baohagiang.vn/">',
         ["https://baohagiang.vn/van-hoa/202003/mua-hoa-tam-giac-mach-756980",
          "https://baohagiang.vn/van-hoa/202002/cho-phien-dong-van-756970"],
         ["https://baohagiang.vn/dataimages/202101/original/le-hoi.jpg"]),
        # a relative base, resolved against the page's URL first
        ('<base href="/">',
         ["https://baohagiang.vn/van-hoa/202003/mua-hoa-tam-giac-mach-756980",
          "https://baohagiang.vn/van-hoa/202002/cho-phien-dong-van-756970"],
         ["https://baohagiang.vn/dataimages/202101/original/le-hoi.jpg"]),
        # no base: relative to the page's URL, as a browser would (the first link then names another path)
        ("",
         ["https://baohagiang.vn/van-hoa/202101/van-hoa/202003/mua-hoa-tam-giac-mach-756980",
          "https://baohagiang.vn/van-hoa/202002/cho-phien-dong-van-756970"],
         ["https://baohagiang.vn/van-hoa/202101/dataimages/202101/original/le-hoi.jpg"]),
    ],
)  # fmt: skip
def test_an_article_resolves_its_links_and_images_against_its_base(
    head: str, related: list[str], images: list[str]
) -> None:
    page = ArticlePage(article(FIGURE, head), PAGE, HG)
    record = build_record(page.extracted(), datetime(2026, 11, 25, tzinfo=UTC))
    assert [item["url"] for item in record["related"]] == related
    assert [image["url"] for image in record["images"]] == images
    assert [url for _, url, _ in page.article_links(page.related_block)] == related
    page.links()  # every link resolved, as the spider does before it counts them
    assert page.unusable["link"] == 2  # javascript:void(0) and http://[::1, each left out
    assert validation_error(record) is None


@pytest.mark.parametrize(
    ("img", "images", "unusable"),
    [
        ('<img src="/dataimages/202003/original/ảnh đẹp 1.jpg">',
         ["https://baohagiang.vn/dataimages/202003/original/%E1%BA%A3nh%20%C4%91%E1%BA%B9p%201.jpg"], 0),
        ('<img src="http://[::1">', [], 1),
        ('<img src="javascript:void(0)">', [], 1),
        ('<img src="">', [], 0),  # no source at all: no image, nothing unusable
        ('<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">', [], 1),
        # a lazy image: its data: placeholder passed over for its data-src
        ('<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/a b.jpg">', ["https://baohagiang.vn/a%20b.jpg"], 0),
        ('<img src="http://[::1" data-src="/b.jpg">', ["https://baohagiang.vn/b.jpg"], 1),
        ('<img src="http://[::1"><img src="/c.jpg">', ["https://baohagiang.vn/c.jpg"], 1),  # the other image kept
        # a host no browser requests: that image alone dropped
        ('<img src="https://ex ample.com/a.jpg"><img src="/c.jpg">', ["https://baohagiang.vn/c.jpg"], 1),
        ('<img src="https://ex&nbsp;ample.com/a.jpg">', [], 1),
        ('<img src="https://ex\u3000ample.com/a.jpg">', [], 1),
        ('<img src="http://exa%mple.com/a.jpg">', [], 1),
        ('<img src="https://xn--/a.jpg">', [], 1),
        ('<img src="https://-a-.vn/a.jpg">', [], 1),
        ('<img src="https://[fe80::1%25eth0]/a.jpg">', [], 1),
        ('<img src="\\\\cdn.baohagiang.vn\\a.jpg">', ["https://cdn.baohagiang.vn/a.jpg"], 0),
    ],
)  # fmt: skip
def test_an_unusable_image_url_drops_that_image_never_the_article(img: str, images: list[str], unusable: int) -> None:
    page = ArticlePage(article(f"<p>{img}</p>"), PAGE, HG)
    record = build_record(page.extracted(), datetime(2026, 11, 25, tzinfo=UTC))
    assert validation_error(record) is None
    assert [image["url"] for image in record["images"]] == images
    assert record["title"] == "Lễ hội xuân ở vùng cao"
    assert len(record["body_text"].split("\n\n")) == 2
    assert page.unusable["image"] == unusable


@pytest.mark.parametrize(
    ("canonical", "article_id"),
    [
        ('<link rel="canonical" href="van-hoa/202101/le-hoi-xuan-756001">', "756001"),  # relative to the base
        ('<link rel="canonical" href="http://[::1">', "756001"),  # unusable: the page's URL says
        ('<link rel="canonical" href="javascript:x">', "756001"),
    ],
)
def test_the_canonical_link_is_resolved_against_the_base(canonical: str, article_id: str) -> None:
    page = ArticlePage(article("", f'<base href="https://baohagiang.vn/">{canonical}'), PAGE + "?utm_source=zalo", HG)
    assert page.article is not None
    assert (page.article.canonical, page.article.article_id) == (PAGE, article_id)


@pytest.mark.parametrize(
    ("href", "article_id"),
    [
        ("https:\\\\baohagiang.vn\\xa-hoi\\202101\\tin-khac-778801", "778801"),
        ("\\xa-hoi\\202101\\tin-khac-778801", "778801"),
        ("\\\\baohagiang.vn\\xa-hoi\\202101\\tin-khac-778801?utm_source=zalo", "778801"),
        ("https://bao hagiang.vn/xa-hoi/202101/tin-khac-778801", None),  # no usable host: left out
    ],
)
def test_a_link_with_backslashes_names_the_article_a_browser_opens(href: str, article_id: str | None) -> None:
    page = ArticlePage(article(f'<p><a href="{href}">Tin khác</a></p>'), PAGE, HG)
    found = [page._article_of(url) for _, url in page.links()]
    assert [a.article_id for a in found if a is not None and a.article_id == "778801"] == (
        [article_id] if article_id else []
    )


LISTING = "https://baohagiang.vn/van-hoa"


def listing_page(head: str, extra: str = "") -> ListingPage:
    html = (
        f"<html><head>{head}</head><body><ul class='list'>"
        "<li><a href='van-hoa/202003/mua-hoa-tam-giac-mach-756980'>Mùa hoa</a> 05/03/2020 08:00</li>"
        f"{extra}<li><a href='/van-hoa/202002/cho-phien-dong-van-756970'>Chợ phiên</a> 20/02/2020 07:30</li></ul>"
        "<div class='phan-trang'><a href='van-hoa?page=2'>2</a><a href='van-hoa?page=3'>3</a></div></body></html>"
    )
    return ListingPage(html, LISTING, HG)


@pytest.mark.parametrize(
    ("head", "extra", "entries", "following"),
    [
        ('<base href="https://baohagiang.vn/">', "",
         ["https://baohagiang.vn/van-hoa/202003/mua-hoa-tam-giac-mach-756980",
          "https://baohagiang.vn/van-hoa/202002/cho-phien-dong-van-756970"],
         "https://baohagiang.vn/van-hoa?page=2"),
        # a malformed link or image among the items: only it is lost
        ('<base href="https://baohagiang.vn/">', "<li><a href='http://[::1'>Hỏng</a><img src='http://[::1'></li>",
         ["https://baohagiang.vn/van-hoa/202003/mua-hoa-tam-giac-mach-756980",
          "https://baohagiang.vn/van-hoa/202002/cho-phien-dong-van-756970"],
         "https://baohagiang.vn/van-hoa?page=2"),
        # no base: relative to the listing's URL (its last path segment replaced)
        ("", "",
         ["https://baohagiang.vn/van-hoa/202003/mua-hoa-tam-giac-mach-756980",
          "https://baohagiang.vn/van-hoa/202002/cho-phien-dong-van-756970"],
         "https://baohagiang.vn/van-hoa?page=2"),
    ],
)  # fmt: skip
def test_a_listing_resolves_its_entries_and_next_page_against_its_base(
    head: str, extra: str, entries: list[str], following: str
) -> None:
    page = listing_page(head, extra)
    assert [entry.url for entry in page.entries()] == entries
    assert [entry.article.article_id for entry in page.entries()] == ["756980", "756970"]
    assert page.next_page() == following
    assert page.pagination().highest == 3


def test_a_malformed_next_link_falls_back_to_the_pagination() -> None:
    import dataclasses

    profile = dataclasses.replace(HG, selectors=dataclasses.replace(HG.selectors, next_page=".phan-trang a.next"))
    html = (
        "<html><body><ul><li><a href='/van-hoa/202003/mua-hoa-tam-giac-mach-756980'>Mùa hoa</a></li></ul>"
        "<div class='phan-trang'><a class='next' href='http://[::1'>Sau</a><a href='?page=2'>2</a></div></body></html>"
    )
    assert ListingPage(html, LISTING, profile).next_page() == "https://baohagiang.vn/van-hoa?page=2"
