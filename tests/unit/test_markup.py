"""Small pages in the live sites' markup as the evidence shows it: each kind of fault, a table of right values."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from lxml import html as lxml_html

from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.body import body_blocks, images_of, split_caption
from bhg_crawler.extract.byline import parse_byline
from bhg_crawler.extract.lede import bold_lede
from bhg_crawler.extract.metadata import without_site_name
from bhg_crawler.extract.record import ArticleRecord, build_record, validation_error
from bhg_crawler.extract.text import after_label
from bhg_crawler.extract.tree import KEPT_NESTING, lines_of, shallower, spaced_text, text_of
from bhg_crawler.sites.profiles import PROFILES, Selectors, SiteProfile
from bhg_crawler.sites.urls import resolve_url

FETCHED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
HG, TQ = PROFILES["baohagiang.vn"], PROFILES["baotuyenquang.com.vn"]
HG_URL = "https://baohagiang.vn/xa-hoi/202008/trien-khai-hoat-dong-van-tai-785426"
TQ_URL = "https://baotuyenquang.com.vn/khu-vuc/202506/thanh-qua-tu-hao-noi-mien-da-meo-vac-4fd2986"
HG_RESOLVE = partial(resolve_url, base=HG_URL)  # an image's src as the article page resolves it
TITLE = "Thành quả tự hào nơi miền đá Mèo Vạc"
LEDE = "Những năm qua, huyện Mèo Vạc đã huy động mọi nguồn lực để phát triển kinh tế, đời sống nhân dân được nâng lên."
P1 = "Huyện Mèo Vạc đặt mục tiêu đến năm 2025 có 10 xã đạt chuẩn nông thôn mới."
P2 = "Năm 2025, toàn huyện trồng mới 1.650,1 ha lúa, sản lượng đạt 19.397 tấn."
IMG_A = "/dataimages/202008/original/images1234567_Quang_canh.jpg"
IMG_B = "https://baotuyenquang.com.vn/file/4028eaa4679b32c401679c0c74382a7e/062025/meo_vac_20250604103100.jpg"
CAPTION = "Quang cảnh hội nghị."
TABLE_A = (  # era A's CKEditor image table [seen]
    f'<table class="image center" border="0" cellpadding="0" cellspacing="0"><tr><td><img src="{IMG_A}" '
    f'alt="{CAPTION}"></td></tr><tr><td class="image_desc">{CAPTION}</td></tr></table>'
)
TABLE_B = (  # era B's, and Báo Tuyên Quang's [seen]
    f'<table align="center"><tbody><tr><td><img alt="{CAPTION}" src="{IMG_B}"></td></tr>'
    f"<tr><td>{CAPTION}</td></tr></tbody></table>"
)
RELATED_A = (
    '<div class="lienquan"><div class="head">Cùng chuyên mục</div><ul><li>'
    '<a href="https://baohagiang.vn/xa-hoi/202008/mot-bai-khac-764100">Một bài khác</a>'
    "<p>BHG - Lede của bài khác.</p><span>19/08/2020</span></li></ul></div>"
)


def era_a(content: str, *, head: str = "", title: str = f'<h2 class="tieude">{TITLE}</h2>',
          time: str = '<div id="date">10:04, 20/08/2020</div>', between: str = "", after: str = "",
          related: str = RELATED_A) -> str:  # fmt: skip
    """An era-A article page as the third parties' configs describe it [seen-3p]: the time in ``div#date``,
    the body in ``div#content``; the title element is unknown, so a heading of a class of its own; the
    ``<title>`` only the site's name."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Báo Hà Giang</title>{head}</head><body>'
        '<div id="wrapper"><div id="header"><h1 class="logo"><a href="https://baohagiang.vn/">Báo Hà Giang</a></h1>'
        '</div><div id="menu"><ul><li><a href="https://baohagiang.vn/xa-hoi">Xã hội</a></li>'
        '<li><a href="https://baohagiang.vn/kinh-te">Kinh tế</a></li></ul></div><div class="left">'
        f'<div class="cate"><a href="https://baohagiang.vn/xa-hoi">XÃ HỘI</a></div>{title}{time}{between}'
        f'<div id="content">{content}</div>{after}{related}</div></div></body></html>'
    )


