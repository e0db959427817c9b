"""Text as a reader sees it: entities decoded once, invisible characters and scripts never read, any nesting depth."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from bhg_crawler.app.cli import main
from bhg_crawler.archive.reextract import ArchivedPage
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.encoding import page_encoding
from bhg_crawler.extract.record import ArticleRecord, build_record, content_sha256, validation_error
from bhg_crawler.extract.text import (
    CONTINUATION,
    INVISIBLE,
    LEAD_LETTERS,
    MOJIBAKE,
    clean_text,
    mojibake,
    prints,
    unescaped,
)
from bhg_crawler.extract.tree import lines_of, spaced_text, text_of, visible_text
from bhg_crawler.middlewares import EncodingMiddleware
from bhg_crawler.sites.profiles import PROFILES
from bhg_replica.faults import windows_1258
from tests.helpers import extract, saved

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


# The default-ignorable characters outside Cf (Unicode's DerivedCoreProperties), assigned ones.
IGNORABLE_OTHERS = {
    "\u034f", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u180b", "\u180c", "\u180d", "\u180f", "\u3164", "\uffa0",
    *(chr(c) for c in range(0xFE00, 0xFE10)), *(chr(c) for c in range(0xE0100, 0xE01F0)),
}  # fmt: skip


def test_the_invisible_characters_are_the_default_ignorable_ones_but_zwnj_and_zwj() -> None:
    everything = [chr(c) for c in range(sys.maxunicode + 1)]
    format_characters = {c for c in everything if unicodedata.category(c) == "Cf"} - {"\u200c", "\u200d"}
    matched = {c for c in everything if INVISIBLE.fullmatch(c)}
    assert format_characters | IGNORABLE_OTHERS <= matched
    assert {unicodedata.category(c) for c in matched - format_characters - IGNORABLE_OTHERS} <= {"Cn"}


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
        # ZWJ and ZWNJ alone, or between spaces, print nothing
        ("\u200c", ""),
        ("\u200d", ""),
        (" \u200d \u200c\u200d\u00a0", ""),
        ("Mèo \u200c Vạc", "Mèo Vạc"),
        ("\u200cMèo", "\u200cMèo"),  # at a word's edge: kept, it is in the word
        # the default-ignorable characters of other categories
        ("Mè\u034fo", "Mèo"),
        ("Me\u034f\u0300o", "Mèo"),  # a grapheme joiner between a letter and its accent: they compose
        ("\u115f\u1160 \u3164\uffa0", ""),
        ("Mèo\u3164Vạc", "MèoVạc"),
        ("\u17b4\u17b5", ""),
        ("Mèo\u180b\u180c\u180d\u180f", "Mèo"),
        ("Vạc\ufe0f", "Vạc"),
        ("Tết \u2764\ufe0f", "Tết \u2764"),  # an emoji's presentation: the emoji kept
        ("Tết\ufe00\U000e0100", "Tết"),
        ("\ufe0f \U000e01ef", ""),
    ],
)
def test_clean_text_drops_invisible_characters(text: str, clean: str) -> None:
    assert clean_text(text) == clean
    assert prints(text) is bool(clean)


INVISIBLE_PAGES = [
    page(f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p><p>&#8203;</p>"),
    page(f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p><p>\ufeff \u2060</p>"),
    page(f"<p>&#8203;</p><p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p>"),
    page(f"<p>BHG - {LEDE}&#8203;</p><p>{P1}&#xAD;</p><p>&#xFEFF;{P2}</p><p>{BYLINE}</p>", title=f"{TITLE}&#8203;"),
    page(f"<p>BHG - {LEDE}</p><p>{P1}<br>&#8203;<br>{P2}</p><p>{BYLINE}</p>"),
    page(f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p><p>&zwnj;</p>"),
    page(f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p><p>&zwj; &zwnj;</p>"),
    page(f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p><p>\u3164</p>"),
    page(f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p><p>\u034f\ufe0f</p>"),
    page(f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p><p>\u115f\u1160\u17b4</p>"),
    page(f"<p>&zwnj;</p><p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p>{BYLINE}</p>"),
]


@pytest.mark.parametrize(
    "after",
    ["<p>&zwnj;</p>", "<p>&zwj;</p>", "<p> &zwnj; &zwj; </p>", "<p>\u3164</p>", "<p>\u034f</p>", "<p>\ufe0f</p>"],
)
def test_a_paragraph_of_joiners_or_ignorables_alone_never_hides_the_byline(after: str) -> None:
    html = page(f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p><strong>NGUYỄN VĂN A</strong></p>{after}")
    r = record(html)
    assert (r["byline"], [a["name"] for a in r["authors"]]) == ("NGUYỄN VĂN A", ["NGUYỄN VĂN A"])
    assert r["body_text"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Tin, ảnh: Nguyễn Văn A", [("Nguyễn Văn A", ["text", "photo"])]),
        ("Tin và ảnh: Nguyễn Văn A", [("Nguyễn Văn A", ["text", "photo"])]),
        ("Tin, ảnh: NGUYỄN VĂN AN", [("NGUYỄN VĂN AN", ["text", "photo"])]),
        ("Tin: LÊ HÀ - Ảnh: THU PHƯƠNG", [("LÊ HÀ", ["text"]), ("THU PHƯƠNG", ["photo"])]),
    ],
)
def test_a_news_items_byline_is_read(byline: str, authors: list[tuple[str, list[str]]]) -> None:
    r = record(page(f"<p>BHG - {LEDE}</p><p>{P1}</p><p>{P2}</p><p><strong>{byline}</strong></p>"))
    assert (r["byline"], r["body_text"]) == (byline, f"{P1}\n\n{P2}")
    assert r["authors"] == [{"name": n, "roles": roles} for n, roles in authors]


@pytest.mark.parametrize("ignorable", ["\u034f", "\u3164", "\ufe0f", "\u180b", "\U000e0100", "\u200b"])
def test_an_ignorable_character_in_a_word_keeps_the_content_hash(ignorable: str) -> None:
    edited = record(page(f"<p>BHG - {LEDE}</p><p>Huyện{ignorable} {P1}</p><p>{P2}</p><p>{BYLINE}</p>"))
    same = record(page(f"<p>BHG - {LEDE}</p><p>Huyện {P1}</p><p>{P2}</p><p>{BYLINE}</p>"))
    assert edited["content_sha256"] == same["content_sha256"]


@pytest.mark.parametrize("html", INVISIBLE_PAGES)
def test_an_element_of_invisible_characters_is_empty(html: str) -> None:
    assert fields(html) == RIGHT


def test_an_invisible_edit_keeps_the_content_hash() -> None:
    edited = record(INVISIBLE_PAGES[3])
    assert edited["content_sha256"] == record(page())["content_sha256"] == content_sha256(TITLE, LEDE, f"{P1}\n\n{P2}")


# -- scripts, styles and the like are never read --------------------------------------------------------------

HIDDEN = [
    SCRIPT, "<style>p { color: red }</style>", "<noscript>Bật JavaScript</noscript>", "<template>Mẫu</template>",
    "<title>Báo Hà Giang</title>",  # a <title> misplaced in the body
]  # fmt: skip


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


# -- encodings ----------------------------------------------------------------------------------------------------


UTF8_PAGE = page().encode()
LEGACY_PAGE = windows_1258(page())
STRAY = page(head="<script>var s = '\x00';</script>").encode().replace(b"\x00", b"\xff")


def fetched(body: bytes, content_type: str) -> HtmlResponse:
    """The response as the encoding middleware leaves it."""
    crawler = get_crawler(Spider)
    crawler.spider = Spider(name="bhg")
    response = HtmlResponse(URL, body=body, headers={"Content-Type": content_type})
    fixed = EncodingMiddleware.from_crawler(crawler).process_response(Request(URL), response)
    assert isinstance(fixed, HtmlResponse)
    return fixed


@pytest.mark.parametrize(
    ("body", "content_type", "encoding"),
    [
        (UTF8_PAGE, "text/html; charset=utf-8", "utf-8"),
        (STRAY, "text/html; charset=utf-8", "utf-8"),  # one stray byte in a script: UTF-8, the byte replaced
        (STRAY, "text/html", "utf-8"),
        (LEGACY_PAGE, "text/html; charset=utf-8", "cp1258"),  # a Windows-1258 page declared UTF-8
        (LEGACY_PAGE.replace(b'charset="utf-8"', b'charset="windows-1258"'), "text/html; charset=iso-8859-1", "cp1258"),
        (LEGACY_PAGE, "text/html; charset=iso-8859-1", "cp1258"),
        (b"\xef\xbb\xbf" + UTF8_PAGE, "text/html; charset=iso-8859-1", "utf-8"),  # the byte order mark decides
        (UTF8_PAGE, "text/html; charset=windows-1258", "utf-8"),
    ],
)
def test_a_page_is_read_in_the_encoding_its_bytes_and_declarations_agree_on(
    body: bytes, content_type: str, encoding: str
) -> None:
    assert page_encoding(body, content_type, "cp1258") == encoding
    response = fetched(body, content_type)
    assert response.encoding == encoding
    assert fields(response.text) == RIGHT
    assert validation_error(record(response.text)) is None


SAVED_PAGES = [
    UTF8_PAGE,
    LEGACY_PAGE.replace(b'charset="utf-8"', b'charset="windows-1258"'),  # its <meta> says
    LEGACY_PAGE,  # declared UTF-8, read as the site's code page
    b"\xef\xbb\xbf" + UTF8_PAGE,
    page().replace('charset="utf-8"', 'charset="utf-16"').encode("utf-16"),  # a byte order mark: little-endian
    b"\xfe\xff" + page().replace('charset="utf-8"', 'charset="utf-16"').encode("utf-16-be"),
]


@pytest.mark.parametrize("body", SAVED_PAGES)
def test_a_saved_page_is_read_in_its_own_encoding(
    body: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved_page = tmp_path / "page.html"
    saved_page.write_bytes(body)
    assert main(["extract", str(saved_page), "--url", URL]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["title"], printed["lede"], printed["body_text"]) == (TITLE, LEDE, f"{P1}\n\n{P2}")
    (tmp_path / "urls.txt").write_text(f"page.html {URL}\n", encoding="utf-8")
    assert main(["check-pages", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith(f"ok\tpage.html\t{TITLE} | ")


@pytest.mark.parametrize(
    ("legacy", "title"),
    [
        ("cp1258", TITLE),
        # a site of another code page reads the page in its own
        ("cp1252", unicodedata.normalize("NFC", windows_1258(TITLE).decode("cp1252"))),
    ],
)
def test_an_archived_page_is_read_with_its_sites_code_page(legacy: str, title: str) -> None:
    body = windows_1258(page().replace('<meta charset="utf-8">', ""))
    archived = ArchivedPage(URL, body, "text/html", "<urn:uuid:1>", "2026-11-25T00:00:00Z")
    profile = dataclasses.replace(HG, legacy_encoding=legacy)
    assert TITLE in unicodedata.normalize("NFC", archived.html(HG))
    assert title in unicodedata.normalize("NFC", archived.html(profile))


@pytest.mark.parametrize(
    ("wrong", "found"),
    [
        (UTF8_PAGE.decode("cp1252", errors="replace"), "Ã"),  # UTF-8 read as Windows-1252, then sent as UTF-8
        (UTF8_PAGE.decode("cp1258", errors="replace"), "\u00c4\u2018"),
        (UTF8_PAGE.decode("latin-1"), "á»"),
        # UTF-8 read as Windows-1258: its lead byte C3 is "Ă"
        (page(title="Hà Giang ôn hòa".encode().decode("cp1258")), "Ă\u00a0"),
        (page(title="ôn hòa".encode().decode("cp1258")), "Ă\u00b4"),
        (page(title="Thu hoạch ngô".encode().decode("cp1258")), "á\u00ba"),
        (page(title="Mèo".encode().decode("cp1258") + " Vạc"), "Ă\u00a8"),
        (page(title="Lễ hội có gì mới".encode().decode("cp1258")), "á\u00bb"),
    ],
)
def test_text_still_mojibake_is_rejected_with_its_reason(wrong: str, found: str) -> None:
    reason = validation_error(record(wrong))
    assert reason is not None and "mojibake" in reason
    assert mojibake(wrong) is not None
    assert found in wrong


@pytest.mark.parametrize(
    "text",
    [TITLE, LEDE, "Ông Ánh, bà Ấu và Âu Cơ", "Ã Ẫ Ă, Đ", "100 °C \u2013 \u2018a\u2019 « b »", "Ăn Tết", "ĂN TẾT",
     "Chữ Ă, chữ Â", "MĂNG ĐẮNG, ĂM ẮP", "\u0102n \u0103n",
     # the fast path's edges: ASCII alone, lead letters with no continuation after them, "á" before other symbols
     "", "Ha Giang 2026: 19.397 tan", "NGÃ", "NGÃ BA", "Â", "đá “lăn” xuống", "Cá\u2013thịt", "lá ° cờ",
     "Cá cá cá " * 300 + "Chữ Â"],
)  # fmt: skip
def test_vietnamese_is_no_mojibake(text: str) -> None:
    assert mojibake(text) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ä\u2018", "Ä\u2018"),  # "đ" read as Windows-1252
        ("Ã¡", "Ã¡"),  # "á" read as Latin-1
        ("Æ°Æ¡", "Æ°"),  # "ư" and "ơ": the first run
        ("thu hoáº¡ch", "áº"),  # "ạ": U+1EA1 reads as "áº¡"
        ("lá»\u203ap", "á»"),
        ("Ă\u00b4n hĂ²a", "Ă\u00b4"),  # Windows-1258 reads the lead byte C3 as "Ă"
        # mixed: Vietnamese letters, then mojibake
        ("Hà Giang đẹp, Ä\u2018ường làng", "Ä\u2018"),
        ("Cá cá cá " * 300 + "Ã©", "Ã©"),  # after many lead letters that start no run
        ("đá” rồi Ã¡", "Ã¡"),  # "á" before a quotation mark is a word's end; the run comes after
    ],
)
def test_mojibake_is_its_first_run(text: str, found: str | None) -> None:
    assert mojibake(text) == found


# A run as defined, tried at every character: what ``MOJIBAKE``, which skips to the lead letters, must find.
DEFINED_RUN = re.compile(f"[{LEAD_LETTERS}]{CONTINUATION}|á[º»]")


@given(st.text(st.sampled_from([*LEAD_LETTERS, "á", "º", "»", "\u00a0", "©", "\u2018", "\u201d", "\u2013", "€",
                                "™", "\u02c6", "a", " ", "\n", "ạ", "đ", "ư"]), max_size=30))  # fmt: skip
def test_the_runs_of_mojibake_are_those_defined(text: str) -> None:
    assert [m.span() for m in MOJIBAKE.finditer(text)] == [m.span() for m in DEFINED_RUN.finditer(text)]
    first = DEFINED_RUN.search(text)
    assert mojibake(text) == (first[0] if first else None)


@pytest.mark.parametrize(
    "where",
    ["title", "lede", "body_text", "byline", "section.name", "images.0.caption", "images.0.credit", "related.0.title",
     "related.0.lede", "authors.0.name", "tags.0"],
)  # fmt: skip
def test_mojibake_in_any_printed_text_of_a_record_rejects_it(where: str) -> None:
    html, truth = saved("bhg-era-b-tags-byline-block")
    record: Any = extract(html, truth["fetched_from"])
    assert validation_error(record) is None
    *path, last = [int(part) if part.isdigit() else part for part in where.split(".")]
    holder = record
    for part in path:
        holder = holder[part]
    holder[last] = "\u00c4\u2018ường làng"  # "đường làng" in UTF-8, read as Windows-1252
    assert validation_error(record) == f"{where}: mojibake '\u00c4\u2018' (UTF-8 read in a Latin code page)"


def test_no_run_of_mojibake_spans_two_texts_of_a_record() -> None:
    html, truth = saved("bhg-era-b-tags-byline-block")
    record: Any = extract(html, truth["fetched_from"])
    record["title"], record["lede"] = "ĐƯỜNG RA NGÃ", "© Báo Hà Giang"  # a lead letter, then a continuation's symbol
    assert validation_error(record) is None
    record["lede"] = "Ngã ba Ä\u2018ường"
    assert validation_error(record) == "lede: mojibake '\u00c4\u2018' (UTF-8 read in a Latin code page)"
