"""The tree of a page: its blocks and lines as a reader sees them, CSS selectors run fast, and ``Page``, what
any page of a site offers (its URL, its links, its meta tags)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from functools import cache, cached_property
from typing import Any, NamedTuple, Self

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement
from parsel import Selector
from parsel.csstranslator import HTMLTranslator
from scrapy.http import Response, TextResponse

from bhg_crawler.extract.text import clean_text, prints
from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import ArticleUrl, article_url, resolve_url

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
FURNITURE_ROLES = frozenset(["navigation", "complementary", "banner", "contentinfo"])  # the same, by ARIA role
# The words a page's blocks of furniture are named by in their class or id, on any site ("sidebar",
# "main-nav", "menu-news", "box-footer"...): a word of the name, split at spaces, hyphens and underscores.
FURNITURE_WORDS = frozenset(["nav", "navbar", "menu", "sidebar", "footer", "header", "widget", "aside", "banner"])
NAME_WORDS = re.compile(r"[\s_-]+")
# A Vietnamese online paper prints its press licence, "Giấy phép số 432/GP-BTTTT", in its footer [likely: the
# press law asks every one to print it].
PRESS_LICENCE = re.compile(r"Giấy phép\s+(?:số\s+)?[\w.-]*\d+/GP-", re.IGNORECASE)
LICENCE_TEXT = etree.XPath("//*[text()[contains(., '/GP-')]]")
SKIPPED = frozenset(  # "title": a <title> misplaced in the body prints nothing there
    ["script", "style", "noscript", "iframe", "video", "audio", "object", "embed", "form", "button", "svg", "template",
     "title"]
)  # fmt: skip


def is_furniture(node: HtmlElement) -> bool:
    """Whether the element itself is page furniture: a header, nav, aside or footer by its tag or its ARIA role,
    or a block whose class or id names one (``FURNITURE_WORDS``), whatever the site's markup."""
    if node.tag in PAGE_FURNITURE or node.get("role") in FURNITURE_ROLES:
        return True
    name = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
    return bool(name.strip()) and not FURNITURE_WORDS.isdisjoint(NAME_WORDS.split(name))


HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
LINE_ENDS = BLOCK_TAGS | SKIPPED  # what ends a line: a block, a line break, or something never read
HOLDING = BLOCK_TAGS - {"br", "hr"}  # blocks that hold lines of their own


def breaks_line(element: HtmlElement) -> bool:
    """Whether a block, a ``<br>`` or something never read (a script) is inside the element: its text is then
    more than one run."""
    return any(descendant.tag in LINE_ENDS for descendant in element.iterdescendants())


def holds_blocks(element: HtmlElement) -> bool:
    """Whether a block other than a line break or a rule is inside the element."""
    return any(descendant.tag in HOLDING for descendant in element.iterdescendants())


FIGURE_TAGS = frozenset(["img", "table", "figure"])


def is_figure(element: HtmlElement) -> bool:
    """An image as the body prints it: an ``img``, or a CKEditor table or a ``figure`` holding one (a table that
    holds another table is a layout, not a figure)."""
    tag = element.tag
    if tag == "img":
        return True
    if tag not in ("table", "figure") or element.find(".//img") is None:
        return False
    return tag == "figure" or element.find(".//table") is None


def _inherited(known: dict[HtmlElement, bool], element: HtmlElement, own: Callable[[HtmlElement], bool]) -> bool:
    """Whether ``own`` holds of the element or of an ancestor, with ``known`` the answers so far (each element
    judged once, its ancestors first; no recursion: a page may nest thousands deep)."""
    answer = known.get(element)
    if answer is not None:
        return answer
    climbed = []
    node: HtmlElement | None = element
    while node is not None and (answer := known.get(node)) is None:
        climbed.append(node)
        node = node.getparent()
    above = bool(answer)
    for node in reversed(climbed):
        above = above or own(node)
        known[node] = above
    return above


