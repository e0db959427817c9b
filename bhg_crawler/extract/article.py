"""Article pages: each field of an article and the layer it came from, from the page's HTML and URL alone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cached_property
from typing import Any, Generic, Literal, NamedTuple, TypeVar
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from bhg_crawler.extract.body import Block, body_blocks
from bhg_crawler.extract.byline import looks_like_byline, parse_byline
from bhg_crawler.extract.generic import GenericReading
from bhg_crawler.extract.metadata import PageMetadata
from bhg_crawler.extract.record import Extracted, Field, Image, Layer, RelatedItem, Section
from bhg_crawler.extract.text import clean_text, parse_date, parse_timestamp
from bhg_crawler.extract.tree import BLOCK_TAGS, PAGE_FURNITURE, SKIPPED, Page, lines_of
from bhg_crawler.sites.urls import ArticleUrl, article_url, canonical_url, section_of

T = TypeVar("T")
Part = Literal["title", "lede", "body", "related"]  # the parts of an article page found as elements
# Elements with text of their own and links inside: where a "Từ khóa:" label and its tags are.
LABELLED_LINKS = etree.XPath("//*[normalize-space(text()) and .//a]")


class Sourced(NamedTuple, Generic[T]):
    """A value and the extraction layer it came from."""

    value: T
    layer: Layer


class Lede(NamedTuple):
    """The lede as the page prints it, split: its text without the prefix, and the prefix's tag."""

    text: str | None  # the lede (sapo) without its prefix
    tag: str | None  # the prefix's tag: "BHG" from "BHG - "


class Body(NamedTuple):
    """The article's body: its paragraphs, its images and the byline printed at its end."""

    paragraphs: list[str]  # normalised, without the lede a page repeats or the byline ending it
    images: list[Image]  # in reading order
    byline: str | None  # printed as the body's last paragraph


def _link_texts(anchors: Iterable[HtmlElement]) -> list[str]:
    return [text for text in (clean_text(a.text_content()) for a in anchors) if text]


