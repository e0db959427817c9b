"""The record's type against its JSON Schema, and the one builder of records, their ids and their aliases."""

from __future__ import annotations

import copy
import dataclasses
import json
import types
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest
from lxml import html as lxml_html

from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.record import (
    LAYERS,
    SCHEMA_VERSION,
    ArticleRecord,
    Extraction,
    Image,
    add_url_aliases,
    build_record,
    schema,
    schema_files,
    validation_error,
)
from bhg_crawler.runs.files import publish_schemas
from bhg_crawler.sites.profiles import BAOHAGIANG, load_profile
from bhg_crawler.sites.urls import article_url, record_id
from tests.helpers import SITES, saved

FETCHED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
JSON_TYPES: dict[str, type] = {"string": str, "integer": int, "boolean": bool, "number": float}
# The schema's enums whose Python type stays open, with the values the schema allows: the language comes from a
# site profile (any code there), and the schema is where it is narrowed.
OPEN_ENUMS: dict[str, list[Any]] = {"record.language": ["vi", "en"]}

# -- the TypedDict and the JSON Schema, compared --------------------------------------------------------------


def _resolved(node: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return _resolved(definitions[ref.rsplit("/", 1)[-1]], definitions) if ref else node


def _schema_nullable(node: dict[str, Any], definitions: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """(whether null is allowed, the node for the other values): ``"type": [X, "null"]`` or a ``oneOf`` with null."""
    node = _resolved(node, definitions)
    kinds = node.get("type")
    if isinstance(kinds, list) and "null" in kinds:
        others = [kind for kind in kinds if kind != "null"]
        return True, {**node, "type": others[0] if len(others) == 1 else others}
    if "oneOf" in node:
        others = [_resolved(n, definitions) for n in node["oneOf"] if _resolved(n, definitions) != {"type": "null"}]
        if len(others) == 1 and len(node["oneOf"]) == 2:
            return True, others[0]
    return False, node


def _python_nullable(annotation: Any) -> tuple[bool, Any]:
    """(whether None is allowed, the annotation of the other values): ``X | None``."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [member for member in get_args(annotation) if member is not type(None)]
        if len(members) == 1 and len(get_args(annotation)) == 2:
            return True, members[0]
    return False, annotation


def _value_differences(annotation: Any, node: dict[str, Any], definitions: dict[str, Any], where: str) -> list[str]:
    """What differs between a Python annotation and the schema of one value."""
    schema_null, node = _schema_nullable(node, definitions)
    python_null, annotation = _python_nullable(annotation)
    if schema_null != python_null:
        return [f"{where}: null allowed by the schema {schema_null}, by the type {python_null}"]
    values = [node["const"]] if "const" in node else node.get("enum")
    if values is not None:  # a Literal of exactly these values; their one Python type only where the type is open
        if get_origin(annotation) is Literal:
            same = sorted(map(repr, get_args(annotation))) == sorted(map(repr, values))
        else:
            same = OPEN_ENUMS.get(where) == values and all(type(value) is annotation for value in values)
        return [] if same else [f"{where}: the schema allows {values}, the type {annotation}"]
    kind = node.get("type")
    if kind == "array":
        if get_origin(annotation) is not list:
            return [f"{where}: an array in the schema, {annotation} in the type"]
        return _value_differences(get_args(annotation)[0], node["items"], definitions, f"{where}[]")
    if kind == "object":
        if not is_typeddict(annotation):
            return [f"{where}: an object in the schema, {annotation} in the type"]
        return object_differences(annotation, node, definitions, where)
    if kind not in JSON_TYPES or JSON_TYPES[kind] is not annotation:
        return [f"{where}: {kind} in the schema, {annotation} in the type"]
    return []


def object_differences(typed: Any, node: dict[str, Any], definitions: dict[str, Any], where: str) -> list[str]:
    """What differs between a TypedDict and the schema of an object: property names, required keys, and the
    type of each property, at every level."""
    hints = get_type_hints(typed)
    properties = node.get("properties", {})
    found = []
    if node.get("additionalProperties") is not False:
        found.append(f"{where}: the schema allows other properties")
    if hints.keys() != properties.keys():
        found.append(f"{where}: only in the type {sorted(hints.keys() - properties.keys())}, "
                     f"only in the schema {sorted(properties.keys() - hints.keys())}")  # fmt: skip
    required, in_schema = set(typed.__required_keys__), set(node.get("required", []))
    if required != in_schema:
        found.append(f"{where}: required only in the type {sorted(required - in_schema)}, "
                     f"only in the schema {sorted(in_schema - required)}")  # fmt: skip
    for name in hints.keys() & properties.keys():
        found += _value_differences(hints[name], properties[name], definitions, f"{where}.{name}")
    return found


def record_differences(typed: Any, record_schema: dict[str, Any]) -> list[str]:
    return object_differences(typed, record_schema, record_schema.get("definitions", {}), "record")


def test_the_record_type_is_the_schema() -> None:
    """Names, required keys, types, nulls and allowed values agree at every level. The schema's constraints on
    values that a type cannot state (patterns, lengths, minimums) are its own: every record is validated
    against them before it is exported."""
    assert record_differences(ArticleRecord, schema()) == []


def _schema_changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    changed = copy.deepcopy(schema())
    change(changed)
    return changed


SCHEMA_CHANGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "a property less": lambda s: s["properties"].pop("tags"),
    "a property more": lambda s: s["properties"].update(summary={"type": "string"}),
    "a required key optional": lambda s: s["required"].remove("title"),
    "an optional key required": lambda s: s["required"].append("warc_record_id"),
    "another type": lambda s: s["properties"]["word_count"].update(type="string"),
    "null no longer allowed": lambda s: s["properties"]["lede"].update(type="string"),
    "null allowed": lambda s: s["properties"].update(title={"type": ["string", "null"]}),
    "a nested type": lambda s: s["properties"]["images"]["items"]["properties"]["caption"].update(
        type=["integer", "null"]
    ),
    "a nested property less": lambda s: s["properties"]["section"]["properties"].pop("name"),
    "a nested required key": lambda s: s["properties"]["related"]["items"]["required"].remove("lede"),
    "another layer": lambda s: s["properties"]["extraction"]["properties"]["layer"]["enum"].append("manual"),
    "another role": lambda s: s["properties"]["authors"]["items"]["properties"]["roles"]["items"]["enum"].pop(),
    "another schema version": lambda s: s["properties"]["schema_version"].update(const=SCHEMA_VERSION + 1),
    "another language": lambda s: s["properties"]["language"]["enum"].append("fr"),
    "other properties allowed": lambda s: s.pop("additionalProperties"),
    "an image's file required": lambda s: s["properties"]["images"]["items"]["required"].append("file"),
}


@pytest.mark.parametrize("change", SCHEMA_CHANGES)
def test_a_schema_change_alone_is_a_difference(change: str) -> None:
    assert record_differences(ArticleRecord, _schema_changed(SCHEMA_CHANGES[change])) != []


def _type_changed(typed: Any, **fields: Any) -> Any:
    """The TypedDict with fields replaced, added, or (given None) removed."""
    hints = {**get_type_hints(typed, include_extras=True), **fields}
    return TypedDict(f"Changed{typed.__name__}", {name: hint for name, hint in hints.items() if hint is not None})  # type: ignore[operator]


IMAGE_CAPTION_NUMBERED = _type_changed(Image, caption=int | None)
TYPE_CHANGES: dict[str, Any] = {
    "a field less": _type_changed(ArticleRecord, tags=None),
    "a field more": _type_changed(ArticleRecord, summary=str),
    "a required field optional": _type_changed(ArticleRecord, title=NotRequired[str]),
    "an optional field required": _type_changed(ArticleRecord, warc_record_id=str),
    "another type": _type_changed(ArticleRecord, word_count=str),
    "None no longer allowed": _type_changed(ArticleRecord, lede=str),
    "None allowed": _type_changed(ArticleRecord, title=str | None),
    "a nested type": _type_changed(ArticleRecord, images=list[IMAGE_CAPTION_NUMBERED]),  # type: ignore[valid-type]
    "a layer less": _type_changed(
        ArticleRecord, extraction=_type_changed(Extraction, layer=Literal["selectors", "patterns", "metadata"])
    ),
    "not a list": _type_changed(ArticleRecord, tags=str),
    "a layer any string": _type_changed(ArticleRecord, extraction=_type_changed(Extraction, layer=str)),
    "a schema version any number": _type_changed(ArticleRecord, schema_version=int),
}


@pytest.mark.parametrize("change", TYPE_CHANGES)
def test_a_type_change_alone_is_a_difference(change: str) -> None:
    assert record_differences(TYPE_CHANGES[change], schema()) != []


# -- building records -----------------------------------------------------------------------------------------


def test_a_record_id_is_the_site_and_the_article_id() -> None:
    assert record_id("baohagiang.vn", "764199") == "baohagiang.vn:764199"
    found = article_url("https://baohagiang.vn/xa-hoi/202112/trien-khai-785426", BAOHAGIANG)
    assert found is not None
    assert found.record_id == "baohagiang.vn:785426"


def test_a_built_record_names_where_the_article_moved_from_and_its_warc_record() -> None:
    html, truth = saved("bhg-era-a-seed")
    page = ArticlePage(html, truth["url"], BAOHAGIANG).extracted()
    moved = dataclasses.replace(
        page, site="baotuyenquang.com.vn", url=truth["url"].replace("baohagiang.vn", "baotuyenquang.com.vn")
    )
    old = article_url(truth["url"], BAOHAGIANG)
    assert old is not None
    warc = "<urn:uuid:12345678-1234-1234-1234-123456789abc>"
    record = build_record(moved, FETCHED, moved_from=[old, old], warc_record_id=warc)
    assert record["record_id"] == f"baotuyenquang.com.vn:{page.article_id}"
    assert record["url_aliases"] == [truth["url"]]
    assert record["record_id_aliases"] == [f"baohagiang.vn:{page.article_id}"]
    assert list(record)[-1] == "warc_record_id"
    assert record["warc_record_id"] == warc
    assert validation_error(record) is None
    assert "warc_record_id" not in build_record(page, FETCHED)


def test_url_aliases_stay_sorted_once_each_and_never_the_records_own_url() -> None:
    html, truth = saved("bhg-era-a-seed")
    record = build_record(ArticlePage(html, truth["url"], BAOHAGIANG).extracted(), FETCHED)
    later, earlier = "https://baohagiang.vn/z", "http://baohagiang.vn/a"
    assert add_url_aliases(record, [later, record["url"], earlier]) is record
    add_url_aliases(record, [earlier])
    assert record["url_aliases"] == [earlier, later]


def test_each_field_is_extracted_once() -> None:
    html, truth = saved("bhg-era-a-seed")
    page = ArticlePage(html, truth["url"], BAOHAGIANG)
    assert page.extracted() == page.extracted()
    assert page.published_at is page.published_at  # computed once, however often asked for


def test_the_layer_of_a_field_is_where_its_value_came_from() -> None:
    """A lede element the selector finds empty: the lede is the page's og:description, from the metadata."""
    html, truth = saved("bnx-made-up")
    tree = lxml_html.document_fromstring(html)
    [lede] = tree.find_class("detail-summary")
    for child in list(lede):
        lede.remove(child)
    lede.text = None
    head = tree.find("head")
    assert head is not None
    head.append(lxml_html.fragment_fromstring('<meta property="og:description" content="BNX - Lời tựa chia sẻ."/>'))
    profile = load_profile(SITES / "baonuixanh.vn.toml")
    page = ArticlePage(lxml_html.tostring(tree, encoding="unicode"), truth["url"], profile).extracted()
    assert (page.lede, page.lede_tag) == ("Lời tựa chia sẻ.", "BNX")
    assert page.layers["lede"] == "metadata"
    assert build_record(page, FETCHED)["extraction"] == {"layer": "metadata", "fields_from_fallback": ["lede"]}


def test_the_layers_are_the_schemas_in_order() -> None:
    assert list(LAYERS) == schema()["properties"]["extraction"]["properties"]["layer"]["enum"]


# -- the schemas beside the exports ------------------------------------------------------------------------


def test_every_schema_version_is_published_and_names_itself() -> None:
    files = schema_files()
    assert sorted(files) == sorted(f"article-{version}.json" for version in range(1, SCHEMA_VERSION + 1))
    for name, data in files.items():
        assert json.loads(data)["$id"] == name
    assert json.loads(files[f"article-{SCHEMA_VERSION}.json"]) == schema()


@pytest.mark.parametrize(
    ("before", "rewritten"),
    [
        ({}, set(schema_files())),  # a first run: every schema
        (schema_files(), set()),  # the same files: none written again
        ({**schema_files(), "article-2.json": b"{}"}, {"article-2.json"}),  # one changed by hand: put back
    ],
    ids=["first", "same", "changed"],
)
def test_a_run_puts_the_schemas_beside_the_exports(
    before: dict[str, bytes], rewritten: set[str], tmp_path: Path
) -> None:
    folder = tmp_path / "schema"
    folder.mkdir()
    for name, data in before.items():
        (folder / name).write_bytes(data)
    inodes = {path.name: path.stat().st_ino for path in folder.iterdir()}  # a file written again is a new one
    assert publish_schemas(tmp_path) == f"schema/article-{SCHEMA_VERSION}.json"
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == schema_files()
    changed = {path.name for path in folder.iterdir() if path.stat().st_ino != inodes.get(path.name)}
    assert changed == rewritten
