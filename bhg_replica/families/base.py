"""What a template family is, and the one function that prints an article page from a family's markup."""

from __future__ import annotations

import hashlib
import html
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from html.entities import codepoint2name

from bhg_replica.chrome import Chrome
from bhg_replica.content import Article, Block, Image


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def printed(text: str) -> str:
    """Text as the CMS writes it into HTML: escaped, a no-break space as ``&nbsp;``."""
    return esc(text).replace("\xa0", "&nbsp;")


def as_entities(fragment: str) -> str:
    """Write every non-ASCII character as a character reference, as some CKEditor setups do."""
    out = []
    for char in fragment:
        code = ord(char)
        if code < 128:
            out.append(char)
        elif code in codepoint2name:
            out.append(f"&{codepoint2name[code]};")
        else:
            out.append(f"&#{code};")
    return "".join(out)


def category_id(host: str, slug: str) -> str:
    """The 32-hex id a category carries in its link's class list [seen-3p, config of Feb 2026]."""
    return hashlib.md5(f"{host}/{slug}".encode()).hexdigest()


# -- image boxes, one function a form -----------------------------------------------------------------------------


def ckeditor_image_center(image: Image, origin: str) -> str:
    """Era A's CKEditor image table [seen]: ``table.image.center``, the caption in ``td.image_desc``, alt repeating it;
    the image path relative."""
    caption = f'<tr><td class="image_desc">{esc(image.caption)}</td></tr>' if image.caption else ""
    return (
        '<table class="image center" border="0" cellpadding="0" cellspacing="0" style="width: 100%;">'
        f'<tr><td><img src="{esc(image.src)}" alt="{esc(image.alt)}" style="width: 100%;"></td></tr>'
        f"{caption}</table>"
    )


def ckeditor_image_align(image: Image, origin: str) -> str:
    """The hex-id CMS's image table [seen on era-B pages]: ``table[align=center] > tbody``, the caption in the
    second row's ``td``, alt repeating it; the image URL absolute."""
    caption = f"<tr><td>{esc(image.caption)}</td></tr>" if image.caption else ""
    return (
        f'<table align="center"><tbody><tr><td><img alt="{esc(image.alt)}" src="{origin}{esc(image.src)}">'
        f"</td></tr>{caption}</tbody></table>"
    )


def figure_image(image: Image, origin: str) -> str:
    """An image in a ``figure`` with a ``figcaption`` (a guess, for the old Tuyên Quang CMS)."""
    caption = f"<figcaption>{esc(image.caption)}</figcaption>" if image.caption else ""
    return f'<figure class="image"><img src="{origin}{esc(image.src)}" alt="{esc(image.alt)}">{caption}</figure>'


ImageForm = Callable[[Image, str], str]


# -- a family's markup --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Markup:
    """One template: format strings for each part of an article page. ``{}`` stands for the part's text (escaped);
    ``section`` takes ``{href}``, ``{name}`` and ``{category}`` (the 32-hex id), ``related_item`` ``{href}``,
    ``{title}``, ``{lede}`` and ``{date}``, ``related`` ``{items}``, ``trailer`` ``{tags}``."""

    name: str
    section: str  # the section label, one link to the article's section
    title: str
    time: str
    sapo: str  # a lede printed apart from the body
    body: str  # the body's opening tag
    lede: str  # a lede printed as the body's first paragraph
    paragraph: str
    subheading: str
    image: ImageForm
    author: str  # a byline printed after the body, apart from it
    related: str
    related_item: str
    wrapper: tuple[str, str] = ("", "")  # what holds title, time, body and trailer
    after_time: str = ""  # share buttons and the like
    trailer: str = "{tags}"  # after the body, inside the wrapper
    tags: str = '<div class="tags">Từ khóa: {}</div>'
    canonical_always: bool = False  # og:url and the canonical link on every page, not only on some


def choose(article_id: str, salt: str, count: int) -> int:
    """A number in ``range(count)`` fixed by the article id: the same page always gets the same variant."""
    return zlib.crc32(f"{salt}:{article_id}".encode()) % count


@dataclass(frozen=True)
class Family:
    """A template family: the article pages of one CMS generation of one paper, in one or more variants
    (``markup``). ``sapo_share`` is the share of its pages that print the lede apart from the body; the others
    print it as the body's first paragraph. ``old_frame`` says which page frame the furniture takes (the era-A
    CMS's ``div#header``/``div#menu``/``div#footer``, else the hex-id CMS's classes)."""

    name: str
    variants: tuple[Markup, ...]
    sapo_share: float
    old_frame: bool
    time_css: str  # every element, over the variants, that prints the time
    body_css: str  # every element, over the variants, that holds the body

    def markup(self, article_id: str) -> Markup:
        return self.variants[choose(article_id, self.name, len(self.variants))]

    def sapo_apart(self, article_id: str) -> bool:
        return choose(article_id, f"{self.name}:sapo", 1000) < self.sapo_share * 1000


