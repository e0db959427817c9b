"""A run's files: where they go, JSON-lines files hidden until the run is published, publishing."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler

from bhg_crawler.core.files import file_entry, json_line, part_of, published, write_atomically
from bhg_crawler.extract.record import SCHEMA_FILE, schema_files


def new_run_id(spider: str) -> str:
    """A run's id: ``<UTC time>-<spider>-<4 hex>``, e.g. ``20261125T031500Z-bhg-9f2c``."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{spider}-{secrets.token_hex(2)}"


def manifest_part(root: Path, run_id: str) -> Path:
    """A run's manifest before it is published."""
    return root / "runs" / f".{run_id}.json.part"


def publish_schemas(root: Path) -> str:
    """Every JSON Schema of the record into ``<root>/schema/`` (each written whole, and only when it is missing or
    differs); the path of this version's, relative to ``root``: ``schema/article-6.json``. ``OSError`` as it comes."""
    folder = root / "schema"
    folder.mkdir(exist_ok=True)
    for name, data in schema_files().items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != data:
            write_atomically(path, data)
    return f"schema/{SCHEMA_FILE}"


def remove_run_files(root: Path, run_id: str) -> int:
    """The files of a run that died before its commit: its folder's files, the folder, and its manifest; how many
    files."""
    folder = root / run_id
    files = [path for path in folder.iterdir() if path.is_file()] if run_id and folder.is_dir() else []
    for path in [*files, manifest_part(root, run_id)]:
        path.unlink(missing_ok=True)
    remove_empty_folders([(root, run_id)])
    return len(files)


def remove_empty_folders(runs: Iterable[tuple[Path, str]]) -> list[str]:
    """Of the runs given as (exports root, run id), the folders that hold nothing removed (a run that exported
    nothing, or died and lost its files); the run ids whose folder went. A folder that holds anything stays, and
    so does every folder of a run not given: the caller gives only runs that no longer run."""
    removed = []
    for root, run_id in runs:
        with contextlib.suppress(OSError):  # not empty, or not there
            (root / (run_id or ".never")).rmdir()  # no id: never the exports folder itself
            removed.append(run_id)
    return removed


class JsonLinesFile:
    """One JSON-lines file, written under its ``.part`` name (``core.files.part_of``) until the run is
    published; ``records`` counts the lines written."""

    def __init__(self, path: Path):
        self.path = path
        self.part = part_of(path)
        self._out: IO[bytes] | None = None
        self.records = 0

    def write(self, record: Mapping[str, Any]) -> None:
        """One record as a line; ``OSError`` (a full disk) as it comes."""
        if self._out is None:
            self._out = self.part.open("wb")
        self._out.write(json_line(record))
        self.records += 1

    def rewrite(self, change: dict[str, Any] | None = None) -> None:
        """Apply late changes to records already written: ``{record_id: function(record)}``."""
        if not change or self._out is None:
            return
        self._out.close()
        patched = self.part.with_name(self.part.name + "2")
        with self.part.open("rb") as source, patched.open("wb") as out:
            for line in source:
                record = json.loads(line)
                fix = change.get(record.get("record_id"))
                out.write(json_line(fix(record)) if fix else line)
        os.replace(patched, self.part)
        self._out = self.part.open("ab")

    def finish(self) -> dict[str, Any] | None:
        """Flush the file to disk, still under its temporary name; its entry for the manifest."""
        if self._out is None:
            return None
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        return {"records": self.records, **file_entry(self.part)}

    def discard(self) -> None:
        """The file goes, whatever was written to it."""
        if self._out is not None:
            with contextlib.suppress(OSError):  # what is still buffered cannot be written: it goes too
                self._out.close()
        self.part.unlink(missing_ok=True)


def publish(folder: Path, manifest_part: Path) -> int:
    """Rename a committed run's ``.part`` files to their names, the manifest last; the files published. A run with
    no file (nothing new) keeps no folder."""
    parts = sorted(folder.glob(".*.part")) if folder.is_dir() else []
    for part in [*parts, manifest_part]:
        if part.exists():
            os.replace(part, published(part))
    remove_empty_folders([(folder.parent, folder.name)])
    return len(parts)


@dataclass
class RunFiles:
    """Where a run writes: its id, the exports root, and closers of other files the manifest lists.

    Layout below ``BHG_EXPORTS``::

        runs/<run_id>.json              the manifest, written last
        runs/stats/<run_id>.json        the run's final Scrapy stats
        <run_id>/articles-0001.jsonl    records, BHG_EXPORT_MAX_RECORDS a file
        <run_id>/rejects.jsonl          records that failed validation, with the reason
        <run_id>/failures.jsonl         pages that could not be fetched, with the reason
        <run_id>/<run_id>-00001.warc.gz WARC files and their index.cdxj, with BHG_WARC
        schema/article-6.json           the JSON Schema of the records (and the older versions')"""

    run_id: str
    root: Path
    # Each completes its files, flushed but still ``.part`` until the run is published; (kind, part) of each.
    closers: list[Callable[[], list[tuple[str, Path]]]] = field(default_factory=list)
    # Each gives the manifest's entries of complete files the run used outside its folder (media):
    # ``{"path", "kind", "sha256", "bytes", ...}``, ``path`` relative to ``root`` (absolute when outside it).
    listers: list[Callable[[], list[dict[str, Any]]]] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        """The run's folder: ``<root>/<run_id>``."""
        return self.root / self.run_id


_runs: WeakKeyDictionary[Crawler, RunFiles] = WeakKeyDictionary()


def run_of(crawler: Crawler) -> RunFiles:
    """The crawler's run: its id from ``BHG_RUN_ID`` (else made from the time), its folder under ``BHG_EXPORTS``."""
    run = _runs.get(crawler)
    if run is None:
        spider = getattr(crawler.spidercls, "name", None) or "crawl"
        run_id = crawler.settings.get("BHG_RUN_ID") or new_run_id(spider)
        run = _runs[crawler] = RunFiles(run_id, Path(crawler.settings.get("BHG_EXPORTS")))
    return run
