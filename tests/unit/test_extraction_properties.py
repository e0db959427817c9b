"""Property tests: saved pages of every template family, mutated, give a record or a reject with its reason."""

from __future__ import annotations

import re
import time
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.encoding import page_encoding
from bhg_crawler.extract.record import ArticleRecord, build_record, validation_error
from tests.helpers import FETCHED, FIELDS, profile_of, saved, saved_page_names

NAMES = saved_page_names()
SCRIPTS = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>)", re.DOTALL | re.IGNORECASE)
INVISIBLE = "\u200b\ufeff\u2060\u00ad\u200e"
COMPARED = (*FIELDS, "content_sha256")
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@cache
def page(name: str) -> tuple[str, str]:
    """A saved page's HTML and the URL it was served at."""
    html, truth = saved(name)
    return html, truth["fetched_from"]


@cache
def original(name: str) -> tuple[Any, ...]:
    html, url = page(name)
    return compared(extract(html.encode("utf-8"), url))


def extract(body: bytes, url: str, content_type: str = "text/html; charset=utf-8") -> ArticleRecord:
    """The record of a page as a crawl reads it: its bytes decoded as the encoding middleware would, then
    extracted with its site's profile."""
    profile = profile_of(url)
    text = body.decode(page_encoding(body, content_type, profile.legacy_encoding), errors="replace")
    return build_record(ArticlePage(text, url, profile).extracted(), FETCHED)


def compared(record: ArticleRecord) -> tuple[Any, ...]:
    return tuple(record[field] for field in COMPARED)  # type: ignore[literal-required]


def outside_scripts(html: str, change: Any) -> str:
    """``change`` applied to the page's markup and text, its scripts and styles left as they are."""
    return "".join(part if SCRIPTS.fullmatch(part) else change(part) for part in SCRIPTS.split(html))


# -- changes that keep what a reader sees: the record must not change ---------------------------------------


@SLOW
@given(st.sampled_from(NAMES), st.data())
def test_invisible_characters_in_the_text_change_nothing(name: str, data: st.DataObject) -> None:
    html, url = page(name)
    tree = lxml_html.document_fromstring(html)
    nodes = [e for e in tree.iter() if isinstance(e.tag, str) and e.tag not in ("script", "style") and e.text]
    for element in data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=12)):
        text = element.text or ""
        at = data.draw(st.integers(0, len(text)))
        element.text = text[:at] + data.draw(st.sampled_from(INVISIBLE)) + text[at:]
    mutated = lxml_html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")
    assert compared(extract(mutated.encode("utf-8"), url)) == original(name)


@SLOW
@given(st.sampled_from(NAMES), st.floats(0.05, 1.0))
def test_letters_written_as_character_references_change_nothing(name: str, share: float) -> None:
    html, url = page(name)
    step = max(1, round(1 / share))

    def refer(part: str) -> str:
        count = 0

        def one(match: re.Match[str]) -> str:
            nonlocal count
            count += 1
            return f"&#x{ord(match[0]):x};" if count % step == 0 else match[0]

        return re.sub(r"[^\x00-\x7f]", one, part)

    assert compared(extract(outside_scripts(html, refer).encode("utf-8"), url)) == original(name)


@SLOW
@given(st.sampled_from(NAMES), st.integers(1, 3000))
def test_the_page_nested_deep_changes_nothing(name: str, depth: int) -> None:
    html, url = page(name)
    nested = re.sub(r"(<body[^>]*>)", lambda m: m[1] + "<div>" * depth, html, count=1)
    nested = nested.replace("</body>", "</div>" * depth + "</body>", 1)
    assert compared(extract(nested.encode("utf-8"), url)) == original(name)


# -- changes that break the page: a record, or a reject with its reason, never an exception ------------------

JSON_LD = [
    "null", '"a string"', "42", "[1, null, {}]", '{"@graph": null}', '{"@graph": [null, "x"]}', "{not json",
    '{"@type": ["NewsArticle", "Article"], "datePublished": "2021-01-05T21:52:00"}',
    '{"@type": "NewsArticle", "datePublished": 20210105, "headline": ["a", 1]}',
    '{"@type": "NewsArticle", "datePublished": {"@value": "2021-01-05"}, "headline": {"@value": null}}',
    "[" * 3000,
]  # fmt: skip
SNIPPETS = [
    '<a href="http://[::1">x</a>', '<img src="/dataimages/202003/original/ảnh đẹp 1.jpg">', '<img src="">',
    '<a href="javascript:void(0)">y</a>', "<p><script>var x = 1;</script>Một câu.</p>", "<p>&#8203;</p>",
    '<time datetime="2021-01-05T20:30:00Z">x</time>', "<base href=\"https://baohagiang.vn/\">",
    "<p>&amp;copy=2 &para &reg &not</p>", '<a href="http://h:99999/">z</a>', "<div <p>>", '<img src="http://[x">',
    "<table><tr><td><table><tr><td><img src=a.jpg></td></tr></table></td></tr></table>", "</div></div></div>",
    "<p>Mời bạn đọc gửi ý kiến.</p>", "\x00", "<h1></h1>", "<p>06:22 thứ sáu ngày 19/03/2021</p>",
]  # fmt: skip
CONTENT_TYPES = ["text/html; charset=utf-8", "text/html; charset=iso-8859-1", "text/html", "text/html; charset=bogus",
                 "text/html; charset=windows-1258"]  # fmt: skip


