"""The generic layer: trafilatura's reading of a page, for a title, body and date no other layer finds."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from datetime import date, datetime, time, tzinfo
from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from bhg_crawler.core.clock import Moment, in_zone
from bhg_crawler.extract.text import after_label, clean_text, dense, parse_date, parse_timestamp
from bhg_crawler.extract.tree import (
    PAGE_FURNITURE,
    PRESS_LICENCE,
    printed_footers,
    siblings_around,
    text_of,
    twin,
    visible_text,
)
from bhg_crawler.sites.profiles import SiteProfile

# The body is taken only if this much text is left once the title, the lede, timestamps, link texts and the
# related block are set aside: less is the page's furniture, not an article.
MIN_BODY_CHARS = 150
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"  # how trafilatura is asked to give the date it finds: its offset kept


def _read(root: HtmlElement, url: str, related_block: HtmlElement | None, title: HtmlElement | None) -> Any:
    """trafilatura's ``Document`` for a copy of the tree (which it prunes) without the related block, whose
    dates are other articles', without what the page prints before its ``title`` element (its header and
    menus), and without the footer (``tree.printed_footers``, never the block of the title) and what follows it;
    None when it finds nothing."""
    tree = copy.deepcopy(root)
    dropped = [related_block] if related_block is not None else []
    dropped += siblings_around(title, after=False) if title is not None else []
    footers = printed_footers(root, [title])
    dropped += [element for footer in footers for element in (footer, *siblings_around(footer, True))]
    for copied in [twin(element, tree) for element in dropped]:  # all found, then dropped
        copied.drop_tree()
    return trafilatura.bare_extraction(
        tree,
        url=url,
        fast=True,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"original_date": False, "extensive_search": True, "outputformat": DATE_FORMAT},
    )


def _lines(text: str) -> list[str]:
    """trafilatura's text as lines, normalised: a table row ("| A | B |") gives a line a cell."""
    lines = []
    for line in text.splitlines():
        cells = line.strip().strip("|").split(" | ") if line.lstrip().startswith("|") else [line]
        lines += [cell for cell in (clean_text(cell).strip("| ") for cell in cells) if cell]
    return lines


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip


def prints_day(root: HtmlElement, day: date) -> bool:
    """Whether the page's markup (its text, attributes, scripts) writes ``day`` in a form a page writes a date in:
    ``2021-01-05``, ``2021/1/5``, ``05/01/2021``, ``5-1-2021``, ``5.1.2021``, "ngày 5 tháng 1 năm 2021", "Jan 5,
    2021", "5 January 2021"."""
    d, m, y = rf"0?{day.day}", rf"0?{day.month}", str(day.year)
    name = MONTHS[day.month - 1]
    named = rf"(?:{name}|{name[:3]}\.?)"
    written = re.compile(
        rf"(?<!\d)(?:{y}[-/.]{m}[-/.]{d}|{d}[-/.]{m}[-/.]{y})(?!\d)|ngày\s+{d}\s+tháng\s+{m}\s*(?:năm|,)\s*{y}"
        rf"|{named}\s+{d}(?:st|nd|rd|th)?,?\s+{y}|(?<!\d){d}(?:st|nd|rd|th)?\s+{named},?\s+{y}",
        re.IGNORECASE,
    )
    return written.search(etree.tostring(root, encoding="unicode", method="html")) is not None


class GenericReading:
    """trafilatura's reading of an article page, made once (it is the slowest layer) when first asked for."""

    def __init__(
        self, root: HtmlElement, url: str, related_block: HtmlElement | None, title: HtmlElement | None = None
    ):
        """``title``: the title's element when it is known for sure: trafilatura reads from there on."""
        self.root = root
        self.related_block = related_block
        self.document = _read(root, url, related_block, title)

    def title(self) -> str | None:
        """The title trafilatura finds, normalised."""
        return clean_text(self.document.title or "") or None if self.document is not None else None

    def published_at(self, timezone: tzinfo, month: str) -> Moment | None:
        """The date trafilatura finds, in the site's time zone (``clock.in_zone``: the offset it found converted,
        none read as the site's); its time not known when it found a date alone (naive midnight). None when it is
        outside ``month`` (YYYYMM, from the article's URL; "" when the URL says none), or when the page prints
        that day nowhere (``prints_day``): trafilatura guesses the 1st of January of a year the text names."""
        found = self.document.date if self.document is not None else None
        if not found:
            return None
        try:
            read = datetime.strptime(found, DATE_FORMAT.removesuffix("%z") + ("%z" if len(found) > 19 else ""))
        except ValueError:
            return None
        date = in_zone(read, timezone)
        if (month and date.strftime("%Y%m") != month) or not prints_day(self.root, read.date()):
            return None
        return Moment(date, time_known=read.tzinfo is not None or read.time() != time())

    def paragraphs(self, known: Sequence[HtmlElement | None], said: Sequence[str], profile: SiteProfile) -> list[str]:
        """The body, a paragraph a line of trafilatura's text (a cell of a table's row), less what is known not to
        be the body: link texts (menus, related items), timestamps and datelines, and any text of the ``known``
        elements (title, lede, related block), of the page furniture, of the related block and of the block
        around the press licence (the footer) and what follows either, of image captions, or ``said`` (the
        title and lede found), the line of the tags (it opens with one of the profile's ``tags_labels``) and a line
        of the press licence; nothing
        when what is left is shorter than ``MIN_BODY_CHARS``."""
        text = self.document.text if self.document is not None else None
        if not text:
            return []
        links = {text_of(a) for a in self.root.iter("a")}
        figures = (e for e in self.root.iter("table", "figure") if e.find(".//img") is not None)
        ends = [*printed_footers(self.root, known), *([self.related_block] if self.related_block is not None else [])]
        after = [element for end in ends for element in (end, *siblings_around(end, after=True))]
        elements = [*known, *self.root.iter(*PAGE_FURNITURE), *figures, *after]
        aside = dense(" ".join([*(clean_text(visible_text(e)) for e in elements if e is not None), *said]))
        kept = [
            line
            for line in _lines(text)
            if any(c.isalpha() for c in line)
            and line not in links
            and dense(line.lstrip("-\u2013\u2022* ")) not in aside
            and after_label(line, profile.tags_labels) is None  # the tags' line
            and parse_timestamp(line, profile) is None
            and not PRESS_LICENCE.search(line)  # the footer's line, when no block holds it apart
            and not (len(line) < 60 and parse_date(line) is not None)  # a dateline
        ]
        return kept if sum(map(len, kept)) >= MIN_BODY_CHARS else []
