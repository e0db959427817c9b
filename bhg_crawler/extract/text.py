"""Text and dates as the sites print them: normalised text, timestamps and dates."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime

from bhg_crawler.sites.profiles import SiteProfile


def clean_text(text: str | None) -> str:
    """NFC, entities decoded, every kind of space folded to one, trimmed."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", html.unescape(text)).split())  # split(): the same spaces as \s


def dense(text: str) -> str:
    """Text without its spaces, casefolded: to find what one element prints in another's text, or compare them."""
    return "".join(text.split()).casefold()


# -- dates ---------------------------------------------------------------------------------------

TIMESTAMP = re.compile(r"(?<!\d)(?P<H>\d{1,2}):(?P<M>\d\d)\s*,\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?!\d)")
WEEKDAY_TIMESTAMP = re.compile(
    r"(?:Thứ\s+\w+|Chủ\s+[Nn]hật)\s*,\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\s*,?\s*(?P<H>\d{1,2}):(?P<M>\d\d)"
)
DATE = re.compile(r"(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?![\d/])")


def parse_timestamp(text: str, profile: SiteProfile) -> datetime | None:
    """The first "HH:MM, DD/MM/YYYY" or "Thứ Bảy, DD/MM/YYYY, HH:MM (GMT+7)" in ``text`` (spaces around the commas
    allowed: text nodes read apart, ``tree.spaced_text``)."""
    if ":" not in text:
        return None
    text = unicodedata.normalize("NFC", text)
    found = [m for m in (TIMESTAMP.search(text), WEEKDAY_TIMESTAMP.search(text)) if m]
    if not found:
        return None
    match = min(found, key=lambda m: m.start())
    try:
        return datetime(
            int(match["y"]), int(match["m"]), int(match["d"]), int(match["H"]), int(match["M"]),
            tzinfo=profile.timezone,
        )  # fmt: skip
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first "DD/MM/YYYY" in ``text`` as an ISO date."""
    match = DATE.search(text)
    if not match:
        return None
    try:
        return datetime(int(match["y"]), int(match["m"]), int(match["d"])).date().isoformat()
    except ValueError:
        return None


def time_line(text: str, profile: SiteProfile) -> bool:
    """A line that prints a time and little else (fewer than 80 characters): a dateline, never a paragraph."""
    return len(text) < 80 and parse_timestamp(text, profile) is not None
