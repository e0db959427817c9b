"""End to end: crawl a replica of 300 articles and check the exports against the replica's truth."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bhg_crawler.app.crawl import replica_settings, run_scrapy
from bhg_crawler.extract.record import SCHEMA_VERSION, validation_error
from bhg_crawler.sites.profiles import BAOHAGIANG
from bhg_crawler.sites.urls import canonical_url
from bhg_crawler.state.store import StateStore
from bhg_crawler.state.values import MOVED
from bhg_replica.server import ReplicaServer
from bhg_replica.site import Site
from tests.helpers import SEEDS, exported_records

RUN_ID = "test-run"


@pytest.fixture(scope="module")
def crawl(replica_server: ReplicaServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    exports = tmp_path_factory.mktemp("exports")
    settings = {**replica_settings(replica_server.url), "BHG_EXPORTS": str(exports), "BHG_RUN_ID": RUN_ID,
                "BHG_STATE": str(exports / "state.sqlite3")}  # fmt: skip
    assert run_scrapy(["crawl", "bhg", "--loglevel", "WARNING"], settings) == 0
    manifest = json.loads((exports / "runs" / f"{RUN_ID}.json").read_text(encoding="utf-8"))
    records = exported_records(exports, manifest)
    return {"exports": exports, "manifest": manifest, "records": records}


def test_every_article_is_exported_exactly_once(crawl: dict[str, Any], site: Site) -> None:
    ids = [r["article_id"] for r in crawl["records"]]
    assert len(ids) == len(set(ids))
    assert set(ids) == {s.article_id for s in site.catalog.live}


def test_records_match_the_replica_field_by_field(crawl: dict[str, Any], site: Site) -> None:
    for record in crawl["records"]:
        assert validation_error(record) is None
        truth = site.expected_record(site.catalog.by_id[record["article_id"]])
        for field in ("record_id", "record_id_aliases", "url", "section", "title", "lede", "lede_tag", "published_at",
                      "published_time_known", "language", "images",
                      "byline", "authors", "related", "tags"):  # fmt: skip
            assert record[field] == truth[field], (field, record["url"])
        assert record["body_text"] == "\n\n".join(truth["paragraphs"]), record["url"]  # type: ignore[arg-type]
        assert record["word_count"] == len(record["body_text"].split())


def test_every_template_family_and_variant_is_exported_whole(crawl: dict[str, Any], site: Site) -> None:
    """Each family's pages (each of its variants, sapo apart or inside the body) all come out, fields checked
    above: era A and B at baohagiang.vn, the moved articles in Tuyên Quang's template."""
    exported = {r["article_id"] for r in crawl["records"]}
    kinds: dict[tuple[str, str, bool], set[str]] = {}
    for slot in site.catalog.live:
        moved = site.successor.catalog.by_id.get(slot.article_id) if slot.article_id in site.moved else None
        family = site.successor.writer.family(moved) if moved else site.family(slot)
        kind = (family.name, family.markup(slot.article_id).name, family.sapo_apart(slot.article_id))
        kinds.setdefault(kind, set()).add(slot.article_id)
    assert {name for name, _, _ in kinds} == {"bhg-era-a", "bhg-era-b", "btq-current"}
    assert len({(name, variant) for name, variant, _ in kinds if name == "bhg-era-b"}) == 3
    assert ("bhg-era-b", True) in {(name, apart) for name, _, apart in kinds}
    for kind, ids in kinds.items():
        assert ids <= exported, (kind, sorted(ids - exported))


