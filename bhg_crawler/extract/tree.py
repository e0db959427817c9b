"""The tree of a page: its blocks and lines as a reader sees them, CSS selectors run fast, and ``Page``, what
any page of a site offers (its URL, its links, its meta tags)."""

from __future__ import annotations

import re
from functools import cache, cached_property
from typing import Any, Self
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector
from parsel.csstranslator import HTMLTranslator
from scrapy.http import Response, TextResponse

from bhg_crawler.extract.text import clean_text
from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import ArticleUrl, article_url

BLOCK_TAGS = frozenset(
    [
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
        "td",
        "th",
        "table",
        "tbody",
        "thead",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "main",
        "nav",
        "figure",
        "figcaption",
        "blockquote",
        "br",
        "hr",
        "dl",
        "dt",
        "dd",
        "form",
    ]
)
PAGE_FURNITURE = frozenset(["header", "footer", "nav", "aside"])  # never the article, whatever the classes
TEXT_BLOCKS = frozenset(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "dd", "dt"])
SKIPPED = frozenset(
    ["script", "style", "noscript", "iframe", "video", "audio", "object", "embed", "form", "button", "svg", "template"]
)


def lines_of(element: HtmlElement) -> list[str]:
    """The element's text split at block boundaries, as a reader sees the lines (images left out)."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = clean_text("".join(current))
        if line:
            lines.append(line)
        current.clear()

    def walk(node: HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIPPED:
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
        current.append(node.text or "")
        for child in node:
            walk(child)
            current.append(child.tail or "")
        if block:
            flush()

    walk(element)
    flush()
    return lines


@cache
def compiled_css(css: str) -> etree.XPath:
    """A CSS selector (with parsel's ``::text`` and ``::attr()``) as compiled XPath: lxml runs it directly."""
    return etree.XPath(HTMLTranslator().css_to_xpath(css))


Step = tuple[str, frozenset[str]]  # a tag ("" for any) and the classes an element must have
SIMPLE_STEP = re.compile(r"(?P<tag>[a-z][a-z0-9]*)?(?P<classes>(?:\.[A-Za-z_][\w-]*)+)?")
CLASSED = etree.XPath("//*[@class]")


@cache
def class_plan(css: str) -> tuple[tuple[Step, ...], ...] | None:
    """``tag.class, .a .b a`` as alternatives of descendant steps, each starting with a class; else None.

    The profiles' selectors have this shape; ``Page.select`` answers them from one index of the page's
    classes instead of one XPath pass over the whole tree each.
    """
    plan = []
    for alternative in css.split(","):
        steps = []
        for part in alternative.split():
            match = SIMPLE_STEP.fullmatch(part)
            if match is None:
                return None
            classes = frozenset(match["classes"].split(".")[1:]) if match["classes"] else frozenset()
            steps.append((match["tag"] or "", classes))
        if not steps or not steps[0][1]:
            return None
        plan.append(tuple(steps))
    return tuple(plan)


def _fits(element: HtmlElement, step: Step) -> bool:
    tag, classes = step
    return (not tag or element.tag == tag) and classes <= set((element.get("class") or "").split())


class NotHtml(ValueError):
    """A response that is not a page of text (an image or a PDF where an article should be)."""


class Page:
    """What any page of the site offers: its tree, its URL, its links."""

    def __init__(self, html: str | Selector, url: str, profile: SiteProfile):
        self.root: HtmlElement = (html if isinstance(html, Selector) else Selector(text=html)).root
        self.url = url
        self.profile = profile
        self._absolute_urls: dict[str, str] = {}  # links repeat on a page: each is resolved once
        self._articles: dict[str, ArticleUrl | None] = {}

    @classmethod
    def from_response(cls, response: Response, profile: SiteProfile) -> Self:
        """The page of a Scrapy response; ``NotHtml`` when the response is not text."""
        if not isinstance(response, TextResponse):
            raise NotHtml(f"{response.url} is not a text page ({response.headers.get('Content-Type')!r})")
        return cls(response.selector, response.url, profile)

    def select(self, css: str) -> list[Any]:
        """Elements, or strings for ``::text`` and ``::attr()``, that a CSS selector finds; none for ''."""
        if not css:
            return []
        plan = class_plan(css)
        if plan is None:
            return list(compiled_css(css)(self.root))
        found: dict[HtmlElement, None] = {}
        for first, *rest in plan:
            matches = [e for e in self._classes.get(next(iter(first[1])), ()) if _fits(e, first)]
            for step in rest:
                matches = [d for e in matches for d in e.iterdescendants(step[0] or etree.Element) if _fits(d, step)]
            found.update(dict.fromkeys(matches))
        if len(found) > 1 and (len(plan) > 1 or any(len(steps) > 1 for steps in plan)):
            order = {element: at for at, element in enumerate(self.root.iter())}
            return sorted(found, key=order.__getitem__)
        return list(found)

    @cached_property
    def _classes(self) -> dict[str, list[HtmlElement]]:
        """Every element with a class, by class, in document order."""
        index: dict[str, list[HtmlElement]] = {}
        for element in CLASSED(self.root):
            for name in (element.get("class") or "").split():
                index.setdefault(name, []).append(element)
        return index

    def first(self, css: str) -> HtmlElement | None:
        """The first element a CSS selector finds, None when none (or when the selector is empty)."""
        found = self.select(css)
        return found[0] if found else None

    def meta(self, *names: str) -> str | None:
        """The clean content of the first ``<meta>`` of ``names`` (by ``property`` or ``name``) that has one; None."""
        for name in names:
            value = self.select(f'meta[property="{name}"]::attr(content), meta[name="{name}"]::attr(content)')
            if value:
                return clean_text(str(value[0])) or None
        return None

    def links(self, within: HtmlElement | None = None) -> list[tuple[HtmlElement, str]]:
        """Every ``<a href>`` of the page (or of ``within``) with its absolute URL, in document order."""
        scope = self.root if within is None else within
        return [(a, self._absolute(href)) for a in scope.iter("a") if (href := a.get("href"))]

    def article_links(self, within: HtmlElement | None = None) -> list[tuple[HtmlElement, str, ArticleUrl]]:
        """The links (of the page, or of ``within``) to articles of the profile's site, with the article each names."""
        found = []
        for anchor, url in self.links(within):
            article = self._article_of(url)
            if article is not None:
                found.append((anchor, url, article))
        return found

    def _absolute(self, href: str) -> str:
        url = self._absolute_urls.get(href)
        if url is None:
            link = href.strip()
            absolute = link.startswith(("https://", "http://")) and not any(c in link for c in "\t\r\n")
            url = self._absolute_urls[href] = link if absolute else urljoin(self.url, link)
        return url

    def _article_of(self, url: str) -> ArticleUrl | None:
        if url not in self._articles:
            self._articles[url] = article_url(url, self.profile)
        return self._articles[url]
