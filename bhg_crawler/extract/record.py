"""The article record (schema 6) and its builder; field layers in order: selectors, patterns, metadata, generic."""

# Annotations are evaluated here (no ``from __future__ import annotations``): a TypedDict knows its NotRequired
# keys at run time only from evaluated annotations.

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any, Final, Literal, NotRequired, TypedDict, TypeVar, cast, get_args

import jsonschema_rs

from bhg_crawler.extract.text import clean_text, mojibake
from bhg_crawler.sites.urls import ArticleUrl, record_id

# 2 added version and previous_sha256; 3 the optional warc_record_id; 4 record_id_aliases, and lede_tag is any
# site's tag; 5 published_time_known; 6 the optional source (a capture of a web archive). Older schemas stay for
# older exports.
SCHEMA_VERSION: Final = 6
SCHEMA_FILE = f"article-{SCHEMA_VERSION}.json"

Layer = Literal["selectors", "patterns", "metadata", "generic"]
LAYERS: tuple[Layer, ...] = get_args(Layer)  # the extraction layers, fastest and surest first
Field = Literal["title", "published_at", "lede", "body_text", "byline", "related", "tags"]  # with a layer each
FIELDS: tuple[Field, ...] = get_args(Field)
Role = Literal["text", "photo"]
T = TypeVar("T")


class Section(TypedDict):
    """The section an article is filed under."""

    slug: str  # the path of its listing: "xa-hoi", "multimedia/truyen-hinh"
    name: str  # as the site names it, "Xã hội"; the slug when the site names it nowhere


class ImageFile(TypedDict):
    """Where an image was stored (``BHG_MEDIA``)."""

    path: str  # under BHG_MEDIA: "ab/<sha1 of the image URL, hex>.<extension>"
    checksum: str  # MD5 of the file's bytes, 32 hex digits


class Image(TypedDict):
    """An image of the body: its URL, printed caption and credit; ``file`` once downloaded (null if it failed)."""

    url: str  # canonical, absolute
    caption: str | None  # as printed under the image, its credit apart
    credit: str | None  # "CTV" from "(Ảnh CTV)", "Minh Tuấn" from "Ảnh: Minh Tuấn"
    file: NotRequired[ImageFile | None]  # with BHG_MEDIA only: where it is stored; null when it could not be fetched


class Author(TypedDict):
    """A person named in the byline, and what they did."""

    name: str  # as printed, "T.PHƯƠNG"
    roles: list[Role]  # what the byline credits them with: "text", "photo" or both


class RelatedItem(TypedDict):
    """An item of the related block ("Cùng chuyên mục"): another article of the site, as the page lists it."""

    url: str  # the related article's canonical URL
    title: str | None
    lede: str | None  # without its "BHG - " prefix
    published_date: str | None  # the date printed with it, YYYY-MM-DD


class Extraction(TypedDict):
    """How a record was extracted. Each field comes from the first layer that finds it, fastest and surest first:
    ``selectors``, the profile's CSS selectors (fast, but the class names are guesses); ``patterns``, what the site
    prints whatever its markup (the URL shape, the "HH:MM, DD/MM/YYYY" timestamp and the heading before it, the
    "BHG - " lede or the body's bold first paragraph, the byline forms, the "Cùng chuyên mục" heading, CKEditor
    image tables, the densest paragraphs); ``metadata``, what the
    page declares about itself (og: and article: tags, JSON-LD, the canonical link, the ``<title>``); ``generic``,
    trafilatura's reading of the page, for the title, the body and the date."""

    layer: Layer  # the last layer any field needed; "selectors" when every field came from them
    fields_from_fallback: list[Field]  # sorted: the fields with a value from a layer past the selectors


class Source(TypedDict):
    """Where a record recovered from a web archive came from (``bhg-crawl recover``)."""

    archive: str  # the CDX endpoint of the archive: "https://web.archive.org/cdx/search/cdx"; or a local WARC file
    timestamp: str  # the capture's, 14 digits UTC: "20240105083000"
    original_url: str  # the URL as captured: "http://www.baohagiang.vn/xa-hoi/202401/...-f6d06b9.html"
    digest: str | None  # the payload digest the index gives ("sha1:..." or base 32), null when it gives none
    offset: NotRequired[int]  # with a local WARC file only: the byte offset in it of the record read


