"""Text and dates as the sites print them: normalised text, timestamps and dates."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime

from bhg_crawler.sites.profiles import SiteProfile

# Characters that print nothing: Unicode's format characters (category Cf: the zero-width space U+200B, the
# word joiner U+2060, the byte order mark U+FEFF, the soft hyphen U+00AD, the bidirectional marks...) but the
# zero-width non-joiner and joiner (U+200C, U+200D), which change how the letters around them are drawn.
INVISIBLE_BMP = (  # those of the Basic Multilingual Plane: a class of them alone is searched fast
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
INVISIBLE_ASTRAL = (
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
INVISIBLE = re.compile(f"[{INVISIBLE_BMP}{INVISIBLE_ASTRAL}]")
_INVISIBLE_BMP = re.compile(f"[{INVISIBLE_BMP}]")
_INVISIBLE_ASTRAL = re.compile(f"[{INVISIBLE_ASTRAL}]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # one range: searched fast


def _visible(text: str) -> str:
    """Text without its invisible characters (``INVISIBLE``)."""
    text = _INVISIBLE_BMP.sub("", text)
    return _INVISIBLE_ASTRAL.sub("", text) if _ASTRAL.search(text) else text


# An entity of HTML closed by its semicolon: "&amp;", "&#8203;", "&#x1EA1;" (never a bare "&para" in a URL).
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def clean_text(text: str | None) -> str:
    """Text as printed: NFC, without invisible characters (``INVISIBLE``), every kind of space folded to one,
    trimmed; "" for text of only spaces and invisible characters. Entities are left as they are: the parser
    decoded the page's own (``unescaped`` decodes text still escaped)."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", _visible(text))
    return " ".join(text.split())  # split(): the same spaces as \s


def prints(text: str | None) -> bool:
    """Whether text prints anything: more than spaces and invisible characters (``clean_text`` of it is not "")."""
    if not text or text.isspace():
        return False
    return text.isascii() or _visible(text) == text or bool(clean_text(text))


def unescaped(text: str) -> str:
    """Text still escaped as HTML (a JSON-LD string a site escaped, "R&amp;D") with its entities decoded once;
    only entities closed by ";", so that "&para=2" in a URL stays."""
    if "&" not in text:
        return text
    return ENTITY.sub(lambda entity: html.unescape(entity[0]), text)


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


# -- mojibake ------------------------------------------------------------------------------------

# UTF-8 read in a Latin code page (Latin-1, Windows-1252, Windows-1258): "Ã¡" for "á", "Æ°" for "ư", "áº¡"
# for "ạ", "Ä" and a quotation mark for "đ": a lead byte's letter and a continuation byte's symbol, which
# Vietnamese never prints.
MOJIBAKE = re.compile(
    "[ÃÂÄÅÆ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|á[º»]"
)
# Letters only a right reading of Vietnamese gives: ă đ ơ ư and the letters with a tone mark of U+1EA0-U+1EF9
# (none of them is in Latin-1 or Windows-1252; Windows-1258 writes the toned ones as a letter and a mark).
VIETNAMESE_LETTERS = re.compile("[ăĂđĐơƠưƯ\u1ea0-\u1ef9]")


def mojibake(text: str) -> str | None:
    """The first run of mojibake in ``text`` (``MOJIBAKE``), None when it has none."""
    found = MOJIBAKE.search(text)
    return found[0] if found else None


def vietnamese_plausibility(text: str) -> int:
    """How much a reading of a page reads as Vietnamese: its Vietnamese letters (``VIETNAMESE_LETTERS``, after
    NFC) less three for each sign of a wrong reading (a replacement character, a C1 control, mojibake)."""
    text = unicodedata.normalize("NFC", text)
    wrong = text.count("\ufffd") + len(re.findall("[\u0080-\u009f]", text)) + len(MOJIBAKE.findall(text))
    return len(VIETNAMESE_LETTERS.findall(text)) - 3 * wrong
