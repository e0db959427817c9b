"""Article pages: every field of an article, from its HTML and URL, with no crawler.

Each field is read by the profile's CSS selectors first (fast, but the class names are guesses), and
then from what the site always prints whatever its markup: the URL shape, the "HH:MM, DD/MM/YYYY"
timestamp, the "BHG - " lede, the byline forms, the "Cùng chuyên mục" heading and CKEditor image
tables; then from the page's og: tags, JSON-LD and canonical link; and last, for the title, the body
and the date, from a generic extractor (trafilatura).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from bhg_crawler.extract.byline import looks_like_byline, parse_byline
from bhg_crawler.extract.text import clean_text, parse_date, parse_timestamp
from bhg_crawler.extract.tree import BLOCK_TAGS, PAGE_FURNITURE, SKIPPED, TEXT_BLOCKS, Page, lines_of
from bhg_crawler.sites.urls import ArticleUrl, article_url, canonical_url, section_of

LAYERS = ("selectors", "patterns", "metadata", "generic")  # the extraction layers, fastest and surest first
# The generic layer's body is taken only if this much text is left once the title, the lede, timestamps,
# link texts and the related block are set aside: less is the page's furniture, not an article.
GENERIC_MIN_CHARS = 150
GENERIC_DATE = "%Y-%m-%dT%H:%M:%S"
FILE_NAME = re.compile(r"^[\w\-. ()]+\.(?:png|jpe?g|gif|webp|bmp)$", re.IGNORECASE)
CREDIT_IN_PARENS = re.compile(r"\s*\((?:Ảnh|Photo)\s*:?\s*(?P<credit>[^()]+)\)\s*$", re.IGNORECASE)
CREDIT_AFTER = re.compile(r"(?<=[.!?…”\"])\s*(?:Ảnh|Photo)\s*:\s*(?P<credit>[^.]{2,60})$", re.IGNORECASE)
# Elements with text of their own and links inside: where a "Từ khóa:" label and its tags are.
LABELLED_LINKS = etree.XPath("//*[normalize-space(text()) and .//a]")


def _dense(text: str) -> str:
    """Text without its spaces, casefolded: to find a line in text that ran blocks together."""
    return "".join(text.split()).casefold()


def split_caption(printed: str) -> tuple[str | None, str | None]:
    """(caption, credit) from a printed caption: " |" endings and "(Ảnh CTV)" / "Ảnh: X" credits apart."""
    text = clean_text(printed).removesuffix("|").strip()
    credit = None
    for pattern in (CREDIT_IN_PARENS, CREDIT_AFTER):
        match = pattern.search(text)
        if match:
            credit = match["credit"].strip()
            text = text[: match.start()].strip()
            break
    return (text or None), credit


class ArticlePage(Page):
    """One article: every field of the record, each from the fastest trustworthy source."""

    record_layers: dict[str, str]  # set by ``record()``: the layer each field with a value came from

    # -- where things are ---------------------------------------------------------------------

    @cached_property
    def layers(self) -> dict[str, str]:
        """The layer each field came from, as the field methods find out (see ``extraction``)."""
        return {}

    @cached_property
    def json_ld(self) -> dict[str, Any]:
        """The page's JSON-LD NewsArticle (or Article), if it has one; else empty."""
        for text in self.select('script[type="application/ld+json"]::text'):
            try:
                data = json.loads(text)
            except ValueError:
                continue
            for node in data if isinstance(data, list) else [*data.get("@graph", []), data]:
                if isinstance(node, dict) and node.get("@type") in ("NewsArticle", "Article", "ReportageNewsArticle"):
                    return node
        return {}

    @cached_property
    def generic(self) -> Any:
        """trafilatura's reading of the page (a ``Document``, or None): the last resort for title, body, date.

        It is given a copy of the tree, which it prunes, without the related block: its dates are other
        articles'. A date it finds with no time of day is midnight.
        """
        tree = copy.deepcopy(self.root)
        if self.related_block is not None:
            for twin in tree.xpath(self.root.getroottree().getpath(self.related_block)):
                twin.drop_tree()
        return trafilatura.bare_extraction(
            tree,
            url=self.url,
            fast=True,
            with_metadata=True,
            include_comments=False,
            date_extraction_params={"original_date": False, "extensive_search": True, "outputformat": GENERIC_DATE},
        )

    def _generic_paragraphs(self) -> list[str]:
        """The generic layer's body, less what is known not to be the body: link texts (menus, related
        items), timestamps and datelines, and any text of the title, the lede, image captions, the related
        block or the page furniture; nothing when what is left is shorter than ``GENERIC_MIN_CHARS``."""
        text = self.generic.text if self.generic is not None else None
        if not text:
            return []
        links = {clean_text(a.text_content()) for a in self.root.iter("a")}
        figures = (e for e in self.root.iter("table", "figure") if e.find(".//img") is not None)
        elements = [self.title_element, self.lede_element, self.related_block, *self.root.iter(*PAGE_FURNITURE)]
        known = [clean_text(element.text_content()) for element in [*elements, *figures] if element is not None]
        aside = _dense(" ".join([*known, self.title() or "", self.lede()[0] or ""]))
        kept = [
            line
            for line in (clean_text(line).strip("| ") for line in text.splitlines())
            if any(c.isalpha() for c in line)
            and line not in links
            and _dense(line.lstrip("-\u2013\u2022* ")) not in aside
            and parse_timestamp(line, self.profile) is None
            and not (len(line) < 60 and parse_date(line) is not None)  # a dateline
        ]
        return kept if sum(map(len, kept)) >= GENERIC_MIN_CHARS else []

    @cached_property
    def article(self) -> ArticleUrl | None:
        own = article_url(self.url, self.profile)
        declared = next(iter(self.select('link[rel="canonical"]::attr(href)')), None)
        if declared:
            stated = article_url(urljoin(self.url, declared), self.profile)
            if stated is not None and (own is None or stated.article_id == own.article_id):
                return stated
        return own

    @cached_property
    def related_block(self) -> HtmlElement | None:
        fast = self.first(self.profile.selectors.related)
        if fast is not None:
            return fast
        headings = {clean_text(h).casefold() for h in self.profile.related_headings}
        for element in self.root.iter():
            if not isinstance(element.tag, str) or element.tag in SKIPPED:
                continue
            own = clean_text(element.text_content())
            if own.casefold() in headings:
                container = element.getparent()
                while container is not None and not self.article_links(container):
                    container = container.getparent()
                return container
        return None

    def _outside_related(self, element: HtmlElement) -> bool:
        block = self.related_block
        return block is None or not any(ancestor is block for ancestor in element.iterancestors())

    @cached_property
    def title_element(self) -> HtmlElement | None:
        fast = self.first(self.profile.selectors.title)
        if fast is not None:
            return fast
        for h1 in self.root.iter("h1"):
            if clean_text(h1.text_content()):
                return h1
        return None

    @cached_property
    def body_element(self) -> HtmlElement | None:
        fast = self.first(self.profile.selectors.body)
        if fast is not None:
            return fast
        best = self._densest_paragraph_parent()
        lede = self.lede_element
        if best is None or (lede is not None and any(a is best for a in lede.iterancestors())):
            return None
        return best

    @cached_property
    def _article_span(self) -> set[HtmlElement]:
        """The elements from the title to the related block (or the end), page furniture aside."""
        elements = self._after_title()
        related = self.related_block
        end = next((i for i, e in enumerate(elements) if e is related), len(elements))
        return {e for e in elements[:end] if not any(a.tag in PAGE_FURNITURE for a in (e, *e.iterancestors()))}

    def _densest_paragraph_parent(self) -> HtmlElement | None:
        """The element holding the most paragraph text between the title and the related block."""
        weight: dict[HtmlElement, int] = {}
        span = self._article_span
        for p in self.root.iter("p"):
            parent = p.getparent()
            if parent is None or p not in span:
                continue
            weight[parent] = weight.get(parent, 0) + len(clean_text(p.text_content()))
        return max(weight, key=lambda element: weight[element]) if weight else None

    @cached_property
    def lede_element(self) -> HtmlElement | None:
        fast = self.first(self.profile.selectors.lede)
        if fast is not None:
            return fast
        after_title = self._after_title()
        for element in after_title:
            if element.tag in ("p", "div", "h2", "h3", "span", "strong", "b") and self._outside_related(element):
                text = clean_text(element.text_content())
                if self.profile.lede_prefix.match(text) and len(text) < 1500:
                    return element
        # No prefix: the first block of text between the timestamp (or the title, when the page prints
        # no time) and the body.
        body = self._densest_paragraph_parent()
        before_body = after_title[: next((i for i, e in enumerate(after_title) if e is body), len(after_title))]
        seen_time = not any(
            parse_timestamp(e.text or "", self.profile) is not None for e in before_body if self._outside_related(e)
        )
        for element in after_title:
            if element is body:
                return None
            text = clean_text(element.text_content())
            if not seen_time:
                seen_time = parse_timestamp(text, self.profile) is not None and len(text) < 80
                continue
            if body is not None and any(a is element for a in body.iterancestors()):
                continue
            if (
                element.tag in BLOCK_TAGS
                and len(text) > 30
                and not any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in element)
            ):
                return element
        return None

    def _after_title(self) -> list[HtmlElement]:
        elements = [e for e in self.root.iter() if isinstance(e.tag, str)]
        title = self.title_element
        if title is None:
            return elements
        at = next(i for i, element in enumerate(elements) if element is title)
        return elements[at + 1 :]

    # -- fields ---------------------------------------------------------------------------------

    def title(self) -> str | None:
        if self.title_element is not None:
            self.layers["title"] = "selectors" if self.first(self.profile.selectors.title) is not None else "patterns"
            return clean_text(self.title_element.text_content()) or None
        self.layers["title"] = "metadata"
        og = self.meta("og:title") or clean_text(str(self.json_ld.get("headline") or ""))
        if og:
            return og
        title = self.profile.title_suffix.sub("", clean_text("".join(self.select("title::text"))))
        if title:
            return title
        self.layers["title"] = "generic"
        return clean_text(self.generic.title or "") or None if self.generic is not None else None

    def published_at(self) -> datetime | None:
        fast = self.first(self.profile.selectors.time)
        if fast is not None:
            stamp = parse_timestamp(fast.text_content(), self.profile)
            if stamp is not None:
                self.layers["published_at"] = "selectors"
                return stamp
        self.layers["published_at"] = "patterns"
        for element in self._after_title():
            if self._outside_related(element):
                stamp = parse_timestamp(element.text or "", self.profile)
                if stamp is not None:
                    return stamp
        self.layers["published_at"] = "metadata"
        for declared in (self.meta("article:published_time"), self.json_ld.get("datePublished")):
            if isinstance(declared, str) and declared:
                try:
                    return datetime.fromisoformat(declared)
                except ValueError:
                    continue
        self.layers["published_at"] = "generic"
        found = self.generic.date if self.generic is not None else None
        if not found:
            return None
        date = datetime.strptime(found, GENERIC_DATE).replace(tzinfo=self.profile.timezone)
        month = self.article.month if self.article else ""
        return date if not month or date.strftime("%Y%m") == month else None  # the URL says when, roughly

    def extraction(self, record: dict[str, Any]) -> dict[str, Any]:
        """How the record was extracted: the last layer any field needed, and the fields not from selectors.

        Layers, fastest first: ``selectors`` (the profile's CSS), ``patterns`` (what the site always
        prints: timestamps, lede prefix, byline forms, the related heading, the densest paragraphs),
        ``metadata`` (og: tags, JSON-LD, the ``<title>``), ``generic`` (trafilatura: title, body, date).
        """
        layers = self.record_layers = self.field_layers(record)
        return {
            "layer": max(layers.values(), key=LAYERS.index, default=LAYERS[0]),
            "fields_from_fallback": sorted(f for f, layer in layers.items() if layer != LAYERS[0]),
        }

    def field_layers(self, record: dict[str, Any]) -> dict[str, str]:
        """The layer each field of the record that has a value came from."""
        selectors = self.profile.selectors
        body_layer = self.layers.get("body_text") or (
            "selectors" if self.first(selectors.body) is not None else "patterns"
        )
        lede_fast = self.lede_element is not None and self.lede_element is self.first(selectors.lede)
        found = {
            "title": self.layers.get("title"),
            "published_at": self.layers.get("published_at"),
            "lede": "selectors" if lede_fast else "patterns" if self.lede_element is not None else "metadata",
            "body_text": body_layer,
            "byline": body_layer if self._body_parts[2] else
                      "selectors" if self.first(selectors.byline) is not None else "patterns",
            "related": "selectors" if self.first(selectors.related) is not None else "patterns",
            "tags": "selectors" if self.select(selectors.tags) else "patterns",
        }  # fmt: skip
        present = {"body_text": record["paragraphs"]}
        return {f: layer for f, layer in found.items() if layer and (present.get(f) or record.get(f))}

    def lede(self) -> tuple[str | None, str | None]:
        """(lede without its prefix, tag)."""
        text = clean_text(self.lede_element.text_content()) if self.lede_element is not None else ""
        if not text:
            text = self.meta("og:description", "description") or ""
        match = self.profile.lede_prefix.match(text)
        if match:
            return text[match.end() :].strip() or None, match["tag"]
        return text or None, None

    @cached_property
    def _blocks(self) -> list[tuple[str, Any]]:
        """The body as ("text", str) and ("image", dict) blocks in reading order."""
        body = self.body_element
        if body is None:
            return []
        blocks: list[tuple[str, Any]] = []
        self._walk_body(body, blocks)
        return blocks

    def _walk_body(self, element: HtmlElement, blocks: list[tuple[str, Any]]) -> None:
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in SKIPPED or not tag:
                continue
            if (tag in ("table", "figure") and child.find(".//img") is not None) or tag == "img":
                blocks.append(("image", self._image(child)))
            elif tag in TEXT_BLOCKS or not any(
                isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in child.iterdescendants()
            ):
                for img in child.iter("img"):
                    blocks.append(("image", self._image(img)))
                text = clean_text(child.text_content())
                if text:
                    blocks.append(("text", text))
            else:
                if clean_text(child.text or ""):
                    blocks.append(("text", clean_text(child.text)))
                self._walk_body(child, blocks)
            if clean_text(child.tail or ""):
                blocks.append(("text", clean_text(child.tail)))

    def _image(self, element: HtmlElement) -> dict[str, str | None]:
        img = element if element.tag == "img" else element.find(".//img")
        assert img is not None  # callers pass an image or an element holding one
        src = (img.get("src") or img.get("data-src") or "").strip()
        alt = clean_text(img.get("alt"))
        printed = ""
        if element.tag != "img":
            printed = " ".join(
                clean_text(cell.text_content())
                for cell in element.iter("td", "th", "figcaption", "p")
                if cell.find(".//img") is None and clean_text(cell.text_content())
            )
        if not printed and alt and not FILE_NAME.match(alt):
            printed = alt
        caption, credit = split_caption(printed) if printed else (None, None)
        url = canonical_url(urljoin(self.url, src), self.profile) if src else None
        return {"url": url, "caption": caption, "credit": credit}

    @cached_property
    def _body_parts(self) -> tuple[list[str], list[dict[str, str | None]], str | None]:
        """(paragraphs, images, byline printed at the end of the body)."""
        lede, _ = self.lede()
        printed_lede = clean_text(self.lede_element.text_content()) if self.lede_element is not None else None
        paragraphs = [text for kind, text in self._blocks if kind == "text"]
        images = [image for kind, image in self._blocks if kind == "image" and image["url"]]
        if not paragraphs:
            paragraphs = self._generic_paragraphs()
            self.layers["body_text"] = "generic"
        if paragraphs and (paragraphs[0] == printed_lede or paragraphs[0] == lede):
            paragraphs = paragraphs[1:]  # the 2014 pages repeat the lede
        byline = None
        if paragraphs and looks_like_byline(paragraphs[-1]):
            byline = paragraphs.pop()
        return paragraphs, images, byline

    def byline(self) -> str | None:
        _, _, in_body = self._body_parts
        if in_body:
            return in_body
        fast = self.first(self.profile.selectors.byline)
        if fast is not None and clean_text(fast.text_content()):
            return clean_text(fast.text_content())
        body = self.body_element
        if body is None:
            return None
        # A block of its own between the body and the related items.
        elements = [e for e in self.root.iter() if isinstance(e.tag, str)]
        start = next(i for i, e in enumerate(elements) if e is body)
        inside = {id(d) for d in body.iterdescendants()}
        for element in elements[start + 1 :]:
            if id(element) in inside:
                continue
            if not self._outside_related(element) or element is self.related_block:
                break
            if element.tag == "a" or element.find(".//a") is not None or len(element) > 2:
                continue  # links are tags or navigation, never a byline
            text = clean_text(element.text_content())
            if text and looks_like_byline(text):
                return text
        return None

    def tags(self) -> list[str]:
        fast = self.select(self.profile.selectors.tags)
        if fast:
            return [clean_text(a.text_content()) for a in fast if clean_text(a.text_content())]
        label = self.profile.tags_label.casefold()
        for element in LABELLED_LINKS(self.root):
            if clean_text(element.text).casefold().startswith(label):
                return [clean_text(a.text_content()) for a in element.iter("a") if clean_text(a.text_content())]
        return []

    def related(self) -> list[dict[str, str | None]]:
        block = self.related_block
        if block is None:
            return []
        items: dict[str, dict[str, str | None]] = {}
        for anchor, _, article in self.article_links(block):
            if article.article_id in items or (self.article and article.article_id == self.article.article_id):
                continue
            item = anchor
            while True:
                parent = item.getparent()
                if parent is None or parent is block:
                    break
                if {a.article_id for _, _, a in self.article_links(parent)} != {article.article_id}:
                    break
                item = parent
            title = max(
                (clean_text(a.text_content()) for a, _, other in self.article_links(item) if other == article),
                key=len,
            )
            lines = lines_of(item)
            lede = next((line for line in lines if line != title and parse_date(line) is None), None)
            prefix = self.profile.lede_prefix.match(lede or "")
            if lede and prefix:
                lede = lede[prefix.end() :].strip() or None
            items[article.article_id] = {
                "url": article.canonical,
                "title": title or None,
                "lede": lede,
                "published_date": parse_date(" ".join(lines)),
            }
        return list(items.values())

    def section(self) -> dict[str, str] | None:
        """The section in the URL, else the one the page links to as its own (``.html`` URLs say none)."""
        if self.article is None:
            return None
        slug = self.article.section or self._section_on_page()
        if not slug:
            return None
        name = self.profile.section_name(slug)
        if name is None:  # a section the profile does not know: its name from a link to it
            for anchor, url in self.links():
                if urlsplit(canonical_url(url, self.profile)).path.strip("/") == slug:
                    name = clean_text(anchor.text_content()) or None
                    break
        return {"slug": slug, "name": name or slug}

    def _section_on_page(self) -> str | None:
        """The last link to a section of the site in the breadcrumbs (the profile's selector), else the last
        one before the title outside the page furniture (the menus)."""
        fast = [a for a in self.select(self.profile.selectors.section) if isinstance(a, HtmlElement)]
        if fast:
            anchors = fast
        else:
            end = self.title_element
            anchors = []
            for element in self.root.iter():
                if element is end:
                    break
                if element.tag == "a" and not any(a.tag in PAGE_FURNITURE for a in element.iterancestors()):
                    anchors.append(element)
        slugs = [section_of(self._absolute(a.get("href") or ""), self.profile) for a in anchors]
        return next((slug for slug in reversed(slugs) if slug), None)

    def record(self, fetched_at: datetime) -> dict[str, Any]:
        """The article record (schema 1) before cleaning: see ``bhg_crawler.records``."""
        article = self.article
        paragraphs, images, _ = self._body_parts
        lede, lede_tag = self.lede()
        published = self.published_at()
        section = self.section()
        byline = self.byline()
        record: dict[str, Any] = {
            "site": self.profile.name,
            "article_id": article.article_id if article else None,
            "url": article.canonical if article else self.url,
            "url_aliases": [],
            "record_id_aliases": [],
            "section": section,
            "title": self.title(),
            "lede": lede,
            "lede_tag": lede_tag,
            "published_at": published.isoformat() if published else None,
            "language": self.profile.language_of(section["slug"]) if section else self.profile.default_language,
            "paragraphs": paragraphs,
            "images": images,
            "byline": byline,
            "authors": parse_byline(byline),
            "related": self.related(),
            "tags": self.tags(),
            "fetched_at": fetched_at.isoformat().replace("+00:00", "Z"),
        }
        record["extraction"] = self.extraction(record)
        return record