def tuyen_quang(content: str, *, head: str = "", title: str = f'<h1 class="media-heading title5">{TITLE}</h1>',
                between: str = "", after: str = '<div class="bd02"></div>') -> str:  # fmt: skip
    """A page of Báo Tuyên Quang's CMS as a third party's config of Feb 2026 describes it [seen-3p]: in
    ``div.article_content`` the title ``h1.media-heading.title5``, ``div.date``, ``ul.social``, the body
    ``div.content#content`` and a trailing ``div.bd02``; the section link in ``div.cate_title_1``."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Báo Tuyên Quang</title>{head}</head><body>'
        '<div class="header"><a href="https://baotuyenquang.com.vn/">Báo Tuyên Quang</a></div>'
        '<div class="cate_title_1"><h2><a class="title a1b2c3d4e5f60718293a4b5c6d7e8f90" '
        'href="https://baotuyenquang.com.vn/khu-vuc/">Khu vực</a></h2></div><div class="article_content">'
        f'{title}<div class="date">10:31, 04/06/2025</div><ul class="social"><li>'
        '<a href="https://www.facebook.com/sharer.php?u=x">Facebook</a></li><li><a href="https://zalo.me/s">Zalo</a>'
        f'</li></ul>{between}<div class="content" id="content">{content}</div>{after}</div></body></html>'
    )


def record(html: str, url: str = HG_URL, profile: SiteProfile | None = None) -> ArticleRecord:
    profile = profile or (TQ if "baotuyenquang" in url else HG)
    return build_record(ArticlePage(html, url, profile).extracted(), FETCHED)


def _unknown_body(page: str) -> str:
    """The page with its body in an element no selector names."""
    return page.replace('id="content"', 'class="noi-dung"')


def fragment(html: str) -> lxml_html.HtmlElement:
    element: lxml_html.HtmlElement = lxml_html.fragment_fromstring(html, create_parent="div")
    return element


# -- 1. the lede printed inside the body ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "lede", "tag", "body"),
    [
        # era A: the body's first paragraph, "BHG - " in a span [seen-3p]
        (era_a(f"<p><span>BHG - {LEDE}</span></p><p><span>{P1}</span></p><p><span>{P2}</span></p>"),
         LEDE, "BHG", [P1, P2]),
        (era_a(f"<p>BHG - {LEDE}</p>{TABLE_A}<p>{P1}</p>"), LEDE, "BHG", [P1]),
        (era_a(f"<p><span>HGĐT- </span><span>{LEDE}</span></p><p>{P1}</p>"), LEDE, "HGĐT", [P1]),
        # ... without a prefix on history pages [seen]: the profile's selector names the first paragraph
        (era_a(f"<p><span>{P2}</span></p><p><span>{P1}</span></p>"), P2, None, [P1]),
        (era_a(f"<p><strong>Kỳ 1: Khó khăn còn ở phía trước</strong></p><p>{P1}</p>"),
         None, None, ["Kỳ 1: Khó khăn còn ở phía trước", P1]),
        # where no selector names it, a first paragraph neither prefixed nor bold is the body's
        (_unknown_body(era_a(f"<p>{P2}</p><p>{P1}</p>")), None, None, [P2, P1]),
        (_unknown_body(era_a(f"<p>BHG - {P2}</p><p>{P1}</p>")), P2, "BHG", [P1]),
        (_unknown_body(tuyen_quang(f"<p><strong>{LEDE}</strong></p><p>{P1}</p>")), LEDE, None, [P1]),
        # Báo Tuyên Quang: the body's first paragraph in bold [seen-3p]
        (tuyen_quang(f"<p><strong>{LEDE}</strong></p><p>{P1}</p><p>{P2}</p>"), LEDE, None, [P1, P2]),
        (tuyen_quang(f"<p><b>{LEDE}</b></p><p>{P1}</p>"), LEDE, None, [P1]),
        (tuyen_quang(f"<p><strong><em>{LEDE}</em></strong></p><p>{P1}</p>"), LEDE, None, [P1]),
        (tuyen_quang(f"<p><strong>BHG - {LEDE}</strong></p><p>{P1}</p>"), LEDE, "BHG", [P1]),
        (tuyen_quang(f"{TABLE_B}<p><strong>{LEDE}</strong></p><p>{P1}</p>"), LEDE, None, [P1]),
        # a first bold paragraph that is a subheading stays in the body
        (tuyen_quang(f"<p><strong>Kỳ 1: Khó khăn còn ở phía trước</strong></p><p>{P1}</p>"),
         None, None, ["Kỳ 1: Khó khăn còn ở phía trước", P1]),
        (tuyen_quang(f"<p><strong>Kỳ 1: {LEDE}</strong></p><p>{P1}</p>"), None, None, [f"Kỳ 1: {LEDE}", P1]),
        (_unknown_body(tuyen_quang(f"<p><strong>Một mùa vàng bội thu.</strong></p><p>{P1}</p>")),
         None, None, ["Một mùa vàng bội thu.", P1]),  # named by no selector (section 5: named, it is the lede)
        (tuyen_quang(f"<p><b>Những con đường bê tông nối các thôn bản của xã Lũng Hồ giúp đi lại thuận tiện</b></p>"
                     f"<p>{P1}</p>"),
         None, None, ["Những con đường bê tông nối các thôn bản của xã Lũng Hồ giúp đi lại thuận tiện", P1]),
        # not all bold, or the body's only paragraph: not a lede
        (tuyen_quang(f"<p><strong>Mèo Vạc</strong> - {LEDE}</p><p>{P1}</p>"), None, None, [f"Mèo Vạc - {LEDE}", P1]),
        (tuyen_quang(f"<p>{LEDE}</p><p>{P1}</p>"), None, None, [LEDE, P1]),
        (tuyen_quang(f"<p>{P1}</p><p><strong>{LEDE}</strong></p><p>{P2}</p>"), None, None, [P1, LEDE, P2]),
        (tuyen_quang(f"<p><strong>{LEDE}</strong></p>"), None, None, [LEDE]),
        # a lede prefix further down the body is a paragraph, not the lede
        (tuyen_quang(f"<p>{P1}</p><p>TTXVN - {P2}</p>"), None, None, [P1, f"TTXVN - {P2}"]),
        # a sapo of its own keeps working: the body's bold first paragraph is then the body's
        (era_a(f"<p><strong>{LEDE}</strong></p><p>{P1}</p>", between=f'<div class="tomtat">BHG - {P2}</div>'),
         P2, "BHG", [LEDE, P1]),
        (tuyen_quang(f"<p><strong>{LEDE}</strong></p><p>{P1}</p>", between=f'<div class="sapo">{P2}</div>'),
         P2, None, [LEDE, P1]),
        # the 2014 pages print the lede in a sapo and again as the body's first paragraph
        (era_a(f"<p>HGĐT- {LEDE}</p><p>{P1}</p>", between=f'<div class="tomtat">HGĐT- {LEDE}</div>'),
         LEDE, "HGĐT", [P1]),
    ],
)  # fmt: skip
def test_a_lede_inside_the_body_is_the_lede_and_leaves_the_body(
    page: str, lede: str | None, tag: str | None, body: list[str]
) -> None:
    found = record(page, TQ_URL if "Tuyên Quang" in page else HG_URL)
    assert (found["lede"], found["lede_tag"], found["body_text"].split("\n\n")) == (lede, tag, body)


@pytest.mark.parametrize(
    ("text", "is_lede"),
    [
        (LEDE, True),
        ("Sáng 11.12, Sở Giao thông vận tải tổ chức hội nghị triển khai hoạt động vận tải khách dịp Tết.", True),
        ("Anh Lục Văn Hùng chia sẻ: “Gia đình tôi đã mạnh dạn vay vốn để mở rộng diện tích cam sành.”", True),
        ("Kỳ 1: Khó khăn còn ở phía trước", False),
        (f"Kỳ 2: {LEDE}", False),
        (f"KỲ 3: {LEDE}", False),
        (f"Phần II - {LEDE}", False),
        (f"1. {LEDE}", False),
        (f"II. {LEDE}", False),
        ("Một mùa vàng bội thu.", False),
        ("Những con đường bê tông nối các thôn bản của xã Lũng Hồ giúp đi lại thuận tiện", False),
        ("Bài, ảnh: T.PHƯƠNG - N.PHƯƠNG", False),
        ("11.12 là ngày hội của đồng bào các dân tộc huyện Bắc Mê, năm nay tổ chức tại trung tâm huyện.", True),
    ],
)
def test_a_bold_first_paragraph_is_a_lede_only_when_it_reads_as_one(text: str, is_lede: bool) -> None:
    assert bold_lede(text) is is_lede


# -- 2. text never glued across blocks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "lines"),
    [
        ("<p>Dòng một.<br>Dòng hai.</p>", ["Dòng một.", "Dòng hai."]),
        ("<p>Hà <strong>Giang</strong>, ngày <em>mới</em></p>", ["Hà Giang, ngày mới"]),
        ("<div><span>Chuỗi một.</span><span> Chuỗi hai.</span></div><div>Khối.</div>",
         ["Chuỗi một. Chuỗi hai.", "Khối."]),
        ("<div><span>Chuỗi.</span><div>Khối lồng.</div>Đuôi.</div>", ["Chuỗi.", "Khối lồng.", "Đuôi."]),
        ("<blockquote><p>Trích một.</p><p>Trích hai.</p></blockquote>", ["Trích một.", "Trích hai."]),
        ("<ul><li>Mục một<ul><li>Mục con</li></ul></li></ul>", ["Mục một", "Mục con"]),
        ("<table><tr><td>Ô một</td><td>Ô hai</td></tr></table>", ["Ô một", "Ô hai"]),
        ("<p>Chữ<!-- ghi chú -->liền</p><p>Có<script>var x = 1;</script> mã</p>", ["Chữliền", "Có mã"]),
        ("<p>Ảnh<img src='/a.jpg' alt='Chú thích'>sau</p>", ["Ảnhsau"]),
        ("<td>Chú thích.<br>Ảnh: Minh Tuấn</td>", ["Chú thích.", "Ảnh: Minh Tuấn"]),
        ("<p>&nbsp;</p><p> </p>", []),
    ],
)  # fmt: skip
def test_lines_end_at_blocks_and_line_breaks(html: str, lines: list[str]) -> None:
    element = fragment(html)
    assert lines_of(element) == lines
    assert text_of(element) == " ".join(lines)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<span>12</span><span>10:04, 20/08/2020</span>", "12 10:04, 20/08/2020"),
        ("<span>10:04</span>, <span>20/08/2020</span>", "10:04 , 20/08/2020"),
        ("<i class='icon'></i> 10:04, 20/08/2020", "10:04, 20/08/2020"),
        ("Lượt xem<b>120</b><script>x()</script>Thứ Bảy, 17/10/2020, 14:34", "Lượt xem 120 Thứ Bảy, 17/10/2020, 14:34"),
    ],
)
def test_text_for_timestamps_keeps_text_nodes_apart(html: str, text: str) -> None:
    assert spaced_text(fragment(html)) == text


def _blocks(html: str) -> list[Any]:
    return [b if isinstance(b, str) else (b["url"], b["caption"], b["credit"]) for b in body_blocks(fragment(html),
            HG_RESOLVE, HG)]  # fmt: skip


@pytest.mark.parametrize(
    ("html", "blocks"),
    [
        (f"<p>{P1}</p>{TABLE_A}<p>{P2}</p>", [P1, ("https://baohagiang.vn" + IMG_A, CAPTION, None), P2]),
        (f"<p>{P1}<br>{P2}</p>", [f"{P1}\n{P2}"]),  # a line break inside a paragraph
        (f"<div>{P1}<br> <br>{P2}<br><br><br></div>", [P1, P2]),  # two end it
        (f"<div><span>{P1}</span><span> {P2}</span></div>", [f"{P1} {P2}"]),
        (f"<div>{P1}<div>{P2}</div></div>", [P1, P2]),
        (f"<p>{P1}<img src='/b.jpg'>{P2}</p>", [P1, ("https://baohagiang.vn/b.jpg", None, None), P2]),
        (f"<blockquote><p>{P1}</p><p>{P2}</p></blockquote>", [P1, P2]),
        (f"<div class='wrap'>{TABLE_B}</div><p>{P1}</p>", [(IMG_B, CAPTION, None), P1]),
        ("<table><tr><td>Chè</td><td>1.726,8 ha</td></tr></table>", ["Chè", "1.726,8 ha"]),
    ],
)  # fmt: skip
def test_body_paragraphs_and_images_in_reading_order(html: str, blocks: list[Any]) -> None:
    assert _blocks(html) == blocks


@pytest.mark.parametrize(
    ("page", "field", "value"),
    [
        (era_a(f"<p><span>BHG - Dòng một.</span><br><span>Dòng hai của lede.</span></p><p>{P1}</p>"),
         "lede", "Dòng một. Dòng hai của lede."),
        (tuyen_quang(f"<p>{P1}</p>", title='<h1 class="media-heading title5">Phần một<br>phần hai</h1>'),
         "title", "Phần một phần hai"),
        (era_a(f"<p>{P1}</p>", title="<h2><span>Tiêu đề</span><div>hai khối</div></h2>"), "title", "Tiêu đề hai khối"),
        (era_a(f"<p>{P1}</p>", after='<div class="tacgia">Bài: LÊ ANH<br>Ảnh: KIM TIẾN</div>'),
         "byline", "Bài: LÊ ANH Ảnh: KIM TIẾN"),
        (era_a(f"<p>{P1}</p><p><strong>MINH HUỆ</strong><br><strong>THU PHƯƠNG</strong></p>"),
         "byline", "MINH HUỆ THU PHƯƠNG"),
        (era_a(f"<p>{P1}</p>", after='<div>Từ khóa: <a href="/tim-kiem?q=1"><span>Mèo</span><br>Vạc</a></div>'),
         "tags", ["Mèo Vạc"]),
    ],
)  # fmt: skip
def test_fields_read_across_blocks_with_a_space(page: str, field: str, value: Any) -> None:
    assert record(page, TQ_URL if "Tuyên Quang" in page else HG_URL)[field] == value  # type: ignore[literal-required]


def test_a_byline_block_of_two_lines_names_both_roles() -> None:
    assert parse_byline("Bài: LÊ ANH Ảnh: KIM TIẾN") == [
        {"name": "LÊ ANH", "roles": ["text"]}, {"name": "KIM TIẾN", "roles": ["photo"]}]  # fmt: skip


RELATED = "https://baohagiang.vn/xa-hoi/202008/mot-bai-khac-764100"


@pytest.mark.parametrize(
    ("item", "title", "lede", "date"),
    [
        (f'<a href="{RELATED}">Một bài khác</a><p>BHG - Lede của bài.</p><span>19/08/2020</span>',
         "Một bài khác", "Lede của bài.", "2020-08-19"),
        (f'<a href="{RELATED}"><span>Một bài</span><br><span>khác</span></a><div>BHG - Lede của bài.</div>',
         "Một bài khác", "Lede của bài.", None),
        (f'<a href="{RELATED}"><h3>Một bài khác</h3><p>BHG - Lede của bài.</p></a><time>19/08/2020</time>',
         "Một bài khác", "Lede của bài.", "2020-08-19"),
        (f'<a href="{RELATED}"><img src="/t.jpg"></a><div><div><a href="{RELATED}">Một bài khác</a></div>'
         "<div><span>Lede</span><span> của bài.</span></div></div>",
         "Một bài khác", "Lede của bài.", None),
    ],
)  # fmt: skip
def test_related_items_keep_title_lede_and_date_apart(item: str, title: str, lede: str, date: str | None) -> None:
    related = f'<div class="x"><h3>Cùng chuyên mục</h3><ul><li>{item}</li></ul></div>'
    found = record(era_a(f"<p>{P1}</p>", related=related))["related"]
    assert found == [{"url": RELATED, "title": title, "lede": lede, "published_date": date}]


# -- 3. the title, and selectors that find empty elements -----------------------------------------------------


@pytest.mark.parametrize(
    ("page", "title", "layer"),
    [
        # the heading before the time, whatever its tag and class; the <title> is only the site's name
        (era_a(f"<p>{P1}</p>"), TITLE, "patterns"),
        (era_a(f"<p>{P1}</p>", title=f'<div class="cate"><h3><a href="https://baohagiang.vn/xa-hoi">XÃ HỘI</a></h3>'
               f"</div><h1>{TITLE}</h1>"), TITLE, "patterns"),
        # no heading before a time: og:title, then the first h1 more than the site's name
        (era_a(f"<p>{P1}</p>", time="", title=f"<h1>{TITLE} (h1)</h1>",
               head=f'<meta property="og:title" content="{TITLE}">'), TITLE, "metadata"),
        (era_a(f"<p>{P1}</p>", time="", title=f"<h1>{TITLE}</h1>",
               head='<meta property="og:title" content="Báo Hà Giang">'), TITLE, "patterns"),
        (era_a(f"<p>{P1}</p>", time="", title=""), None, "generic"),
        (era_a(f"<p>{P1}</p>", time="", title="", head=f'<meta property="og:title" content="{TITLE} - Báo Hà Giang">'),
         TITLE, "metadata"),
        # the time printed before the title: the section label before it is no title
        (era_a(f"<p>{P1}</p>", title=f"<h1>{TITLE}</h1>",
               time='<h2><a href="https://baohagiang.vn/xa-hoi">Xã hội</a></h2><div id="date">10:04, 20/08/2020</div>'
               ), TITLE, "patterns"),
        # a heading over a list of other articles before the time is not the title
        (era_a(f"<p>{P1}</p>", title=f'<h3>Tin mới</h3><ul><li><a href="{RELATED}">Một bài khác</a></li></ul>'
               f"<h1>{TITLE}</h1>"), TITLE, "patterns"),
        # the profile's title selector finds an empty element, or only the site's name: the next layer
        (era_a(f"<p>{P1}</p>", title=f'<h1 class="title-detail"> </h1><h2>{TITLE}</h2>'), TITLE, "patterns"),
        (era_a(f"<p>{P1}</p>", title=f'<h1 class="title-detail">Báo Hà Giang</h1><h2>{TITLE}</h2>'), TITLE, "patterns"),
        (tuyen_quang(f"<p>{P1}</p>", title=f'<h1 class="media-heading title5"></h1><h1>{TITLE}</h1>'),
         TITLE, "patterns"),
        (tuyen_quang(f"<p>{P1}</p>"), TITLE, "selectors"),
    ],
)  # fmt: skip
def test_the_title_is_never_only_the_sites_name(page: str, title: str | None, layer: str) -> None:
    found = ArticlePage(page, TQ_URL if "Tuyên Quang" in page else HG_URL, TQ if "Tuyên Quang" in page else HG).title
    assert (found.value, found.layer) == (title, layer)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Báo Hà Giang", None),
        ("Báo Hà Giang - Tin tức Hà Giang", None),
        ("Ha Giang Newspaper", None),
        ("Triển khai vận tải khách - Báo Hà Giang", "Triển khai vận tải khách"),
        ("Triển khai vận tải khách | Ha Giang Newspaper", "Triển khai vận tải khách"),
        ("Báo Hà Giang trao giải cuộc thi viết về đèo Mã Pì Lèng", "Báo Hà Giang trao giải cuộc thi viết về đèo Mã Pì Lèng"),
        ("  ", None),
        # the name in capitals, without accents, with "điện tử"/"Online", after a generic word; the domain
        ("BÁO HÀ GIANG", None),
        ("Bao Ha Giang", None),
        ("Báo Hà Giang điện tử", None),
        ("Báo Hà Giang Online", None),
        ("Trang chủ - Báo Hà Giang", None),
        ("Home | Ha Giang Newspaper", None),
        ("Tin tức - BÁO HÀ GIANG ĐIỆN TỬ", None),
        ("Trang chủ", None),
        ("baohagiang.vn", None),
        ("www.baohagiang.vn - Tin tức", None),
        ("Triển khai vận tải khách - BÁO HÀ GIANG", "Triển khai vận tải khách"),
        ("Triển khai vận tải khách - baohagiang.vn", "Triển khai vận tải khách"),
        ("Triển khai vận tải khách \u2013 Báo Hà Giang điện tử", "Triển khai vận tải khách"),
        ("Triển khai vận tải khách - Bao Ha Giang", "Triển khai vận tải khách"),
        ("Trang chủ mới của bản Lô Lô Chải", "Trang chủ mới của bản Lô Lô Chải"),
        ("Đường lên Hà Giang - Tin tức", "Đường lên Hà Giang - Tin tức"),
    ],
)  # fmt: skip
def test_a_declared_title_loses_the_sites_name(text: str, title: str | None) -> None:
    assert without_site_name(text, HG) == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("BÁO TUYÊN QUANG", None),
        ("Báo Tuyên Quang điện tử", None),
        ("Trang chủ - Báo Tuyên Quang", None),
        ("baotuyenquang.com.vn", None),
        ("Thành quả tự hào - BÁO TUYÊN QUANG", "Thành quả tự hào"),
        ("Thành quả tự hào - baotuyenquang.com.vn", "Thành quả tự hào"),
        ("Thành quả tự hào | Báo Tuyên Quang Online", "Thành quả tự hào"),
        ("Thành quả tự hào - Báo Hà Giang", "Thành quả tự hào - Báo Hà Giang"),  # another site's name stays
    ],
)  # fmt: skip
def test_a_declared_title_loses_tuyen_quangs_name(text: str, title: str | None) -> None:
    assert without_site_name(text, TQ) == title


@pytest.mark.parametrize("declared", ["BÁO HÀ GIANG", "Báo Hà Giang điện tử", "Trang chủ - Báo Hà Giang"])
def test_a_page_whose_title_is_only_the_sites_name_has_no_title(declared: str) -> None:
    page = era_a(f"<p>{P1}</p>", time="", title="").replace("<title>Báo Hà Giang</title>", f"<title>{declared}</title>")
    assert ArticlePage(page, HG_URL, HG).title.value is None


# A profile whose selectors name a class for every field, as a profile may guess: the cases below give each an
# empty element.
GUESSING = dataclasses.replace(HG, selectors=Selectors(
    title="h1.title-detail", time=".date-detail, #date", lede=".sapo-detail, #content > p",
    body=".content-detail, div#content", byline=".author-detail", related=".box-related", tags=".article__tags a",
))  # fmt: skip
EMPTY_CASES = [
    ("published_at", era_a(f"<p>{P1}</p>", time='<div class="date-detail"></div><p>14:20, 21/08/2020</p>'),
     "2020-08-21T14:20:00+07:00", "patterns"),
    ("lede", era_a(f"<p>{P1}</p>", between=f'<div class="sapo-detail"> </div><div class="tomtat">BHG - {LEDE}</div>'),
     LEDE, "patterns"),
    ("body_text", era_a(f"<p>{P1}</p><p>{P2}</p>", between='<div class="content-detail"><p> </p></div>')
     .replace('id="content"', 'class="noidung"'), f"{P1}\n\n{P2}", "patterns"),
    ("byline", era_a(f"<p>{P1}</p>", after='<div class="author-detail"></div><div class="author-detail">THU PHƯƠNG</div>'),
     "THU PHƯƠNG", "selectors"),
    ("related", era_a(f"<p>{P1}</p>", after='<div class="box-related"><h3>Tin khác</h3></div>'),
     [{"url": RELATED.replace("mot-bai-khac", "mot-bai-khac"), "title": "Một bài khác", "lede": "Lede của bài khác.",
       "published_date": "2020-08-19"}], "patterns"),
    ("tags", era_a(f"<p>{P1}</p>", after='<div class="article__tags"><a href="#"> </a></div>'
                   '<div>Từ khóa: <a href="/tim-kiem?q=a">Mèo Vạc</a>, <a href="/tim-kiem?q=b">Đồng Văn</a></div>'),
     ["Mèo Vạc", "Đồng Văn"], "patterns"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "page", "value", "layer"), EMPTY_CASES)
def test_an_empty_element_a_selector_finds_never_hides_the_value(field: str, page: str, value: Any, layer: str) -> None:
    found = record(page, profile=GUESSING)
    assert found[field] == value  # type: ignore[literal-required]
    assert (field in found["extraction"]["fields_from_fallback"]) is (layer != "selectors")


def test_an_empty_breadcrumb_link_leaves_the_section_to_the_page() -> None:
    url = "https://baotuyenquang.com.vn/banh-gai-chiem-hoa-vao-mua-179493.html"
    page = tuyen_quang(f"<p>{P1}</p>").replace('href="https://baotuyenquang.com.vn/khu-vuc/"', 'href="#"')
    page = page.replace(
        '<div class="header">', '<div class="header"><a href="https://baotuyenquang.com.vn/xa-hoi">X</a>'
    )
    assert record(page, url)["section"] == {"slug": "xa-hoi", "name": "Xã hội"}
    unknown = tuyen_quang(f"<p>{P1}</p>").replace("/khu-vuc/", "/kinh-te/cong-nghiep/")
    assert record(unknown, url)["section"] == {"slug": "kinh-te/cong-nghiep", "name": "Khu vực"}


GENERIC_BODY = f"<div>{P1} {P2}</div><div>{P2} {P1}</div>"  # no paragraphs: only the generic layer reads it
FOOTER = (
    '<div id="chan-trang"><p>Báo Hà Giang</p><p>Giấy phép số 432/GP-BTTTT. Tổng Biên tập: Hoàng Văn Tâm</p>'
    "<p>Địa chỉ: Tổ 19, phường Nguyễn Trãi, thành phố Hà Giang. Điện thoại: 0219.3866.555</p></div>"
    "<p>© Bản quyền thuộc về Báo Hà Giang. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p>"
)
MENU = f'<div class="tin-moi"><a href="{RELATED}">{TITLE}</a><p>Đường dây nóng: 0219.3866.555</p></div>'


def _declared(page: str) -> str:
    """The page with a ``<title>`` that declares the article's title."""
    return page.replace("<title>Báo Hà Giang</title>", f"<title>{TITLE} - Báo Hà Giang</title>")


