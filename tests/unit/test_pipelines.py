"""The record pipelines and the run export together, driven the way Scrapy drives them."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from bhg_crawler.core import signals as bhg_signals
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.record import ArticleRecord, Extracted, add_url_aliases, build_record
from bhg_crawler.pipelines import DedupePipeline, ValidatePipeline
from bhg_crawler.runs.export import RunExport
from bhg_crawler.sites.profiles import BAOHAGIANG
from tests.helpers import project_crawler, saved

FETCHED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def extracted(name: str) -> Extracted:
    html, truth = saved(name)
    return ArticlePage(html, truth["url"], BAOHAGIANG).extracted()


def built_record(name: str) -> ArticleRecord:
    return build_record(extracted(name), FETCHED)


class Run:
    """A crawler with the record pipelines and the run export, fed records by hand."""

    def __init__(self, exports: Path):
        self.exports = exports
        self.crawler: Crawler = project_crawler(Spider, BHG_EXPORTS=str(exports), BHG_RUN_ID="unit", BHG_STATE="")
        self.export = RunExport.from_crawler(self.crawler)
        self.pipelines: list[Any] = [ValidatePipeline.from_crawler(self.crawler),
                                     DedupePipeline.from_crawler(self.crawler)]  # fmt: skip
        self.spider = Spider(name="bhg")
        self.export.spider_opened(self.spider)

    def feed(self, record: ArticleRecord) -> str | None:
        """The message of the DropItem, or None when the record was exported."""
        item: Any = record
        try:
            for pipeline in self.pipelines:
                item = pipeline.process_item(item)
        except DropItem as dropped:
            return str(dropped)
        self.crawler.signals.send_catch_log(signals.item_scraped, item=item, response=None, spider=self.spider)
        return None

    def close(self) -> dict[str, Any]:
        self.export.spider_closed(self.spider, reason="finished")
        manifest: dict[str, Any] = json.loads((self.exports / "runs" / "unit.json").read_text(encoding="utf-8"))
        return manifest

    def lines(self, name: str) -> list[dict[str, Any]]:
        text = (self.exports / "unit" / name).read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]

    def stat(self, name: str) -> Any:
        assert self.crawler.stats is not None
        return self.crawler.stats.get_value(name)


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    found = Run(tmp_path)
    yield found
    for written in [*found.export.articles, found.export.rejects, found.export.failures]:
        if written is not None:
            written.discard()  # a run the test did not close: its files go, closed


def test_an_invalid_record_lands_in_the_rejects_file(run: Run) -> None:
    good, bad = built_record("bhg-era-a-seed"), built_record("bhg-era-b-split-roles")
    bad["published_at"] = "17/10/2020 14:34"  # the page's text, not ISO 8601
    assert run.feed(good) is None
    dropped = run.feed(bad)
    assert dropped is not None
    assert dropped.startswith(f"invalid record {bad['url']}")
    manifest = run.close()

    [reject] = run.lines("rejects.jsonl")
    assert reject["url"] == bad["url"]
    assert "published_at" in reject["reason"]
    assert reject["record"]["title"] == bad["title"]  # the whole record is kept for a later fix
    assert run.stat("bhg/rejects") == 1
    assert manifest["counts"]["rejects"] == 1
    assert {f["kind"]: f["records"] for f in manifest["files"]} == {"articles": 1, "rejects": 1}
    assert [r["url"] for r in run.lines("articles-0001.jsonl")] == [good["url"]]


def test_the_same_article_under_two_ids_is_exported_once(run: Run) -> None:
    original = built_record("bhg-era-a-seed")
    page = extracted("bhg-era-a-seed")
    copied = build_record(dataclasses.replace(page, article_id="764200", url=page.url.replace("764199", "764200")),
                          FETCHED)  # fmt: skip
    assert run.feed(original) is None
    assert run.feed(copied) == f"duplicate of baohagiang.vn:764199 (same content): {copied['url']}"
    manifest = run.close()

    [record] = run.lines("articles-0001.jsonl")
    assert record["record_id"] == "baohagiang.vn:764199"
    assert record["url_aliases"] == [copied["url"]]  # merged after the record was written
    assert run.stat("bhg/duplicates/content") == 1
    assert manifest["counts"]["duplicates"] == 1


@pytest.mark.parametrize("by", ["id", "url"])
def test_a_second_copy_by_id_or_url_merges_its_urls(run: Run, by: str) -> None:
    page = extracted("bhg-era-a-2018-captions")
    original = build_record(page, FETCHED)
    changed = dataclasses.replace(page, title=f"{page.title} (cập nhật)")  # other content: only the id or url match
    if by == "url":
        changed = dataclasses.replace(changed, article_id="1")
    again = add_url_aliases(build_record(changed, FETCHED), [original["url"].replace("https://", "http://www.")])
    assert run.feed(original) is None
    assert run.feed(again) == f"duplicate of baohagiang.vn:{original['article_id']} (same {by}): {original['url']}"
    run.close()

    [record] = run.lines("articles-0001.jsonl")
    assert record["title"] == original["title"]
    assert record["url_aliases"] == again["url_aliases"]
    assert run.stat(f"bhg/duplicates/{by}") == 1


def test_aliases_found_before_the_record_is_written_go_into_it(run: Run) -> None:
    original = built_record("bhg-era-b-no-prefix")
    alias = original["url"].replace("https://", "http://")
    record_id = f"baohagiang.vn:{original['article_id']}"
    run.crawler.signals.send_catch_log(bhg_signals.aliases_found, record_id=record_id, urls=[alias])
    assert run.feed(original) is None
    run.close()
    [record] = run.lines("articles-0001.jsonl")
    assert record["url_aliases"] == [alias]


def test_files_stay_hidden_until_the_run_closes(run: Run) -> None:
    assert run.feed(built_record("bhg-era-a-seed")) is None
    folder = run.exports / "unit"
    assert [p.name for p in folder.iterdir()] == [".articles-0001.jsonl.part"]
    assert not (run.exports / "runs" / "unit.json").exists()
    run.close()
    assert sorted(p.name for p in folder.iterdir()) == ["articles-0001.jsonl"]