class ArticlePage(Page):
    """One article page: each field from the first layer that finds it (``record.Extraction`` says what each
    layer reads), computed once; ``extracted()`` gives them all."""

    def extracted(self) -> Extracted:
        """Every field of the article, and the layer each field with a value came from."""
        article, section, lede, body = self.article, self.section, self.lede, self.body
        found: dict[Field, Sourced[Any]] = {
            "title": self.title,
            "published_at": self.published_at,
            "lede": Sourced(lede.value.text, lede.layer),
            "body_text": Sourced(body.value.paragraphs, body.layer),
            "byline": self.byline,
            "related": self.related,
            "tags": self.tags,
        }
        return Extracted(
            site=self.profile.name,
            article_id=article.article_id if article else None,
            url=article.canonical if article else self.url,
            section=section,
            title=self.title.value,
            lede=lede.value.text,
            lede_tag=lede.value.tag,
            published_at=self.published_at.value,
            language=self.profile.language_of(section["slug"]) if section else self.profile.default_language,
            paragraphs=tuple(body.value.paragraphs),
            images=tuple(body.value.images),
            byline=self.byline.value,
            authors=tuple(parse_byline(self.byline.value)),
            related=tuple(self.related.value),
            tags=tuple(self.tags.value),
            layers={field: sourced.layer for field, sourced in found.items() if sourced.value},
        )

    # -- the layers past the page's body ------------------------------------------------------------

    @cached_property
    def metadata(self) -> PageMetadata:
        """The page's metadata layer (og: and article: tags, JSON-LD, canonical link, ``<title>``)."""
        return PageMetadata(self)

    @cached_property
    def generic(self) -> GenericReading:
        """trafilatura's reading of the page, made when a field first needs it."""
        return GenericReading(self.root, self.url, self.related_block)

    @cached_property
    def article(self) -> ArticleUrl | None:
        """The article the page's URL names, or the one its canonical link names when that is the same article
        (or the URL names none)."""
        own = article_url(self.url, self.profile)
        declared = self.metadata.canonical_link()
        if declared:
            stated = article_url(urljoin(self.url, declared), self.profile)
            if stated is not None and (own is None or stated.article_id == own.article_id):
                return stated
        return own

    # -- where things are: found by the profile's selector, else by what the site prints ----------

    @cached_property
    def _located(self) -> dict[Part, Sourced[HtmlElement | None]]:
        return {}

    def located(self, part: Part) -> Sourced[HtmlElement | None]:
        """The element of a part of the article: the first the profile's selector for it finds (layer
        ``selectors``), else the one found from what the site prints (``patterns``); None when neither finds one."""
        if part not in self._located:
            selectors = self.profile.selectors
            css, walk = {
                "title": (selectors.title, self._first_heading),
                "lede": (selectors.lede, self._lede_after_title),
                "body": (selectors.body, self._densest_body),
                "related": (selectors.related, self._under_related_heading),
            }[part]
            fast = self.first(css)
            self._located[part] = Sourced(fast, "selectors") if fast is not None else Sourced(walk(), "patterns")
        return self._located[part]

    @property
    def related_block(self) -> HtmlElement | None:
        """The block of related articles ("Cùng chuyên mục"), if the page has one."""
        return self.located("related").value

    def _first_heading(self) -> HtmlElement | None:
        return next((h1 for h1 in self.root.iter("h1") if clean_text(h1.text_content())), None)

    def _under_related_heading(self) -> HtmlElement | None:
        """The nearest element holding article links around a heading of the profile's ``related_headings``."""
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

    def _densest_body(self) -> HtmlElement | None:
        """The element with the most paragraph text, unless it holds the lede (then the page has no body)."""
        best = self._densest_paragraph_parent()
        lede = self.located("lede").value
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

    def _lede_after_title(self) -> HtmlElement | None:
        """The block after the title that starts with the profile's lede prefix ("BHG - "); else the first block
        of text between the timestamp (or the title, when the page prints no time) and the body."""
        after_title = self._after_title()
        for element in after_title:
            if element.tag in ("p", "div", "h2", "h3", "span", "strong", "b") and self._outside_related(element):
                text = clean_text(element.text_content())
                if self.profile.lede_prefix.match(text) and len(text) < 1500:
                    return element
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
        title = self.located("title").value
        if title is None:
            return elements
        at = next(i for i, element in enumerate(elements) if element is title)
        return elements[at + 1 :]

    # -- fields ---------------------------------------------------------------------------------

    @cached_property
    def title(self) -> Sourced[str | None]:
        """The headline: its element, else as declared (og:title, JSON-LD, ``<title>``), else trafilatura's."""
        element, layer = self.located("title")
        if element is not None:
            return Sourced(clean_text(element.text_content()) or None, layer)
        declared = self.metadata.title()
        if declared:
            return Sourced(declared, "metadata")
        return Sourced(self.generic.title(), "generic")

    @cached_property
    def published_at(self) -> Sourced[datetime | None]:
        """When the article was published, aware in the site's time zone: the printed "HH:MM, DD/MM/YYYY" of
        the profile's time element, else the first one after the title outside the related block, else the
        declared article:published_time or JSON-LD datePublished, else trafilatura's date within the month of
        the article's URL."""
        fast = self.first(self.profile.selectors.time)
        stamp = parse_timestamp(fast.text_content(), self.profile) if fast is not None else None
        if stamp is not None:
            return Sourced(stamp, "selectors")
        for element in self._after_title():
            if self._outside_related(element):
                stamp = parse_timestamp(element.text or "", self.profile)
                if stamp is not None:
                    return Sourced(stamp, "patterns")
        declared = self.metadata.published_at()
        if declared is not None:
            return Sourced(declared, "metadata")
        month = self.article.month if self.article else ""
        return Sourced(self.generic.published_at(self.profile.timezone, month), "generic")

    @cached_property
    def lede(self) -> Sourced[Lede]:
        """The lede (sapo) and its prefix's tag, from the lede's element, else from og:description."""
        element, layer = self.located("lede")
        text = clean_text(element.text_content()) if element is not None else ""
        if not text:
            text = self.metadata.lede() or ""
            layer = "metadata"
        match = self.profile.lede_prefix.match(text)
        if match:
            return Sourced(Lede(text[match.end() :].strip() or None, match["tag"]), layer)
        return Sourced(Lede(text or None, None), layer)

    @cached_property
    def body(self) -> Sourced[Body]:
        """The body's paragraphs and images, and the byline printed as its last paragraph, from the body element;
        its paragraphs from trafilatura's reading (layer ``generic``) when the element gives none."""
        element, layer = self.located("body")
        blocks: list[Block] = body_blocks(element, self.url, self.profile) if element is not None else []
        paragraphs = [block for block in blocks if isinstance(block, str)]
        images = [block for block in blocks if not isinstance(block, str)]
        if not paragraphs:
            paragraphs = self._generic_paragraphs()
            layer = "generic"
        lede = self.located("lede").value
        printed_lede = clean_text(lede.text_content()) if lede is not None else None
        if paragraphs and paragraphs[0] in (printed_lede, self.lede.value.text):
            paragraphs = paragraphs[1:]  # the 2014 pages repeat the lede
        byline = paragraphs.pop() if paragraphs and looks_like_byline(paragraphs[-1]) else None
        return Sourced(Body(paragraphs, images, byline), layer)

    def _generic_paragraphs(self) -> list[str]:
        known = [self.located(part).value for part in ("title", "lede", "related")]
        said = [self.title.value or "", self.lede.value.text or ""]
        return self.generic.paragraphs(known, said, self.profile)

    @cached_property
    def byline(self) -> Sourced[str | None]:
        """The byline as printed: the body's last paragraph, else the profile's byline element, else a block of
        its own between the body and the related items."""
        body = self.body
        if body.value.byline:
            return Sourced(body.value.byline, body.layer)
        fast = self.first(self.profile.selectors.byline)
        printed = clean_text(fast.text_content()) if fast is not None else ""
        if printed:
            return Sourced(printed, "selectors")
        return Sourced(self._byline_after_body(), "patterns")

    def _byline_after_body(self) -> str | None:
        body = self.located("body").value
        if body is None:
            return None
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

    @cached_property
    def tags(self) -> Sourced[list[str]]:
        """The article's tags: the links the profile's selector finds, else those after its "Từ khóa:" label."""
        fast = self.select(self.profile.selectors.tags)
        if fast:
            return Sourced(_link_texts(fast), "selectors")
        label = self.profile.tags_label.casefold()
        for element in LABELLED_LINKS(self.root):
            if clean_text(element.text).casefold().startswith(label):
                return Sourced(_link_texts(element.iter("a")), "patterns")
        return Sourced([], "patterns")

    @cached_property
    def related(self) -> Sourced[list[RelatedItem]]:
        """The related block's articles, each once, in page order, this one aside."""
        block, layer = self.located("related")
        return Sourced(self._related_items(block) if block is not None else [], layer)

    def _related_items(self, block: HtmlElement) -> list[RelatedItem]:
        items: dict[str, RelatedItem] = {}
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

    @cached_property
    def section(self) -> Section | None:
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
            end = self.located("title").value
            anchors = []
            for element in self.root.iter():
                if element is end:
                    break
                if element.tag == "a" and not any(a.tag in PAGE_FURNITURE for a in element.iterancestors()):
                    anchors.append(element)
        slugs = [section_of(self._absolute(a.get("href") or ""), self.profile) for a in anchors]
        return next((slug for slug in reversed(slugs) if slug), None)
