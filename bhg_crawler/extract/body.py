"""The body of an article: its paragraphs and images in reading order, and each image's caption and credit."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin

from lxml.html import HtmlElement

from bhg_crawler.extract.record import Image
from bhg_crawler.extract.text import clean_text
from bhg_crawler.extract.tree import BLOCK_TAGS, SKIPPED, TEXT_BLOCKS
from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import canonical_url

FILE_NAME = re.compile(r"^[\w\-. ()]+\.(?:png|jpe?g|gif|webp|bmp)$", re.IGNORECASE)
CREDIT_IN_PARENS = re.compile(r"\s*\((?:Ảnh|Photo)\s*:?\s*(?P<credit>[^()]+)\)\s*$", re.IGNORECASE)
CREDIT_AFTER = re.compile(r"(?<=[.!?…”\"])\s*(?:Ảnh|Photo)\s*:\s*(?P<credit>[^.]{2,60})$", re.IGNORECASE)

Block = str | Image  # a paragraph's text, or an image


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


def image_of(element: HtmlElement, page_url: str, profile: SiteProfile) -> Image | None:
    """The image of an ``img``, or of a CKEditor table or a figure holding one, with the caption printed in its
    other cells (else the ``alt`` text, unless it is a file name); None when it has no source."""
    img = element if element.tag == "img" else element.find(".//img")
    assert img is not None  # callers pass an image or an element holding one
    src = (img.get("src") or img.get("data-src") or "").strip()
    if not src:
        return None
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
    return {"url": canonical_url(urljoin(page_url, src), profile), "caption": caption, "credit": credit}


def body_blocks(body: HtmlElement, page_url: str, profile: SiteProfile) -> list[Block]:
    """The paragraphs (normalised text) and images of a body element, in reading order."""
    blocks: list[Block] = []
    _walk(body, page_url, profile, blocks)
    return blocks


def _images(elements: Iterable[HtmlElement], page_url: str, profile: SiteProfile) -> list[Image]:
    return [image for image in (image_of(e, page_url, profile) for e in elements) if image is not None]


def _walk(element: HtmlElement, page_url: str, profile: SiteProfile, blocks: list[Block]) -> None:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in SKIPPED or not tag:
            continue
        if (tag in ("table", "figure") and child.find(".//img") is not None) or tag == "img":
            blocks += _images([child], page_url, profile)
        elif tag in TEXT_BLOCKS or not any(
            isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in child.iterdescendants()
        ):
            blocks += _images(child.iter("img"), page_url, profile)
            text = clean_text(child.text_content())
            if text:
                blocks.append(text)
        else:
            if clean_text(child.text or ""):
                blocks.append(clean_text(child.text))
            _walk(child, page_url, profile, blocks)
        if clean_text(child.tail or ""):
            blocks.append(clean_text(child.tail))
