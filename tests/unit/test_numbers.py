"""Numbers given as text, read as people write them."""

from __future__ import annotations

import pytest

from bhg_crawler.core.numbers import whole_number, written_number

WRITTEN = [  # text, whole -> whether it is a number so written
    ("10", True, True),
    ("-1", True, True),
    ("+3", True, True),
    ("007", True, True),
    ("1_0", True, False),  # int(): 10
    ("\u0661\u0660", True, False),  # Arabic-Indic 10; int(): 10
    ("\uff13", True, False),  # a full-width 3; int(): 3
    (" 10", True, False),  # the caller strips what it reads
    ("1.0", True, False),
    ("1e3", True, False),
    ("", True, False),
    ("0.5", False, True),
    (".5", False, True),
    ("5.", False, True),
    ("-2.5e-3", False, True),
    ("1E3", False, True),
    ("1_0.5", False, False),  # float(): 10.5
    ("nan", False, False),
    ("inf", False, False),
    ("infinity", False, False),
    ("0x10", False, False),
    (".", False, False),
    ("e3", False, False),
    ("1e", False, False),
    ("--1", False, False),
]


@pytest.mark.parametrize(("text", "whole", "written"), WRITTEN, ids=range(len(WRITTEN)))
def test_a_number_as_people_write_it(text: str, whole: bool, written: bool) -> None:
    assert written_number(text, whole) is written


@pytest.mark.parametrize(("text", "number"), [("3", 3), (" 3 ", 3), ("-4", -4), ("+12", 12)])
def test_a_whole_number_read(text: str, number: int) -> None:
    assert whole_number(text) == number


@pytest.mark.parametrize("text", ["1_0", "\u0663", "2.0", "", "three"])
def test_a_whole_number_written_otherwise_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=f"expected a whole number, not {text!r}"):
        whole_number(text)
