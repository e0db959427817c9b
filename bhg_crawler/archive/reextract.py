"""Re-extraction: a run's records rebuilt from its WARC files with the extractor of today, fetching nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from bhg_crawler.core.errors import ConfigError
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.encoding import page_text
from bhg_crawler.extract.record import ArticleRecord, add_url_aliases, build_record
from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import article_url


@dataclass(frozen=True)
class ArchivedPage:
    """An HTML page answered 200 in a WARC file: its URL, its body (Content-Encoding undone) and Content-Type
    header, its WARC record's id and date (ISO 8601 UTC)."""

    url: str
    body: bytes
    content_type: str
    record_id: str  # WARC-Record-ID
    date: str  # WARC-Date

    def html(self, profile: SiteProfile) -> str:
        """The page's text as the crawler decoded it for the site of ``profile`` (its ``legacy_encoding``)."""
        return page_text(self.body, self.content_type, profile.legacy_encoding)


@dataclass(frozen=True)
class Run:
    """A run's files found from its id (or its folder), or a lone WARC file."""

    warcs: list[Path]
    manifest: dict[str, Any] | None
    folder: Path | None

    def exported(self) -> dict[str, ArticleRecord]:
        """The run's exported records by WARC record id."""
        if self.manifest is None or self.folder is None:
            return {}
        found = {}
        for entry in self.manifest["files"]:
            if entry["kind"] == "articles":
                for line in (self.folder.parent / entry["path"]).read_text(encoding="utf-8").splitlines():
                    record = json.loads(line)
                    if record.get("warc_record_id"):
                        found[record["warc_record_id"]] = record
        return found


def find_run(source: str, exports: Path) -> Run:
    """``source``: a run id under ``exports``, a run's folder, or a WARC file."""
    path = Path(source)
    if path.is_file():
        return Run([path], None, None)
    folder = path if path.is_dir() else exports / source
    manifest_path = folder.parent / "runs" / f"{folder.name}.json"
    if not manifest_path.is_file():
        raise ConfigError(f"no run {source!r}: neither a WARC file nor a run with a manifest under {exports}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    warcs = [folder.parent / e["path"] for e in manifest["files"] if e["kind"] == "warc"]
    if not warcs:
        raise ConfigError(f"run {folder.name} has no WARC files (it ran without BHG_WARC)")
    return Run(warcs, manifest, folder)


def archived_pages(warcs: list[Path]) -> Iterator[ArchivedPage]:
    """Every HTML page answered 200 in the WARC files, its body as archived."""
    for path in warcs:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                content_type = record.http_headers.get_header("Content-Type") or ""
                if "html" not in content_type:
                    continue
                yield ArchivedPage(
                    record.rec_headers.get_header("WARC-Target-URI"),
                    record.content_stream().read(),  # Content-Encoding undone
                    content_type,
                    record.rec_headers.get_header("WARC-Record-ID"),
                    record.rec_headers.get_header("WARC-Date"),
                )


def with_bookkeeping(record: ArticleRecord, kept: ArticleRecord) -> ArticleRecord:
    """The record, changed in place, with what its page cannot tell taken from its exported copy ``kept``: the
    URLs and record ids the crawl knew it by, its version and the one before, and where each image was stored."""
    add_url_aliases(record, kept["url_aliases"])
    record["record_id_aliases"] = sorted(set(kept["record_id_aliases"]))
    record["version"], record["previous_sha256"] = kept["version"], kept["previous_sha256"]
    files = {image["url"]: image["file"] for image in kept["images"] if "file" in image}
    for image in record["images"]:
        if image["url"] in files:
            image["file"] = files[image["url"]]
    return record


def reextract(run: Run, sites: tuple[SiteProfile, ...]) -> Iterator[ArticleRecord]:
    """The article records of the archived pages, extracted anew, each with the profile of its site (the
    crawl's, or one its articles moved to), error pages left out; what a page cannot say comes from the export."""
    exported = run.exported()
    for page in archived_pages(run.warcs):
        profile = next((site for site in sites if article_url(page.url, site) is not None), None)
        if profile is None:
            continue
        article = ArticlePage(page.html(profile), page.url, profile)
        if article.error_page is not None:
            continue  # the CMS's error page, archived as the crawl fetched it: never a record
        extracted = article.extracted()
        record = build_record(extracted, datetime.fromisoformat(page.date), warc_record_id=page.record_id)
        kept = exported.get(page.record_id)
        yield record if kept is None else with_bookkeeping(record, kept)
