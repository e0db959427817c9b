"""Text as a reader sees it: entities decoded once, invisible characters and scripts never read, any nesting depth."""

from __future__ import annotations

import dataclasses
import sys
import unicodedata
from datetime import UTC, datetime
from typing import Any

import pytest
from lxml import etree
from lxml import html as lxml_html

from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.record import ArticleRecord, build_record, content_sha256
from bhg_crawler.extract.text import INVISIBLE, clean_text, unescaped
from bhg_crawler.extract.tree import lines_of, spaced_text, text_of, visible_text
from bhg_crawler.sites.profiles import PROFILES

FETCHED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
HG = PROFILES["baohagiang.vn"]
URL = "https://baohagiang.vn/xa-hoi/202008/trien-khai-hoat-dong-van-tai-785426"
TITLE = "Thành quả tự hào nơi miền đá Mèo Vạc"
LEDE = "Những năm qua, huyện Mèo Vạc đã huy động mọi nguồn lực để phát triển kinh tế."
P1 = "Huyện Mèo Vạc đặt mục tiêu đến năm 2025 có 10 xã đạt chuẩn nông thôn mới."
P2 = "Năm 2025, toàn huyện trồng mới 1.650,1 ha lúa, sản lượng đạt 19.397 tấn."
BYLINE = "Bài, ảnh: T.PHƯƠNG"
BODY = f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p>"
SCRIPT = "<script>var x = 1;</script>"