def reading(
    element: HtmlElement,
    figures: bool = True,
    leave_out: Collection[HtmlElement] = (),
    paragraphs: bool = False,
) -> list[str | HtmlElement]:
    """The element as a reader sees it: its lines of text (normalised, one a block, a ``<br>`` ending one, inline
    runs kept whole) and, with ``figures``, each figure (``is_figure``) as its element where it stands, its
    caption with it; without, a figure's printed text is lines like any other and its images are left out.
    With ``paragraphs``, a line is a paragraph: a ``<br>`` is a line break inside it (a newline, each line
    normalised) and two or more in a row end it. Scripts, styles, forms and comments are never read, nor the
    elements of ``leave_out`` (their tails are)."""
    found: list[str | HtmlElement] = []
    current: list[str] = []
    broken: list[str] = []  # with ``paragraphs``, the lines of the paragraph before its last <br>
    breaks = 0  # the <br> since the last text, with ``paragraphs``

    def add(text: str | None) -> None:
        nonlocal breaks
        if text:
            current.append(text)
            if breaks and prints(text):
                breaks = 0

    def flush() -> None:
        nonlocal breaks
        if current or broken:
            line = "\n".join(text for text in (*broken, clean_text("".join(current))) if text)
            if line:
                found.append(line)
            current.clear()
            broken.clear()
        breaks = 0

    def enter(node: HtmlElement) -> bool:
        nonlocal breaks
        tag = node.tag
        if not isinstance(tag, str) or tag in SKIPPED or node in leave_out:
            return False
        if figures and tag in FIGURE_TAGS and is_figure(node):
            flush()
            found.append(node)
            return False
        if paragraphs and tag == "br":
            if breaks:
                flush()
            else:
                broken.append(clean_text("".join(current)))
                current.clear()
                breaks = 1
            return False
        if tag in BLOCK_TAGS:
            flush()
        add(node.text)
        return True

    # depth first without recursion: a page may nest blocks thousands deep
    if not enter(element):
        return found
    stack = [(element, iter(element))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if node.tag in BLOCK_TAGS:
                flush()
            if stack:
                add(node.tail)
        elif (entered := enter(child)) and len(child):
            stack.append((child, iter(child)))
        else:
            if entered and child.tag in BLOCK_TAGS:
                flush()
            add(child.tail)
    flush()
    return found


def lines_of(element: HtmlElement) -> list[str]:
    """The element's text split at block boundaries and ``<br>``, as a reader sees the lines (images left out)."""
    return [line for line in reading(element, figures=False) if isinstance(line, str)]


def text_of(element: HtmlElement) -> str:
    """The element's text as one normalised line: its lines (``lines_of``) joined by a space, never glued across
    a block or a ``<br>``; "" when it has none."""
    if len(element) == 0:
        return clean_text(element.text) if element.tag not in SKIPPED else ""
    if not breaks_line(element):
        return clean_text(element.text_content())
    return " ".join(lines_of(element))


def following(element: HtmlElement) -> Iterator[HtmlElement]:
    """The elements after an element in document order, not those inside it, one at a time."""
    node: HtmlElement | None = element
    while node is not None:
        for sibling in node.itersiblings():
            yield from sibling.iter(etree.Element)
        node = node.getparent()


def siblings_around(element: HtmlElement, after: bool) -> list[HtmlElement]:
    """The elements before (or after) an element in the page's ``<body>``, neither inside it nor holding it: the
    siblings on that side of it and of each of its ancestors below the ``<body>``."""
    found: list[HtmlElement] = []
    node: HtmlElement | None = element
    while node is not None and node.tag not in ("body", "html"):
        found += node.itersiblings(preceding=not after)
        node = node.getparent()
    return found


def printed_footers(root: HtmlElement, kept: Collection[HtmlElement | None] = ()) -> list[HtmlElement]:
    """The blocks that hold a press licence line (``PRESS_LICENCE``): a paper's footer, whatever its markup. The
    block is the line's parent, else the line itself: a footer is never the page's ``<body>`` or ``<html>``, nor
    holds any of ``kept`` (the article's title, time or body); a line that is one of those is no footer."""
    found = []
    for line in (e for e in LICENCE_TEXT(root) if PRESS_LICENCE.search(text_of(e))):
        for block in (line.getparent(), line):
            if block is not None and block.tag not in ("body", "html") and not _holds_any(block, kept):
                found.append(block)
                break
    return found


def _holds_any(block: HtmlElement, elements: Collection[HtmlElement | None]) -> bool:
    """Whether ``block`` is, or holds, one of ``elements``."""
    return any(e is not None and (e is block or any(a is block for a in e.iterancestors())) for e in elements)


def has_own_text(element: HtmlElement) -> bool:
    """Whether the element has text of its own (its text or its children's tails), not only its children's."""
    return prints(element.text) or any(prints(child.tail) for child in element)


def spaced_text(element: HtmlElement, own: bool = False) -> str:
    """Every text node of the element (``own``: only its own text and its children's tails) apart by a space,
    normalised: where a timestamp or date is looked for, so that a count or a label printed in the element
    before it never runs into its digits."""
    if own:
        return clean_text(" ".join([element.text or "", *(child.tail or "" for child in element)]))
    if next(element.iterdescendants(*SKIPPED), None) is None:
        return clean_text(" ".join(element.itertext()))  # comments left out, as a reader sees them
    return clean_text(" ".join(_texts(element)))


TEXT_NODES = etree.XPath(".//text()")  # in document order, tails too, never a comment's own text


def _texts(element: HtmlElement) -> list[str]:
    """The element's text nodes in document order, those of scripts, styles and the like (``SKIPPED``) left out
    (their tails are read), and comments'."""
    hidden = {node for skipped in element.iterdescendants(*SKIPPED) for node in skipped.iter()}
    pieces = []
    for text in TEXT_NODES(element):
        owner = text.getparent()
        if text.is_tail:
            owner = owner.getparent()
        if owner not in hidden:
            pieces.append(str(text))
    return pieces


def visible_text(element: HtmlElement) -> str:
    """The element's text as ``text_content()`` gives it (not normalised), less what a reader never sees: the
    text of scripts, styles and the like (``SKIPPED``); "" for such an element."""
    if element.tag in SKIPPED:
        return ""
    if next(element.iterdescendants(*SKIPPED), None) is None:
        return str(element.text_content())
    return "".join(_texts(element))


def visible_length(element: HtmlElement) -> int:
    """At most the length of ``visible_text`` (a script inside a ``noscript`` is taken off twice), without
    walking the tree: ``text_content()``'s length less that of the scripts and the like inside."""
    skipped = (node for node in element.iterdescendants(*SKIPPED))
    return len(element.text_content()) - sum(len(node.text_content()) for node in skipped)


def has_text(element: HtmlElement) -> bool:
    """Whether the element prints any text: more than spaces and invisible characters, scripts and the like
    aside."""
    return bool(clean_text(visible_text(element)))


@cache
def compiled_css(css: str) -> etree.XPath:
    """A CSS selector (with parsel's ``::text`` and ``::attr()``) as compiled XPath: lxml runs it directly."""
    return etree.XPath(HTMLTranslator().css_to_xpath(css))


class Step(NamedTuple):
    """One step of a selector ``Page.select`` answers from its index: ``div.content#content``, ``> p``."""

    tag: str  # "" for any
    classes: frozenset[str]  # the classes an element must have
    id: str  # the id it must have; "" for any
    child: bool = False  # a child of the step before (``>``), not any descendant


SIMPLE_STEP = re.compile(r"(?P<tag>[a-z][a-z0-9]*)?(?P<names>(?:[.#][A-Za-z_][\w-]*)*)")
NAME = re.compile(r"[.#][A-Za-z_][\w-]*")
CLASSED = etree.XPath("//*[@class]")
BY_ID = etree.XPath("id($name)")  # libxml2's index of the page's ids: the first element of an id
WITH_ID = etree.XPath("//*[@id=$name]")


def _steps(alternative: str) -> tuple[Step, ...] | None:
    """``#id .a > p`` as steps, the first with a class or an id; None for any other selector."""
    steps: list[Step] = []
    child = False
    for part in alternative.replace(">", " > ").split():
        if part == ">":
            if not steps or child:
                return None
            child = True
            continue
        match = SIMPLE_STEP.fullmatch(part)
        if match is None or not part:
            return None
        names = NAME.findall(match["names"])
        ids = [name[1:] for name in names if name[0] == "#"]
        if len(ids) > 1:
            return None
        classes = frozenset(name[1:] for name in names if name[0] == ".")
        steps.append(Step(match["tag"] or "", classes, ids[0] if ids else "", child))
        child = False
    if not steps or child or not (steps[0].classes or steps[0].id):
        return None
    return tuple(steps)


@cache
def class_plan(css: str) -> tuple[tuple[Step, ...] | str, ...] | None:
    """The alternatives of a selector (``tag.class, #id .a > b, div.c#d, ...``), each as steps from one starting
    with a class or an id, or else as its own CSS for XPath; None for a selector of ``::text`` or ``::attr()``.

    The profiles' selectors have this shape; ``Page.select`` answers the steps from one index of the page's
    classes and ids instead of one XPath pass over the whole tree each.
    """
    if "::" in css:
        return None
    return tuple(_steps(alternative) or alternative.strip() for alternative in css.split(","))


def _fits(element: HtmlElement, step: Step) -> bool:
    """Whether an element fits a step (its tag, classes and id; not where it is)."""
    return (
        (not step.tag or element.tag == step.tag)
        and (not step.id or element.get("id") == step.id)
        and step.classes <= set((element.get("class") or "").split())
    )


def position(element: HtmlElement) -> tuple[int, ...]:
    """Where an element stands in its tree: the index of it and of each of its ancestors among their siblings,
    from the root; in document order when sorted."""
    path = []
    node = element
    while (parent := node.getparent()) is not None:
        path.append(parent.index(node))
        node = parent
    return tuple(reversed(path))


def twin(element: HtmlElement, copied: HtmlElement) -> HtmlElement:
    """The element at ``element``'s place (``position``) in ``copied``, a deep copy of its tree's root. Found by
    indexes, not by an XPath of tag names, which a broken page can make no valid XPath (a tag named ``a<a``)."""
    for index in position(element):
        copied = copied[index]
    return copied


# libxml2 stops reading a page that nests elements 2,048 deep: what follows is lost. A page nested that deep is
# read again with the tags that make it too deep left out (``shallower``): each element that lies deeper than
# ``KEPT_NESTING`` and holds more than ``KEPT_NESTING`` levels of elements loses its tags, not its text or
# comments, so its content joins its parent's. The innermost ``KEPT_NESTING`` levels, where a page's
# paragraphs are, stay as they were.
PARSER_DEPTH = 2048
KEPT_NESTING = 500
MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)|<![^>]*>?|<\?[^>]*>?"  # a comment, a doctype or a processing instruction
    r"|<(/?)([A-Za-z][^\s/>]*)(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>",  # a tag, quoted attribute values read whole
    re.DOTALL,
)
VOID_TAGS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)
RAW_TEXT_TAGS = frozenset(["script", "style", "textarea", "title", "xmp", "plaintext"])
SELF_ENDING = frozenset(["p", "li", "option", "dt", "dd", "tr", "td", "th"])  # opening one ends an open twin


