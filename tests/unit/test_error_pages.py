"""Error and maintenance pages answered 200: told apart from articles, even articles that speak of "404" or "bảo trì"."""

from __future__ import annotations

import unicodedata

import pytest

from bhg_crawler.core.errors import ConfigError
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.errorpage import ErrorPage, error_marker
from bhg_crawler.sites.profiles import BAOHAGIANG, ErrorPageMarkers, profile_from
from bhg_replica.site import Site
from tests.helpers import profile_of, saved, saved_page_names

URL = "https://baohagiang.vn/xa-hoi/202506/bai-viet-mau-1a2b3c4"
TIME = '<div id="date">10:04, 20/06/2025</div>'
PARAGRAPHS = (
    "<p>BHG - Sáng 11.6, Sở Giao thông vận tải cho biết hệ thống đèn tín hiệu trên Quốc lộ 4C đang bảo trì.</p>"
    "<p>Trang thông tin của Sở báo lỗi 404 khi người dân tra cứu lịch bảo trì, nay đã khắc phục.</p>"
    "<p>Đơn vị thi công hoàn thành bảo trì trước ngày 30.6, bảo đảm an toàn cho người tham gia giao thông.</p>"
)


def page(title: str, main: str) -> str:
    return f'<html><head><title>{title}</title></head><body><div class="container">{main}</div></body></html>'


def article(title: str, body: str = PARAGRAPHS, time: str = TIME) -> str:
    return page(f"{title} - Báo Hà Giang", f'<h1 class="title">{title}</h1>{time}<div id="content">{body}</div>')


CASES = [
    # the site's own markers
    (page("404 - Báo Hà Giang", "<h1>Không tìm thấy trang</h1><p>Trang bạn tìm không tồn tại.</p>"),
     ErrorPage("gone", "Không tìm thấy trang")),
    (page("Báo Hà Giang", "<h1>Hệ thống đang bảo trì</h1><p>Mời bạn đọc quay lại sau ít phút.</p>"),
     ErrorPage("maintenance", "Hệ thống đang bảo trì")),
    (unicodedata.normalize("NFD", page("Báo Hà Giang", "<h2>HỆ THỐNG ĐANG BẢO TRÌ</h2>")),
     ErrorPage("maintenance", "Hệ thống đang bảo trì")),
    # the common markers, on pages no profile describes
    (page("404 Not Found", "<h1>Not Found</h1><p>The requested URL was not found on this server.</p>"),
     ErrorPage("gone", "404 Not Found")),
    (page("Báo Hà Giang", "<h1>Bài viết không tồn tại hoặc đã bị xóa</h1>"),
     ErrorPage("gone", "Bài viết không tồn tại hoặc đã bị xóa")),
    (page("Lỗi 404 - Báo Hà Giang", "<p>Về trang chủ</p>"), ErrorPage("gone", "Lỗi 404")),
    (page("Báo Hà Giang", "<h3>Website tạm dừng để nâng cấp</h3>"), ErrorPage("maintenance", "Website tạm dừng để nâng cấp")),
    (page("Site under maintenance", "<p>We will be back soon.</p>"),
     ErrorPage("maintenance", "Site under maintenance")),
    # articles: a time and paragraphs, whatever their title and text say
    (article("Đèn tín hiệu trên Quốc lộ 4C đang bảo trì"), None),
    (article("Hệ thống đang bảo trì: người dân cần biết gì"), None),
    (article("Xe buýt số 404 đổi lộ trình", "<p>BHG - Từ ngày 1.7, tuyến xe buýt số 404 đi qua trung tâm.</p>"), None),
    (article("Không tìm thấy trang sách cổ của dòng họ", time=""), None),  # no time, but paragraphs
    # neither: no marker, so no error page (a page with no article in it stays a reject)
    (page("Báo Hà Giang", "<p>Về trang chủ</p>"), None),
    (page("Báo Hà Giang", '<div class="sidebar"><h2>Không tìm thấy trang</h2></div><p>x</p>'), None),  # furniture
    # a long heading is a headline, whatever words it holds
    (page("Báo Hà Giang", "<h1>Sau nhiều năm tìm kiếm, gia đình vẫn không tìm thấy trang phục cũ của liệt sĩ</h1>"),
     None),
]  # fmt: skip


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_an_error_page_is_told_from_an_article(html: str, expected: ErrorPage | None) -> None:
    assert ArticlePage(html, URL, BAOHAGIANG).error_page == expected


def test_the_reason_names_the_marker() -> None:
    assert ErrorPage("gone", "Không tìm thấy trang").reason == "error page: Không tìm thấy trang"


def test_the_replicas_404_page_is_an_error_page_and_its_articles_are_not() -> None:
    site = Site(seed=5, articles=60)
    slot = site.catalog.live[3]
    url = site.writer.canonical_url(slot)
    assert ArticlePage(site.not_found().body.decode(), url, BAOHAGIANG).error_page == ErrorPage(
        "gone", "Không tìm thấy trang"
    )
    answered = site.respond("baohagiang.vn", site.writer.path(slot)).body.decode()
    assert ArticlePage(answered, url, BAOHAGIANG).error_page is None


@pytest.mark.parametrize("name", saved_page_names())
def test_no_saved_article_page_is_an_error_page(name: str) -> None:
    html, truth = saved(name)
    url = truth["fetched_from"]
    assert ArticlePage(html, url, profile_of(url)).error_page is None


@pytest.mark.parametrize(
    ("headings", "markers", "expected"),
    [
        (["Trang lỗi"], ErrorPageMarkers(gone=("trang lỗi",)), ErrorPage("gone", "trang lỗi")),
        (["Máy chủ nghỉ"], ErrorPageMarkers(maintenance=("Máy chủ nghỉ",)), ErrorPage("maintenance", "Máy chủ nghỉ")),
        (["Tin mới", "Không tìm thấy trang"], ErrorPageMarkers(), ErrorPage("gone", "Không tìm thấy trang")),
        (["Tin mới", "Tin đọc nhiều"], ErrorPageMarkers(), None),
        ([], ErrorPageMarkers(gone=("x",)), None),
    ],
)
def test_the_sites_markers_come_first_then_the_common_ones(
    headings: list[str], markers: ErrorPageMarkers, expected: ErrorPage | None
) -> None:
    assert error_marker(headings, markers) == expected


BASE = {"name": "x.vn", "canonical_host": "x.vn", "hosts": ["x.vn"], "sections": {"a": "A"},
        "article_paths": ["^/(?P<id>\\d+)$"], "lede_prefix": "^(?P<tag>X) - ", "title_suffix": " - X$"}  # fmt: skip


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, ErrorPageMarkers()),
        ({"gone": ["Không có"]}, ErrorPageMarkers(gone=("Không có",))),
        ({"gone": "Không có", "maintenance": ["Bảo trì"]}, ErrorPageMarkers(("Không có",), ("Bảo trì",))),
        ({"gone": []}, "error_page_markers.gone: a label or a list of labels"),
        ({"missing": ["x"]}, "error_page_markers: a table of gone"),
        (["x"], "error_page_markers: a table of gone"),
    ],
)
def test_a_profile_declares_its_error_page_markers(given: object, expected: ErrorPageMarkers | str) -> None:
    data = dict(BASE) if given is None else {**BASE, "error_page_markers": given}
    if isinstance(expected, str):
        with pytest.raises(ConfigError, match=expected):
            profile_from(data, "x.toml")
    else:
        assert profile_from(data, "x.toml").error_page_markers == expected
