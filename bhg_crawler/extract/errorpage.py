"""Error and maintenance pages answered 200: what their title or a heading says, in Vietnamese or English."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal, NamedTuple

from bhg_crawler.sites.profiles import ErrorPageMarkers

ErrorKind = Literal["gone", "maintenance"]
# A heading of more words than this is a headline, never an error page's own words.
MAX_MARKER_WORDS = 12
# What any CMS's error pages say in their title or heading, on a site this project never saw: the page is gone
# ("404", "Không tìm thấy trang", "Bài viết không tồn tại", "Page not found"), or the site is down for a while
# ("Hệ thống đang bảo trì", "Under maintenance"). Read in a heading's NFC text folded to lower case.
COMMON: tuple[tuple[ErrorKind, re.Pattern[str]], ...] = (
    (
        "gone",
        re.compile(
            r"\b(?:404|410)\b|không tìm thấy (?:trang|bài viết|bài báo|nội dung|đường dẫn|dữ liệu|tin)"
            r"|(?:trang|bài viết|bài báo|nội dung|đường dẫn|tin)(?: bạn| này)?(?: (?:tìm|yêu cầu|truy cập|tìm kiếm))?"
            r" (?:không tồn tại|đã bị (?:xóa|xoá|gỡ))|\bnot found\b|(?:does not|doesn't|no longer) exist"
        ),
    ),
    (
        "maintenance",
        re.compile(
            r"(?:đang|tạm dừng(?: để)?|tạm ngừng(?: để)?) (?:bảo trì|nâng cấp)"
            r"|(?:bảo trì|nâng cấp) (?:hệ thống|website)"
            r"|\bunder maintenance\b|\bdown for maintenance\b|\bmaintenance mode\b|\btemporarily unavailable\b"
        ),
    ),
)


class ErrorPage(NamedTuple):
    """What an error page says: ``gone`` (the article does not exist) or ``maintenance`` (the site is down for a
    while), and the words that say it (the profile's marker, or the heading a common marker is in)."""

    kind: ErrorKind
    marker: str

    @property
    def reason(self) -> str:
        """The failures ledger's reason: ``error page: <marker>``."""
        return f"error page: {self.marker}"


def folded(text: str) -> str:
    """Text as markers are compared with it: NFC, lower case, every run of spaces one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def error_marker(headings: Iterable[str], markers: ErrorPageMarkers) -> ErrorPage | None:
    """What the first of the headings (the page's title, its ``h1``...) of at most ``MAX_MARKER_WORDS`` words that
    holds one of the site's ``markers`` (whole words) says, else the first such heading that a common marker
    (``COMMON``) is in; None when none says the page is an error page. Only what a page says: whether it is an
    article is the page's to tell (``ArticlePage.error_page``)."""
    texts = [text for text in (" ".join(unicodedata.normalize("NFC", t).split()) for t in headings)
             if len(text.split()) <= MAX_MARKER_WORDS]  # fmt: skip
    own: list[tuple[ErrorKind, str]] = [("gone", m) for m in markers.gone]
    own += [("maintenance", m) for m in markers.maintenance]
    for text in texts:
        for kind, marker in own:
            if re.search(rf"(?<!\w){re.escape(folded(marker))}(?!\w)", folded(text)):
                return ErrorPage(kind, marker)
    for text in texts:
        for kind, pattern in COMMON:
            if pattern.search(folded(text)):
                return ErrorPage(kind, text)
    return None
