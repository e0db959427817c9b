"""The JSON lines of the exports: the bytes of the standard library's compact encoding, written faster."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bhg_crawler.core.files import json_line


def plain(record: Any) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


@pytest.mark.parametrize(
    ("record", "line"),
    [
        ({"title": "Hà Giang: đường lên Lũng Cú"}, '{"title":"Hà Giang: đường lên Lũng Cú"}\n'.encode()),
        ({"a": 'q"\\/\n\t\x00\x1f'}, b'{"a":"q\\"\\\\/\\n\\t\\u0000\\u001f"}\n'),
        ({"a": "x\u2028y\u00adz\ufeff"}, '{"a":"x\u2028y\u00adz\ufeff"}\n'.encode()),  # kept, as the standard library
        ({"version": 3, "file": None, "ok": True, "images": []}, b'{"version":3,"file":null,"ok":true,"images":[]}\n'),
        ({"n": 1e16, "m": 0.1, "z": -0.0, "one": 1.0}, b'{"n":1e+16,"m":0.1,"z":-0.0,"one":1.0}\n'),
        ({"pair": (1, 2)}, b'{"pair":[1,2]}\n'),
        ({"big": 2**70}, b'{"big":1180591620717411303424}\n'),  # past 64 bits: the standard library writes it
        ({1: "x", "b": {2: 3}}, b'{"1":"x","b":{"2":3}}\n'),  # keys that are not strings: likewise
        ({"x": float("nan"), "y": float("inf")}, b'{"x":null,"y":null}\n'),  # JSON has no NaN
    ],
    ids=["vietnamese", "escapes", "invisible", "kinds", "floats", "tuple", "big-int", "int-keys", "not-finite"],
)
def test_a_line_is_the_standard_encoding(record: dict[Any, Any], line: bytes) -> None:
    assert json_line(record) == line
    assert json.loads(line) == json.loads(plain(record).replace(b"NaN", b"null").replace(b"Infinity", b"null"))


@pytest.mark.parametrize(
    ("record", "error"),
    [({"a": object()}, TypeError), ({"a": {1, 2}}, TypeError), ({"a": "\ud800"}, UnicodeEncodeError)],
    ids=["object", "set", "lone-surrogate"],
)
def test_what_json_cannot_hold_raises_as_the_standard_library(record: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        plain(record)
    with pytest.raises(error):
        json_line(record)


def values(numbers: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Records of JSON values whose numbers are drawn from ``numbers``."""
    leaves = st.none() | st.booleans() | numbers | st.text(st.characters(exclude_categories=["Cs"]))
    nested = st.recursive(
        leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    )
    return st.dictionaries(st.text(max_size=8), nested, max_size=6)


@given(values(st.integers(min_value=-(2**80), max_value=2**80)))
def test_a_record_without_fractions_is_written_byte_for_byte_as_the_standard_library(record: dict[str, Any]) -> None:
    assert json_line(record) == plain(record)


@given(values(st.floats(allow_nan=False, allow_infinity=False)))
def test_a_fraction_may_be_spelled_otherwise_but_reads_the_same(record: dict[str, Any]) -> None:
    assert json.loads(json_line(record)) == json.loads(plain(record))  # 6.103515625e-05 is written 0.00006103515625