def cut_short(root: HtmlElement) -> bool:
    """Whether the parser stopped reading the page at its depth limit (``PARSER_DEPTH``): its last element is
    nearly that deep."""
    depth, node = 0, root
    while len(node):
        node, depth = node[-1], depth + 1
    return depth >= PARSER_DEPTH - 16


class _Opened:
    """A tag opened in ``shallower``'s reading: its depth, how many levels it holds, its and its end's spans."""

    __slots__ = ("depth", "end", "height", "name", "start")

    def __init__(self, name: str, depth: int, start: tuple[int, int]):
        self.name, self.depth, self.height, self.start = name, depth, 0, start
        self.end: tuple[int, int] | None = None


def shallower(html: str) -> str:
    """The page with the tags of every element deeper than ``KEPT_NESTING`` that holds more than
    ``KEPT_NESTING`` levels left out, its text, comments and inner elements kept: at most about twice
    ``KEPT_NESTING`` deep. Tags are read as a browser would: quoted attribute values (``title="a>b"``) whole,
    comments and script text skipped, void tags (``<br>``) holding nothing."""
    opened: list[_Opened] = []
    stack: list[_Opened] = []

    def close(through: int) -> None:
        while len(stack) > through:
            done = stack.pop()
            if stack:
                stack[-1].height = max(stack[-1].height, done.height + 1)

    at = 0
    while (match := MARKUP.search(html, at)) is not None:
        at = match.end()
        if match[2] is None:
            continue
        name = match[2].lower()
        if match[1]:
            found = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].name == name), None)
            if found is not None:
                stack[found].end = match.span()
                close(found)
            continue
        if name in SELF_ENDING and stack and stack[-1].name == name:
            close(len(stack) - 1)
        if name in RAW_TEXT_TAGS:
            ending = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(html, at)
            at = ending.end() if ending else len(html)
            continue
        if name in VOID_TAGS or match[0].endswith("/>"):
            continue
        element = _Opened(name, len(stack) + 1, match.span())
        opened.append(element)
        stack.append(element)
    close(0)
    spans = sorted(
        span
        for element in opened
        if element.depth > KEPT_NESTING and element.height > KEPT_NESTING
        for span in (element.start, element.end)
        if span is not None
    )
    kept, last = [], 0
    for start, end in spans:
        kept.append(html[last:start])
        last = end
    kept.append(html[last:])
    return "".join(kept)


