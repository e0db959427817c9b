"""What several test modules share: paths, replicas on loopback, crawls through the command line, readers of
their exports, small records, and pipelines that break records on purpose. Test modules import this module,
never each other."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import socket
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html
from PIL import Image
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from bhg_crawler import settings as bhg_settings
from bhg_crawler.app.crawl import replica_settings
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.record import ArticleRecord, build_record
from bhg_crawler.runs.accounting import balance_problems
from bhg_crawler.sites.profiles import BAOHAGIANG, SiteProfile, load_profiles
from bhg_crawler.state.store import StateStore
from bhg_replica.archive import serving_ranges
from bhg_replica.catalog import Slot
from bhg_replica.content import Writer
from bhg_replica.families import Family
from bhg_replica.server import ReplicaServer
from bhg_replica.site import Site

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"
PAGES = FIXTURES / "pages"  # saved article pages, a folder a site: <name>.html and its true record <name>.json
SITES = FIXTURES / "sites"  # profiles of made-up sister sites the replica serves
ARTICLES = 600  # the size of the replica the end-to-end runs crawl


def project_crawler(spidercls: type[Spider], **settings: Any) -> Crawler:
    """A crawler, not started, with the values the project's components read (the ``BHG_*`` and ``SPIDERMON_*``
    settings of ``bhg_crawler.settings``), ``settings`` over them; Scrapy's own components, none of the
    project's extensions."""
    project = {name: value for name, value in vars(bhg_settings).items() if name.startswith(("BHG_", "SPIDERMON_"))}
    return get_crawler(spidercls, {**project, **settings})


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- saved pages ---------------------------------------------------------------------------------------


def saved_page_names() -> list[str]:
    """The names of the saved pages of every site, sorted."""
    return sorted(path.stem for path in PAGES.glob("*/*.html"))


def saved_page(name: str) -> Path:
    """The saved page of that name, whichever site's folder holds it."""
    [path] = PAGES.glob(f"*/{name}.html")
    return path


def saved(name: str) -> tuple[str, dict[str, Any]]:
    """A saved page's HTML and its true record (``fetched_from``: the URL it was served at)."""
    path = saved_page(name)
    truth: dict[str, Any] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return path.read_text(encoding="utf-8"), truth


# -- extraction of saved pages --------------------------------------------------------------------------------

Compared = Literal["url", "section", "title", "lede", "lede_tag", "published_at", "published_time_known", "language",
                   "body_text", "images", "byline", "authors", "related", "tags"]  # fmt: skip
FIELDS: tuple[Compared, ...] = get_args(Compared)
FETCHED = datetime(2026, 11, 25, 3, 0, tzinfo=datetime.now().astimezone().tzinfo)


PROFILES = load_profiles([SITES])  # the built-in profiles and the made-up sister's


def profile_of(url: str) -> SiteProfile:
    """The profile of the site the URL is on (the made-up sister's included)."""
    host = urlsplit(url).hostname
    return next((p for p in PROFILES.values() if host in p.hosts), BAOHAGIANG)


def extract(html: str, url: str) -> ArticleRecord:
    """The record of a page, read with the profile of the site the URL is on."""
    return build_record(ArticlePage(html, url, profile_of(url)).extracted(), FETCHED)


# -- the replica's article pages by template family ----------------------------------------------------------------


@dataclass(frozen=True)
class FamilyPage:
    """An article page of the replica and the template family that prints it."""

    family: Family
    writer: Writer
    slot: Slot

    @property
    def url(self) -> str:
        return self.writer.canonical_url(self.slot)

    def html(self, site: Site) -> str:
        """The page as the replica serves it at its canonical URL."""
        parts = urlsplit(self.url)
        return site.respond(parts.hostname or "", parts.path).body.decode()


def family_pages(site: Site) -> list[FamilyPage]:
    """Every live article page of baohagiang.vn and of the successor with its family (a moved article at its new
    home only; the made-up sister has no family)."""
    pages = [
        FamilyPage(site.family(slot), site.writer, slot)
        for slot in site.catalog.live
        if slot.article_id not in site.moved
    ]
    successor = site.successor
    return pages + [FamilyPage(successor.writer.family(s), successor.writer, s) for s in successor.catalog.live]