@st.composite
def broken_pages(draw: st.DrawFn) -> tuple[bytes, str, str]:
    """A saved page with one to five breakages: snippets of odd markup anywhere, odd JSON-LD, deep nesting,
    truncation, stray bytes, a part in another encoding, a wrong charset."""
    name = draw(st.sampled_from(NAMES))
    html, url = page(name)
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["snippet", "json-ld", "nest", "cut", "drop-tags", "attribute"]))
        at = draw(st.integers(0, len(html)))
        if kind == "snippet":
            html = html[:at] + draw(st.sampled_from(SNIPPETS)) + html[at:]
        elif kind == "json-ld":
            block = f'<script type="application/ld+json">{draw(st.sampled_from(JSON_LD))}</script>'
            html = (
                html.replace("</head>", block + "</head>", 1) if draw(st.booleans()) else html[:at] + block + html[at:]
            )
        elif kind == "nest":
            depth = draw(st.integers(100, 3000))
            html = html[:at] + "<div>" * depth + "<p>Đoạn sâu.</p>" + "</div>" * draw(st.integers(0, depth)) + html[at:]
        elif kind == "cut":
            html = html[:at]
        elif kind == "drop-tags":
            html = re.sub(draw(st.sampled_from([r"</p>", r"<p>", r"</div>", r"<tbody>", r'"'])), "", html, count=50)
        else:
            html = re.sub(r"<(a|img) ", lambda m: f'<{m[1]} {draw(st.sampled_from(["href", "src"]))}="\x7f[" ', html,
                          count=draw(st.integers(1, 20)))  # fmt: skip
    body = html.encode("utf-8")
    encoding = draw(st.sampled_from(["utf-8", "stray", "cp1258-part", "cp1258"]))
    if encoding == "stray":
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe1\xba", b"\x80\x80"])) + body[at:]
    elif encoding == "cp1258-part":
        start = draw(st.integers(0, len(html)))
        end = draw(st.integers(start, min(len(html), start + 5000)))
        body = (html[:start].encode("utf-8") + html[start:end].encode("cp1258", errors="replace")
                + html[end:].encode("utf-8"))  # fmt: skip
    elif encoding == "cp1258":
        body = html.encode("cp1258", errors="replace")
    return body, url, draw(st.sampled_from(CONTENT_TYPES))


@settings(SLOW, max_examples=150)
@given(broken_pages())
def test_a_broken_page_gives_a_record_or_a_reject_with_its_reason(broken: tuple[bytes, str, str]) -> None:
    body, url, content_type = broken
    record = extract(body, url, content_type)
    reason = validation_error(record)
    assert reason is None or (isinstance(reason, str) and reason.strip())
    if reason is None:
        assert record["url"] and record["title"] and record["body_text"]


def _nested(html: str, depth: int) -> str:
    nested = re.sub(r"(<body[^>]*>)", lambda m: m[1] + "<div>" * depth, html, count=1)
    return nested.replace("</body>", "</div>" * depth + "</body>", 1)


def _seconds(html: str, url: str) -> float:
    """The least of three timings of extracting the page, in seconds."""
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        extract(html.encode("utf-8"), url)
        timings.append(time.perf_counter() - start)
    return min(timings)


@pytest.mark.parametrize("name", ["btq-current-own", "btq-current-nested-section", "bhg-era-a-seed",
                                  "bhg-era-a-title-div-title"])  # fmt: skip
@pytest.mark.parametrize("depth", [2000, 2040])
def test_a_page_nested_deep_is_read_in_time_linear_in_its_depth(name: str, depth: int) -> None:
    """Walks up from every element cost no more than the depth once: 2,000 levels more than a page's few
    hundred elements take well under 30 times the flat page's time (a walk quadratic in depth took 150)."""
    html, url = page(name)
    assert _seconds(_nested(html, depth), url) < 30 * _seconds(html, url)
