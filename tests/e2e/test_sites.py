"""End to end: the successor site, Hà Giang's moved articles, and a made-up sister site known only by its profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bhg_crawler.app.cli import main
from bhg_crawler.extract.record import validation_error
from bhg_replica.server import ReplicaServer
from bhg_replica.sisters import SisterSite
from bhg_replica.site import Site
from tests.helpers import SITES, bhg_run, exported, stats

FIELDS = ("url", "section", "title", "lede", "lede_tag", "published_at", "published_time_known", "language",
          "images", "byline", "authors", "related", "tags")  # fmt: skip


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
    assert {successor.writer.family(successor.catalog.by_id[r["article_id"]]).name for r in first} == {
        "btq-current", "btq-old"}  # fmt: skip
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