# -- replicas and crawls -----------------------------------------------------------------------------


@contextmanager
def serving(site: Site) -> Iterator[str]:
    """``site`` (the replica, or a subclass that answers some URLs its own way) served on a free loopback port,
    in this process: its proxy URL."""
    server = ReplicaServer(site, "127.0.0.1", 0)
    server.start_background()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def replica(
    day: int, articles: int = ARTICLES, template: str = "classic", faults: str = "none"
) -> Iterator[tuple[str, Site]]:
    """A replica of seed 5 on a free loopback port, in this process: its proxy URL and the site."""
    site = Site(seed=5, articles=articles, day=day, template=template, fault_profile=faults)
    with serving(site) as url:
        yield url, site


def replica_options(url: str, day: int) -> list[str]:
    """The options of a ``bhg-crawl`` command through the replica at ``url`` on its day ``day``: ``--via`` and
    the replica's ``-s`` settings (its clock, no politeness delays)."""
    settings = {k: v for k, v in replica_settings(url, day).items() if k != "BHG_VIA"}
    return ["--via", url, *(option for name, value in settings.items() for option in ("-s", f"{name}={value}"))]


def command(url: str, day: int, work: Path, *extra: str, verb: str = "run") -> list[str]:
    """``bhg-crawl <verb>`` through the replica at ``url`` on its day ``day``, with its state (and for ``run``
    its exports and logs) under ``work``."""
    line = [sys.executable, "-m", "bhg_crawler", verb, "--state", str(work / "state.sqlite3"), *extra]
    if verb == "run":
        line += ["--exports", str(work / "exports"), "--logs", str(work / "logs")]
    return line + replica_options(url, day)


