"""A site profile checked against pages saved from its site: what each page gives, and what is missing.

A folder of saved article pages holds an index, ``urls.txt``: one line a page, its file name and the URL
it was fetched from (``bhg-crawl replica save`` writes it; for a real site, write it by hand).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, get_args

from bhg_crawler.core.errors import ConfigError
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.record import ArticleRecord, build_record, validation_error
from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import article_url

URLS_FILE = "urls.txt"
Required = Literal["title", "published_at", "section", "body_text"]  # an article page without one of these is wrong
REQUIRED: tuple[Required, ...] = get_args(Required)


@dataclass(frozen=True)
class PageCheck:
    """What the profile reads from one saved page (its record) and what is wrong with it (``problems``)."""

    file: str
    record: ArticleRecord
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: the fields found, the layer they needed, and the problems."""
        r = self.record
        found = [
            r["title"] or "-",
            r["published_at"] or "-",
            r["section"]["slug"] if r["section"] else "-",
            f"{r['word_count']} words",
            f"lede tag {r['lede_tag'] or '-'}",
            f"{len(r['authors'])} authors",
            f"{len(r['images'])} images",
            f"{len(r['related'])} related",
            f"layer {r['extraction']['layer']}",
        ]
        fallback = r["extraction"]["fields_from_fallback"]
        if fallback:
            found.append("not from selectors: " + ", ".join(fallback))
        verdict = "FAIL" if self.problems else "ok"
        return f"{verdict}\t{self.file}\t" + " | ".join([*found, *self.problems])


def saved_pages(folder: Path) -> list[tuple[Path, str]]:
    """The pages of a folder and their URLs, from its ``urls.txt``."""
    index = folder / URLS_FILE
    try:
        lines = index.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ConfigError(f"cannot read {index} (a line a page: FILE URL): {error.strerror}") from None
    pages = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, url = line.strip().partition(" ")
        if not url.strip().startswith(("http://", "https://")):
            raise ConfigError(f"{index}:{number}: expected FILE URL, not {line.strip()!r}")
        if not (folder / name).is_file():
            raise ConfigError(f"{index}:{number}: no file {folder / name}")
        pages.append((folder / name, url.strip()))
    if not pages:
        raise ConfigError(f"{index} lists no pages")
    return pages


def check_page(html: str, url: str, profile: SiteProfile, name: str = "") -> PageCheck:
    """The record the profile reads from a saved article page, and what is wrong with it."""
    problems = []
    if article_url(url, profile) is None:
        problems.append(f"the URL is not an article URL of {profile.name} (article_paths, hosts)")
    record = build_record(ArticlePage(html, url, profile).extracted(), datetime.now(UTC))
    problems += [f"no {key}" for key in REQUIRED if not record[key]]
    error = validation_error(record)
    if error is not None:
        problems.append(f"not a valid record: {error}")
    return PageCheck(name or url, record, problems)
