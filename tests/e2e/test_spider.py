"""The spider's arguments, Scrapy's own commands, and bhg-crawl run / extract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bhg_crawler.app.crawl import replica_settings, run_scrapy
from bhg_replica.server import ReplicaServer
from bhg_replica.site import Site
from tests.helpers import saved, saved_page


def crawl(server: ReplicaServer, tmp_path: Path, **spider_args: str) -> list[dict[str, Any]]:
    settings = {**replica_settings(server.url), "BHG_EXPORTS": str(tmp_path), "BHG_RUN_ID": "t",
                "BHG_STATE": str(tmp_path / "state.sqlite3"), "LOG_LEVEL": "WARNING"}  # fmt: skip
    assert run_scrapy(["crawl", "bhg"], settings, spider_args) == 0
    return [
        json.loads(line)
        for f in sorted(tmp_path.glob("t/articles-*.jsonl"))
        for line in f.read_text(encoding="utf-8").splitlines()
    ]


def test_sections(replica_server: ReplicaServer, site: Site, tmp_path: Path) -> None:
    records = crawl(replica_server, tmp_path, sections="van-hoa,multimedia")
    wanted = {"van-hoa", "multimedia/truyen-hinh", "multimedia/emagazine", "multimedia/anh", "multimedia/infographic"}
    listed = {s.article_id for s in site.catalog.live if {s.section.slug, s.also_in and s.also_in.slug} & wanted}
    assert listed <= {r["article_id"] for r in records}  # and the long reads of other sections eMagazine lists


def test_a_run_of_a_section_fetches_that_section(replica_server: ReplicaServer, site: Site, tmp_path: Path) -> None:
    """(The replica's related links stay in their section; other sections' are tested in test_bookkeeping.)"""
    ids = {r["article_id"] for r in crawl(replica_server, tmp_path, sections="van-hoa")}
    in_section = {
        s.article_id for s in site.catalog.live if "van-hoa" in {s.section.slug, s.also_in and s.also_in.slug}
    }
    assert ids == in_section


def test_since_and_until(replica_server: ReplicaServer, site: Site, tmp_path: Path) -> None:
    records = crawl(replica_server, tmp_path, since="2023-01-01", until="2023-12-31")
    expected = {s.article_id for s in site.catalog.live if s.published.year == 2023}
    assert {r["article_id"] for r in records} == expected


def test_urls_file_fetches_just_those(replica_server: ReplicaServer, site: Site, tmp_path: Path) -> None:
    chosen = site.catalog.live[40:43]
    listing = tmp_path / "urls.txt"
    listing.write_text("# three articles\n" + "\n".join(site.writer.canonical_url(s) + "/" for s in chosen))
    records = crawl(replica_server, tmp_path, urls_file=str(listing))
    assert sorted(r["article_id"] for r in records) == sorted(s.article_id for s in chosen)


def test_max_articles(replica_server: ReplicaServer, tmp_path: Path) -> None:
    assert len(crawl(replica_server, tmp_path, max_articles="7")) == 7


def scrapy_command(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="bhg_crawler.settings")
    return subprocess.run([sys.executable, "-m", "scrapy", *args], capture_output=True, text=True, env=env, check=False)


def test_scrapy_list() -> None:
    assert scrapy_command("list").stdout.split() == ["bhg", "recover"]


def test_scrapy_check_runs_the_contracts(replica_server: ReplicaServer) -> None:
    result = scrapy_command(
        "check", "bhg", "-s", f"BHG_VIA={replica_server.url}", "-s", "BHG_EXPORTS=", "-s", "BHG_STATE="
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Ran 7 contracts" in result.stderr
    assert "OK" in result.stderr


def test_bad_arguments_are_one_line_errors() -> None:
    result = subprocess.run([sys.executable, "-m", "bhg_crawler", "run", "--since", "2024-13-01"],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == "bhg-crawl: not a date: '2024-13-01' (use YYYY-MM-DD or DD/MM/YYYY)"


def test_run_command_crawls_and_summarises(replica_server: ReplicaServer, site: Site, tmp_path: Path) -> None:
    url = site.writer.canonical_url(site.catalog.live[3])
    result = subprocess.run(
        [sys.executable, "-m", "bhg_crawler", "run", "--via", replica_server.url, "--urls", url,
         "--exports", str(tmp_path), "--state", str(tmp_path / "state.sqlite3"), "--logs", str(tmp_path / "logs")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1 articles exported" in result.stdout
    manifests = list((tmp_path / "runs").glob("*.json"))
    assert json.loads(manifests[0].read_text())["arguments"]["urls"] == url


def test_extract_command_prints_the_record() -> None:
    _, truth = saved("bhg-era-a-seed")
    result = subprocess.run(
        [sys.executable, "-m", "bhg_crawler", "extract", "--url", truth["fetched_from"], str(saved_page("bhg-era-a-seed"))],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0
    record = json.loads(result.stdout)
    assert record["title"] == truth["title"]
    assert record["related"] == truth["related"]


def test_scrapy_feed_export_writes_the_same_records(replica_server: ReplicaServer, tmp_path: Path) -> None:
    """``scrapy crawl bhg -O out.jsonl`` gives what the run export gives: each record once, UTF-8 as is."""
    out = tmp_path / "out.jsonl"
    settings = {**replica_settings(replica_server.url), "BHG_EXPORTS": str(tmp_path), "BHG_RUN_ID": "t",
                "BHG_STATE": str(tmp_path / "state.sqlite3"), "LOG_LEVEL": "WARNING"}  # fmt: skip
    assert run_scrapy(["crawl", "bhg", "-O", str(out)], settings, {"sections": "van-hoa"}) == 0
    text = out.read_text(encoding="utf-8")
    assert "\\u" not in text
    assert "Văn hóa" in text
    fed = [json.loads(line) for line in text.splitlines()]
    exported = [json.loads(line) for line in (tmp_path / "t" / "articles-0001.jsonl").read_text("utf-8").splitlines()]
    assert len(fed) > 10
    assert len({r["record_id"] for r in fed}) == len(fed)
    by_id = {r["record_id"]: r for r in exported}
    for record in fed:  # late aliases are merged into the run export only
        assert {**record, "url_aliases": []} == {**by_id[record["record_id"]], "url_aliases": []}
    assert by_id.keys() == {r["record_id"] for r in fed}
