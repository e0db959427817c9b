"""The text of a page as a reader copies it: one line per block, image alt text included.

Apart from ``bhg_crawler.pages.lines_of`` on purpose: it keeps no-break-space lines and alt text, as
the seed's text copy does, and it checks the replica independently of the crawler's own code.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "tbody",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "main",
    "nav",
    "br",
    "figure",
    "figcaption",
}
SPACES = re.compile(r"[ \t\r\n]+")


def visible_lines(fragment: lxml_html.HtmlElement) -> list[str]:
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = SPACES.sub(" ", "".join(current)).strip(" \t\r\n")
        if line:
            lines.append(line)
        current.clear()

    def walk(element: lxml_html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("script", "style"):
            return
        if tag == "img":
            flush()
            current.append(element.get("alt", ""))
            flush()
        block = tag in BLOCKS
        if block:
            flush()
        current.append(element.text or "")
        for child in element:
            walk(child)
            current.append(child.tail or "")
        if block:
            flush()

    walk(fragment)
    flush()
    return lines
