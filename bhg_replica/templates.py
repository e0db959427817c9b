"""The replica's article templates: the classic one, a redesign, and a broken one.

A redesign is what a site does to a crawler on a quiet Tuesday: every class and id renamed, the image
tables wrapped, and on a quarter of the pages the printed time and the og: tags gone, with the facts
left only in JSON-LD. The broken template loses the article body. The content never changes.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import datetime
from typing import Any

from lxml import html as lxml_html

from bhg_replica.catalog import Slot
from bhg_replica.content import Writer

TEMPLATES = ("classic", "redesigned", "broken")
TIME_CLASSES = ("date-detail", "article__time", "detail-time")
BODY_CLASSES = ("content-detail", "article__body", "detail-content")


def _has_class(element: Any, names: tuple[str, ...]) -> bool:
    return bool(set((element.get("class") or "").split()) & set(names))


def jsonld_only(article_id: str) -> bool:
    """A quarter of the redesigned pages print no time and carry no og: tags: JSON-LD only."""
    return hashlib.sha256(f"jsonld:{article_id}".encode()).digest()[0] < 64


def redesign(page: str, article_id: str, facts: dict[str, Any]) -> str:
    tree = lxml_html.document_fromstring(page)
    if jsonld_only(article_id):
        for element in list(tree.iter()):
            if isinstance(element.tag, str) and _has_class(element, TIME_CLASSES):
                element.drop_tree()
        for meta in tree.xpath('//meta[starts-with(@property, "og:") or starts-with(@property, "article:")]'):
            meta.drop_tree()
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


def break_body(page: str) -> str:
    tree = lxml_html.document_fromstring(page)
    for element in list(tree.iter()):
        if isinstance(element.tag, str) and _has_class(element, BODY_CLASSES):
            element.drop_tree()
    return "<!DOCTYPE html>\n" + lxml_html.tostring(tree, encoding="unicode")


def dressed(page: str, template: str, writer: Writer, slot: Slot, modified: datetime) -> str:
    """An article page in the replica's template: as rendered, redesigned, or broken."""
    if template == "redesigned":
        article = writer.article(slot.article_id)
        facts = {"headline": article.title, "datePublished": slot.published.isoformat(),
                 "dateModified": modified.isoformat(), "url": writer.canonical_url(slot),
                 "author": [{"@type": "Person", "name": a.name} for a in article.authors]}  # fmt: skip
        return redesign(page, slot.article_id, facts)
    if template == "broken":
        return break_body(page)
    return page
