"""Text and dates as the sites print them: normalised text, timestamps and dates."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache

from bhg_crawler.core.clock import in_zone
from bhg_crawler.sites.profiles import SiteProfile

# Characters that print nothing: Unicode's format characters (category Cf: the zero-width space U+200B, the
# word joiner U+2060, the byte order mark U+FEFF, the soft hyphen U+00AD, the bidirectional marks...) but the
# zero-width non-joiner and joiner (U+200C, U+200D), which change how the letters around them are drawn; and
# the default-ignorable characters of other categories: the combining grapheme joiner U+034F, the Hangul
# fillers U+115F, U+1160, U+3164, U+FFA0, the Khmer inherent vowels U+17B4, U+17B5, the Mongolian free variation
# selectors U+180B-U+180D, U+180F, and the variation selectors U+FE00-U+FE0F, U+E0100-U+E01EF (an emoji's
# presentation: no text a reader reads).
INVISIBLE_BMP = (  # those of the Basic Multilingual Plane: a class of them alone is searched fast
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
)
INVISIBLE_ASTRAL = (
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\U000e0100-\U000e01ef"
)
JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ: kept inside words, but text of them alone prints nothing
INVISIBLE = re.compile(f"[{INVISIBLE_BMP}{INVISIBLE_ASTRAL}]")
_INVISIBLE_BMP = re.compile(f"[{INVISIBLE_BMP}]")
_INVISIBLE_ASTRAL = re.compile(f"[{INVISIBLE_ASTRAL}]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # one range: searched fast
_MAYBE_INVISIBLE = re.compile(f"[{INVISIBLE_BMP}\U00010000-\U0010ffff]")
_PRINTING = re.compile(f"[^\\s{INVISIBLE_BMP}{INVISIBLE_ASTRAL}{JOINERS}]")  # a character a reader sees


def _visible(text: str) -> str:
    """Text without its invisible characters (``INVISIBLE``): the text itself when it has none (searched for
    first, with the characters past the Basic Multilingual Plane: most text has none, and a search copies nothing)."""
    if not _MAYBE_INVISIBLE.search(text):
        return text
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
        if "\u200c" in text or "\u200d" in text:  # a word of joiners alone is none
            return " ".join(word for word in text.split() if word.strip(JOINERS))
    return " ".join(text.split())  # split(): the same spaces as \s


def prints(text: str | None) -> bool:
    """Whether text prints anything: more than spaces, invisible characters and joiners (``JOINERS``) alone
    (``clean_text`` of it is not "")."""
    return text is not None and _PRINTING.search(text) is not None


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

# The forms Vietnamese papers print a time of day and a date in, either first: "10:04, 20/08/2020", "Thứ Bảy,
# 17/10/2020, 14:34 (GMT+7)", "Thứ Tư, 07/01/2015 | 22:34", "06:22 thứ sáu ngày 19/03/2021", "22:34 - 07/01/2015",
# "07-01-2015 22:34", "Cập nhật: 07/01/2015 lúc 22:34", "2015-01-07 22:34", "22h34 ngày 7 tháng 1 năm 2015",
# "07/01/2015 10:34 CH" (SA/CH and AM/PM, the hour 0 or 12 for the first after midnight), seconds with a fraction,
# a GMT/UTC offset, a "Z" or a numeric offset after the time, a space before it or none ("22:34 -05:00").
WEEKDAY = r"(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|CN)"
SEP = r"[\s,|(\-\u2013\u2014]*"
GAP = rf"{SEP}(?:(?:(?:vào\s+)?lúc|ngày|{WEEKDAY}){SEP})*"  # between the date and the time
CLOCK = (
    r"(?<![\d:])(?P<H>\d{1,2})\s*(?::|h|g|giờ)\s*(?P<M>\d\d)(?::(?P<S>\d\d)(?:[.,]\d{1,9})?)?(?![\d:])"
    r"(?:\s*(?P<half>SA|CH|[AP]\.?M\.?|sáng|chiều|tối)(?!\w))?"
    r"(?P<zone>\s*\(?\s*(?:GMT|UTC)\s*(?:[+-]\s*\d{1,2}(?::?\d\d)?)?\s*\)?|\s?Z(?!\w)"
    r"|\s?[+-](?:0\d|1[0-4]):?[0-5]\d(?![\d/.:-]))?"
)
DAY = (
    r"(?:(?<![\d/.-])(?P<d>\d{1,2})(?P<s1>[/.-])(?P<m>\d{1,2})(?P=s1)(?P<y>\d{4})(?![\d/])"
    r"|(?<![\d/.-])(?P<y2>\d{4})(?P<s2>[/.-])(?P<m2>\d{1,2})(?P=s2)(?P<d2>\d{1,2})(?![\d/])"
    r"|ngày\s+(?P<d3>\d{1,2})\s+tháng\s+(?P<m3>\d{1,2})\s*(?:năm|,)\s*(?P<y3>\d{4})(?!\d))"
)
TIMESTAMPS = (
    re.compile(rf"{CLOCK}{GAP}{DAY}", re.IGNORECASE),  # the time, then the date
    re.compile(rf"{DAY}(?:T|{GAP}){CLOCK}", re.IGNORECASE),  # the date, then the time
)
CLOCK_HINT = re.compile(r"\d\s*(?::|h|g|giờ)\s*\d", re.IGNORECASE)  # no time of day without one
YEAR = re.compile(r"\d{4}")  # every date of TIMESTAMPS prints its year whole
OFFSET = re.compile(r"(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d\d))?")
AFTERNOON = ("ch", "pm", "p.m.", "p.m", "chiều", "tối")
DATE = re.compile(r"(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?![\d/])")


def _group(match: re.Match[str], *names: str) -> int:
    """The first of the groups ``names`` that matched, as a number."""
    return int(next(value for name in names if (value := match.groupdict().get(name)) is not None))


def _printed_zone(text: str | None) -> tzinfo | None:
    """The offset printed after a time ("(GMT+7)", "UTC", "Z", "+07:00"); None when none is printed or it is
    not an offset."""
    if not text or not text.strip(" ()"):
        return None
    offset = OFFSET.search(text)
    if offset is None:
        return UTC
    hours, minutes = int(offset["h"]), int(offset["m"] or 0)
    if hours > 14 or minutes > 59:
        return None
    sign = -1 if offset["sign"] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _moment(match: re.Match[str], zone: tzinfo) -> datetime | None:
    """The time a timestamp's match prints, in ``zone`` (``clock.in_zone``: the offset it prints converted, else
    read as ``zone``'s); None when it is no real time (31/02, 25:00, a 13 with "SA")."""
    hour, half = _group(match, "H"), (match.groupdict().get("half") or "").casefold().strip()
    if half and hour > 12 and not (half in AFTERNOON and hour <= 23):  # 0:05 SA is 00:05, as 12:05 SA is
        return None
    if half and hour < 12 and half in AFTERNOON:
        hour += 12
    elif half and hour == 12 and half not in AFTERNOON:
        hour = 0
    found = match.groupdict()
    try:
        printed = datetime(
            _group(match, "y", "y2", "y3"), _group(match, "m", "m2", "m3"), _group(match, "d", "d2", "d3"), hour,
            _group(match, "M"), int(found.get("S") or 0), tzinfo=_printed_zone(found.get("zone")),
        )  # fmt: skip
    except ValueError:
        return None
    return in_zone(printed, zone)