# lxml.html's parser asks Python for the class of every element it hands out (a form, an input...); this one
# makes every element an HtmlElement in C: the same methods, and a walk of a page a fifth faster.
HTML_PARSER = lxml_html.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
HTML_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=lxml_html.HtmlComment, pi=lxml_html.HtmlProcessingInstruction,
        entity=lxml_html.HtmlEntity,
    )
)  # fmt: skip


def parse_html(text: str) -> HtmlElement:
    """The tree of a page's text, read as parsel reads it (NUL bytes dropped, an empty page an empty ``html``)."""
    body = text.strip().replace("\x00", "").encode("utf-8") or b"<html/>"
    root = etree.fromstring(body, parser=HTML_PARSER)
    return root if root is not None else etree.fromstring(b"<html/>", parser=HTML_PARSER)


def parsed(html: str | Selector) -> HtmlElement:
    """The tree of a page (of its text, or a parsel selector's), read again less deep (``shallower``) when the
    parser stopped at its depth limit."""
    root: HtmlElement = parse_html(html) if isinstance(html, str) else html.root
    if cut_short(root):
        text = html if isinstance(html, str) else html._text or html.get()
        root = parse_html(shallower(text))
    return root


class NotHtml(ValueError):
    """A response that is not a page of text (an image or a PDF where an article should be)."""


