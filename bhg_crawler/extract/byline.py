"""Bylines as the sites print them: whether a line is one, and the authors and roles it names."""

from __future__ import annotations

import re

from bhg_crawler.extract.record import Author, Role
from bhg_crawler.extract.text import clean_text

# "Bài, ảnh:", "Tin và ảnh:", "Ảnh, bài:" ("bài": the article, "tin": the news item, "ảnh": the photos).
BOTH_ROLES = re.compile(
    r"^(?:(?:Bài|Tin)\s*(?:,|và)\s*ảnh|Ảnh\s*(?:,|và)\s*(?:bài|tin))\s*:\s*(?P<names>.+)$", re.IGNORECASE
)
# "Bài: A - Ảnh: B", or "Bài: A Ảnh: B" when the two were lines of a block (a ``<br>`` between them).
SPLIT_ROLES = re.compile(
    r"^(?:Bài|Tin)\s*:\s*(?P<text>.+?)\s*(?:[-\u2013;,]\s*)?Ảnh\s*:\s*(?P<photo>.+)$", re.IGNORECASE
)
TEXT_ONLY = re.compile(r"^(?:Bài|Tin)\s*:\s*(?P<names>.+)$", re.IGNORECASE)
PHOTO_ONLY = re.compile(r"^Ảnh\s*:\s*(?P<names>.+)$", re.IGNORECASE)
NAME_SEPARATOR = re.compile(r"\s+[-\u2013]\s+|\s*,\s*|\s+và\s+")
# A printed name: capitals (with Vietnamese letters), dots, spaces; "T.PHƯƠNG", "MINH HUỆ".
NAME = re.compile(r"^[A-ZÀ-ỸĐ][A-ZÀ-ỸĐ.\s]{1,40}$")
# The paper or agency a name writes for, printed after it: "Thu Phương (TTXVN)", "Lê Hà - Báo Tuyên Quang".
OUTLET = re.compile(r"^(?:TTXVN(?:/\S+)?|VNA|(?:Báo|Đài|Tạp chí|Thông tấn xã)\s.+)$", re.IGNORECASE)
IN_PARENTHESES = re.compile(r"\s*\([^()]{2,40}\)$")  # "(TTXVN)", "(CTV)" after a name
# Places printed alone that read as a name in upper and lower case; they are never taken for a byline.
INITIALS = re.compile(r"[.\s]+")
PLACES = frozenset(["Việt Nam", "Hà Nội", "Hà Giang", "Tuyên Quang", "Thành phố Hồ Chí Minh"])


def _names(text: str) -> list[str]:
    """The names of a byline's text, the outlets they write for left out."""
    parts = (clean_text(IN_PARENTHESES.sub("", part)) for part in NAME_SEPARATOR.split(text))
    return [name for name in parts if name and not OUTLET.match(name)]


def _capitalised(word: str) -> bool:
    """A word of a name in upper and lower case: "Phương", "A", or initials before one ("T.Phương", "Đ.T.Hà",
    "T.")."""
    *initials, last = word.split(".")
    if not all(len(letter) == 1 and letter.isupper() for letter in initials):
        return False
    if not last:
        return bool(initials)
    return last.isalpha() and last[0].isupper() and (len(last) == 1 or last[1:].islower())


def is_name(name: str, any_case: bool = True) -> bool:
    """A person's name as a byline prints it: in capitals ("THU PHƯƠNG", "T.PHƯƠNG", "OCOP" too), or, with
    ``any_case``, 2 to 4 capitalised words ("Thu Phương", "Nguyễn Thị Minh Khai", "T. Hà"), never a place
    alone (``PLACES``)."""
    if NAME.match(name) and name.upper() == name:
        return True
    words = name.split()
    letters = len(INITIALS.split(name.strip(".")))  # "T.Phương" is two
    return any_case and 2 <= letters <= 4 and all(map(_capitalised, words)) and name not in PLACES


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


def looks_like_byline(text: str, any_case: bool = True) -> bool:
    """A printed byline: a role label ("Bài, ảnh:", "Tin, ảnh:", "Bài:"), or names alone (``is_name``: in
    capitals, or with ``any_case`` in upper and lower case, "Thu Phương"), maybe with the outlet they write for
    ("Lê Hà (TTXVN)", "Lê Hà - Báo Tuyên Quang"). A sentence is none: "Xin cảm ơn." has words in lower case,
    "Thu Phương." ends as a sentence ends."""
    text = clean_text(text)
    if not text or len(text) > 90:
        return False
    if BOTH_ROLES.match(text) or SPLIT_ROLES.match(text) or TEXT_ONLY.match(text) or PHOTO_ONLY.match(text):
        return True
    names = _names(text)
    return bool(names) and all(is_name(name, any_case) for name in names)
