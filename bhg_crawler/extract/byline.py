"""Bylines as the sites print them: whether a line is one, and the authors and roles it names."""

from __future__ import annotations

import re

from bhg_crawler.extract.record import Author, Role
from bhg_crawler.extract.text import clean_text

BOTH_ROLES = re.compile(r"^(?:Bài\s*(?:,|và)\s*ảnh|Ảnh\s*(?:,|và)\s*bài)\s*:\s*(?P<names>.+)$", re.IGNORECASE)
# "Bài: A - Ảnh: B", or "Bài: A Ảnh: B" when the two were lines of a block (a ``<br>`` between them).
SPLIT_ROLES = re.compile(r"^Bài\s*:\s*(?P<text>.+?)\s*(?:[-\u2013;,]\s*)?Ảnh\s*:\s*(?P<photo>.+)$", re.IGNORECASE)
TEXT_ONLY = re.compile(r"^(?:Bài|Tin)\s*:\s*(?P<names>.+)$", re.IGNORECASE)
PHOTO_ONLY = re.compile(r"^Ảnh\s*:\s*(?P<names>.+)$", re.IGNORECASE)
NAME_SEPARATOR = re.compile(r"\s+[-\u2013]\s+|\s*,\s*|\s+và\s+")
# A printed name: capitals (with Vietnamese letters), dots, spaces; "T.PHƯƠNG", "MINH HUỆ".
NAME = re.compile(r"^[A-ZÀ-ỸĐ][A-ZÀ-ỸĐ.\s]{1,40}$")


def _names(text: str) -> list[str]:
    return [name for name in (clean_text(part) for part in NAME_SEPARATOR.split(text)) if name]


def parse_byline(byline: str | None) -> list[Author]:
    """Authors and their roles from a printed byline: "Bài, ảnh: T.PHƯƠNG - N.PHƯƠNG" gives both "text" and
    "photo" to each; "Bài: A - Ảnh: B" "text" to A and "photo" to B; bare names "text"."""
    text = clean_text(byline)
    if not text:
        return []
    if match := BOTH_ROLES.match(text):
        return [{"name": n, "roles": ["text", "photo"]} for n in _names(match["names"])]
    if match := SPLIT_ROLES.match(text):
        text_names, photo_names = _names(match["text"]), _names(match["photo"])
        authors: dict[str, list[Role]] = {}
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
