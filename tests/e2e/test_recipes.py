"""The recipe pages (docs/recipes/*.md) run as written against the exports of real crawls, and print what they say.

The convention of a page:

- A fenced block whose info string is ``sh test`` is run by ``sh -c``; one whose info string is ``python test`` by
  the project's Python (``python -c``). Other blocks (```` ```sh ````, ```` ```cron ````...) are not run.
- The fenced block right after a tested block, with the info string ``output``, is what the tested block prints on
  its standard output. It is compared as doctest compares (``doctest.ELLIPSIS`` and ``NORMALIZE_WHITESPACE``):
  ``...`` stands for any text, lines included, and runs of white space count as one space. A tested block passes
  when it exits 0, writes nothing to its standard error (a block that should show an error sends it to its output,
  ``2>&1``) and its output matches; one with no output block fails, and so does a page with no tested block.
- The blocks of a page run in its order, standing in one project folder that is the page's own copy of two crawls
  of the replica (``RECIPE_ARTICLES`` articles, seed 5), made by ``bhg-crawl run --warc --media exports/media``
  with its default paths: on the replica's day 0, then on its day 1 (new articles, and new versions of edited
  ones). The folder holds ``exports/`` (two runs), ``logs/`` and ``state/bhg.sqlite3``, as a cron job leaves
  them. A block may use what a block before it wrote.
- ``PATH`` starts with the folder of the project's Python, so ``python`` and ``bhg-crawl`` are the project's;
  ``REPLICA_URL`` is the replica on its day 1, serving while the page runs (``bhg-crawl run --via
  "$REPLICA_URL"``). ``TZ`` is ``UTC``, as on most servers, so that a recipe that leans on the machine's time zone
  shows it, and ``LC_ALL`` is ``C.UTF-8``, so that ``sort`` sorts the same everywhere.

Checks of a page beyond its outputs (values computed here from the records) are tests of this module that take
the page's run from ``page_run``."""

from __future__ import annotations

import doctest
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jsonschema_rs
import pytest
from markdown_it import MarkdownIt

from bhg_crawler.extract.record import schema_files
from tests.helpers import ROOT, exported_records, replica, replica_options

RECIPES = ROOT / "docs" / "recipes"
RECIPE_ARTICLES = 600  # as many as the other end-to-end crawls: articles published before 07:00, edits on day 1
RUNNERS = {"sh": ["sh", "-c"], "python": [sys.executable, "-c"]}
MATCH = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass(frozen=True)
class Block:
    """A tested block of a page: its language (``sh``, ``python``), its code, the output it should print, and the
    line of the page it starts on (from 1)."""

    language: str
    code: str
    output: str | None
    line: int


@dataclass(frozen=True)
class BlockRun:
    """What a block did: its exit code, standard output and standard error."""

    block: Block
    returncode: int
    stdout: str
    stderr: str

    def problem(self) -> str | None:
        """Why the block fails its page, or None: no output block, an exit code other than 0, an error, another
        output."""
        where = f"the block at line {self.block.line}"
        if self.block.output is None:
            return f"{where} has no ```output block after it"
        if self.returncode != 0 or self.stderr:
            return f"{where} exited {self.returncode}:\n{self.stderr[-3000:]}"
        if not doctest.OutputChecker().check_output(self.block.output, self.stdout, MATCH):
            return f"{where} printed:\n{self.stdout}\nnot what the page says:\n{self.block.output}"
        return None


def recipe_blocks(text: str) -> list[Block]:
    """The tested blocks of a page's Markdown (``sh test``, ``python test``), each with its ``output`` block."""
    fences = [token for token in MarkdownIt().parse(text) if token.type == "fence"]
    blocks = []
    for index, fence in enumerate(fences):
        language, _, flag = fence.info.strip().partition(" ")
        if flag.strip() != "test":
            continue
        assert language in RUNNERS, f"a tested block in {language!r}: only {sorted(RUNNERS)} run"
        after = fences[index + 1] if index + 1 < len(fences) else None
        assert fence.map is not None
        follows = after is not None and after.map is not None and after.map[0] == fence.map[1] + 1
        output = after.content if follows and after is not None and after.info.strip() == "output" else None
        blocks.append(Block(language, fence.content, output, fence.map[0] + 1))
    return blocks