class ArticleRecord(TypedDict):
    """An article record, schema 6 (``schema/article-6.json``): what the crawl exports, one a line."""

    schema_version: Literal[6]
    record_id: str  # "<site>:<article_id>", "baohagiang.vn:764199" (``sites.urls.record_id``)
    record_id_aliases: list[str]  # sorted: the ids of the article's records on a site it moved from
    site: str  # the profile's name: "baohagiang.vn"
    article_id: str  # the id in the article's URL: "764199", "67b4c0c"
    url: str  # canonical: https, no www., no tracking parameters, no trailing slash
    url_aliases: list[str]  # sorted: the other URLs the article was found at (``add_url_aliases``)
    section: Section
    title: str
    lede: str | None  # the lede (sapo) without its "BHG - " prefix
    lede_tag: str | None  # that prefix's tag: "BHG", "TTXVN"
    published_at: str  # ISO 8601 with the site's offset: "2020-08-20T10:04:00+07:00"
    published_time_known: bool  # false when the page gives only the day: published_at is then its midnight
    language: str  # "vi" or "en"
    body_text: str  # the paragraphs, normalised (NFC, one space), joined by a blank line; a <br> in one a newline
    word_count: int  # of body_text, split at spaces
    images: list[Image]  # in reading order
    byline: str | None  # as printed: "Bài, ảnh: T.PHƯƠNG - N.PHƯƠNG"
    authors: list[Author]  # from the byline
    related: list[RelatedItem]  # the "Cùng chuyên mục" block, in page order
    tags: list[str]
    content_sha256: str  # sha256 (64 hex digits) of title, lede and body_text (``content_sha256``)
    version: int  # 1, then one more each time the content changes
    previous_sha256: str | None  # the content_sha256 of the version before, if any
    fetched_at: str  # ISO 8601 in UTC, to the microsecond when the clock gives it: "2026-11-25T03:00:00.123456Z"
    extraction: Extraction
    warc_record_id: NotRequired[str]  # with BHG_WARC only: "<urn:uuid:...>" of the page's WARC response record
    source: NotRequired[Source]  # recovered from a web archive only: the capture it was extracted from


@dataclass(frozen=True)
class Extracted:
    """What an article page says, each field as extraction found it, and the layer each came from;
    ``build_record`` makes the record of it. None where the page does not say."""

    site: str  # the profile's name: "baohagiang.vn"
    article_id: str | None  # the id in the article's URL; None off an article URL
    url: str  # the article's canonical URL; the page's own URL off an article URL
    section: Section | None
    title: str | None
    lede: str | None  # the lede (sapo) without its prefix
    lede_tag: str | None  # the prefix's tag: "BHG"
    published_at: datetime | None  # aware, in the site's time zone
    published_time_known: bool  # whether published_at has its time of day (else it is the day's midnight)
    language: str  # the profile's language of the section: "vi", "en"
    paragraphs: tuple[str, ...]  # the body, without the lede a page repeats or the byline ending it
    images: tuple[Image, ...]  # in reading order, none with a file yet
    byline: str | None  # as printed
    authors: tuple[Author, ...]  # from the byline
    related: tuple[RelatedItem, ...]
    tags: tuple[str, ...]
    layers: Mapping[Field, Layer]  # the layer each field with a value came from

    @property
    def record_id(self) -> str | None:
        """The id of the record it makes (``sites.urls.record_id``); None off an article URL."""
        return record_id(self.site, self.article_id) if self.article_id else None


def schema() -> dict[str, Any]:
    """The published JSON Schema of the record, ``schema/article-<SCHEMA_VERSION>.json``, as a dict."""
    data: dict[str, Any] = json.loads(schema_files()[SCHEMA_FILE])
    return data


def schema_files() -> dict[str, bytes]:
    """Every published JSON Schema of the record, this version's and the older ones, by file name
    (``article-<version>.json``): each one's ``$id`` is its own file name, so it resolves to the file beside it."""
    folder = resources.files("bhg_crawler.extract").joinpath("schema")
    return {item.name: item.read_bytes() for item in folder.iterdir() if item.name.startswith("article-")}


@cache
def _validator() -> jsonschema_rs.Draft7Validator:
    return jsonschema_rs.Draft7Validator(schema())


