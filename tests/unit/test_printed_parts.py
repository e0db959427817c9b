"""The parts of an article a page prints around its body text: line breaks, the lede, the byline, the tags."""

from __future__ import annotations

import pytest

from tests.unit.test_markup import HG_URL, P1, P2, TQ_URL, era_a, record, tuyen_quang

# -- a <br> inside a body paragraph is a line break in it --------------------------------------------------------

QUOTE = "Theo ông Vàng Mí Sử: “Hoa tam giác mạch đã giúp bà con có thêm thu nhập từ du lịch”."
MORE = "Mỗi ngày xã đón khoảng 1.500 lượt khách."


@pytest.mark.parametrize(
    ("content", "body_text"),
    [
        (f"<p>{P1}</p><p><span>{QUOTE}</span><br><span>{MORE}</span></p>", f"{P1}\n\n{QUOTE}\n{MORE}"),
        (f"<p>{P1}<br>\n  {P2}</p>", f"{P1}\n{P2}"),  # the source's own newlines are spaces
        (f"<p>{P1}<br><br>{P2}</p>", f"{P1}\n\n{P2}"),  # two in a row end the paragraph
        (f"<p>{P1}<br> &nbsp; <br>{P2}</p>", f"{P1}\n\n{P2}"),
        (f"<p><br>{P1}<br></p><p>{P2}</p>", f"{P1}\n\n{P2}"),  # a <br> at an end breaks no line
        (f"<div>Dòng một<br>dòng <b>hai</b><br>dòng ba</div><p>{P2}</p>", f"Dòng một\ndòng hai\ndòng ba\n\n{P2}"),
        (f"<p>{P1} <br> {P2}</p>", f"{P1}\n{P2}"),
    ],
)  # fmt: skip
def test_a_line_break_in_a_body_paragraph_is_a_newline_in_it(content: str, body_text: str) -> None:
    found = record(era_a(f"<p>BHG - {P2}</p>{content}"))
    assert found["body_text"] == body_text
    assert found["word_count"] == len(body_text.split())