def page(content: str = BODY, *, title: str = TITLE, head: str = "", after: str = "") -> str:
    """An era-A article page: the title in ``h2.tieude``, the time in ``div#date``, the body in ``div#content``."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Báo Hà Giang</title>{head}</head><body>'
        f'<div class="left"><h2 class="tieude">{title}</h2><div id="date">10:04, 20/08/2020</div>'
        f'<div id="content">{content}</div>{after}</div></body></html>'
    )


def record(html: str) -> ArticleRecord:
    return build_record(ArticlePage(html, URL, HG).extracted(), FETCHED)


def fields(html: str) -> dict[str, Any]:
    r = record(html)
    names = [author["name"] for author in r["authors"]]
    return {"title": r["title"], "lede": r["lede"], "body": r["body_text"].split("\n\n"), "authors": names}


RIGHT = {"title": TITLE, "lede": LEDE, "body": [P1, P2], "authors": ["T.PHƯƠNG"]}


# -- entities: the parser decodes them, nothing decodes them again -------------------------------------------


@pytest.mark.parametrize(
    ("printed", "text"),
    [
        ("Giá &amp;copy=2", "Giá &copy=2"),
        ("a &amp;lt; b", "a &lt; b"),
        ("R&amp;D", "R&D"),
        ("x?a=1&amp;para=2&amp;reg=3&amp;not=4", "x?a=1&para=2&reg=3&not=4"),
        ("&lt;b&gt;", "<b>"),
        ("&#7841;&#x1EA1;", "ạạ"),
    ],
)
def test_text_from_the_tree_is_decoded_once(printed: str, text: str) -> None:
    r = record(page(f"<p>BHG - {LEDE}</p><p>{P1} {printed}</p><p>{P2}</p>", title=f"{TITLE} {printed}"))
    assert r["title"] == f"{TITLE} {text}"
    assert r["body_text"] == f"{P1} {text}\n\n{P2}"


@pytest.mark.parametrize(
    ("headline", "title"),
    [("R&amp;D", "R&D"), ("A &amp;amp; B", "A &amp; B"), ("x?a=1&para=2", "x?a=1&para=2"), ("A & B", "A & B")],
)
def test_a_json_ld_headline_is_decoded_once(headline: str, title: str) -> None:
    ld = f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{headline}"}}</script>'
    assert record(page(title="", head=ld))["title"] == title


@pytest.mark.parametrize(
    ("text", "decoded"),
    [("&amp;copy=2", "&copy=2"), ("&para=2", "&para=2"), ("&#8203;", "\u200b"), ("&nosuch;", "&nosuch;"), ("", "")],
)
def test_unescaped(text: str, decoded: str) -> None:
    assert unescaped(text) == decoded


# -- invisible characters --------------------------------------------------------------------------------------


def test_the_invisible_characters_are_the_format_characters_but_zwnj_and_zwj() -> None:
    everything = [chr(c) for c in range(sys.maxunicode + 1)]
    format_characters = {c for c in everything if unicodedata.category(c) == "Cf"} - {"\u200c", "\u200d"}
    matched = {c for c in everything if INVISIBLE.fullmatch(c)}
    assert format_characters <= matched
    assert {unicodedata.category(c) for c in matched - format_characters} <= {"Cn"}  # of a later Unicode


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("Mèo\u200b Vạc", "Mèo Vạc"),
        ("\ufeffMèo Vạc", "Mèo Vạc"),
        ("Mèo\u2060Vạc", "MèoVạc"),
        ("nông\u00adthôn", "nôngthôn"),
        ("Me\u00ad\u0300o", "Mèo"),  # the soft hyphen kept the accent from its letter
        ("\u200b \u00ad\ufeff", ""),
        ("a\u200db\u200cc", "a\u200db\u200cc"),  # ZWJ and ZWNJ shape letters: kept
        ("Mèo  Vạc\u00a0\n", "Mèo Vạc"),
    ],
)
def test_clean_text_drops_invisible_characters(text: str, clean: str) -> None:
    assert clean_text(text) == clean


INVISIBLE_PAGES = [
    page(f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p><p>&#8203;</p>"),
    page(f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p><p>\ufeff \u2060</p>"),
    page(f"<p>&#8203;</p><p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p>"),
    page(f"<p>BHG - {LEDE}&#8203;</p><p>{P1}&#xAD;</p><p>&#xFEFF;{P2}</p><p>{BYLINE}</p>", title=f"{TITLE}&#8203;"),
    page(f"<p>BHG - {LEDE}</p><p>{P1}<br>&#8203;<br>{P2}</p><p>{BYLINE}</p>"),
]


@pytest.mark.parametrize("html", INVISIBLE_PAGES)
def test_an_element_of_invisible_characters_is_empty(html: str) -> None:
    assert fields(html) == RIGHT


def test_an_invisible_edit_keeps_the_content_hash() -> None:
    edited = record(INVISIBLE_PAGES[3])
    assert edited["content_sha256"] == record(page())["content_sha256"] == content_sha256(TITLE, LEDE, f"{P1}\n\n{P2}")


# -- scripts, styles and the like are never read --------------------------------------------------------------

HIDDEN = [SCRIPT, "<style>p { color: red }</style>", "<noscript>Bật JavaScript</noscript>", "<template>Mẫu</template>"]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_scripts_and_styles_are_in_no_field(hidden: str) -> None:
    html = page(
        f"<p>BHG - {LEDE}{hidden}</p><p>{P1}{hidden}</p>{hidden}<p>{P2}</p><p>{BYLINE}{hidden}</p><p>{hidden}</p>",
        title=f"{TITLE}{hidden}",
    )
    assert fields(html) == RIGHT


@pytest.mark.parametrize("hidden", HIDDEN)
def test_the_tree_walks_leave_scripts_out(hidden: str) -> None:
    element = lxml_html.fragment_fromstring(f"<p>Mèo<b>{hidden}Vạc</b> tỉnh</p>")
    assert (text_of(element), spaced_text(element), lines_of(element)) == (
        "MèoVạc tỉnh",
        "Mèo Vạc tỉnh",
        ["MèoVạc tỉnh"],
    )
    assert visible_text(element) == "MèoVạc tỉnh"


def test_a_body_element_of_only_a_script_is_empty() -> None:
    profile = dataclasses.replace(HG, selectors=dataclasses.replace(HG.selectors, body="div.script-only, #content"))
    html = page(after=f'<div class="script-only">{SCRIPT}</div>')
    r = build_record(ArticlePage(html, URL, profile).extracted(), FETCHED)
    assert r["body_text"] == f"{P1}\n\n{P2}"


# -- any depth of nesting -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [1, 1000, 2100, 5000])
def test_a_paragraph_nested_deep_is_read(depth: int) -> None:
    nested = "<div>" * depth + f"<p>{P1}</p>" + "</div>" * depth
    html = page(f"<p>BHG - {LEDE}</p>{nested}<p>{P2}</p><p>{BYLINE}</p>")
    assert fields(html) == RIGHT


@pytest.mark.parametrize("depth", [1000, 5000])
def test_the_tree_walks_go_any_depth(depth: int) -> None:
    element = inner = lxml_html.Element("div")
    for _ in range(depth):
        inner = etree.SubElement(inner, "span")
    inner.text, inner.tail = "Mèo", " tỉnh"
    etree.SubElement(element, "p").text = "Vạc"
    assert (lines_of(element), spaced_text(element)) == (["Mèo tỉnh", "Vạc"], "Mèo tỉnh Vạc")