@pytest.mark.parametrize(
    ("page", "title", "body"),
    [
        # a title in an element of no heading tag, found as the one that prints the declared title; a menu's link
        # to another article with the same words is not it
        (_unknown_body(_declared(era_a(f"<p>{P1}</p><p>{P2}</p>", title=f'{MENU}<div class="tieu-de">{TITLE}</div>',
                                       time=""))), TITLE, f"{P1}\n\n{P2}"),
        # a body element that holds the title and the time leaves them out; a time alone makes no body
        (_unknown_body(era_a(f"<h1>{TITLE}</h1><p>10:04, 20/08/2020</p><p>{P1}</p><p>{P2}</p>", title="", time="")),
         TITLE, f"{P1}\n\n{P2}"),
        (_unknown_body(era_a("", time="<p>10:04, 20/08/2020</p>", related="")), TITLE, ""),
        # the footer of no semantic markup, found by its press licence: never a body
        (_unknown_body(era_a("", related="", after=FOOTER)), TITLE, ""),
        (_unknown_body(era_a(f"<div>BHG - {LEDE}</div>{GENERIC_BODY}", related="", after=FOOTER)),
         TITLE, f"{P1} {P2}\n\n{P2} {P1}"),
    ],
)  # fmt: skip
def test_the_body_is_read_between_the_title_and_the_related_block_or_the_footer(
    page: str, title: str, body: str
) -> None:
    found = record(page)
    assert (found["title"], found["body_text"]) == (title, body)