def test_moved_articles_are_exported_once_at_their_new_home_with_aliases(crawl: dict[str, Any], site: Site) -> None:
    moved = [r for r in crawl["records"] if r["site"] == "baotuyenquang.com.vn"]
    assert sorted(r["article_id"] for r in moved) == sorted(site.moved) and len(moved) >= 3
    for record in moved:
        truth = site.expected_record(site.catalog.by_id[record["article_id"]])
        assert record["url"].startswith("https://baotuyenquang.com.vn/khu-vuc/")
        assert record["url_aliases"] == [truth["moved_from"]]
        assert record["record_id_aliases"] == [f"baohagiang.vn:{record['article_id']}"]
        assert record["lede_tag"] == "BHG" and record["section"] == {"slug": "khu-vuc", "name": "Khu vực"}
    stats = json.loads((crawl["exports"] / "runs" / "stats" / f"{RUN_ID}.json").read_text(encoding="utf-8"))
    assert stats["bhg/articles/moved"] == len(moved)
    state = StateStore(str(crawl["exports"] / "state.sqlite3"))
    try:
        ledger = {entry["record_id"] for entry in state.ledger("baohagiang.vn")}
        assert not ledger & {f"baohagiang.vn:{article_id}" for article_id in site.moved}
        for record in moved:  # the old record is done: what is known of it is its new home
            old = state.known(record["record_id_aliases"][0])
            assert old is not None and old.last_status == MOVED
            assert state.record_of(record["url_aliases"][0]) == record["record_id"]
    finally:
        state.close()


def test_aliases_are_merged(crawl: dict[str, Any], site: Site) -> None:
    with_aliases = [r for r in crawl["records"] if r["url_aliases"] and r["site"] == "baohagiang.vn"]
    assert len(with_aliases) > 30
    for record in with_aliases:
        for alias in record["url_aliases"]:
            assert alias != record["url"]
            assert canonical_url(alias, BAOHAGIANG).rstrip("/") == record["url"]
    kinds = {
        (urlsplit(a).scheme, urlsplit(a).hostname, a.endswith("/")) for r in with_aliases for a in r["url_aliases"]
    }
    assert ("http", "baohagiang.vn", False) in kinds
    assert ("https", "www.baohagiang.vn", False) in kinds
    assert ("https", "baohagiang.vn", True) in kinds


def test_the_manifest_describes_the_files(crawl: dict[str, Any], site: Site) -> None:
    manifest = crawl["manifest"]
    assert manifest["status"] == "complete"
    assert manifest["finish_reason"] == "finished"
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["counts"]["articles"] == len(site.catalog.live)
    assert manifest["counts"]["rejects"] == 0
    for entry in manifest["files"]:
        data = (crawl["exports"] / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert data.count(b"\n") == entry["records"]
        assert b"\\u" not in data  # UTF-8 as UTF-8
    assert not list(Path(crawl["exports"]).rglob("*.part"))


def test_dead_related_links_are_recorded_as_failures(crawl: dict[str, Any], site: Site) -> None:
    failures = crawl["exports"] / RUN_ID / "failures.jsonl"
    lines = [json.loads(line) for line in failures.read_text(encoding="utf-8").splitlines()]
    assert lines
    for failure in lines:
        assert failure["reason"] == "HTTP 404"
        article_id = failure["url"].rsplit("-", 1)[1]
        assert site.catalog.by_id[article_id].deleted


def test_the_seed_article_matches_the_seed_text(crawl: dict[str, Any]) -> None:
    lines = list((SEEDS / "000_a4aaadf90ddeff47.txt").read_text(encoding="utf-8").split("\n"))
    record = next(r for r in crawl["records"] if r["article_id"] == "764199")
    assert record["title"] == lines[2]
    assert record["published_at"] == "2020-08-20T10:04:00+07:00"
    assert lines[4] == "10:04, 20/08/2020"
    assert record["lede_tag"] == "BHG"
    assert record["lede"] == lines[6].removeprefix("BHG - ")
    assert [i["caption"] for i in record["images"]] == [lines[8], lines[13]]
    assert record["body_text"].split("\n\n") == [lines[11], lines[16], lines[18]]
    assert record["byline"] == lines[20] == "Bài, ảnh: T.PHƯƠNG - N.PHƯƠNG"
    assert record["authors"] == [
        {"name": "T.PHƯƠNG", "roles": ["text", "photo"]},
        {"name": "N.PHƯƠNG", "roles": ["text", "photo"]},
    ]
    related = [(r["title"], "BHG - " + r["lede"], r["published_date"]) for r in record["related"]]
    assert related == [
        (lines[25], lines[27].replace("\xa0", " "), "2020-07-30"),
        (lines[30], lines[32], "2020-06-30"),
        (lines[35], lines[37], "2020-06-28"),
        (lines[42], lines[44], "2020-07-25"),
    ]
