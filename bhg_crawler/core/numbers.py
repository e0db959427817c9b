"""Numbers given as text (options, settings, spider arguments) read as people write them."""

from __future__ import annotations

import re

# ASCII digits, a sign, and (not whole) a point and an exponent. Python's int() and float() take more: "1_0" as
# 10, the digits of other scripts (Arabic-Indic, full-width); float() "nan" and "infinity" too.
WRITTEN = {True: re.compile(r"[+-]?[0-9]+"), False: re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")}


def written_number(text: str, whole: bool) -> bool:
    """Whether ``text`` is a number as people write it: "10", "-1", "+3" and (not ``whole``) "0.5", ".5", "5.",
    "1e3"; not "1_0", other scripts' digits, " 10", "nan", "inf"."""
    return WRITTEN[whole].fullmatch(text) is not None


def whole_number(text: str) -> int:
    """A whole number written as such (``written_number``; spaces around it are no part of it); ``ValueError``
    saying what it must be when it is not."""
    if not written_number(text.strip(), whole=True):
        raise ValueError(f"expected a whole number, not {text!r}")
    return int(text)
