"""A run packaged as one WACZ file: its WARC files and its articles as pages (the ``wacz`` package)."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import warnings
from pathlib import Path

from bhg_crawler.archive.reextract import Run
from bhg_crawler.core.errors import ConfigError


def pages_jsonl(run: Run) -> str:
    """The WACZ pages list: every exported article of the run, with its title and fetch time."""
    lines = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Articles"})]
    for record in run.exported().values():
        lines.append(json.dumps({"url": record["url"], "title": record["title"], "ts": record["fetched_at"]},
                                ensure_ascii=False))  # fmt: skip
    return "\n".join(lines) + "\n"


def write_wacz(run: Run, out: Path) -> Path:
    """Packages the run's WARC files and its articles as pages into one WACZ file (the ``wacz`` package)."""
    with warnings.catch_warnings():  # wacz loads pyamf, which asks for the deprecated pkg_resources
        warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
        from wacz.main import main as wacz_main

    if run.manifest is None:
        raise ConfigError("a WACZ is made of a run (its id or folder), not of a lone WARC file")
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(f".{out.name}.part.wacz")
    with tempfile.TemporaryDirectory() as work:
        pages = Path(work) / "pages.jsonl"
        pages.write_text(pages_jsonl(run), encoding="utf-8")
        title = f"bhg-crawler run {run.folder.name if run.folder else ''}"
        said = io.StringIO()  # wacz prints each of its steps; they are worth reading only when it fails
        with contextlib.redirect_stdout(said):
            code = wacz_main(["create", "-o", str(part), "-p", str(pages), "--title", title, *map(str, run.warcs)])
    if code not in (0, None):
        part.unlink(missing_ok=True)
        raise RuntimeError(f"wacz create failed with exit code {code}: {said.getvalue().strip()[-500:]}")
    part.replace(out)
    return out