@dataclass(frozen=True)
class Related:
    """An item of a page's related block, as printed."""

    href: str
    title: str
    lede_html: str  # with its prefix, escaped, possibly in paragraphs
    date: str  # DD/MM/YYYY


@dataclass(frozen=True)
class ArticleView:
    """An article page's content in the terms of the paper that serves it: what a family prints."""

    article: Article
    url: str  # canonical
    origin: str  # the scheme and host of absolute links and images
    host: str
    section_href: str
    section_name: str
    section_slug: str
    related: tuple[Related, ...]
    chrome: Chrome
    head_title: str  # the <title>: "<title> - <brand>"


# -- the page ---------------------------------------------------------------------------------------------------


def head_meta(view: ArticleView) -> str:
    """The og: tags and canonical link [a guess; a CMS of this kind usually emits them]."""
    article = view.article
    lines = [
        f'<meta name="description" content="{esc(article.lede)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(article.title)}">',
        f'<meta property="og:description" content="{esc(article.lede)}">',
        f'<meta property="og:url" content="{view.url}">',
    ]
    if article.images:
        lines.append(f'<meta property="og:image" content="{view.origin}{article.images[0].src}">')
    lines.append(f'<link rel="canonical" href="{view.url}">')
    return "\n".join(lines) + "\n"


def block_html(markup: Markup, block: Block, origin: str) -> str:
    if block.kind == "p":
        return markup.paragraph.format(esc(block.text))
    if block.kind == "h":
        return markup.subheading.format(esc(block.text))
    if block.kind == "video":
        return f'<div class="video"><video controls src="{origin}{block.text}"></video></div>'
    assert block.image is not None
    return markup.image(block.image, origin)


def body_html(markup: Markup, view: ArticleView, lede_in_body: bool) -> str:
    """The body element's inside: the lede if the page prints it there, the blocks, the byline if it is in the
    body; written with character references on the pages that do so."""
    article = view.article
    parts = [markup.lede.format(printed(article.printed_lede))] if lede_in_body else []
    if article.repeat_lede:  # 2014 pages print the lede twice [seen]
        parts.append(f"<p>{printed(article.printed_lede)}</p>")
    parts += [block_html(markup, block, view.origin) for block in article.blocks]
    if article.byline and article.byline_in_body:
        parts.append(f'<p style="text-align: right;"><strong>{esc(article.byline)}</strong></p>')
    inside = "\n".join(parts) + "\n"
    return as_entities(inside) if article.entities else inside


def related_html(markup: Markup, view: ArticleView) -> str:
    if not view.related:
        return ""
    items = "\n".join(
        markup.related_item.format(href=r.href, title=printed(r.title), lede=r.lede_html, date=r.date)
        for r in view.related
    )
    return markup.related.format(items=f"\n{items}\n") + "\n"


def tags_html(markup: Markup, article: Article) -> str:
    if not article.tags:
        return ""
    links = ", ".join(f'<a href="/tim-kiem?q={esc(tag.replace(" ", "+"))}">{esc(tag)}</a>' for tag in article.tags)
    return markup.tags.format(links)


def article_page(family: Family, view: ArticleView) -> str:
    """The whole page of an article in its family's markup, inside the paper's furniture."""
    article = view.article
    markup = family.markup(article.slot.article_id)
    apart = family.sapo_apart(article.slot.article_id)
    byline = esc(article.byline) if article.byline else ""
    lede = printed(article.printed_lede)
    if article.entities:
        byline, lede = as_entities(byline), as_entities(lede)
    category = category_id(view.host, view.section_slug)
    opening, closing = markup.wrapper
    main = (
        markup.section.format(href=view.section_href, name=esc(view.section_name), category=category)
        + "\n"
        + opening
        + markup.title.format(printed(article.title))
        + "\n"
        + markup.time.format(article.printed_time())
        + "\n"
        + markup.after_time.format(url=view.url)
        + (markup.sapo.format(lede) + "\n" if apart else "")
        + f"{markup.body}\n{body_html(markup, view, not apart)}</div>\n"
        + (markup.author.format(byline) + "\n" if byline and not article.byline_in_body else "")
        + markup.trailer.format(tags=tags_html(markup, article))
        + closing
        + "\n"
        + related_html(markup, view)
    )
    meta = head_meta(view) if article.head_meta or markup.canonical_always else ""
    page = view.chrome.page(view.head_title, meta, main, view.section_slug, family.old_frame)
    return unicodedata.normalize("NFD", page) if article.nfd else page