# -- 4. images and captions in every layer --------------------------------------------------------------------

IMAGE_A = {"url": "https://baohagiang.vn" + IMG_A, "caption": CAPTION, "credit": None}
IMAGE_B = {"url": IMG_B, "caption": CAPTION, "credit": None}


@pytest.mark.parametrize(
    ("page", "images", "layer"),
    [
        (era_a(f"<p>{P1}</p>{TABLE_A}<p>{P2}</p>"), [IMAGE_A], "selectors"),
        (_unknown_body(era_a(f"<p>{P1}</p>{TABLE_A}<p>{P2}</p>")), [IMAGE_A], "patterns"),
        (_unknown_body(era_a(f"{GENERIC_BODY}{TABLE_A}<div>{P1}</div>")), [IMAGE_A], "generic"),
        (_unknown_body(tuyen_quang(f"{GENERIC_BODY}<div class='anh'>{TABLE_B}</div>")), [IMAGE_B], "generic"),
        (_unknown_body(tuyen_quang(f'{GENERIC_BODY}<figure><img src="{IMG_B}" alt="4.png"><figcaption>{CAPTION} '
                                   "(Ảnh CTV)</figcaption></figure>")), [{**IMAGE_B, "credit": "CTV"}], "generic"),
        # images outside the article (the sidebar, the related block) are not its images
        (_unknown_body(era_a(GENERIC_BODY, related=f'<div class="box"><h3>Cùng chuyên mục</h3>{TABLE_B}'
                             f'<a href="{RELATED}">Một bài khác</a></div>')), [], "generic"),
    ],
)  # fmt: skip
def test_images_of_ckeditor_tables_and_figures_in_every_layer(page: str, images: list[Any], layer: str) -> None:
    url, profile = (TQ_URL, TQ) if "Tuyên Quang" in page else (HG_URL, HG)
    body = ArticlePage(page, url, profile).body
    assert (body.value.images, body.layer) == (images, layer)