def parse_timestamp(text: str, profile: SiteProfile) -> datetime | None:
    """The first timestamp (a date with its time of day) in ``text``, in the site's time zone: in one of the
    profile's ``timestamp_formats`` or in a form papers print (``TIMESTAMPS``: time or date first, the date
    ``DD/MM/YYYY``, ``DD-MM-YYYY``, ``DD.MM.YYYY``, ``YYYY-MM-DD`` or "ngày D tháng M năm Y", the time ``HH:MM``,
    ``HHhMM`` or with seconds, SA/CH or AM/PM, a weekday, "lúc", "|" or "-" between them, spaces around the
    commas: text nodes read apart, ``tree.spaced_text``). A printed GMT/UTC offset is converted to the site's;
    with none the time is the site's. A match that is no real time (31/02) is passed over."""
    found = _first_timestamp(unicodedata.normalize("NFC", text), profile)
    return found[1] if found else None


def _first_timestamp(text: str, profile: SiteProfile) -> tuple[int, datetime] | None:
    """The first real timestamp in ``text`` (``parse_timestamp``): the length of its printed form, and its time."""
    printed = CLOCK_HINT.search(text) and YEAR.search(text)
    forms = (*profile.timestamp_formats, *(TIMESTAMPS if printed else ()))
    found = []
    for order, form in enumerate(forms):
        for match in form.finditer(text):
            moment = _moment(match, profile.timezone)
            if moment is not None:
                found.append((match.start(), order, match.end() - match.start(), moment))
                break
    return min(found)[2:] if found else None


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
    """A line that prints a time and little else (fewer than 80 characters, the timestamp at least a third of
    them): a dateline, never a paragraph ("Hội nghị khai mạc lúc 8h30 ngày 7/1/2015 tại xã Lũng Cú." is one)."""
    if len(text) >= 80:
        return False
    found = _first_timestamp(unicodedata.normalize("NFC", text), profile)
    return found is not None and 3 * found[0] >= len(text.strip())


# -- mojibake ------------------------------------------------------------------------------------

