"""The replica redesigns itself, or breaks: the crawl still extracts the truth, or fails the run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

from bhg_crawler.runs.outcome import ExitCode
from bhg_replica.templates import jsonld_only
from tests.helpers import bhg_run, exported, manifests, replica

FIELDS = ("url", "section", "title", "lede", "lede_tag", "published_at", "published_time_known", "language",
          "images", "byline", "authors", "related", "tags")  # fmt: skip


def test_a_redesigned_site_still_gives_the_true_records(tmp_path: Path) -> None:
    with replica(0, 150, template="redesigned") as (url, site):
        result = bhg_run(url, 0, tmp_path)
    assert result.returncode == ExitCode.OK, result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    records = exported(tmp_path, manifest)
    assert sorted(r["article_id"] for r in records) == sorted(s.article_id for s in site.catalog.live)
    assert any(jsonld_only(r["article_id"]) for r in records)
    layers = {r["extraction"]["layer"] for r in records}
    assert layers == {"patterns", "metadata"}  # the drift is visible in every record
    stats = json.loads((tmp_path / "exports" / "runs" / "stats" / f"{manifest['run_id']}.json").read_text())
    assert stats["bhg/extraction/fallback/title"] == len(records)
    assert "bhg/extraction/selectors" not in stats
    assert stats["bhg/extraction/patterns/title"] == len(records)  # the h1, whatever its class
    by_layer = {layer: stats.get(f"bhg/extraction/{layer}/published_at", 0) for layer in ("patterns", "metadata")}
    assert by_layer["metadata"] == sum(jsonld_only(r["article_id"]) for r in records)  # JSON-LD only
    assert sum(by_layer.values()) == len(records)
    for record in records:
        slot = site.catalog.by_id[record["article_id"]]
        truth = site.expected_record(slot)
        body = "\n\n".join(cast(list[str], truth["paragraphs"]))
        if slot.era == "A" and truth["lede_tag"] is None and truth["lede"] and record["lede"] is None:
            # A lede printed as the body's first paragraph with no prefix: renamed, only og:description could tell
            # it apart; without one it stays in the body, whole.
            body = f"{truth['lede']}\n\n{body}"
            truth = {**truth, "lede": None}
        for field in FIELDS:
            assert record[field] == truth[field], (field, record["url"])
        assert record["body_text"] == body


def test_a_broken_template_fails_the_run_instead_of_exporting_empty_records(tmp_path: Path) -> None:
    with replica(0, 60, template="broken") as (url, _):
        result = bhg_run(url, 0, tmp_path)
    assert result.returncode == ExitCode.REJECTS, result.stdout + result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    assert manifest["counts"]["articles"] == 0
    assert manifest["counts"]["rejects"] == 60
    assert manifest["outcome"]["name"] == "rejects"


def test_a_redesign_after_runs_on_the_old_markup_raises_the_drift_alarm(tmp_path: Path) -> None:
    with replica(0, 150) as (url, site):
        assert bhg_run(url, 0, tmp_path).returncode == ExitCode.OK
    # Era A's ledes printed with no prefix as the body's first paragraph: renamed, they may stay in the body.
    changed = [s for s in site.catalog.live if s.era == "A" and site.expected_record(s)["lede_tag"] is None
               and site.expected_record(s)["lede"] and s.article_id not in site.moved]  # fmt: skip
    with replica(0, 150, template="redesigned") as (url, _):
        result = bhg_run(url, 0, tmp_path, "--full")
    assert result.returncode == ExitCode.DRIFT, result.stdout + result.stderr[-2000:]
    _, manifest = manifests(tmp_path)
    assert manifest["outcome"]["name"] == "drift"
    assert "body_text in 100% of the records" in manifest["outcome"]["reason"]
    run_stats = json.loads((tmp_path / "exports" / "runs" / "stats" / f"{manifest['run_id']}.json").read_text())
    assert run_stats["bhg/extraction/fallback/body_text"] == 150
    again = {r["article_id"] for r in exported(tmp_path, manifest)}
    assert again <= {s.article_id for s in changed}  # only such ledes (those with no og:description) changed
    assert run_stats["bhg/articles/unchanged"] == 150 - len(again)  # the same content: nothing exported again
