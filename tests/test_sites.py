"""End to end: the successor site, Hà Giang's moved articles, and a made-up sister site known only by its profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from bhg_crawler.cli import main
from bhg_crawler.records import validation_error
from bhg_crawler.replica.server import ReplicaServer
from bhg_crawler.replica.sisters import SisterSite
from bhg_crawler.replica.site import Site
from bhg_crawler.spiders.bhg import BhgSpider
from tests.make_pages import SITES
from tests.test_incremental import bhg_run, exported, stats

FIELDS = ("url", "section", "title", "lede", "lede_tag", "published_at", "language", "images", "byline", "authors",
          "related", "tags")  # fmt: skip


def crawl(server: ReplicaServer, work: Path, run_id: str, *arguments: str) -> tuple[int, list[dict[str, Any]]]:
    """``bhg-crawl run`` against the replica: its exit code and the records it exported."""
    code = bhg_run(server.url, 0, work, "-s", f"BHG_RUN_ID={run_id}", *arguments).returncode
    return code, exported(work, run_manifest(work, run_id))


def run_manifest(work: Path, run_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((work / "exports" / "runs" / f"{run_id}.json").read_text(encoding="utf-8"))
    return data


def assert_true_records(records: list[dict[str, Any]], sister: SisterSite) -> None:
    for record in records:
        assert validation_error(record) is None
        truth = sister.writer.expected_record(sister.catalog.by_id[record["article_id"]])
        for field in FIELDS:
            assert record[field] == truth[field], (field, record["url"])
        assert record["body_text"] == "\n\n".join(truth["paragraphs"])  # type: ignore[arg-type]


def test_the_successor_site_then_baohagiang_export_each_article_once(
    replica_server: ReplicaServer, site: Site, tmp_path: Path
) -> None:
    successor = site.successor
    code, first = crawl(replica_server, tmp_path, "successor-1", "--site", "baotuyenquang.com.vn")
    assert code == 0
    assert sorted(r["article_id"] for r in first) == sorted(s.article_id for s in successor.catalog.live)
    assert_true_records(first, successor)
    assert all(r["record_id"] == f"baotuyenquang.com.vn:{r['article_id']}" for r in first)
    html_shaped = [r for r in first if r["url"].endswith(".html")]
    assert html_shaped and all(r["section"] is not None for r in html_shaped)  # from the page: the URL says none
    moved = {r["article_id"]: r for r in first if r["lede_tag"] == "BHG"}
    assert set(moved) == site.moved and all(r["record_id_aliases"] == [] for r in moved.values())

    # baohagiang.vn's old URLs of the moved articles redirect to what is already exported: nothing again.
    code, second = crawl(replica_server, tmp_path, "baohagiang-1")
    assert code == 0
    assert not {r["article_id"] for r in second} & site.moved
    assert len(second) == len(site.catalog.live) - len(site.moved)
    assert stats(tmp_path, run_manifest(tmp_path, "baohagiang-1"))["bhg/articles/moved"] == len(site.moved)

    # Once the redirects are known, the next run does not follow them again.
    code, third = crawl(replica_server, tmp_path, "baohagiang-2")
    assert (code, third) == (3, [])
    numbers = stats(tmp_path, run_manifest(tmp_path, "baohagiang-2"))
    assert "downloader/response_status_count/301" not in numbers and "bhg/articles/moved" not in numbers


def test_a_made_up_sister_site_is_crawled_from_its_profile_alone(
    replica_server: ReplicaServer, site: Site, tmp_path: Path
) -> None:
    made_up = site.sisters["baonuixanh.vn"]
    assert max(made_up.catalog.page_count(s.slug) for s in made_up.catalog.sections) >= 2  # paging with ?trang=
    code, records = crawl(replica_server, tmp_path, "made-up", "--site", "baonuixanh.vn", "--profiles", str(SITES))
    assert code == 0
    assert sorted(r["article_id"] for r in records) == sorted(s.article_id for s in made_up.catalog.live)
    assert_true_records(records, made_up)
    assert {r["extraction"]["layer"] for r in records} == {"selectors"}
    assert all(r["site"] == "baonuixanh.vn" and r["lede_tag"] in ("BNX", None) for r in records)


def test_an_unknown_successor_is_a_configuration_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = (SITES / "baonuixanh.vn.toml").read_text(encoding="utf-8").replace('"baonuixanh.vn"', '"old.vn"', 1)
    (tmp_path / "old.vn.toml").write_text('successors = ["nowhere.vn"]\n' + profile, encoding="utf-8")
    arguments = ["--site", "old.vn", "--profiles", str(tmp_path), "--state", str(tmp_path / "state.sqlite3")]
    assert main(["discover", *arguments]) == 2
    assert "old.vn: successors: unknown site(s) nowhere.vn" in capsys.readouterr().err


def test_saved_pages_of_a_sister_site_are_checked_against_its_profile(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replica", "urls", "--site", "baonuixanh.vn"]) == 0
    urls = capsys.readouterr().out.split()
    made_up = site.sisters["baonuixanh.vn"]
    assert urls == [made_up.writer.canonical_url(slot) for slot in made_up.catalog.live]
    assert main(["replica", "save", "--out", str(tmp_path), *urls[:3]]) == 0
    assert len((tmp_path / "urls.txt").read_text(encoding="utf-8").splitlines()) == 3
    capsys.readouterr()
    assert main(["check-pages", str(tmp_path), "--site", "baonuixanh.vn", "--profiles", str(SITES)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.startswith("ok\t") and "layer selectors" in line for line in lines)

    # Read with the wrong profile, every page fails, and says why.
    assert main(["check-pages", str(tmp_path), "--site", "baotuyenquang.com.vn"]) == 1
    out = capsys.readouterr().out
    assert out.count("FAIL\t") == 3 and "not an article URL of baotuyenquang.com.vn" in out and "no section" in out

    (tmp_path / "urls.txt").write_text("missing.html https://baonuixanh.vn/a-1040001.html\n", encoding="utf-8")
    assert main(["check-pages", str(tmp_path), "--site", "baonuixanh.vn", "--profiles", str(SITES)]) == 2
    assert "urls.txt:1: no file" in capsys.readouterr().err


def test_a_failure_at_the_new_home_is_the_old_records_reason_too(tmp_path: Path) -> None:
    crawler = get_crawler(BhgSpider, {"BHG_STATE": str(tmp_path / "state.sqlite3")})
    spider = BhgSpider.from_crawler(crawler)
    crawler.spider = spider
    old = "https://baohagiang.vn/kinh-te/202506/gia-le-tang-f6d06b9"
    new = "https://baotuyenquang.com.vn/khu-vuc/202506/gia-le-tang-f6d06b9"
    request = Request(new, meta={"bhg_kind": "ARTICLE", "redirect_urls": [old]})
    spider._not_exported(request, "HTTP 503", "error")
    failed = {row["record_id"]: row["reason"] for row in spider.state.db.execute("SELECT * FROM run_failed")}
    spider.state.close()
    assert failed == {
        "baotuyenquang.com.vn:f6d06b9": "HTTP 503",
        "baohagiang.vn:f6d06b9": f"HTTP 503 at {new}",
    }