def bhg_run(url: str, day: int, work: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """A finished ``bhg-crawl run`` (see ``command``)."""
    return subprocess.run(command(url, day, work, *extra), capture_output=True, text=True, check=False)


# A recovery as fast as loopback allows.
FAST = ("-s", "BHG_RECOVER_RATE=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16")  # fmt: skip


def recover(source: str | list[str], work: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``bhg-crawl recover`` from the CDX server (or the WARC files) ``source`` into the state and exports under
    ``work``."""
    sources = [source] if isinstance(source, str) else source
    line = [sys.executable, "-m", "bhg_crawler", "recover", *sources, "--state", str(work / "state.sqlite3"),
            "--exports", str(work / "exports"), "--logs", str(work / "logs"), *extra]  # fmt: skip
    return subprocess.run(line, capture_output=True, text=True, check=False)


def ledger_rows(work: Path, *extra: str) -> list[list[str]]:
    """``bhg-crawl ledger`` of the state under ``work``: its rows, each its fields (record_id, tries, retry,
    last_at, reason, url)."""
    line = [sys.executable, "-m", "bhg_crawler", "ledger", "--state", str(work / "state.sqlite3"), *extra]
    listed = subprocess.run(line, capture_output=True, text=True, check=True)
    return [row.split("\t") for row in listed.stdout.splitlines()[1:]]


def with_pipeline(name: str) -> str:
    """The ``-s`` value of ITEM_PIPELINES with one more pipeline before validation: it sees each record in the
    run's range as the spider built it."""
    pipelines = {"bhg_crawler.pipelines.RangePipeline": 300, name: 350, "bhg_crawler.pipelines.ValidatePipeline": 400,
                 "bhg_crawler.pipelines.DedupePipeline": 500}  # fmt: skip
    return f"ITEM_PIPELINES={json.dumps(pipelines)}"


@contextmanager
def range_files(folder: Path, fault: str = "") -> Iterator[str]:
    """The files of ``folder`` on a free loopback port, byte ranges answered as Common Crawl's data server answers
    them (or with ``fault``: ``bhg_replica.archive.RANGE_FAULTS``): its URL."""
    with serving_ranges(folder, fault) as url:
        yield url


# -- exports ---------------------------------------------------------------------------------------------


def exported_records(exports: Path, manifest: dict[str, Any], kind: str = "articles") -> list[dict[str, Any]]:
    """The records of a run's article files (or its files of another ``kind``: ``failures``, ``rejects``), as its
    manifest lists them."""
    return [
        json.loads(line)
        for entry in manifest["files"]
        if entry["kind"] == kind
        for line in (exports / entry["path"]).read_text(encoding="utf-8").splitlines()
    ]


def manifests(work: Path) -> list[dict[str, Any]]:
    """The published manifests of the runs under ``work``, oldest first, each checked to balance: its
    accounting adds up, and its ``exported`` articles are the records its files hold."""
    found = [json.loads(p.read_text(encoding="utf-8")) for p in (work / "exports" / "runs").glob("*.json")]
    for manifest in found:
        records = len(exported_records(work / "exports", manifest))
        assert balance_problems(manifest["accounting"], records) == [], (manifest["run_id"], manifest["accounting"])
        assert manifest["accounting"]["balanced"] is True
    return sorted(found, key=lambda m: m["started_at"])


def exported(work: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The records a run under ``work`` exported."""
    return exported_records(work / "exports", manifest)


def stats(work: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The final Scrapy stats of a run under ``work``."""
    path = work / "exports" / "runs" / "stats" / f"{manifest['run_id']}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def warcs(work: Path, manifest: dict[str, Any]) -> list[Path]:
    """The WARC files of a run under ``work``."""
    return [work / "exports" / e["path"] for e in manifest["files"] if e["kind"] == "warc"]


def warc_records(path: Path) -> list[Any]:
    """Every record of a WARC file: (type, WARC headers, HTTP headers, payload)."""
    with path.open("rb") as stream:
        return [
            (r.rec_type, dict(r.rec_headers.headers), r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(stream)
        ]


# -- the state store -----------------------------------------------------------------------------------------

AT = datetime(2025, 7, 1, 10, 0, tzinfo=UTC)


def small_record(article_id: str, body: str = "Nội dung.", **extra: Any) -> dict[str, Any]:
    """The fields of a record the state store reads."""
    url = f"https://baohagiang.vn/xa-hoi/202507/bai-{article_id}"
    return {"record_id": f"baohagiang.vn:{article_id}", "url": url, "url_aliases": [],
            "content_sha256": hashlib.sha256(body.encode()).hexdigest(), "version": 1,
            "fetched_at": "2025-07-01T03:00:00Z", "published_at": "2025-07-01T08:00:00+07:00", **extra}  # fmt: skip


def export(store: StateStore, item: dict[str, Any]) -> str:
    """What the dedupe pipeline does with a record: its placement, as ``new1``, ``unchanged``, ``duplicate:id``..."""
    placement = store.place(item)
    if placement.verdict == "new":
        item["version"] = placement.version
        store.exporting(item)
    elif placement.verdict == "unchanged":
        store.unchanged(item["record_id"])
    return f"{placement.verdict}{placement.by and ':' + placement.by}{placement.version if placement.verdict == 'new' else ''}"


# -- the text of a page as a reader copies it ------------------------------------------------------------------

# Apart from ``bhg_crawler.extract.tree.lines_of`` on purpose: it keeps no-break-space lines and alt text, as the
# seed's text copy does, and it checks the replica independently of the crawler's own code.
READER_BLOCKS = frozenset(
    ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "tbody", "section", "article",
     "aside", "header", "footer", "main", "nav", "br", "figure", "figcaption"]
)  # fmt: skip
READER_SPACES = re.compile(r"[ \t\r\n]+")


def visible_lines(fragment: lxml_html.HtmlElement) -> list[str]:
    """The text of a page as a reader copies it: one line a block, image alt text included."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = READER_SPACES.sub(" ", "".join(current)).strip(" \t\r\n")
        if line:
            lines.append(line)
        current.clear()

    def walk(element: lxml_html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("script", "style"):
            return
        if tag == "img":
            flush()
            current.append(element.get("alt", ""))
            flush()
        block = tag in READER_BLOCKS
        if block:
            flush()
        current.append(element.text or "")
        for child in element:
            walk(child)
            current.append(child.tail or "")
        if block:
            flush()

    walk(fragment)
    flush()
    return lines


def page_text(html: str) -> str:
    """The text of a page's body as one line: NFC, references decoded, every run of spaces one space."""
    body = lxml_html.document_fromstring(html).find("body")
    return unicodedata.normalize("NFC", " ".join((body.text_content() if body is not None else "").split()))


# -- pipelines that break records on purpose (ITEM_PIPELINES of a run, through ``with_pipeline``) -----------------


class EveryNth:
    """Spoils every ``every``-th record that passes."""

    every = 3

    def __init__(self) -> None:
        self.seen = 0

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        self.seen += 1
        if self.seen % self.every == 0:
            self.spoil(item)
        return item

    def spoil(self, item: dict[str, Any]) -> None:
        raise NotImplementedError


class UndatedRecords(EveryNth):
    """A date the schema refuses, as a site template change might print."""

    def spoil(self, item: dict[str, Any]) -> None:
        item["published_at"] = "hôm qua"


class ExplodingRecords(EveryNth):
    """A bug: one record in ten raises."""

    every = 10

    def spoil(self, item: dict[str, Any]) -> None:
        raise KeyError("lede_html")


# -- pages opened as a browser does ----------------------------------------------------------------------------

# What a page that loads and runs well never says in the console: an error thrown, a resource that failed, and
# what the page's content security policy refused (anything it would fetch from elsewhere).
CONSOLE_ERRORS = re.compile(r"Uncaught|Failed to load|Refused to|violates the following Content Security Policy")
CONSOLE_LINE = re.compile(r':CONSOLE[^\]]*\] "(?P<message>.*)", source: ')


@dataclass(frozen=True)
class Browsed:
    """A page as headless Chromium showed it: its DOM once loaded, its console's messages, its screenshot."""

    dom: str
    console: list[str]
    screenshot: Path

    @property
    def errors(self) -> list[str]:
        """The console's messages that say something went wrong (``CONSOLE_ERRORS``)."""
        return [message for message in self.console if CONSOLE_ERRORS.search(message)]

    def text(self) -> str:
        """The DOM's text, its runs of white space one space."""
        return " ".join(lxml_html.fromstring(self.dom).text_content().split())


def browse(page: Path, folder: Path, size: tuple[int, int] = (1280, 1600)) -> Browsed:
    """``page`` opened from its ``file://`` URL in Debian's headless Chromium, with the network off (every request
    to a proxy on a closed port): its DOM (``--dump-dom``), its console (``--enable-logging=stderr``) and a
    screenshot of ``size`` pixels, in ``folder``. Skips the test when Chromium is not installed."""
    binary = shutil.which("chromium")
    if binary is None:
        pytest.skip("Debian's chromium is not installed: make install installs it (apt-get install chromium)")
    screenshot = folder / f"{page.stem}.png"
    common = [binary, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--no-first-run",
              "--proxy-server=127.0.0.1:9", f"--user-data-dir={folder / 'chromium'}", "--enable-logging=stderr",
              "--v=0", f"--window-size={size[0]},{size[1]}"]  # fmt: skip
    url = page.resolve().as_uri()
    dumped = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True)
    shot = subprocess.run([*common, f"--screenshot={screenshot}", url], capture_output=True, text=True, timeout=120,
                          check=True)  # fmt: skip
    console = [m["message"] for m in CONSOLE_LINE.finditer(dumped.stderr + shot.stderr)]
    return Browsed(dumped.stdout, console, screenshot)


def tables(dom: str) -> dict[str, list[list[str]]]:
    """The tables of an HTML page (a DOM) by caption: their rows under the header, each its cells' text."""
    found = {}
    for table in lxml_html.fromstring(dom).iter("table"):
        caption = table.find("caption")
        rows = [[" ".join(cell.text_content().split()) for cell in row.iter("td")] for row in table.iter("tr")]
        found[caption.text_content() if caption is not None else ""] = [row for row in rows if row]
    return found


def screenshot_colours(path: Path) -> tuple[tuple[int, int], int, float]:
    """A PNG screenshot's size, how many colours it has, and the share of its pixels that are not white."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 24) or []
        white = sum(count for count, colour in colours if colour == (255, 255, 255))
        return rgb.size, len(colours), 1 - white / (rgb.size[0] * rgb.size[1])