class Page:
    """What any page of the site offers: its tree, its URL, its links."""

    def __init__(self, html: str | Selector, url: str, profile: SiteProfile):
        self.root: HtmlElement = parsed(html)
        self.url = url
        self.profile = profile
        self._absolute_urls: dict[str, str | None] = {}  # links repeat on a page: each is resolved once
        self._unusable: set[tuple[str, str]] = set()  # (what gave it, the URL as given), each left out
        self._articles: dict[str, ArticleUrl | None] = {}
        self._article_links: dict[HtmlElement | None, list[tuple[HtmlElement, str, ArticleUrl]]] = {}
        self._furniture: dict[HtmlElement, bool] = {}
        self._figures: dict[HtmlElement, bool] = {}

    @classmethod
    def from_response(cls, response: Response, profile: SiteProfile) -> Self:
        """The page of a Scrapy response; ``NotHtml`` when the response is not text."""
        if not isinstance(response, TextResponse):
            raise NotHtml(f"{response.url} is not a text page ({response.headers.get('Content-Type')!r})")
        return cls(response.text, response.url, profile)  # parsed here: Scrapy's selector is never built

    def in_furniture(self, element: HtmlElement) -> bool:
        """Whether an element of this page is furniture or inside it (``is_furniture`` of it or an ancestor),
        each element judged once (a walk asks of every one)."""
        return _inherited(self._furniture, element, is_furniture)

    def in_figure(self, element: HtmlElement) -> bool:
        """Whether an element of this page is a figure or inside one (``is_figure`` of it or an ancestor): an
        image, its caption, its table's cells; each element judged once."""
        return _inherited(self._figures, element, is_figure)

    def select(self, css: str) -> list[Any]:
        """Elements, or strings for ``::text`` and ``::attr()``, that a CSS selector finds, in document order; none
        for ''."""
        if not css:
            return []
        plan = class_plan(css)
        if plan is None:
            return list(compiled_css(css)(self.root))
        found: dict[HtmlElement, None] = {}
        for alternative in plan:
            found.update(dict.fromkeys(self._answer(alternative)))
        if len(found) > 1 and (len(plan) > 1 or any(isinstance(a, str) or len(a) > 1 for a in plan)):
            return sorted(found, key=position)
        return list(found)

    def _answer(self, alternative: tuple[Step, ...] | str) -> list[HtmlElement]:
        """The elements one alternative of a selector finds: from the index, or by XPath."""
        if isinstance(alternative, str):
            return [e for e in compiled_css(alternative)(self.root) if isinstance(e, HtmlElement)]
        first, *rest = alternative
        matches = [
            e
            for e in (self._with_id(first.id) if first.id else self._classes.get(min(first.classes), ()))
            if _fits(e, first)
        ]
        for step in rest:
            if step.child:
                matches = [c for e in matches for c in e.iterchildren(step.tag or etree.Element) if _fits(c, step)]
            else:
                matches = [d for e in matches for d in e.iterdescendants(step.tag or etree.Element) if _fits(d, step)]
        return matches

    @cached_property
    def _classes(self) -> dict[str, list[HtmlElement]]:
        """Every element with a class, by class, in document order."""
        index: dict[str, list[HtmlElement]] = {}
        for element in CLASSED(self.root):
            for name in (element.get("class") or "").split():
                index.setdefault(name, []).append(element)
        return index

    def _with_id(self, name: str) -> list[HtmlElement]:
        """The element with an id (the first, if the page repeats it): from libxml2's index of the page's ids,
        else by a search when the index gives an ``<a name>`` of that name."""
        found: list[HtmlElement] = BY_ID(self.root, name=name)
        if not found or found[0].get("id") == name:
            return found
        searched: list[HtmlElement] = WITH_ID(self.root, name=name)
        return searched

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

    @cached_property
    def base_url(self) -> str:
        """The URL the page's relative URLs are relative to: its first ``<base href>``, itself resolved against
        the page's URL (``sites.urls.resolve_url``), else (none, or an unusable one) the page's URL."""
        declared = next((href for base in self.root.iter("base") if (href := base.get("href")) is not None), None)
        return (resolve_url(declared, self.url) if declared is not None else None) or self.url

    def resolve(self, given: str | None, what: str = "link") -> str | None:
        """The absolute URL a browser requests for a URL the page gives (``sites.urls.resolve_url`` against
        ``base_url``); None for an unusable one (counted in ``unusable``), and for none given (no such
        attribute)."""
        if given is None:
            return None
        if given not in self._absolute_urls:
            self._absolute_urls[given] = resolve_url(given, self.base_url)
        url = self._absolute_urls[given]
        if url is None:
            self._unusable.add((what, given))
        return url

    @property
    def unusable(self) -> Counter[str]:
        """How many different unusable URLs the page gave, of those resolved so far, by what gave them: "link"
        (an ``<a href>``), "image" (an ``<img src>``)."""
        return Counter(what for what, _ in self._unusable)

    def links(self, within: HtmlElement | None = None) -> list[tuple[HtmlElement, str]]:
        """Every ``<a href>`` of the page (or of ``within``) with its absolute URL, in document order; a link whose
        URL is unusable (``resolve``) is left out."""
        scope = self.root if within is None else within
        return [(a, url) for a in scope.iter("a") if (url := self.resolve(a.get("href")))]

    def article_links(self, within: HtmlElement | None = None) -> list[tuple[HtmlElement, str, ArticleUrl]]:
        """The links (of the page, or of ``within``) to articles of the profile's site, with the article each names."""
        if within not in self._article_links:
            found = []
            for anchor, url in self.links(within):
                article = self._article_of(url)
                if article is not None:
                    found.append((anchor, url, article))
            self._article_links[within] = found
        return list(self._article_links[within])

    def _article_of(self, url: str | None) -> ArticleUrl | None:
        if url is None:
            return None
        if url not in self._articles:
            self._articles[url] = article_url(url, self.profile)
        return self._articles[url]
