"""Article pages: each field of an article and the layer it came from, from the page's HTML and URL alone."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from datetime import datetime
from functools import cached_property
from typing import Any, Generic, Literal, NamedTuple, TypeVar
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from bhg_crawler.core.clock import Moment
from bhg_crawler.extract.body import Block, body_blocks, images_of
from bhg_crawler.extract.byline import looks_like_byline, parse_byline
from bhg_crawler.extract.errorpage import ErrorPage, error_marker
from bhg_crawler.extract.generic import GenericReading
from bhg_crawler.extract.lede import first_paragraph, is_bold, opening_lede
from bhg_crawler.extract.metadata import PageMetadata, without_site_name
from bhg_crawler.extract.record import Extracted, Field, Image, Layer, RelatedItem, Section
from bhg_crawler.extract.text import (
    after_label,
    clean_text,
    dense,
    foreign_to,
    label_opening,
    parse_date,
    parse_timestamp,
    prints,
    time_line,
)
from bhg_crawler.extract.tree import (
    BLOCK_TAGS,
    HEADINGS,
    SKIPPED,
    Page,
    following,
    has_own_text,
    has_text,
    holds_blocks,
    is_figure,
    printed_footers,
    reading,
    spaced_text,
    text_of,
    visible_length,
    visible_text,
)
from bhg_crawler.sites.urls import ArticleUrl, article_url, canonical_url, listing_url, section_of

T = TypeVar("T")
Part = Literal["title", "lede", "body", "related"]  # the parts of an article page found as elements
LEDE_TAGS = frozenset(["p", "div", "h2", "h3", "span", "strong", "b"])  # what a lede opening with its prefix is in
DIGIT = re.compile(r"\d")
MAX_TITLE_CHARS = 300  # a block of text longer than this is a paragraph, never a title
# An error page prints no time and fewer paragraphs (its lede one) than this: a page with either is an article.
ERROR_PAGE_PARAGRAPHS = 3


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
    return [text for text in (text_of(a) for a in anchors) if text]


class ArticlePage(Page):
    """One article page: each field from the first layer that finds it (``record.Extraction`` says what each
    layer reads), computed once; ``extracted()`` gives them all."""

    def extracted(self) -> Extracted:
        """Every field of the article, and the layer each field with a value came from."""
        article, section, lede, body = self.article, self.section, self.lede, self.body
        published = self.published_at.value
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
            published_at=published.at if published else None,
            published_time_known=published.time_known if published else False,
            language=self.profile.language_of(section["slug"]) if section else self.profile.default_language,
            paragraphs=tuple(body.value.paragraphs),
            images=tuple(body.value.images),
            byline=self.byline.value,
            authors=tuple(parse_byline(self.byline.value)),
            related=tuple(self.related.value),
            tags=tuple(self.tags.value),
            layers={field: sourced.layer for field, sourced in found.items() if sourced.value},
        )

    @cached_property
    def error_page(self) -> ErrorPage | None:
        """What the page says when it is the CMS's error or maintenance page served as an article
        (``errorpage.error_marker`` of its ``<title>`` and its headings outside the furniture), provided it has
        no article's shape: no time of publication, and fewer than ``ERROR_PAGE_PARAGRAPHS`` paragraphs (the lede
        one of them). None for
        an article, even one whose title or text says "404" or "bảo trì"."""
        headings = [self.metadata.page_title() or ""]
        headings += [
            text
            for element in self.root.iter("h1", "h2", "h3")
            if not self.in_furniture(element) and (text := self._text(element))
        ]
        found = error_marker(headings, self.profile.error_page_markers)
        if found is None or self.published_at.value is not None:
            return None
        paragraphs = len(self.body.value.paragraphs) + bool(self.lede.value.text)
        return found if paragraphs < ERROR_PAGE_PARAGRAPHS else None

    # -- the layers past the page's body ------------------------------------------------------------

    @cached_property
    def metadata(self) -> PageMetadata:
        """The page's metadata layer (og: and article: tags, JSON-LD, canonical link, ``<title>``)."""
        return PageMetadata(self)

    @cached_property
    def generic(self) -> GenericReading:
        """trafilatura's reading of the page, made when a field first needs it."""
        return GenericReading(self.root, self.url, self.related_block, self._sure_title)

    @cached_property
    def article(self) -> ArticleUrl | None:
        """The article the page's URL names, or the one its canonical link names when that is the same article
        (or the URL names none)."""
        own = article_url(self.url, self.profile)
        declared = self.metadata.canonical_link()
        if declared:
            stated = self._article_of(self.resolve(declared))
            if stated is not None and (own is None or stated.article_id == own.article_id):
                return stated
        return own

    # -- where things are: found by the profile's selector, else by what the site prints ----------

    @cached_property
    def _located(self) -> dict[Part, Sourced[HtmlElement | None]]:
        return {}

    def located(self, part: Part) -> Sourced[HtmlElement | None]:
        """The element of a part of the article: the first the profile's selector for it finds that is not empty
        (layer ``selectors``; ``_as_part`` says what empty is for each part), else the one found from what the site
        prints (``patterns``); None when neither finds one."""
        if part not in self._located:
            css = getattr(self.profile.selectors, part)
            fast = next((found for e in self._elements(css) if (found := self._as_part(part, e)) is not None), None)
            if fast is not None:
                self._located[part] = Sourced(fast, "selectors")
            else:
                walk = {
                    "title": self._title_element,
                    "lede": self._lede_after_title,
                    "body": self._densest_paragraph_parent,
                    "related": self._under_related_heading,
                }[part]
                self._located[part] = Sourced(walk(), "patterns")
        return self._located[part]

    @cached_property
    def _texts(self) -> dict[HtmlElement, str]:
        return {}

    def _text(self, element: HtmlElement) -> str:
        """``tree.text_of`` of an element, read once."""
        if element not in self._texts:
            self._texts[element] = text_of(element)
        return self._texts[element]

    def _elements(self, css: str) -> list[HtmlElement]:
        return [found for found in self.select(css) if isinstance(found, HtmlElement)]

    def _as_part(self, part: Part, element: HtmlElement) -> HtmlElement | None:
        """The element a selector found as the part, None when it cannot be the part (it is empty): a title needs
        text that is not only the site's name; a body, text or an image; a related block, links to articles; a
        lede, text, and inside the body it must be the body's first paragraph as a lede (``_lede_in_body``), or be
        inside it holding all its text (``p > strong``), and stands for that paragraph."""
        if part == "body":
            has = has_text(element) or element.find(".//img") is not None
            return element if has else None
        if part == "related":
            return element if any(True for _ in self.article_links(element)) else None
        if part == "title":
            return element if without_site_name(self._text(element), self.profile) is not None else None
        body = self.located("body").value
        if body is not None and _within(element, body):
            lede = self._lede_in_body
            whole = lede is not None and _within(element, lede) and self._text(element) == self._text(lede)
            return lede if element is lede or whole else None
        if body is not None and _within(body, element):
            return None
        return element if self._text(element) else None

    @cached_property
    def _opening_lede(self) -> HtmlElement | None:
        """The body's first paragraph when it reads as a lede (``lede.opening_lede``)."""
        body = self.located("body").value
        return opening_lede(body, self.profile) if body is not None else None

    @cached_property
    def _lede_in_body(self) -> HtmlElement | None:
        """The body's first paragraph as the lede the profile's lede selector names (``lede.opening_lede``,
        ``named``): always when it opens with the lede prefix, else only on a page that prints no lede of its own
        before the body."""
        body = self.located("body").value
        named = opening_lede(body, self.profile, named=True) if body is not None else None
        if named is None or self.profile.lede_prefix.match(self._text(named)):
            return named
        return named if self._prefixed_outside_body is None and self._sapo_before_body is None else None

    @property
    def related_block(self) -> HtmlElement | None:
        """The block of related articles ("Cùng chuyên mục"), if the page has one."""
        return self.located("related").value

    def _title_element(self) -> HtmlElement | None:
        """The heading printed before the article's time (``_heading_before_time``), else the heading that prints
        the title the page declares (``_declared_heading``), else the first ``h1`` with more text than the site's
        name."""
        for sure in (self._heading_before_time, self._declared_heading):
            if sure is not None:
                return sure
        return next((h1 for h1 in self.root.iter("h1") if without_site_name(self._text(h1), self.profile)), None)

    @cached_property
    def _declared_heading(self) -> HtmlElement | None:
        """The element that prints a title the page declares (``PageMetadata.titles``), whatever its spaces and
        case, outside the furniture, the related block and links to other pages (menus of the latest articles
        print titles too): the first such heading (``h1``...``h6``), else the first element of another tag with
        text of its own (a ``div`` of a class of its own)."""
        declared = {dense(title) for title in self.metadata.titles()}
        if not declared:
            return None

        def prints_it(element: HtmlElement) -> bool:
            own = dense(spaced_text(element, own=True))  # a part of the title, at least
            return (
                any(own in title for title in declared)
                and dense(self._text(element)) in declared
                and self._outside_related(element)
                and not self._in_link_away(element)
                and not self._listed_link(element)
                and not self.in_figure(element)
            )

        headings = (e for e in self._content_elements if e.tag in HEADINGS)
        others = (e for e in self._content_elements if e.tag not in HEADINGS and has_own_text(e))
        return next((e for e in itertools.chain(headings, others) if e is not self.root and prints_it(e)), None)

    def _in_link_away(self, element: HtmlElement) -> bool:
        """Whether the element is, or is inside, a link that leads off this article, or prints only such links
        (a menu's or a list's link to another page)."""
        links = itertools.chain((element,) if element.tag == "a" else (), element.iterancestors("a"))
        return any(self._leads_away(a) for a in links) or self._links_away(element, self._text(element))

    @property
    def _sure_title(self) -> HtmlElement | None:
        """The title's element when it is known for sure: the profile's, the heading before the time, or the
        element that prints the declared title; None when the first ``h1`` is only a guess."""
        element, layer = self.located("title")
        sure = layer == "selectors" or element is self._heading_before_time or element is self._declared_heading
        return element if sure else None

    @cached_property
    def _heading_before_time(self) -> HtmlElement | None:
        """The title as printed right before the article's time, whatever its markup: the last heading (``h1``...
        ``h6``) with text before a timestamp, else the block printed right before it (``_title_block_before``).
        A heading that is only links to other pages (a section label, another article) or only the site's name is
        passed over, and so is one followed by a link to another article before the time (it headed a list of
        them). The furniture, the related block, the figures and a list's link (maybe to this article) are never
        the title, and their times anchor nothing, nor does the time of an item linking to another article; nor is
        a heading followed by a paragraph before the time (it headed that). A box before the article that prints
        a heading and a time of its own (the newest video, the weather) gives way to the next heading or block and
        time printed before any paragraph of text."""
        elements = self._content_elements
        heading = anchored = None
        timed = False  # a time of the page seen: the first paragraph of text after it ends the search
        for element in elements:
            if not self._outside_related(element) or self.in_furniture(element) or self.in_figure(element):
                continue
            if element.tag in HEADINGS:
                text = self._text(element)
                if (
                    text
                    and without_site_name(text, self.profile)
                    and not self._links_away(element, text)
                    and not self._listed_link(element)
                ):
                    heading = element
                    continue
            elif (
                element.tag == "a"
                and heading is not None
                and not _within(element, heading)
                and self._names_other_article(element)
            ):
                heading = None
            if self._printed_time(element) is not None:
                title = heading if heading is not None else self._title_block_before(element)
                if not self._linked_elsewhere(element, title):
                    anchored, heading, timed = title, None, True
            elif element.tag not in HEADINGS and self._prose(element):
                if timed:
                    break
                if heading is not None and not _within(element, heading):
                    heading = None  # it headed this paragraph: a box's, not the article's
        return anchored

    def _prose(self, element: HtmlElement) -> bool:
        """Whether the element prints a paragraph of text of its own: a ``p`` with text, or a longer text than a
        title's (``MAX_TITLE_CHARS``)."""
        if not has_own_text(element):
            return False
        return element.tag == "p" or len(spaced_text(element, own=True)) > MAX_TITLE_CHARS

    def _title_block_before(self, time: HtmlElement) -> HtmlElement | None:
        """The block printed right before the time element (the nearest sibling with text, of it or of an
        ancestor) when it can be a title: a short text of its own (``MAX_TITLE_CHARS``), no blocks inside, no
        links, not only the site's name, nor a section's name (a label), nor a time; outside the furniture, the
        figures and the related block."""
        node: HtmlElement | None = time
        block = None
        while block is None and node is not None and node is not self.root:
            block = next((e for e in node.itersiblings(preceding=True) if e.tag not in SKIPPED and has_text(e)), None)
            node = node.getparent()
        if block is None or not isinstance(block.tag, str) or block.tag not in BLOCK_TAGS or holds_blocks(block):
            return None
        text = self._text(block)
        sections = {name.casefold() for name in self.profile.sections.values()}
        sections |= {name.casefold() for name in self.profile.parent_sections.values()}
        if (
            len(text) > MAX_TITLE_CHARS
            or block.find(".//a") is not None
            or next(block.iterancestors("a"), None) is not None
            or without_site_name(text, self.profile) is None
            or text.casefold() in sections
            or self._printed_time(block) is not None
            or self.in_furniture(block)
            or self.in_figure(block)
            or not self._outside_related(block)
        ):
            return None
        return block

    def _listed_link(self, element: HtmlElement) -> bool:
        """Whether the element is a link, is inside one or prints only links, in a list (``li``, ``ul``, ``ol``)
        or the page's furniture: an item of a box of articles, maybe of this very one, never its title."""
        anchors = [a for a in element.iter("a") if a.get("href")]
        linked = next(element.iterancestors("a"), None) is not None or (
            bool(anchors) and dense(self._text(element)) == "".join(dense(self._text(a)) for a in anchors)
        )
        listed = next(element.iterancestors("li", "ul", "ol"), None) is not None or element.tag == "li"
        return linked and (listed or self.in_furniture(element))

    def _links_away(self, element: HtmlElement, text: str) -> bool:
        """All of the element's text is links, and one of them leads off this article."""
        anchors = [a for a in element.iter("a") if a.get("href")]
        if not anchors or dense(text) != "".join(dense(self._text(a)) for a in anchors):
            return False
        return any(self._leads_away(a) for a in anchors)

    def _leads_away(self, anchor: HtmlElement) -> bool:
        """Whether a link leads to another page than this article."""
        href = anchor.get("href")
        if not href:
            return False
        found = self._article_of(self.resolve(href))
        return found is None or self.article is None or found.article_id != self.article.article_id

    def _names_other_article(self, anchor: HtmlElement) -> bool:
        found = self._article_of(self.resolve(anchor.get("href")))
        return found is not None and (self.article is None or found.article_id != self.article.article_id)

    def _printed_time(self, element: HtmlElement) -> datetime | None:
        """The timestamp in an element's own text, or in all its text when it holds no blocks (a line of spans).
        Text with no digit is passed over unread: every timestamp has some."""
        own = (element.text or "", *(child.tail or "" for child in element))
        stamp = None
        if any(DIGIT.search(text) for text in own):
            stamp = parse_timestamp(spaced_text(element, own=True), self.profile)
        if stamp is None and len(element) and not holds_blocks(element) and DIGIT.search(element.text_content()):
            stamp = parse_timestamp(spaced_text(element), self.profile)
        return stamp

    @cached_property
    def _elements_in_order(self) -> list[HtmlElement]:
        """Every element of the page in document order (comments aside)."""
        return list(self.root.iter(etree.Element))

    @cached_property
    def _content_elements(self) -> list[HtmlElement]:
        """The page's elements in document order, its ``<head>`` and furniture left out: ``nav``, ``aside``, and
        ``header`` and ``footer`` outside an ``article``; scripts, styles and comments too."""
        elements = self._elements_in_order
        found: list[HtmlElement] = []
        at = 0
        while at < len(elements):
            element = elements[at]
            tag = element.tag
            skipped = tag in SKIPPED or tag in ("head", "nav", "aside")
            if at and (skipped or (tag in ("header", "footer") and not _in_article(element))):
                at += 1 + len(list(element.iterdescendants(etree.Element)))  # its subtree follows it
                continue
            found.append(element)
            at += 1
        return found

    def _under_related_heading(self) -> HtmlElement | None:
        """The nearest element holding article links around a heading of the profile's ``related_headings``."""
        headings = {clean_text(h).casefold() for h in self.profile.related_headings}
        longest = max((len(h) for h in headings), default=0)
        foreign = foreign_to(self.profile.related_headings)
        for element in self._elements_in_order:
            if element.tag in SKIPPED:
                continue
            first = element.text if prints(element.text) else next((c.tail for c in element if prints(c.tail)), None)
            if first is None or foreign.search(first):
                continue  # no text of its own, or it opens with text that is in no heading
            longer = len(element.text_content()) > 2 * longest + 40  # scripts inside too: a heading holds no blocks
            if (longer and (visible_length(element) > 2 * longest + 40 or holds_blocks(element))) or text_of(
                element
            ).casefold() not in headings:
                continue
            container = element.getparent()
            while container is not None and not self.article_links(container):
                container = container.getparent()
            return container
        return None

    def _outside_related(self, element: HtmlElement) -> bool:
        """Whether an element is not inside the related block (the block itself is outside)."""
        return element not in self._in_related

    @cached_property
    def _in_related(self) -> set[HtmlElement]:
        """Every element inside the related block."""
        block = self.related_block
        return set(block.iterdescendants()) if block is not None else set()

    @cached_property
    def _article_span(self) -> set[HtmlElement]:
        """The elements from the title to the related block or the footer (a block printing the press licence,
        ``tree.printed_footers``, never the block of the title), else the end; page furniture aside."""
        elements = self._after_title
        ends = {*printed_footers(self.root, [self.located("title").value]), self.related_block}
        end = next((i for i, e in enumerate(elements) if e in ends), len(elements))
        content = set(self._content_elements)
        return {e for e in elements[:end] if e in content}

    def _densest_paragraph_parent(self) -> HtmlElement | None:
        """The element holding the most paragraph text between the title and the related block (a paragraph that
        prints only a time does not count), unless a block that prints its lines otherwise (``div``s, text between
        ``<br>``s, table cells: ``_line_weights``) holds more than twice as much: then that block. A stray
        paragraph ("Mời bạn đọc gửi ý kiến.") is never the body of a story printed without ``<p>``."""
        weight: dict[HtmlElement, int] = {}
        span = self._article_span
        for p in self.root.iter("p"):
            parent = p.getparent()
            if parent is None or p not in span:
                continue
            text = clean_text(visible_text(p))
            if not time_line(text, self.profile):
                weight[parent] = weight.get(parent, 0) + len(text)
        if not weight:
            return None
        best = max(weight, key=lambda element: weight[element])
        least = 2 * self._line_weight(best)  # what a rival must print more than
        if self._span_text_bound <= least:
            return best  # no element prints that much
        lines = {element: self._line_weight(element) for element in self._line_holders}
        rival = max(lines, key=lambda element: lines[element], default=best)
        return rival if lines[rival] > least else best

    @cached_property
    def _line_holders(self) -> set[HtmlElement]:
        """The elements of the article span and their parents (a body may hold the title): those with lines."""
        span = self._article_span
        return span | {parent for e in span if (parent := e.getparent()) is not None}

    @cached_property
    def _span_text_bound(self) -> int:
        """No ``_line_weight`` is more: every holder lies in one outside the span (its ancestors climb out of it),
        whose text, with a space between each two of its elements, is at least what any element in it prints."""
        outside = self._line_holders - self._article_span
        return max((len(h.text_content()) + sum(1 for _ in h.iter()) for h in outside), default=0)

    def _line_weight(self, element: HtmlElement) -> int:
        """The length of the lines an element prints itself within the article span: its own text and its inline
        elements' (links aside), and the text of its children that hold no blocks (paragraphs of any tag: ``p``,
        ``div``, ``td``), less their links; a line of the time does not count, and a block that prints paragraphs
        of its own between ``<br>``s counts for itself alone."""
        if element.tag in SKIPPED or element.tag == "a":
            return 0
        span = self._article_span
        length = len(clean_text(element.text)) if element in span else 0
        for child in element:
            if isinstance(child.tag, str) and child.tag not in SKIPPED and child.tag != "a" and child in span:
                length += self._line_for_parent(child)
            length += len(clean_text(child.tail))
        return length

    def _line_for_parent(self, child: HtmlElement) -> int:
        """The length of what a child prints as a line of its parent's, links aside: an inline element's text, a
        block's when it holds no blocks and is neither a line of the time nor paragraphs of its own between
        ``<br>``s; else 0 (a block of blocks is looked at no further: its text is never read here)."""
        block = child.tag in BLOCK_TAGS
        if block and holds_blocks(child):
            return 0
        text = self._text(child)
        if block and (time_line(text, self.profile) or _paragraphs_of_its_own(child)):
            return 0
        return len(text) - sum(len(self._text(a)) for a in child.iter("a"))

    def _lede_after_title(self) -> HtmlElement | None:
        """The lede as the page prints it, the first of: a block after the title outside the body that opens with
        the profile's lede prefix ("BHG - "); the body's first paragraph when it opens with that prefix; a sapo of
        its own between the timestamp and the body (``_sapo_before_body``); the body's first paragraph when it is
        bold and reads as a lede (``lede.opening_lede`` says how a lede is told from a subheading such as
        "Kỳ 1: ..."). None when none is."""
        opening = self._opening_lede
        prefixed = opening if opening is not None and self.profile.lede_prefix.match(self._text(opening)) else None
        found = (self._prefixed_outside_body, prefixed, self._sapo_before_body, opening)
        return next((element for element in found if element is not None), None)

    @cached_property
    def _in_body(self) -> set[HtmlElement]:
        """The body element and every element inside it."""
        body = self.located("body").value
        return set(body.iter()) if body is not None else set()

    @cached_property
    def _prefixed_outside_body(self) -> HtmlElement | None:
        """The first block of text alone after the title, outside the body, the related block and the figures,
        that opens with the profile's lede prefix."""
        for element in self._after_title:
            if (
                element.tag not in LEDE_TAGS
                or element in self._in_body
                or holds_blocks(element)
                or self.in_figure(element)
            ):
                continue
            text = text_of(element)
            if self.profile.lede_prefix.match(text) and len(text) < 1500 and self._outside_related(element):
                return element
        return None

    @cached_property
    def _sapo_before_body(self) -> HtmlElement | None:
        """The first block of more than 30 characters of text alone (no blocks inside, no links: a sapo, not a list
        of other articles) after the printed time (or the title, when the page prints none) and before the body,
        outside the related block, the figures (a caption is no sapo) and the page's furniture (a masthead's motto
        is no sapo), before the footer (``_article_span``)."""
        body = self.located("body").value
        after_title = self._after_title
        before_body = after_title[: next((i for i, e in enumerate(after_title) if e is body), len(after_title))]
        seen_time = not any(self._printed_time(e) is not None for e in before_body if self._outside_related(e))
        for element in before_body:
            if not seen_time:
                seen_time = self._printed_time(element) is not None
                continue
            if (
                element in self._in_body
                or element.tag not in BLOCK_TAGS
                or holds_blocks(element)
                or self.in_figure(element)
            ):
                continue  # a caption is no sapo
            linked = element.find(".//a") is not None or next(element.iterancestors("a"), None) is not None
            if (
                not linked
                and self._outside_related(element)
                and element in self._article_span  # not the footer, nor after it
                and len(text_of(element)) > 30
                and not self.in_furniture(element)
            ):
                return element
        return None

    @cached_property
    def _after_title(self) -> list[HtmlElement]:
        """The page's elements after the title, in document order (all of them when no title element is found)."""
        elements = self._elements_in_order
        title = self.located("title").value
        if title is None:
            return elements
        at = next(i for i, element in enumerate(elements) if element is title)
        return elements[at + 1 :]

    # -- fields ---------------------------------------------------------------------------------

    @cached_property
    def title(self) -> Sourced[str | None]:
        """The headline, never only the site's name, from the first of: the profile's title element; the heading
        printed before the article's time, or the one that prints a declared title; og:title; the first ``h1``;
        the JSON-LD headline; the ``<title>`` less the site's name; trafilatura's title."""
        element, layer = self.located("title")
        if element is not None and element is self._sure_title:
            return Sourced(self._text(element), layer)
        declared = self.metadata.title()
        if declared:
            return Sourced(declared, "metadata")
        if element is not None:
            return Sourced(self._text(element), layer)
        printed = self.metadata.page_title()
        if printed:
            return Sourced(printed, "metadata")
        return Sourced(without_site_name(self.generic.title(), self.profile), "generic")

    @cached_property
    def published_at(self) -> Sourced[Moment | None]:
        """When the article was published, aware in the site's time zone, and whether its time of day is known
        (a printed timestamp always has one; a declared or generic date alone has not): the printed timestamp of
        the first of the profile's time elements that prints one, else the first one printed between the title and
        the body (where the site prints it [seen]), outside the page's furniture (a sidebar of the newest articles
        prints their times too), else the declared article:published_time or JSON-LD datePublished, else
        trafilatura's date within the month of the article's URL."""
        for element in self._elements(self.profile.selectors.time):
            stamp = parse_timestamp(spaced_text(element), self.profile)
            if stamp is not None:
                return Sourced(Moment(stamp, time_known=True), "selectors")
        body, _ = self.located("body")
        for element in self._after_title:
            if element is body:
                break
            if self._outside_related(element) and not self.in_furniture(element) and not self._of_another(element):
                stamp = self._printed_time(element)
                if stamp is not None:
                    return Sourced(Moment(stamp, time_known=True), "patterns")
        declared = self.metadata.published_at()
        if declared is not None:
            return Sourced(declared, "metadata")
        month = self.article.month if self.article else ""
        return Sourced(self.generic.published_at(self.profile.timezone, month), "generic")

    def _of_another(self, element: HtmlElement) -> bool:
        """Whether what the element prints belongs to another article: it, or a block around it (a list item, a
        box of the newest articles) below the one that holds this article's title, links to another article."""
        return self._linked_elsewhere(element, self.located("title").value)

    def _linked_elsewhere(self, element: HtmlElement, title: HtmlElement | None) -> bool:
        """Whether the element, or a block around it below the one that holds ``title`` (up to the page's root
        when None), links to another article."""
        own = self.article.article_id if self.article else None
        for node in (element, *element.iterancestors()):
            if title is not None and (node is title or title in node.iterdescendants()):
                return False
            if any(article.article_id != own for _, _, article in self.article_links(node)):
                return True
        return False

    @cached_property
    def lede(self) -> Sourced[Lede]:
        """The lede (sapo) and its prefix's tag, from the lede's element (maybe the body's first paragraph), else
        from og:description."""
        element, layer = self.located("lede")
        text = self._text(element) if element is not None else ""
        if not text:
            text = self.metadata.lede() or ""
            layer = "metadata"
        match = self.profile.lede_prefix.match(text)
        if match:
            return Sourced(Lede(text[match.end() :].strip() or None, match["tag"]), layer)
        return Sourced(Lede(text or None, None), layer)

    @cached_property
    def body(self) -> Sourced[Body]:
        """The body's paragraphs and images, and the byline printed as its last paragraph, from the body element,
        less the lede when the body prints it as its first paragraph (or repeats it there, as the 2014 pages do),
        and less the title, a line of the time and a line of the tags when the element holds them; the paragraphs
        from trafilatura's reading (layer ``generic``) when the element gives none, and then the images of the
        figures between the title and the related block."""
        element, layer = self.located("body")
        lede = self.located("lede").value
        blocks: list[Block] = []
        if element is not None:
            printed = (lede, self.located("title").value)  # in the body when it holds the title too
            inside = {e for e in printed if e is not None and _within(e, element)}
            blocks = body_blocks(element, self._image_url, self.profile, inside)
        paragraphs = [
            b for b in blocks if isinstance(b, str) and not time_line(b, self.profile) and not self._tags_line(b)
        ]
        images = [block for block in blocks if not isinstance(block, str)]
        if not paragraphs:
            paragraphs = self._generic_paragraphs()
            images = self._figures_in_article()
            layer = "generic"
        if paragraphs and clean_text(paragraphs[0]) in self._lede_repeats(lede, element):
            paragraphs = paragraphs[1:]
        byline = paragraphs.pop() if paragraphs and looks_like_byline(paragraphs[-1]) else None
        return Sourced(Body(paragraphs, images, byline), layer)

    def _lede_repeats(self, lede: HtmlElement | None, body: HtmlElement | None) -> tuple[str | None, ...]:
        """What a body's first paragraph repeating the lede reads: the lede with or without its prefix when the page
        prints it apart from the body (or only in its metadata); when the lede is the body's first paragraph, only
        the lede printed again with its prefix (the 2014 pages: "HGĐT- ..." twice), for a paragraph that merely
        reads as the lede does is the body's own."""
        printed = self._text(lede) if lede is not None else None
        if lede is None or body is None or not (lede is body or _within(lede, body)):
            return (printed, self.lede.value.text)
        return (printed,) if self.lede.value.tag else ()

    def _image_url(self, src: str) -> str | None:
        """The URL of an image's ``src`` (``Page.resolve``); None, counted in ``unusable["image"]``, when unusable."""
        return self.resolve(src, "image")

    def _tags_line(self, text: str) -> bool:
        """A line of the article's tags ("Từ khóa: a, b", or the label alone), never a paragraph of the body."""
        return after_label(text, self.profile.tags_labels) is not None

    def _generic_paragraphs(self) -> list[str]:
        known = [self.located(part).value for part in ("title", "lede", "related")]
        said = [self.title.value or "", self.lede.value.text or ""]
        return self.generic.paragraphs(known, said, self.profile)

    def _figures_in_article(self) -> list[Image]:
        """The images of the CKEditor tables and figures between the title and the related block, in page order."""
        span = self._article_span
        figures = [e for e in self.root.iter("table", "figure") if e in span and is_figure(e)]
        outermost = [f for f in figures if not any(_within(f, other) for other in figures)]
        return [image for figure in outermost for image in images_of(figure, self._image_url, self.profile)]

    @cached_property
    def byline(self) -> Sourced[str | None]:
        """The byline as printed: the body's last paragraph, else the first of the profile's byline elements with
        text, else a block of its own between the body and the related items."""
        body = self.body
        if body.value.byline:
            return Sourced(body.value.byline, body.layer)
        printed = next((text for e in self._elements(self.profile.selectors.byline) if (text := text_of(e))), None)
        if printed:
            return Sourced(printed, "selectors")
        return Sourced(self._byline_after_body(), "patterns")

    def _byline_after_body(self) -> str | None:
        """A block of its own after the body, before the related block, that reads as a byline (names in upper
        and lower case only when printed as a byline is, bold or right-aligned: a box's heading "Tin Mới" is
        none); not a link, nor a block holding links (tags, navigation) or more than two elements."""
        body = self.located("body").value
        if body is None:
            return None
        related = self.related_block
        for element in following(body):
            if element is related or not self._outside_related(element):
                break
            if element.tag == "a" or element.find(".//a") is not None or len(element) > 2:
                continue  # links are tags or navigation, never a byline
            text = text_of(element)
            if text and looks_like_byline(text, any_case=is_bold(element) or _right_aligned(element)):
                return text
        return None

    @cached_property
    def tags(self) -> Sourced[list[str]]:
        """The article's tags: the texts of the links the profile's selector finds, else of the links printed
        after the first of its ``tags_labels`` ("Từ khóa:") that has some (``_links_after_label``)."""
        fast = _link_texts(self._elements(self.profile.selectors.tags))
        if fast:
            return Sourced(fast, "selectors")
        labels = self.profile.tags_labels
        opens = label_opening(labels)  # what every line opening with a label opens with: the rest is read then
        for element in self._content_elements:  # the page's furniture (menus, header, footer) holds no tags
            if element.tag == "a":
                continue
            texts = (
                enumerate((element.text, *(child.tail for child in element))) if len(element) else ((0, element.text),)
            )
            for at, printed in texts:
                rest = after_label(printed, labels) if printed and opens.match(printed) else None
                if rest is not None and (anchors := self._tag_links(_links_after_label(element, at, rest == ""))):
                    return Sourced(_link_texts(anchors), "patterns")
        return Sourced([], "patterns")

    def _tag_links(self, anchors: list[HtmlElement]) -> list[HtmlElement]:
        """The links of a list after a tags label, none when one leads to an article or is in the related block:
        that list is of articles."""
        if any(self._names_other_article(a) or not self._outside_related(a) for a in anchors):
            return []
        return anchors

    @cached_property
    def related(self) -> Sourced[list[RelatedItem]]:
        """The related block's articles, each once, in page order, this one aside."""
        block, layer = self.located("related")
        return Sourced(self._related_items(block) if block is not None else [], layer)

    def _related_items(self, block: HtmlElement) -> list[RelatedItem]:
        items: dict[str, RelatedItem] = {}
        linked = {anchor: article for anchor, _, article in self.article_links(block)}
        for anchor, article in linked.items():
            if article.article_id in items or (self.article and article.article_id == self.article.article_id):
                continue
            item = anchor
            while True:
                parent = item.getparent()
                if parent is None or parent is block:
                    break
                if any(linked[a].article_id != article.article_id for a in parent.iter("a") if a in linked):
                    break
                item = parent
            titles = {_title_in(a) for a in item.iter("a") if linked.get(a) == article}
            title = max((text_of(e) for e in titles), key=len)
            rest = [line for line in reading(item, figures=False, leave_out=titles) if isinstance(line, str)]
            lede = next((line for line in rest if line != title and parse_date(line) is None), None)
            prefix = self.profile.lede_prefix.match(lede or "")
            if lede and prefix:
                lede = lede[prefix.end() :].strip() or None
            items[article.article_id] = {
                "url": article.canonical,
                "title": title or None,
                "lede": lede,
                "published_date": parse_date(" ".join(rest)) or parse_date(title),
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
                    name = text_of(anchor) or None
                    break
        return {"slug": slug, "name": name or slug}

    def _section_on_page(self) -> str | None:
        """The last link to a section in the breadcrumbs (the profile's selector: a link there names the section
        even when the profile does not know it), else the last link to a section the profile knows before the
        title outside the page furniture (the menus)."""
        crumbs = [self.resolve(a.get("href")) for a in self._elements(self.profile.selectors.section)]
        named = [self._section_named(url) for url in crumbs if url]
        if any(named):
            return next(slug for slug in reversed(named) if slug)
        end = self.located("title").value
        anchors = []
        for element in self._content_elements:
            if element is end:
                break
            if element.tag == "a":
                anchors.append(element)
        slugs = [section_of(url, self.profile) if (url := self.resolve(a.get("href"))) else None for a in anchors]
        return next((slug for slug in reversed(slugs) if slug), None)

    def _section_named(self, url: str) -> str | None:
        """The section a breadcrumb link names: a listing URL of the site that is no article's."""
        listing = listing_url(url, self.profile)
        return listing.section if listing is not None and self._article_of(url) is None else None


def _links_after_label(holder: HtmlElement, at: int, alone: bool) -> list[HtmlElement]:
    """The links a label printed in ``holder`` lists: the label is ``holder``'s text (``at`` 0) or the tail of
    its child ``at`` - 1, and its list what follows it there (``_listed``). A label that ends its element
    (``<span>Từ khóa:</span> <a>...``, ``<div><b>Tags</b></div><ul>...``), ``alone`` with nothing printed after
    it, lists what follows that element, or the element around it, up to three levels up."""
    after = list(holder)[at:]
    if not alone or any(has_text(e) or prints(e.tail) for e in after):
        return _listed(after)
    node: HtmlElement | None = holder
    for _ in range(3):
        if node is None:
            break
        siblings = [e for e in node.itersiblings() if isinstance(e.tag, str)]
        if siblings:
            return _listed(siblings)
        node = node.getparent()
    return []


def _listed(elements: list[HtmlElement]) -> list[HtmlElement]:
    """The links of a list that opens ``elements``: inline elements up to the first block, or a block and the
    blocks of its tag right after it (``<ul>``, or ``<li>`` after ``<li>``)."""
    elements = [e for e in elements if isinstance(e.tag, str) and e.tag not in SKIPPED]
    if not elements:
        return []
    first = elements[0]
    if first.tag in BLOCK_TAGS and first.tag != "br":
        run = list(itertools.takewhile(lambda e: e.tag == first.tag, elements))
    else:
        run = list(itertools.takewhile(lambda e: e.tag not in BLOCK_TAGS or e.tag == "br", elements))
    return [a for e in run for a in e.iter("a")]


def _right_aligned(element: HtmlElement) -> bool:
    """Whether the element, or an element inside it, is aligned right (``style="text-align: right"``,
    ``align="right"``)."""
    return any(
        e.get("align", "").strip().lower() == "right"
        or "text-align:right" in "".join(e.get("style", "").split()).lower()
        for e in element.iter()
        if isinstance(e.tag, str)
    )


def _title_in(anchor: HtmlElement) -> HtmlElement:
    """What prints a related item's title in a link to it: the link, or its first block of text when it holds
    blocks (a heading, then the lede); a ``<br>`` in a title is a line break in it."""
    if not holds_blocks(anchor):
        return anchor
    first = first_paragraph(anchor)
    return anchor if first is None else first


def _in_article(element: HtmlElement) -> bool:
    """Whether the element is inside an ``article``."""
    return next(element.iterancestors("article"), None) is not None


def _within(element: HtmlElement, ancestor: HtmlElement) -> bool:
    """Whether ``element`` is inside ``ancestor`` (not ``ancestor`` itself)."""
    return any(a is ancestor for a in element.iterancestors())


def _paragraphs_of_its_own(block: HtmlElement) -> bool:
    """Whether a block without blocks inside prints more than one paragraph (two ``<br>`` in a row end one)."""
    return block.find(".//br") is not None and len(reading(block, figures=False, paragraphs=True)) > 1
