"""The lede (sapo) printed inside the body: when the body's first paragraph is the lede, not a subheading."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from bhg_crawler.extract.byline import looks_like_byline
from bhg_crawler.extract.text import clean_text, time_line
from bhg_crawler.extract.tree import FIGURE_TAGS, holds_blocks, is_figure, text_of, visible_text
from bhg_crawler.sites.profiles import SiteProfile

BOLD_TAGS = ("strong", "b")
# A numbered part of a series or a numbered subheading: "Kỳ 1: ...", "Phần II - ...", "Bài 3.", "1. ...", "II. ...".
NUMBERED = re.compile(r"^(?:(?i:Kỳ|Phần|Bài|Chương|Tập)\s+(?:\d+|[IVXLC]+)\b|(?:\d{1,2}|[IVXLC]+)\s*[.:)/-]\s)")
# A sentence's end: a full stop, "!", "?" or "…", maybe inside a closing quote or bracket.
SENTENCE_END = re.compile(r"[.!?…][\"\u201d\u2019\u00bb)]*$")
MIN_LEDE_WORDS = 12  # a bold line shorter than this is a subheading, however it ends
PARAGRAPHS = etree.XPath(".//*[self::p or self::div or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")


def is_bold(element: HtmlElement) -> bool:
    """Every letter of the element's text is inside ``<strong>`` or ``<b>`` (the element itself, or any depth)."""
    text = "".join(text_of(element).split())
    if not text:
        return False
    if element.tag in BOLD_TAGS:
        return True
    bold = [b for b in element.iter(*BOLD_TAGS) if next(b.iterancestors(*BOLD_TAGS), None) is None]
    return "".join("".join(text_of(b).split()) for b in bold) == text


def never_lede(text: str) -> bool:
    """Whether a first paragraph reading ``text`` is clearly no lede, whatever names it: it is numbered as a
    series part or a section ("Kỳ 1: ...", "Phần II", "1. ...") or it is a byline ("Bài, ảnh: T.PHƯƠNG",
    "Thu Phương")."""
    return NUMBERED.match(text) is not None or looks_like_byline(text)


def bold_lede(text: str) -> bool:
    """Whether a bold first paragraph reading ``text``, which no selector names, is a lede rather than a
    subheading: a lede is a sentence or more, at least ``MIN_LEDE_WORDS`` words ending as a sentence ends
    (``SENTENCE_END``); a subheading is shorter, or unpunctuated ("Khó khăn còn ở phía trước"), or numbered
    as a series part or a section; a byline in bold is neither (``never_lede``)."""
    return len(text.split()) >= MIN_LEDE_WORDS and SENTENCE_END.search(text) is not None and not never_lede(text)


def first_paragraph(body: HtmlElement, profile: SiteProfile | None = None) -> HtmlElement | None:
    """The body's first block of text (a paragraph, a heading, a ``div`` of text alone), figures passed over, and
    with a ``profile`` a line of the time too; None when it has none."""
    element: HtmlElement
    for element in PARAGRAPHS(body):
        if any(is_figure(a) for a in element.iterancestors(*FIGURE_TAGS)) or holds_blocks(element):
            continue
        text = text_of(element)
        if text and not (profile is not None and time_line(text, profile)):
            return element
    return None


def opening_lede(body: HtmlElement, profile: SiteProfile, named: bool = False) -> HtmlElement | None:
    """The body's first paragraph when it is the lede: it opens with the profile's lede prefix ("BHG - ", as on
    era-A pages, ``<p><span>BHG - ...</span></p>``; "(BTQ) " in bold before plain text), or, ``named`` (the
    profile's lede selector names the body's first paragraph: era A's ``#content > p`` [seen-3p], whose history
    pages print the lede without a prefix, Báo Tuyên Quang's ``#content > p > strong`` [seen-3p]), it is no
    clear non-lede (``never_lede``), however short or unpunctuated, or, named by nothing, it is all bold and
    reads as a lede (``bold_lede``); and, unless it opens with the prefix, more text follows it in the body (a
    prefixed paragraph is a lede even alone: a body that is only a lede is no body). A heading (``h2``...) is never
    the lede. None otherwise."""
    first = first_paragraph(body, profile)
    if first is None or first.tag not in ("p", "div"):
        return None
    text = text_of(first)
    if profile.lede_prefix.match(text):
        return first
    if never_lede(text) if named else not (is_bold(first) and bold_lede(text)):
        return None
    more = len("".join(clean_text(visible_text(body)).split())) > len("".join(text.split()))
    return first if more else None