@pytest.mark.parametrize(
    ("html", "images"),
    [
        (TABLE_A, [("https://baohagiang.vn" + IMG_A, CAPTION, None)]),
        (f'<table class="image center"><tr><td><img src="{IMG_A}" alt="{CAPTION}"></td></tr>'
         f'<tr><td class="image_desc"><p>{CAPTION}</p></td></tr></table>', [("https://baohagiang.vn" + IMG_A, CAPTION, None)]),
        (f'<table align="center"><tbody><tr><td><img src="{IMG_B}"></td></tr><tr><td>{CAPTION}<br>Ảnh: Minh Tuấn</td>'
         "</tr></tbody></table>", [(IMG_B, CAPTION, "Minh Tuấn")]),
        ('<table><tr><td><img src="/a.jpg" alt="4.png"></td></tr></table>', [("https://baohagiang.vn/a.jpg", None, None)]),
        ('<table><tr><td><img src="/a.jpg"></td><td><img src="/b.jpg"></td></tr><tr><td>Ảnh trái.</td>'
         "<td>Ảnh phải.</td></tr></table>",
         [("https://baohagiang.vn/a.jpg", "Ảnh trái.", None), ("https://baohagiang.vn/b.jpg", "Ảnh phải.", None)]),
        ('<table><tr><td><img src="/a.jpg"></td><td><img src="/b.jpg"></td></tr><tr><td>Chung.</td></tr></table>',
         [("https://baohagiang.vn/a.jpg", "Chung.", None), ("https://baohagiang.vn/b.jpg", "Chung.", None)]),
        ('<figure><img data-src="/a.jpg" alt="Học sinh trong giờ học. |"></figure>',
         [("https://baohagiang.vn/a.jpg", "Học sinh trong giờ học.", None)]),
        ('<table><tr><td><img alt="Không có nguồn"></td></tr></table>', []),
    ],
)  # fmt: skip
def test_the_images_of_a_figure_and_their_captions(html: str, images: list[tuple[str, str | None, str | None]]) -> None:
    figure = fragment(html)[0]
    assert [(i["url"], i["caption"], i["credit"]) for i in images_of(figure, HG_RESOLVE, HG)] == images


@pytest.mark.parametrize(
    ("printed", "caption", "credit"),
    [
        ("Quang cảnh hội nghị.\nẢnh: Minh Tuấn", "Quang cảnh hội nghị.", "Minh Tuấn"),
        ("Quang cảnh hội nghị.\n(Ảnh CTV)", "Quang cảnh hội nghị.", "CTV"),
        ("Quang cảnh\nhội nghị", "Quang cảnh hội nghị", None),
    ],
)
def test_a_credit_on_a_line_of_its_own(printed: str, caption: str, credit: str | None) -> None:
    assert split_caption(printed) == (caption, credit)


# -- the two templates, whole ---------------------------------------------------------------------------------