def printed_texts(record: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Every text of a record that the page prints, with its field path ("images.0.caption"): where a wrong
    reading of the page's bytes shows."""
    for name in ("title", "lede", "body_text", "byline"):
        yield name, record.get(name) or ""
    yield "section.name", (record.get("section") or {}).get("name") or ""
    for name, keys in (("images", ("caption", "credit")), ("related", ("title", "lede")), ("authors", ("name",))):
        for index, part in enumerate(record.get(name) or []):
            for key in keys:
                yield f"{name}.{index}.{key}", part.get(key) or ""
    for index, tag in enumerate(record.get("tags") or []):
        yield f"tags.{index}", tag


def validation_error(record: Mapping[str, Any]) -> str | None:
    """None for a valid record, else what is wrong with it, in one line: "<field path>: <what>": against the
    schema, or its printed text still mojibake (``text.mojibake``: UTF-8 read in a Latin code page)."""
    validator = _validator()
    if validator.is_valid(record):
        # One search of them all: a run is two characters, neither a line break, so none spans two texts.
        if mojibake("\n".join([text for _, text in printed_texts(record)])) is None:
            return None
        for where, text in printed_texts(record):  # the first text with a run says where
            found = mojibake(text)
            if found:
                return f"{where}: mojibake {found!r} (UTF-8 read in a Latin code page)"
        return None
    error = next(iter(validator.iter_errors(record)))
    where = ".".join(str(part) for part in error.instance_path) or "record"
    return f"{where}: {error.message}"


def content_sha256(title: str | None, lede: str | None, body_text: str) -> str:
    """The hash of what an article says: normalised title, lede and body, as 64 hex digits."""
    return hashlib.sha256("\n".join((title or "", lede or "", body_text)).encode("utf-8")).hexdigest()


def extraction_of(layers: Mapping[Field, Layer]) -> Extraction:
    """How a record was extracted: the last layer any field needed, and the fields not from the selectors."""
    return {
        "layer": max(layers.values(), key=LAYERS.index, default=LAYERS[0]),
        "fields_from_fallback": sorted(field for field, layer in layers.items() if layer != LAYERS[0]),
    }


def add_url_aliases(record: ArticleRecord, urls: Iterable[str]) -> ArticleRecord:
    """The record, changed in place, with ``urls`` among its ``url_aliases``: sorted, each once, never its url."""
    record["url_aliases"] = sorted((set(record["url_aliases"]) | set(urls)) - {record["url"]})
    return record


def _paragraph(text: str) -> str:
    """A paragraph of the body normalised (``clean_text``) line by line: its line breaks (a ``<br>``) kept, its
    empty lines dropped."""
    return "\n".join(line for line in (clean_text(line) for line in text.splitlines()) if line)


def _text_or_none(text: str | None) -> str | None:
    return clean_text(text) or None


def _section(section: Section | None) -> Section | None:
    if section is None:
        return None
    return {"slug": section["slug"], "name": clean_text(section["name"]) or section["slug"]}


def _required(value: T | None) -> T:
    """A value the schema requires but a page may lack: a missing one stays None in the record, which the
    schema then rejects (``validation_error``)."""
    return cast(T, value)


def build_record(
    extracted: Extracted,
    fetched_at: datetime,
    *,
    moved_from: Iterable[ArticleUrl] = (),
    warc_record_id: str | None = None,
    source: Source | None = None,
) -> ArticleRecord:
    """The record of an extracted article: its text normalised (``clean_text``) and its derived fields computed.

    ``fetched_at``: when the page was fetched, aware (in UTC it is written with ``Z``). ``moved_from``: the
    article's URLs on a site it moved from, which become its ``url_aliases`` and their records' ids its
    ``record_id_aliases``. ``warc_record_id``: the WARC response record of the page, when it was archived.
    Building is a function of its arguments: the same page gives the same record. A page that lacks a value the
    schema requires (an article id, a section, a title, a date) gives a record with null there (and the record
    id "<site>:None"), which ``validation_error`` rejects.
    """
    moved = list(moved_from)
    article_id = _required(extracted.article_id)
    body_text = "\n\n".join(p for p in (_paragraph(p) for p in extracted.paragraphs) if p)
    title, lede = _text_or_none(extracted.title), _text_or_none(extracted.lede)
    published = extracted.published_at
    record: ArticleRecord = {
        "schema_version": SCHEMA_VERSION,
        "record_id": record_id(extracted.site, article_id),
        "record_id_aliases": sorted({old.record_id for old in moved}),
        "site": extracted.site,
        "article_id": article_id,
        "url": extracted.url,
        "url_aliases": [],
        "section": _required(_section(extracted.section)),
        "title": _required(title),
        "lede": lede,
        "lede_tag": extracted.lede_tag,
        "published_at": _required(published.isoformat() if published else None),
        "published_time_known": extracted.published_time_known and published is not None,
        "language": extracted.language,
        "body_text": body_text,
        "word_count": len(body_text.split()),
        "images": [
            {"url": image["url"], "caption": _text_or_none(image["caption"]), "credit": _text_or_none(image["credit"])}
            for image in extracted.images
        ],
        "byline": _text_or_none(extracted.byline),
        "authors": [
            {"name": name, "roles": list(author["roles"])}
            for author in extracted.authors
            if (name := clean_text(author["name"]))
        ],
        "related": [
            {
                "url": item["url"],
                "title": _text_or_none(item["title"]),
                "lede": _text_or_none(item["lede"]),
                "published_date": item["published_date"],
            }
            for item in extracted.related
        ],
        "tags": [tag for tag in (clean_text(tag) for tag in extracted.tags) if tag],
        "content_sha256": content_sha256(title, lede, body_text),
        "version": 1,  # the dedupe pipeline numbers later versions
        "previous_sha256": None,
        "fetched_at": fetched_at.isoformat().replace("+00:00", "Z"),
        "extraction": extraction_of(extracted.layers),
    }
    add_url_aliases(record, (old.canonical for old in moved))
    if warc_record_id:
        record["warc_record_id"] = warc_record_id
    if source is not None:
        record["source"] = source
    return record
