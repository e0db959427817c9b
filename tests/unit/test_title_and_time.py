"""The title, the time, the lede and the body of small pages whose boxes, captions, footers and repeats mislead."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pytest

from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.record import build_record
from bhg_crawler.extract.tree import parsed, printed_footers
from bhg_crawler.sites.profiles import PROFILES
from bhg_replica.site import Site

FETCHED = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
HG, TQ = PROFILES["baohagiang.vn"], PROFILES["baotuyenquang.com.vn"]
URL = "https://baohagiang.vn/kinh-te/201705/nong-dan-bac-quang-lam-giau-tu-cay-cam-745001"
OTHER = "https://baohagiang.vn/xa-hoi/201705/x-745002"
TITLE = "Nông dân Bắc Quang làm giàu từ cây cam"
AT = "2017-05-05T07:45:00+07:00"
LEDE = "Nhiều hộ nông dân ở Bắc Quang đã vươn lên làm giàu nhờ trồng cam sành, mỗi năm thu về hàng trăm triệu."
P1 = "Gia đình anh Hoàng Văn Lực, thôn Vĩnh Tâm là một ví dụ về làm giàu từ cây cam sành."
P2 = "Năm 2016, gia đình anh thu hoạch 25 tấn cam, trừ chi phí lãi hơn 300 triệu đồng."
CAPTION = "Cam sành Bắc Quang vào vụ thu hoạch."
TABLE = (
    '<table class="image center"><tr><td><img src="/dataimages/201705/original/images2001001_Cam.jpg" '
    f'alt="{CAPTION}"></td></tr><tr><td class="image_desc">{CAPTION}</td></tr></table>'
)
H1 = f'<h1 class="tieu-de">{TITLE}</h1>'
DIV = f'<div class="tieu-de">{TITLE}</div>'
FOOTER = '<div class="footer">Giấy phép số 432/GP-BTTTT</div>'


def page(
    box: str = "",
    title: str = H1,
    *,
    head_title: str = "Báo Hà Giang",
    footer: str = FOOTER,
    content: str = f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p>",
) -> str:
    """An era-A page: a box before the article, then the title, ``div#date`` and ``div#content``."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{head_title}</title></head><body>'
        '<div class="header"><h1 class="logo"><a href="https://baohagiang.vn/">Báo Hà Giang</a></h1>'
        f'<span>Thứ Ba, 01/12/2026</span></div><div class="wrap">{box}<div class="detail">{title}'
        f'<div id="date">07:45, 05/05/2017</div><div id="content">{content}</div></div></div>{footer}</body></html>'
    )


def record(html: str, url: str = URL) -> Any:
    profile = TQ if "baotuyenquang" in url else HG
    return build_record(ArticlePage(html, url, profile).extracted(), FETCHED)


NEWEST = f'<div class="col-right"><h3>Tin mới</h3><ul><li><a href="{OTHER}">Một tin khác</a> <span>{{}}</span></li></ul></div>'
VIDEO = '<div class="box-video"><h3>Video nổi bật</h3><p>Hà Giang - Miền đá nở hoa</p>{}</div>'
OWN_LINK = f'<div class="col-left"><div class="box"><div class="box-title">Tin mới</div><ul><li><a href="{URL}">{TITLE}</a></li><li><a href="{OTHER}">Tin khác</a></li></ul></div></div>'
BOXES = [  # (a box before the article, the title's element)
    (NEWEST.format("(06:00, 05/05/2017)"), H1),  # the list item's link and time read as one line
    (NEWEST.format("06:00, 05/05/2017"), H1),
    (NEWEST.format(""), H1),
    (NEWEST.format("(06:00, 05/05/2017)").replace("col-right", "sidebar-right"), H1),
    (VIDEO.format("<span>15:20, 03/05/2017</span>"), H1),  # a box with a time of its own
    (VIDEO.format("<span>15:20, 03/05/2017</span>"), DIV),
    (VIDEO.format(""), DIV),  # the box's heading headed its paragraph
    (VIDEO.format(""), H1),
    ('<div class="weather"><h4>Thời tiết Hà Giang</h4><span>Cập nhật 07:00, 05/05/2017</span></div>', H1),
    (
        '<div class="sidebar-left"><div class="box"><h2>Tin nổi bật</h2><h3>Đón đoàn công tác Trung ương</h3>'
        '<div class="time">09:00, 10/04/2023</div></div></div>',
        H1,
    ),
    (
        '<div class="box"><h3 class="box-title">Video</h3><div class="item"><a href="https://baohagiang.vn/media-bhg/'
        '201705/ha-giang-745000"><img src="/x.jpg"></a><p>Hà Giang</p><span>15:20, 03/05/2017</span></div></div>',
        H1,
    ),
    (OWN_LINK, H1),  # a list's link to this very article
    (OWN_LINK, DIV),
    (f'<ul class="hot"><li><h3><a href="{URL}">{TITLE}</a></h3></li></ul>', DIV),
    ("", DIV),  # the title a block of a class of its own, the <title> only the site's name
    ("", f'<div class="title"><span>{TITLE}</span></div>'),
    (f"<div>{TABLE}</div>", DIV),  # a caption is no title
]