def test_an_era_a_page_from_the_evidence() -> None:
    page = era_a(f"<p><span>BHG - {LEDE}</span></p>{TABLE_A}<p><span>{P1}</span></p>"
                 '<p style="text-align: right;"><strong>Bài, ảnh: T.PHƯƠNG - N.PHƯƠNG</strong></p>')  # fmt: skip
    found = record(page)
    assert (found["title"], found["published_at"], found["section"]) == (
        TITLE, "2020-08-20T10:04:00+07:00", {"slug": "xa-hoi", "name": "Xã hội"})  # fmt: skip
    assert (found["lede"], found["lede_tag"], found["body_text"], found["images"]) == (LEDE, "BHG", P1, [IMAGE_A])
    assert [a["name"] for a in found["authors"]] == ["T.PHƯƠNG", "N.PHƯƠNG"]
    assert [r["url"] for r in found["related"]] == [RELATED]
    assert found["extraction"] == {"layer": "patterns", "fields_from_fallback": ["related", "title"]}


def test_a_tuyen_quang_page_from_the_evidence() -> None:
    url = "https://baotuyenquang.com.vn/banh-gai-chiem-hoa-vao-mua-179493.html"
    page = tuyen_quang(f"<p><strong>{LEDE}</strong></p>{TABLE_B}<p>{P1}</p>"
                       '<p style="text-align: right;"><strong>MINH TUẤN</strong></p>')  # fmt: skip
    found = record(page, url)
    assert (found["title"], found["published_at"], found["section"]) == (
        TITLE, "2025-06-04T10:31:00+07:00", {"slug": "khu-vuc", "name": "Khu vực"})  # fmt: skip
    assert (found["lede"], found["lede_tag"], found["body_text"], found["images"]) == (LEDE, None, P1, [IMAGE_B])
    assert (found["byline"], found["extraction"]) == ("MINH TUẤN", {"layer": "selectors", "fields_from_fallback": []})


LD_DATE = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-08-20T10:04:00+07:00"}</script>'
)
SIDEBAR_NEWEST = (
    '<div class="box-right"><div class="tin-moi"><a href="https://baohagiang.vn/xa-hoi/202101/tin-moi-nhat-790001">'
    "Tin mới nhất</a><span>09:15, 05/01/2021</span></div></div>"
)


@pytest.mark.parametrize(
    ("page", "published_at", "layer"),
    [
        # The time printed under the title, whatever else the page prints.
        (era_a(f"<p>{P1}</p>", time='<p class="ngay">10:04, 20/08/2020</p>', after=SIDEBAR_NEWEST),
         "2020-08-20T10:04:00+07:00", "patterns"),
        # No time printed for the article: the declared date, never the time of a sidebar's newest article, before
        # the body or after it.
        (era_a(f"<p>{P1}</p>", time="", head=LD_DATE, between=SIDEBAR_NEWEST), "2020-08-20T10:04:00+07:00", "metadata"),
        (era_a(f"<p>{P1}</p>", time="", head=LD_DATE, after=SIDEBAR_NEWEST), "2020-08-20T10:04:00+07:00", "metadata"),
        (era_a(f"<p>{P1}</p>", time="", head=LD_DATE, between='<aside><span>09:15, 05/01/2021</span></aside>'),
         "2020-08-20T10:04:00+07:00", "metadata"),
        (era_a(f"<p>{P1}</p>", time="", head=LD_DATE, between=(
            '<ul><li><a href="https://baohagiang.vn/xa-hoi/202101/tin-moi-nhat-790001">Tin mới nhất</a>'
            '<div class="meta"><span>09:15, 05/01/2021</span></div></li></ul>')),
         "2020-08-20T10:04:00+07:00", "metadata"),
    ],
)  # fmt: skip
def test_the_time_is_the_articles_not_a_sidebars(page: str, published_at: str, layer: str) -> None:
    extracted = ArticlePage(page.replace('id="date"', 'class="thoi-gian"'), HG_URL, GUESSING_NO_TIME).extracted()
    assert extracted.published_at is not None and extracted.published_at.isoformat() == published_at
    assert extracted.layers["published_at"] == layer


GUESSING_NO_TIME = dataclasses.replace(HG, selectors=dataclasses.replace(HG.selectors, time=""))


# What a page prints around its body is never passed off as the body or the lede.
def test_a_line_of_tags_in_the_body_is_the_tags_not_a_paragraph() -> None:
    found = record(era_a(f"<p>{P1}</p><p>{P2}</p><p>Từ khóa: <a href='/tim-kiem?q=a'>văn hóa</a>, "
                         "<a href='/tim-kiem?q=b'>OCOP</a></p>"))  # fmt: skip
    assert (found["lede"], found["body_text"], found["tags"]) == (P1, P2, ["văn hóa", "OCOP"])  # era A: P1 the lede


@pytest.mark.parametrize("motto", [
    '<div class="header-motto">Cơ quan của Đảng bộ tỉnh Hà Giang, tiếng nói của nhân dân các dân tộc</div>',
    '<nav><p>Cơ quan của Đảng bộ tỉnh Hà Giang, tiếng nói của nhân dân các dân tộc</p></nav>',
])  # fmt: skip
def test_a_mastheads_motto_after_the_time_is_no_sapo(motto: str) -> None:
    page = era_a(f"<p>{P1}</p><p>{P2}</p>", time=f'<div class="ngay">10:04, 20/08/2020</div>{motto}')
    unnamed = dataclasses.replace(HG, selectors=Selectors())
    found = record(page.replace('id="content"', 'class="noi-dung"'), profile=unnamed)
    assert (found["lede"], found["body_text"]) == (None, f"{P1}\n\n{P2}")


def test_a_body_that_is_only_a_prefixed_lede_is_a_lede_and_no_body() -> None:
    page = tuyen_quang(f"<p>BHG - {LEDE}</p>")
    found = record(page, TQ_URL)
    assert (found["lede"], found["lede_tag"], found["body_text"]) == (LEDE, "BHG", "")
    assert validation_error(found) is not None


# -- 5. the parts around the body's text: line breaks, the lede a selector names, the byline, the tags --------

QUOTE = "Theo ông Vàng Mí Sử: “Hoa tam giác mạch đã giúp bà con có thêm thu nhập từ du lịch”."
MORE = "Mỗi ngày xã đón khoảng 1.500 lượt khách."


@pytest.mark.parametrize(
    ("content", "body_text"),
    [
        (f"<p>{P1}</p><p><span>{QUOTE}</span><br><span>{MORE}</span></p>", f"{P1}\n\n{QUOTE}\n{MORE}"),
        (f"<p>{P1}<br>\n  {P2}</p>", f"{P1}\n{P2}"),  # the source's own newlines are spaces
        (f"<p>{P1} <br> {P2}</p>", f"{P1}\n{P2}"),
        (f"<p>{P1}<br><br>{P2}</p>", f"{P1}\n\n{P2}"),  # two in a row end the paragraph
        (f"<p>{P1}<br> &nbsp; <br>{P2}</p>", f"{P1}\n\n{P2}"),
        (f"<p><br>{P1}<br></p><p>{P2}</p>", f"{P1}\n\n{P2}"),  # a <br> at an end breaks no line
        (f"<div>Dòng một<br>dòng <b>hai</b><br>dòng ba</div><p>{P2}</p>", f"Dòng một\ndòng hai\ndòng ba\n\n{P2}"),
    ],
)  # fmt: skip
def test_a_line_break_in_a_body_paragraph_is_a_newline_in_it(content: str, body_text: str) -> None:
    found = record(era_a(f"<p>BHG - {LEDE}</p>{content}"))
    assert (found["lede"], found["body_text"], found["word_count"]) == (LEDE, body_text, len(body_text.split()))