def run_block(block: Block, folder: Path, env: dict[str, str]) -> BlockRun:
    """A block run standing in ``folder``, with the environment ``env``."""
    done = subprocess.run([*RUNNERS[block.language], block.code], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip
    return BlockRun(block, done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder after two runs of ``bhg-crawl run`` on the replica, days 0 and 1 (see the docstring)."""
    folder = tmp_path_factory.mktemp("crawled")
    for day in (0, 1):
        with replica(day, RECIPE_ARTICLES) as (url, _):
            line = [sys.executable, "-m", "bhg_crawler", "run", "--warc", "--media", "exports/media"]
            done = subprocess.run([*line, *replica_options(url, day)], cwd=folder, capture_output=True, text=True,
                                  check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
    return folder


PageRun = tuple[Path, list[BlockRun]]


@pytest.fixture(scope="module")
def page_run(crawled: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], PageRun]:
    """Runs a page (its file name under docs/recipes/) once in the module, in its own copy of the crawled folder:
    the folder and each tested block's run."""
    done: dict[str, PageRun] = {}

    def run(name: str) -> PageRun:
        if name not in done:
            folder = tmp_path_factory.mktemp(Path(name).stem) / "project"
            shutil.copytree(crawled, folder)
            blocks = recipe_blocks((RECIPES / name).read_text(encoding="utf-8"))
            with replica(1, RECIPE_ARTICLES) as (url, _):
                path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
                env = dict(os.environ, PATH=path, REPLICA_URL=url, TZ="UTC", LC_ALL="C.UTF-8")
                done[name] = folder, [run_block(block, folder, env) for block in blocks]
        return done[name]

    return run


@pytest.mark.parametrize("name", sorted(path.name for path in RECIPES.glob("*.md")))
def test_every_tested_block_of_a_recipe_page_prints_what_the_page_says(
    name: str, page_run: Callable[[str], PageRun]
) -> None:
    _, runs = page_run(name)
    assert runs, f"{name} has no tested block"
    problems = [problem for run in runs if (problem := run.problem())]
    assert not problems, f"{name}:\n" + "\n\n".join(problems)


# -- the downstream page, against values computed here from the records -------------------------------------


def exports_of(folder: Path) -> tuple[Path, list[dict[str, Any]]]:
    """The exports folder of a project folder and its manifests, oldest first."""
    exports = folder / "exports"
    found = [json.loads(path.read_text(encoding="utf-8")) for path in (exports / "runs").glob("*.json")]
    return exports, sorted(found, key=lambda manifest: manifest["started_at"])


def latest_versions(folder: Path) -> list[dict[str, Any]]:
    """Every record of every run, the highest version of each record id only."""
    exports, manifests = exports_of(folder)
    latest: dict[str, dict[str, Any]] = {}
    for record in (r for manifest in manifests for r in exported_records(exports, manifest)):
        if record["record_id"] not in latest or record["version"] > latest[record["record_id"]]["version"]:
            latest[record["record_id"]] = record
    return list(latest.values())


def test_duckdb_counts_each_article_on_the_day_the_site_published_it(page_run: Callable[[str], PageRun]) -> None:
    """The page's DuckDB query writes ``articles-per-day.csv`` in the exports folder: its counts are those of the
    days of ``published_at`` as the site gives them (+07:00), among which are days of articles published before
    07:00, which a UTC reading puts on the day before."""
    folder, _ = page_run("downstream.md")
    records = latest_versions(folder)
    published = [datetime.fromisoformat(record["published_at"]) for record in records]
    local = Counter(moment.date().isoformat() for moment in published)
    utc = Counter(moment.astimezone(UTC).date().isoformat() for moment in published)
    assert any(moment.hour < 7 for moment in published), "no article published before 07:00 to tell the days apart"
    assert local != utc
    lines = (folder / "exports" / "articles-per-day.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "day,articles"
    assert {day: int(count) for day, count in (line.split(",") for line in lines[1:])} == local


def test_the_schema_of_every_record_is_beside_the_exports_and_its_id_resolves(
    page_run: Callable[[str], PageRun],
) -> None:
    folder, _ = page_run("downstream.md")
    exports, manifests = exports_of(folder)
    published = schema_files()
    for manifest in manifests:
        path = exports / manifest["schema"]
        assert path.name == f"article-{manifest['schema_version']}.json"
        schema = json.loads(path.read_bytes())
        assert path.read_bytes() == published[path.name]
        assert urljoin(path.as_uri(), schema["$id"]) == path.as_uri()  # the $id names the file itself
        for record in exported_records(exports, manifest):
            jsonschema_rs.Draft7Validator(schema).validate(record)
    assert sorted(path.name for path in (exports / "schema").iterdir()) == sorted(published)


def test_the_manifest_lists_every_media_file_the_records_name(page_run: Callable[[str], PageRun]) -> None:
    """Each run's manifest lists, once, every media file its records name (with ``--media exports/media``, a path
    relative to the exports folder), with its URL, size and sha256."""
    folder, _ = page_run("downstream.md")
    exports, manifests = exports_of(folder)
    for manifest in manifests:
        named = {
            f"media/{image['file']['path']}": image["url"]
            for record in exported_records(exports, manifest)
            for image in record["images"]
            if image["file"]
        }
        listed = [entry for entry in manifest["files"] if entry["kind"] == "media"]
        assert named
        assert {entry["path"]: entry["url"] for entry in listed} == named
        assert len(listed) == len(named)
        for entry in listed:
            data = (exports / entry["path"]).read_bytes()
            assert (entry["bytes"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())


@pytest.fixture(scope="module")
def recovered_out_of_order(crawled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder whose exports were recovered from the two crawls' WARC files by ``bhg-crawl recover``, the
    last crawl's first, then in a later run the first crawl's: the article edited on day 1 has its edit as
    version 1 and its first text as version 2, captured before it."""
    folder = tmp_path_factory.mktemp("recovered") / "project"
    folder.mkdir()
    exports, manifests = exports_of(crawled)
    for runs, manifest in enumerate(reversed(manifests), start=1):
        files = [str(exports / entry["path"]) for entry in manifest["files"] if entry["kind"] == "warc"]
        line = [sys.executable, "-m", "bhg_crawler", "recover", *files]
        done = subprocess.run(line, cwd=folder, capture_output=True, text=True, check=False)
        assert len(exports_of(folder)[1]) == runs, done.stdout[-3000:] + done.stderr[-3000:]
    return folder


def test_the_current_versions_of_exports_recovered_out_of_order_are_the_last_texts_crawled(
    crawled: Path, recovered_out_of_order: Path
) -> None:
    """The downstream page's recipes of the current versions (jq, DuckDB, pandas: the blocks that write
    ``current-*.tsv``), run in the folder recovered out of order, where the highest version of an article is not
    its current text: each gives, for every article recovered, the text the crawls found last."""
    folder = recovered_out_of_order
    blocks = [block for block in recipe_blocks((RECIPES / "downstream.md").read_text(encoding="utf-8"))
              if "current-" in block.code]  # fmt: skip
    assert len(blocks) == 3
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = dict(os.environ, PATH=path, TZ="UTC", LC_ALL="C.UTF-8")
    for block in blocks:
        done = run_block(block, folder, env)
        assert (done.returncode, done.stderr) == (0, ""), f"the block at line {block.line}: {done.stderr[-3000:]}"
    crawled_last = {record["record_id"]: record["content_sha256"] for record in latest_versions(crawled)}
    recovered = {record["record_id"]: record["content_sha256"] for record in latest_versions(folder)}
    stale = {record_id for record_id, sha in recovered.items() if sha != crawled_last[record_id]}
    assert len(stale) == 1  # the edited article: its highest version is its first text
    for tool in ("jq", "duckdb", "pandas"):
        lines = (folder / "exports" / f"current-{tool}.tsv").read_text(encoding="utf-8").splitlines()
        current = dict(line.split("\t") for line in lines)
        assert current == {record_id: crawled_last[record_id] for record_id in recovered}, tool