@pytest.mark.parametrize(("box", "title"), BOXES)
def test_the_title_and_time_are_the_articles_whatever_the_boxes_before_it(box: str, title: str) -> None:
    got = record(page(box, title))
    assert (got["title"], got["published_at"]) == (TITLE, AT)
    assert (got["lede"], got["body_text"]) == (LEDE, f"{P1}\n\n{P2}")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ('<div class="cate">Kinh tế</div>', None),  # a section's label is no title
        ('<div class="cate"><a href="https://baohagiang.vn/kinh-te">Kinh tế</a></div>', None),  # nor a link
        ('<div class="logo">Báo Hà Giang</div>', None),  # nor the site's name
        (f'<div class="tieu-de">{"Rất dài. " * 40}</div>', None),  # nor a paragraph
        (DIV, TITLE),
    ],
)
def test_the_block_before_the_time_is_the_title_only_when_it_can_be_one(title: str, expected: str | None) -> None:
    assert ArticlePage(page("", title), URL, HG).title.value == expected


CONTENT_BR = f"{LEDE}<br><br>{P1}{TABLE}{P2}<br><br>{P1} {P2}"  # a body of text between <br>s, no element of its own


@pytest.mark.parametrize(
    "footer",
    [
        FOOTER,
        "<footer>Giấy phép số 432/GP-BTTTT</footer>",
        '<div class="footer"><p>Giấy phép số 432/GP-BTTTT</p></div>',
        '<div class="bottom">Bản quyền thuộc Báo Hà Giang. Giấy phép số 432/GP-BTTTT</div>',
        "Giấy phép số 432/GP-BTTTT",  # the <body>'s own text: no footer block at all
    ],
)
def test_a_licence_line_right_inside_the_body_never_hides_the_generic_layer(footer: str) -> None:
    html = page(title=H1, footer=footer, content=CONTENT_BR).replace('id="content"', 'class="noi-dung"')
    got = record(html)
    assert (got["title"], got["published_at"]) == (TITLE, AT)
    assert got["body_text"].split("\n\n")[-2:] == [P2, f"{P1} {P2}"]
    assert got["lede"] is None and CAPTION not in got["body_text"]


@pytest.mark.parametrize(
    ("html", "footers"),
    [
        ("<body><div><h1>T</h1></div><div class='f'>Giấy phép số 1/GP-BTTTT</div></body>", ["div"]),
        ("<body><div><h1>T</h1></div><footer><p>Giấy phép số 1/GP-BTTTT</p></footer></body>", ["footer"]),
        ("<body><div><h1>T</h1><p>Giấy phép số 1/GP-BTTTT</p></div></body>", ["p"]),  # its parent holds the title
        ("<body><div><h1>T</h1></div>Giấy phép số 1/GP-BTTTT</body>", []),
    ],
)
def test_a_footer_is_never_the_body_nor_holds_the_title(html: str, footers: list[str]) -> None:
    root = parsed(html)
    title = next(root.iter("h1"))
    assert [e.tag for e in printed_footers(root, [title])] == footers


TQ_URL = "https://baotuyenquang.com.vn/banh-gai-chiem-hoa-vao-mua-179493.html"
FIGURE = (
    f'<figure class="image"><img src="/media/images/2023/02/a.jpg" alt="x"><figcaption>{CAPTION}</figcaption></figure>'
)