SHORT = "Chiêm Hóa thu hoạch cam sành."  # six words
UNENDED = "Năm 2025, huyện Chiêm Hóa đặt mục tiêu mở rộng diện tích cam sành hữu cơ lên 300 ha"
QUOTED = "Ông Ma Thế Hồng nói: “Cam sành là cây làm giàu của huyện Chiêm Hóa”"


@pytest.mark.parametrize(
    ("page", "lede", "tag", "body"),
    [
        # Báo Tuyên Quang: the selector #content > p > strong names the first paragraph, which is then the lede
        # however short or unpunctuated [seen-3p]
        (tuyen_quang(f"<p><strong>{UNENDED}</strong></p><p>{P1}</p>"), UNENDED, None, [P1]),
        (tuyen_quang(f"<p><strong>{QUOTED}</strong></p><p>{P1}</p>"), QUOTED, None, [P1]),
        (tuyen_quang(f"<p><strong>{SHORT}</strong></p><p>{P1}</p>"), SHORT, None, [P1]),
        (tuyen_quang(f"<p><strong>Một mùa vàng bội thu.</strong></p><p>{P1}</p>"), "Một mùa vàng bội thu.", None, [P1]),
        (tuyen_quang(f"{TABLE_B}<p><strong>{UNENDED}</strong></p><p>{P1}</p>"), UNENDED, None, [P1]),
        # a dateline in parentheses, bold before plain text or not: the prefix and its tag
        (tuyen_quang(f"<p><strong>(BTQ) </strong>{LEDE}</p><p>{P1}</p>"), LEDE, "BTQ", [P1]),
        (tuyen_quang(f"<p><strong>(BTQ) - {LEDE}</strong></p><p>{P1}</p>"), LEDE, "BTQ", [P1]),
        (tuyen_quang(f"<p><strong>(TTXVN)</strong> - {SHORT}</p><p>{P1}</p>"), SHORT, "TTXVN", [P1]),
        (tuyen_quang(f"<p>BTQ - {LEDE}</p><p>{P1}</p>"), None, None, [f"BTQ - {LEDE}", P1]),  # attested nowhere
        # named, but clearly no lede: a series part, a section number, a byline, the body's only paragraph
        (tuyen_quang(f"<p><strong>Kỳ 2: {UNENDED}</strong></p><p>{P1}</p>"), None, None, [f"Kỳ 2: {UNENDED}", P1]),
        (tuyen_quang(f"<p><strong>1. {SHORT}</strong></p><p>{P1}</p>"), None, None, [f"1. {SHORT}", P1]),
        (tuyen_quang(f"<p><strong>Bài, ảnh: Thu Phương</strong></p><p>{P1}</p><p>{P2}</p>"),
         None, None, ["Bài, ảnh: Thu Phương", P1, P2]),
        (tuyen_quang(f"<p><strong>{UNENDED}</strong></p>"), None, None, [UNENDED]),
        # named by no selector, the stricter rules stay: a short or unpunctuated bold line is a subheading
        (_unknown_body(tuyen_quang(f"<p><strong>{UNENDED}</strong></p><p>{P1}</p>")), None, None, [UNENDED, P1]),
        (_unknown_body(tuyen_quang(f"<p><strong>{SHORT}</strong></p><p>{P1}</p>")), None, None, [SHORT, P1]),
        # era A's #content > p names the first paragraph, bold or not
        (era_a(f"<p><strong>{SHORT}</strong></p><p>{P1}</p>"), SHORT, None, [P1]),
        (era_a(f"<p><span>{UNENDED}</span></p><p>{P1}</p>"), UNENDED, None, [P1]),
    ],
)  # fmt: skip
def test_the_first_paragraph_a_lede_selector_names_is_the_lede_unless_clearly_not(
    page: str, lede: str | None, tag: str | None, body: list[str]
) -> None:
    test_a_lede_inside_the_body_is_the_lede_and_leaves_the_body(page, lede, tag, body)


@pytest.mark.parametrize(
    ("last", "byline", "authors"),
    [
        ('<p style="text-align:right"><strong>Thu Phương</strong></p>', "Thu Phương", [("Thu Phương", ["text"])]),
        ("<p><strong>Lê Hà</strong></p>", "Lê Hà", [("Lê Hà", ["text"])]),
        ("<p>Thanh Phúc</p>", "Thanh Phúc", [("Thanh Phúc", ["text"])]),
        ('<p align="right"><em>Nguyễn Thị Minh Khai</em></p>', "Nguyễn Thị Minh Khai", [("Nguyễn Thị Minh Khai", ["text"])]),
        ("<p><b>T.Phương</b></p>", "T.Phương", [("T.Phương", ["text"])]),
        ("<p>Vàng A Dình</p>", "Vàng A Dình", [("Vàng A Dình", ["text"])]),
        ("<p>Lê Hà (TTXVN)</p>", "Lê Hà (TTXVN)", [("Lê Hà", ["text"])]),
        ("<p>Thu Phương - Báo Tuyên Quang</p>", "Thu Phương - Báo Tuyên Quang", [("Thu Phương", ["text"])]),
        ("<p>Thu Phương, Minh Huệ</p>", "Thu Phương, Minh Huệ", [("Thu Phương", ["text"]), ("Minh Huệ", ["text"])]),
        ("<p><strong>Bài, ảnh: Thu Phương</strong></p>", "Bài, ảnh: Thu Phương", [("Thu Phương", ["text", "photo"])]),
        ("<p><strong>VĂN TOÀN</strong></p>", "VĂN TOÀN", [("VĂN TOÀN", ["text"])]),
        # sentences, places and headings are the body's
        ("<p>Xin cảm ơn.</p>", None, []),
        ("<p><strong>Thu Phương.</strong></p>", None, []),  # ends as a sentence ends
        ("<p>Liên kết tiêu thụ</p>", None, []),  # words in lower case
        ("<p>Hà Giang</p>", None, []),  # a place alone
        ("<p>Việt Nam</p>", None, []),
        ("<p>Tuyên Quang</p>", None, []),
        ("<p>Phương</p>", None, []),  # one word in lower and upper case
        ("<p>Nguyễn Thị Minh Khai Hà</p>", None, []),  # five words
        ("<p>Sáng 2.7</p>", None, []),
    ],
)  # fmt: skip
def test_a_name_ending_the_body_is_its_byline_in_any_case(
    last: str, byline: str | None, authors: list[tuple[str, list[str]]]
) -> None:
    found = record(tuyen_quang(f"<p><strong>{LEDE}</strong></p><p>{P1}</p>{last}"), TQ_URL)
    printed = text_of(fragment(last))
    body = [P1] if byline else [P1, printed]
    assert (found["byline"], found["body_text"].split("\n\n")) == (byline, body)
    assert found["authors"] == [{"name": n, "roles": r} for n, r in authors]


@pytest.mark.parametrize(
    ("after", "byline"),
    [
        ('<div style="text-align: right;">Thu Phương</div>', "Thu Phương"),
        ("<div><strong>Lê Hà</strong></div>", "Lê Hà"),
        ("<div>THU PHƯƠNG</div>", "THU PHƯƠNG"),
        ("<div>Tin Mới</div>", None),  # a box's heading: mixed case, neither bold nor aligned right
        ("<div>Thu Phương</div>", None),
    ],
)
def test_a_name_after_the_body_is_its_byline_when_printed_as_one(after: str, byline: str | None) -> None:
    assert record(era_a(f"<p>BHG - {LEDE}</p><p>{P1}</p>", after=after))["byline"] == byline


