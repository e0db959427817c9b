"""The replica's article templates: the families as they are, a redesign of them, and a broken one.

A redesign is what a site does to a crawler on a quiet Tuesday: every class and id renamed, the image
tables wrapped, and on a quarter of the pages the printed time and the og: tags gone, with the facts
left only in JSON-LD. The broken template loses the article body. The content never changes. Both apply to every
template family: each says where its pages print the time and the body (``Family.time_css``, ``Family.body_css``).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import datetime
from typing import Any

from lxml import html as lxml_html

from bhg_replica.catalog import Slot
from bhg_replica.content import Writer, reader_text

TEMPLATES = ("classic", "redesigned", "broken")


def jsonld_only(article_id: str) -> bool:
    """A quarter of the redesigned pages print no time and carry no og: tags: JSON-LD only."""
    return hashlib.sha256(f"jsonld:{article_id}".encode()).digest()[0] < 64


def _drop(tree: Any, css: str) -> None:
    for element in tree.cssselect(css):
        element.drop_tree()


def redesign(page: str, article_id: str, facts: dict[str, Any], time_css: str) -> str:
    """The page with every class and id renamed and its tables wrapped; JSON-LD only for some (``jsonld_only``),
    their time (``time_css``) and og: tags dropped."""
    tree = lxml_html.document_fromstring(page)
    if jsonld_only(article_id):
        _drop(tree, time_css)
        _drop(tree, 'meta[property^="og:"], meta[property^="article:"]')
        script = lxml_html.Element("script", {"type": "application/ld+json"})
        script.text = json.dumps(
            {"@context": "https://schema.org", "@type": "NewsArticle", **facts}, ensure_ascii=False
        )
        head = tree.find("head")
        if head is not None:
            head.append(script)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("class", "id"):
            value = element.get(attribute)
            if value:
                element.set(attribute, " ".join(f"r{zlib.crc32(name.encode()):08x}" for name in value.split()))
    for table in list(tree.iter("table")):
        parent = table.getparent()
        if parent is not None:
            wrapper = lxml_html.Element("div", {"class": "r-figure"})
            parent.replace(table, wrapper)
            wrapper.append(table)
    return "<!DOCTYPE html>\n" + lxml_html.tostring(tree, encoding="unicode")


def break_body(page: str, body_css: str) -> str:
    """The page without its article body (``body_css``)."""
    tree = lxml_html.document_fromstring(page)
    _drop(tree, body_css)
    return "<!DOCTYPE html>\n" + lxml_html.tostring(tree, encoding="unicode")


def dressed(
    page: str, template: str, writer: Writer, slot: Slot, modified: datetime, time_css: str, body_css: str
) -> str:
    """An article page in the replica's template: as its family prints it, redesigned, or broken; ``time_css`` and
    ``body_css`` say where the page prints the time and the body."""
    if template == "redesigned":
        article = writer.article(slot.article_id)
        facts = {"headline": reader_text(article.title), "datePublished": slot.published.isoformat(),
                 "dateModified": modified.isoformat(), "url": writer.canonical_url(slot),
                 "author": [{"@type": "Person", "name": a.name} for a in article.authors]}  # fmt: skip
        return redesign(page, slot.article_id, facts, time_css)
    if template == "broken":
        return break_body(page, body_css)
    return page
