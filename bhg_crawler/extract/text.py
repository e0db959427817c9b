"""Small pure helpers for text, dates and bylines, shared by extraction and pipelines."""

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


# -- dates ---------------------------------------------------------------------------------------

TIMESTAMP = re.compile(r"(?<!\d)(?P<H>\d{1,2}):(?P<M>\d\d),\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?!\d)")
WEEKDAY_TIMESTAMP = re.compile(
    r"(?:Thứ\s+\w+|Chủ\s+[Nn]hật),\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}),?\s*(?P<H>\d{1,2}):(?P<M>\d\d)"
)
DATE = re.compile(r"(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?![\d/])")


def parse_timestamp(text: str, profile: SiteProfile) -> datetime | None:
    """The first "HH:MM, DD/MM/YYYY" or "Thứ Bảy, DD/MM/YYYY, HH:MM (GMT+7)" in ``text``."""
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


# -- bylines ---------------------------------------------------------------------------------------

BOTH_ROLES = re.compile(r"^(?:Bài\s*(?:,|và)\s*ảnh|Ảnh\s*(?:,|và)\s*bài)\s*:\s*(?P<names>.+)$", re.IGNORECASE)
SPLIT_ROLES = re.compile(r"^Bài\s*:\s*(?P<text>.+?)\s*[-\u2013;,]\s*Ảnh\s*:\s*(?P<photo>.+)$", re.IGNORECASE)
TEXT_ONLY = re.compile(r"^(?:Bài|Tin)\s*:\s*(?P<names>.+)$", re.IGNORECASE)
PHOTO_ONLY = re.compile(r"^Ảnh\s*:\s*(?P<names>.+)$", re.IGNORECASE)
NAME_SEPARATOR = re.compile(r"\s+[-\u2013]\s+|\s*,\s*|\s+và\s+")
# A printed name: capitals (with Vietnamese letters), dots, spaces; "T.PHƯƠNG", "MINH HUỆ".
NAME = re.compile(r"^[A-ZÀ-ỸĐ][A-ZÀ-ỸĐ.\s]{1,40}$")


def _names(text: str) -> list[str]:
    return [name for name in (clean_text(part) for part in NAME_SEPARATOR.split(text)) if name]


def parse_byline(byline: str | None) -> list[dict[str, object]]:
    """Authors and their roles ("text", "photo") from a printed byline."""
    text = clean_text(byline)
    if not text:
        return []
    if match := BOTH_ROLES.match(text):
        return [{"name": n, "roles": ["text", "photo"]} for n in _names(match["names"])]
    if match := SPLIT_ROLES.match(text):
        text_names, photo_names = _names(match["text"]), _names(match["photo"])
        authors: dict[str, list[str]] = {}
        for name in text_names:
            authors.setdefault(name, []).append("text")
        for name in photo_names:
            authors.setdefault(name, []).append("photo")
        return [{"name": n, "roles": roles} for n, roles in authors.items()]
    if match := TEXT_ONLY.match(text):
        return [{"name": n, "roles": ["text"]} for n in _names(match["names"])]
    if match := PHOTO_ONLY.match(text):
        return [{"name": n, "roles": ["photo"]} for n in _names(match["names"])]
    return [{"name": n, "roles": ["text"]} for n in _names(text)]


def looks_like_byline(text: str) -> bool:
    """A printed byline: a role label ("Bài, ảnh:", "Bài:") or names in capitals only."""
    text = clean_text(text)
    if not text or len(text) > 90:
        return False
    if BOTH_ROLES.match(text) or SPLIT_ROLES.match(text) or TEXT_ONLY.match(text) or PHOTO_ONLY.match(text):
        return True
    names = _names(text)
    return bool(names) and all(NAME.match(name) and name.upper() == name for name in names)