TAG_A, TAG_B = '<a href="/tag/cam-sanh">cam sành</a>', '<a href="/tag/chiem-hoa">Chiêm Hóa</a>'


@pytest.mark.parametrize(
    ("content", "after", "tags"),
    [
        ("", f"<div>Từ khóa: {TAG_A}, {TAG_B}</div>", ["cam sành", "Chiêm Hóa"]),
        ("", f'<div class="bd02"><span>Từ khóa:</span> {TAG_A}, {TAG_B}</div>', ["cam sành", "Chiêm Hóa"]),
        ("", f"<div><strong>Từ khóa:</strong> {TAG_A} {TAG_B}</div>", ["cam sành", "Chiêm Hóa"]),
        ("", f'<div><i class="icon-tag"></i> Từ khóa: {TAG_A} {TAG_B}</div>', ["cam sành", "Chiêm Hóa"]),
        ("", f'<div class="tags-title"><span>Từ khóa</span></div><ul class="tags"><li>{TAG_A}</li><li>{TAG_B}</li>'
             "</ul>", ["cam sành", "Chiêm Hóa"]),
        ("", f"<ul><li>Từ khóa:</li><li>{TAG_A}</li><li>{TAG_B}</li></ul>", ["cam sành", "Chiêm Hóa"]),
        ("", f"<div>Từ khoá: {TAG_A}</div>", ["cam sành"]),  # the accent on the a
        ("", f"<div>TỪ KHÓA : {TAG_A}</div>", ["cam sành"]),
        ("", f"<div><b>Tags:</b> {TAG_B}</div>", ["Chiêm Hóa"]),
        (f"<p><strong>Từ khóa:</strong> {TAG_A}, {TAG_B}</p>", "", ["cam sành", "Chiêm Hóa"]),  # not a paragraph
        # no label, another label, or a label listing articles: no tags
        ("", f"<div>{TAG_A}, {TAG_B}</div>", []),
        ("", f"<div>Từ khóa của năm: {TAG_A}</div>", []),
        ("", '<div><span>Từ khóa:</span></div><div class="box"><a href="https://baotuyenquang.com.vn/khu-vuc/202506/'
             'bai-khac-1234abc">Một bài khác</a></div>', []),
        ("", f"<nav>Từ khóa: {TAG_A}, {TAG_B}</nav>", []),  # the page's furniture: a menu of topics
        ("", f"<aside><div>Từ khóa: {TAG_A}</div></aside>", []),
    ],
)  # fmt: skip
def test_the_tags_after_their_label_in_any_markup(content: str, after: str, tags: list[str]) -> None:
    found = record(tuyen_quang(f"<p><strong>{LEDE}</strong></p><p>{P1}</p>{content}", after=after), TQ_URL)
    assert (found["tags"], found["body_text"]) == (tags, P1)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("Từ khóa: a, b", "a, b"),
        ("Từ khoá:a", "a"),
        ("từ  KHÓA :", ""),
        ("Từ khóa", ""),
        ("Tags: Hà Giang", "Hà Giang"),
        ("Từ khóa của năm", None),
        ("Tagsx: a", None),
        ("", None),
        ("\u200b \n TỪ KHOÁ: x", "x"),  # invisible characters and spaces before it
        ("Tu\u031b\u0300 kho\u0301a: x", "x"),  # its accents written apart (NFD)
        ("\u0110ừ khóa: x", None),  # another first letter
        ("  Thẻ: x", None),
        ("Ťags: x", "x"),  # any accent on a letter
    ],
)
def test_what_a_tags_label_is_followed_by(text: str, rest: str | None) -> None:
    assert after_label(text, TQ.tags_labels) == rest


# -- nesting deeper than the parser reads ----------------------------------------------------------------------

DEEP_OPENERS = ["<div>", "<div>\n", "<div><!---->", '<div title="a>b">', "<div>\n.", "<div>x", "<div><br>",
                "<div><!-- a <p> > --> ", "<div><script>var a = '<div>';</script>", "<span><div>"]  # fmt: skip


@pytest.mark.parametrize("depth", [2600, 5000])
@pytest.mark.parametrize("opener", DEEP_OPENERS)
def test_a_story_nested_past_the_parsers_depth_is_read(opener: str, depth: int) -> None:
    """The story after thousands of opened tags, whatever lies between them (text is kept, so it leads the body)."""
    closer = "".join(f"</{tag}>" for tag in reversed(re.findall(r"<(div|span)\b", opener)))
    page = era_a(opener * depth + f"<p>{P1}</p><p>{P2}</p>" + closer * depth)
    found = record(page)
    assert (found["title"], found["body_text"].endswith(f"{P1}\n\n{P2}")) == (TITLE, True)


@pytest.mark.parametrize(
    ("html", "shallow"),
    [
        ("<b>" * 3 + "x" + "</b>" * 3, "<b>" * 3 + "x" + "</b>" * 3),  # shallow: unchanged
        ('<i title="a>b">' * 1200 + "<p>x</p>" + "</i>" * 1200, None),
    ],
)  # fmt: skip
def test_shallower_keeps_the_text_and_the_innermost_levels(html: str, shallow: str | None) -> None:
    reduced = shallower(html)
    if shallow is not None:
        assert reduced == shallow
    else:
        assert reduced.count("<i ") == 2 * KEPT_NESTING and reduced.count("</i>") == 2 * KEPT_NESTING
        assert "<p>x</p>" in reduced and 'title="a>b"' in reduced


@pytest.mark.parametrize(
    "heading",
    [
        "<h3>Cùng chuyên mục</h3>",
        "<h3>CÙNG CHUYÊN MỤC</h3>",
        "<h3>  Cùng\n   chuyên\tmục </h3>",
        "<h3>Cu\u0300ng chuye\u0302n mu\u0323c</h3>",  # accents written apart from their letters (NFD)
        "<h3>Cùng\u200b chuyên mục\ufeff</h3>",  # invisible characters
        "<h3><b>Cùng</b> chuyên mục</h3>",  # its text opens in a child, its own text is the rest
        "<div>Cùng <span>chuyên</span> mục</div>",
        "<h3>tin LIÊN quan</h3>",
    ],
)
def test_the_related_block_is_found_by_its_heading_however_printed(heading: str) -> None:
    related = f'<div class="x">{heading}<ul><li><a href="{RELATED}">Một bài khác</a></li></ul></div>'
    found = record(era_a(f"<p>{P1}</p>", related=related))["related"]
    assert [item["url"] for item in found] == [RELATED]


@pytest.mark.parametrize(
    "heading",
    [
        "<h3>Cùng chuyên mục khác</h3>",  # more than the heading
        "<h3>Chuyên mục</h3>",  # a part of it
        "<h3>Cùng chuyên mục 2</h3>",
    ],
)
def test_a_heading_that_is_not_a_related_heading_names_no_related_block(heading: str) -> None:
    related = f'<div class="x">{heading}<ul><li><a href="{RELATED}">Một bài khác</a></li></ul></div>'
    assert record(era_a(f"<p>{P1}</p>", related=related))["related"] == []
