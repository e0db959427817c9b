"""The body of an article: its paragraphs and images in reading order, and each image's caption and credit."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from lxml.html import HtmlElement

from bhg_crawler.extract.record import Image
from bhg_crawler.extract.text import clean_text
from bhg_crawler.extract.tree import lines_of, reading
from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import canonical_url

FILE_NAME = re.compile(r"^[\w\-. ()]+\.(?:png|jpe?g|gif|webp|bmp)$", re.IGNORECASE)
CREDIT_IN_PARENS = re.compile(r"\s*\((?:Ảnh|Photo)\s*:?\s*(?P<credit>[^()]+)\)\s*$", re.IGNORECASE)
CREDIT_LINE = re.compile(r"^\(?(?:Ảnh|Photo)\s*:\s*(?P<credit>[^()]{2,60})\)?$", re.IGNORECASE)
CREDIT_AFTER = re.compile(r"(?<=[.!?…”\"])\s*(?:Ảnh|Photo)\s*:\s*(?P<credit>[^.]{2,60})$", re.IGNORECASE)

Block = str | Image  # a paragraph's text, or an image
Resolve = Callable[[str], str | None]  # a URL the page gives -> the absolute URL, None when unusable (Page.resolve)


def split_caption(printed: str) -> tuple[str | None, str | None]:
    """(caption, credit) from a printed caption: " |" endings and "(Ảnh CTV)" / "Ảnh: X" credits apart; a credit
    on a line of its own ("Caption\nẢnh: X", a ``<br>`` between them) is one too."""
    lines = [line for line in (clean_text(line) for line in printed.splitlines()) if line]
    if len(lines) > 1 and (own := CREDIT_LINE.match(lines[-1].removesuffix("|").strip())):
        caption, _ = split_caption(" ".join(lines[:-1]))
        return caption, own["credit"].strip()
    text = " ".join(lines).removesuffix("|").strip()
    credit = None
    for pattern in (CREDIT_IN_PARENS, CREDIT_AFTER):
        match = pattern.search(text)
        if match:
            credit = match["credit"].strip()
            text = text[: match.start()].strip()
            break
    return (text or None), credit


def _image(img: HtmlElement, printed: str, resolve: Resolve, profile: SiteProfile) -> Image | None:
    """The image of an ``img`` with the caption printed for it (else its ``alt``, unless a file name); None
    when it has no usable source: its ``src``, else its ``data-src`` (a lazy image's ``src`` is often a
    ``data:`` placeholder), resolved by ``resolve``."""
    src, lazy = ((img.get(name) or "").strip() for name in ("src", "data-src"))
    sources = [lazy] if lazy and src.lower().startswith("data:") else [given for given in (src, lazy) if given]
    url = next((url for given in sources if (url := resolve(given))), None)
    if url is None:
        return None
    alt = clean_text(img.get("alt"))
    if not printed and alt and not FILE_NAME.match(alt):
        printed = alt
    caption, credit = split_caption(printed) if printed else (None, None)
    return {"url": canonical_url(url, profile), "caption": caption, "credit": credit}


def images_of(figure: HtmlElement, resolve: Resolve, profile: SiteProfile) -> list[Image]:
    """The images of a figure (``tree.is_figure``: an ``img``, a CKEditor table or a ``figure``), each with the
    caption printed in the figure (its lines, a line a ``<br>``), else its ``alt`` text unless that is a file
    name. A table of several images with as many caption lines gives each its own, in order; with another
    count, each image the whole caption. Images without a usable source (``resolve`` gives their URLs) are left
    out."""
    imgs = [figure] if figure.tag == "img" else list(figure.iter("img"))
    lines = [] if figure.tag == "img" else lines_of(figure)
    paired = len(imgs) > 1 and len(lines) == len(imgs)
    printed = lines if paired else ["\n".join(lines)] * len(imgs)
    found = (_image(img, text, resolve, profile) for img, text in zip(imgs, printed, strict=True))
    return [image for image in found if image is not None]


def body_blocks(
    body: HtmlElement, resolve: Resolve, profile: SiteProfile, leave_out: Collection[HtmlElement] = ()
) -> list[Block]:
    """The paragraphs (normalised text, a block a paragraph, never two run together; a ``<br>`` is a line break
    in one, a newline, and two in a row end it) and the images of a body element, in reading order;
    ``leave_out``, elements inside it (the lede printed as the body's first paragraph), are not read."""
    blocks: list[Block] = []
    for item in reading(body, leave_out=leave_out, paragraphs=True):
        if isinstance(item, str):
            blocks.append(item)
        else:
            blocks += images_of(item, resolve, profile)
    return blocks