@pytest.mark.parametrize(
    ("content", "lede", "first"),
    [
        (f"{P1}<br><br>{P2}{TABLE}{LEDE}<br><br>Thanh Phúc", None, P1),  # the caption is no lede
        (f"{P1}<br><br>{P2}{FIGURE}{LEDE}<br><br>Thanh Phúc", None, P1),
        (f"{TABLE}{P1}<br><br>{P2}<br><br>{LEDE}", None, P1),
        (f"<div><strong>{LEDE}</strong></div>{TABLE}<p>{P1}</p><p>{P2}</p>", LEDE, P1),  # a real lede stays one
    ],
)
def test_a_caption_is_never_the_lede(content: str, lede: str | None, first: str) -> None:
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Bánh gai vào mùa | Báo Tuyên Quang</title></head>'
        '<body><div class="post-detail"><h1 class="post-title">Bánh gai vào mùa</h1>'
        f'<div class="post-date">08:20, 15/02/2023</div><div class="post-content">{content}</div></div>'
        '<div class="footer">Giấy phép số 123/GP-BTTTT</div></body></html>'
    )
    got = record(html, TQ_URL)
    assert (got["title"], got["lede"], got["published_at"]) == ("Bánh gai vào mùa", lede, "2023-02-15T08:20:00+07:00")
    assert got["body_text"].split("\n\n")[0] == first and CAPTION not in got["body_text"]


@pytest.mark.parametrize(
    ("content", "lede", "paragraphs"),
    [
        (f"<p><strong>{LEDE}</strong></p><p>{LEDE}</p><p>{P1}</p>", LEDE, [LEDE, P1]),  # the body's own paragraph
        (f"<p>BHG - {LEDE}</p><p>{LEDE}</p><p>{P1}</p>", LEDE, [LEDE, P1]),
        (f"<p><span>HGĐT- {LEDE}</span></p><p>HGĐT- {LEDE}</p><p>{P1}</p>", LEDE, [P1]),  # the 2014 repeat
        (f"<p>BHG - {LEDE}</p><p>BHG - {LEDE}</p><p>{P1}</p>", LEDE, [P1]),
        (f"<p>{P1}</p><p>{P2}</p>", P1, [P2]),  # era A names the body's first paragraph its lede
    ],
)
def test_a_paragraph_that_reads_as_the_lede_in_the_body_stays_unless_it_repeats_the_printed_lede(
    content: str, lede: str, paragraphs: list[str]
) -> None:
    got = record(page(content=content))
    assert (got["lede"], got["body_text"].split("\n\n")) == (lede, paragraphs)


@pytest.mark.parametrize(("before", "paragraphs"), [(LEDE, [P1]), (f"BHG - {LEDE}", [P1]), (P2, [P2, P1])])
def test_a_body_repeating_a_sapo_printed_apart_loses_the_repeat(before: str, paragraphs: list[str]) -> None:
    html = page(content=f"<p>{before}</p><p>{P1}</p>").replace(
        '<div id="date">07:45, 05/05/2017</div>',
        f'<div id="date">07:45, 05/05/2017</div><h2 class="sapo">BHG - {LEDE}</h2>',
    )
    got = record(html)
    assert (got["lede"], got["body_text"].split("\n\n")) == (LEDE, paragraphs)


@pytest.mark.parametrize(
    ("template", "article_id"),
    [
        ("redesigned", "768180"),  # a box of the newest articles lists this one before it
        ("classic", "8e0ab77"),  # its second paragraph reads as its lede does
    ],
)
def test_replica_pages_that_misled_give_their_true_record(template: str, article_id: str) -> None:
    site = Site(seed=1, articles=1000, template=template)
    slot = site.catalog.by_id[article_id]
    url = site.writer.canonical_url(slot)
    path = url.split("baohagiang.vn", 1)[1]
    got = record(site.respond("baohagiang.vn", path).body.decode(), url)
    truth = site.expected_record(slot)
    fields = ("title", "lede", "lede_tag", "published_at", "byline", "images", "related", "tags")
    assert {f: got[f] for f in fields} == {f: truth[f] for f in fields}
    assert got["body_text"] == "\n\n".join(cast(list[str], truth["paragraphs"]))
