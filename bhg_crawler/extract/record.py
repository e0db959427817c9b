"""The article record, schema version 3: cleaning, derived fields and validation."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

from bhg_crawler.extract.text import clean_text

# 2 added version and previous_sha256; 3 the optional warc_record_id; 4 record_id_aliases, and lede_tag is any
# site's tag. Older schemas stay for older exports.
SCHEMA_VERSION = 4
SCHEMA_FILE = f"article-{SCHEMA_VERSION}.json"


def schema() -> dict[str, Any]:
    text = resources.files("bhg_crawler.extract").joinpath("schema", SCHEMA_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _validator() -> jsonschema_rs.Draft7Validator:
    return jsonschema_rs.Draft7Validator(schema())


def validation_error(record: dict[str, Any]) -> str | None:
    """None for a valid record, else what is wrong with it, in one line: "<field path>: <what>"."""
    validator = _validator()
    if validator.is_valid(record):
        return None
    error = next(iter(validator.iter_errors(record)))
    where = ".".join(str(part) for part in error.instance_path) or "record"
    return f"{where}: {error.message}"


def content_sha256(title: str | None, lede: str | None, body_text: str) -> str:
    """The hash of what an article says: normalised title, lede and body."""
    return hashlib.sha256("\n".join((title or "", lede or "", body_text)).encode("utf-8")).hexdigest()


def _text_or_none(value: Any) -> str | None:
    return clean_text(value) or None if isinstance(value, str) else None


def clean_record(raw: dict[str, Any]) -> dict[str, Any]:
    """The final record from what a page extracted: text normalised, derived fields computed.

    Idempotent: cleaning a clean record gives it back unchanged.
    """
    paragraphs = raw.get("paragraphs")
    if paragraphs is None:
        paragraphs = str(raw.get("body_text") or "").split("\n\n")
    body_text = "\n\n".join(p for p in (clean_text(p) for p in paragraphs) if p)
    title, lede = _text_or_none(raw.get("title")), _text_or_none(raw.get("lede"))
    section = raw.get("section") or None
    if section is not None:
        section = {"slug": section["slug"], "name": clean_text(section["name"]) or section["slug"]}
    return {
        "schema_version": SCHEMA_VERSION,
        "record_id": f"{raw.get('site')}:{raw.get('article_id')}",
        "record_id_aliases": sorted(set(raw.get("record_id_aliases") or [])),
        "site": raw.get("site"),
        "article_id": raw.get("article_id"),
        "url": raw.get("url"),
        "url_aliases": sorted(set(raw.get("url_aliases") or []) - {raw.get("url")}),
        "section": section,
        "title": title,
        "lede": lede,
        "lede_tag": raw.get("lede_tag"),
        "published_at": raw.get("published_at"),
        "language": raw.get("language"),
        "body_text": body_text,
        "word_count": len(body_text.split()),
        "images": [
            {
                "url": i["url"],
                "caption": _text_or_none(i.get("caption")),
                "credit": _text_or_none(i.get("credit")),
                **({"file": i["file"]} if "file" in i else {}),
            }
            for i in raw.get("images") or []
        ],
        "byline": _text_or_none(raw.get("byline")),
        "authors": [
            {"name": clean_text(a["name"]), "roles": list(a["roles"])}
            for a in raw.get("authors") or []
            if clean_text(a.get("name"))
        ],
        "related": [
            {
                "url": r["url"],
                "title": _text_or_none(r.get("title")),
                "lede": _text_or_none(r.get("lede")),
                "published_date": r.get("published_date"),
            }
            for r in raw.get("related") or []
        ],
        "tags": [t for t in (clean_text(t) for t in raw.get("tags") or []) if t],
        "content_sha256": content_sha256(title, lede, body_text),
        "version": raw.get("version") or 1,  # the dedupe pipeline numbers later versions
        "previous_sha256": raw.get("previous_sha256"),
        "fetched_at": raw.get("fetched_at"),
        "extraction": raw.get("extraction"),
        **({"warc_record_id": raw["warc_record_id"]} if raw.get("warc_record_id") else {}),
    }