# UTF-8 read in a Latin code page (Latin-1, Windows-1252, Windows-1258): "Ã¡" for "á", "Æ°" for "ư", "áº¡"
# for "ạ", "Ä" and a quotation mark for "đ", "Ă" and an acute accent for "ô" (Windows-1258 reads the lead byte C3
# as "Ă"): a lead byte's letter and a continuation byte's symbol, which Vietnamese never prints ("ă" is always
# followed by a consonant: "ăn", "ĂN"). The pattern opens with one class of every lead letter, so that the regex
# engine skips the text between them at C speed (about 3x faster on a record than "[ÃĂÂÄÅÆ][...]|á[º»]", which
# it tries at every character); each lead letter is then told from the next character (a lookbehind).
LEAD_LETTERS = "ÃĂÂÄÅÆ"  # a lead byte of UTF-8 read in a Latin code page ("á" leads only "º" and "»")
CONTINUATION = (  # a continuation byte (0x80 to 0xBF) read so
    "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
MOJIBAKE = re.compile(f"[{LEAD_LETTERS}á](?:(?<=[{LEAD_LETTERS}]){CONTINUATION}|(?<=á)[º»])")
# Letters only a right reading of Vietnamese gives: ă đ ơ ư and the letters with a tone mark of U+1EA0-U+1EF9
# (none of them is in Latin-1 or Windows-1252; Windows-1258 writes the toned ones as a letter and a mark).
VIETNAMESE_LETTERS = re.compile("[ăĂđĐơƠưƯ\u1ea0-\u1ef9]")


def mojibake(text: str) -> str | None:
    """The first run of mojibake in ``text`` (``MOJIBAKE``), None when it has none. Text of ASCII alone has none
    (every character of a run is past ASCII) and is not searched."""
    if text.isascii():
        return None
    found = MOJIBAKE.search(text)
    return found[0] if found else None


def vietnamese_plausibility(text: str) -> int:
    """How much a reading of a page reads as Vietnamese: its Vietnamese letters (``VIETNAMESE_LETTERS``, after
    NFC) less three for each sign of a wrong reading (a replacement character, a C1 control, mojibake)."""
    text = unicodedata.normalize("NFC", text)
    wrong = text.count("\ufffd") + len(re.findall("[\u0080-\u009f]", text)) + len(MOJIBAKE.findall(text))
    return len(VIETNAMESE_LETTERS.findall(text)) - 3 * wrong


def after_label(text: str | None, labels: Iterable[str]) -> str | None:
    """What a line opening with one of ``labels`` prints after it: the text after the label and its colon
    ("Từ khóa: a, b" gives "a, b"), "" for the label alone, with or without its colon; None when the line opens
    with none. A label matches whatever its case and where its accents sit ("Từ khoá" is "Từ khóa")."""
    if not text or not label_opening(tuple(labels)).match(text):
        return None  # a line opens with a label's first letter, whatever its accent: the rest is never read
    line = unicodedata.normalize("NFD", clean_text(text))
    for label in labels:
        found = _label_pattern(clean_text(label)).match(line)
        if found:
            return unicodedata.normalize("NFC", found["rest"] or "")
    return None


@cache
def label_opening(labels: tuple[str, ...]) -> re.Pattern[str]:
    """What a line opening with one of the labels (``after_label``) opens with: spaces or invisible characters,
    then the first letter of a label whatever its case and accents. A line that does not is read no further."""
    firsts = {_base_letter(clean_text(label)) for label in labels} - {""}
    letters = "".join(_any_accent(first) for first in firsts)
    return re.compile(f"[\\s{INVISIBLE_BMP}]*[{letters}]" if letters else "(?!)")


@cache
def foreign_to(labels: tuple[str, ...]) -> re.Pattern[str]:
    """A character none of the labels prints, whatever its case and accents (a letter of none of them, a digit,
    a sign): text holding one is no piece of a label. Spaces, invisible characters and accents are in every."""
    letters = {c for label in labels for c in unicodedata.normalize("NFD", clean_text(label)) if not c.isspace()}
    printed = "".join(_any_accent(letter) for letter in sorted(letters))
    return re.compile(f"[^\\s{INVISIBLE_BMP}{INVISIBLE_ASTRAL}\u0300-\u036f{printed}]")


def _any_accent(letter: str) -> str:
    """A letter in any case with any accent, as a character class's content."""
    return re.escape(_letters_by_base().get(_base_letter(letter), letter))


@cache
def _letters_by_base() -> dict[str, str]:
    """Every character of the Basic Multilingual Plane by its base letter (``_base_letter``): "a" gives "aAàÀáÁ..."."""
    found: dict[str, list[str]] = {}
    for char in map(chr, range(0x10000)):
        found.setdefault(_base_letter(char), []).append(char)
    return {base: "".join(chars) for base, chars in found.items()}


def _base_letter(text: str) -> str:
    """Text's first letter without its accents, casefolded."""
    return unicodedata.normalize("NFD", text[:1]).casefold()[:1]


@cache
def _label_pattern(label: str) -> re.Pattern[str]:
    """A label's letters with any accents on each, then a colon and the rest, or the line's end."""
    letters = "".join(c for c in unicodedata.normalize("NFD", label) if not unicodedata.combining(c))
    spelled = "".join(r"\s+" if c.isspace() else re.escape(c) + "[\u0300-\u036f]*" for c in letters)
    return re.compile(rf"{spelled}\s*(?::\s*(?P<rest>.*)|$)", re.IGNORECASE | re.DOTALL)
