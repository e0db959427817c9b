"""Regenerate the saved pages under tests/pages/ and their expected records (python -m tests.make_pages)."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

from bhg_crawler.replica.content import Article, Writer
from bhg_crawler.replica.site import Site
from tests.conftest import ROOT

PAGES = ROOT / "tests" / "pages"
SITES = ROOT / "tests" / "sites"  # profiles of made-up sister sites the replica serves


def pick(site: Site) -> dict[str, str]:
    """One page for each form the site prints."""
    chosen: dict[str, str] = {}
    wanted = {
        "seed-era-a": lambda a: a.slot.pinned == 0,
        "era-a-hgdt-repeated-lede": lambda a: a.repeat_lede,
        "era-a-2018-captions": lambda a: a.slot.published.year == 2018 and any(i.caption for i in a.images),
        "era-a-weekday-time-video": lambda a: a.weekday_time and a.slot.era == "A" and not a.repeat_lede,
        "era-b-tags-byline-block": lambda a: a.slot.era == "B" and a.tags and a.byline and not a.byline_in_body,
        "era-b-split-roles": lambda a: a.slot.era == "B" and (a.byline or "").startswith("Bài: "),
        "era-b-no-prefix": lambda a: a.slot.era == "B" and a.lede_tag is None and a.slot.section.language == "vi",
        "series-parts": lambda a: any(p.startswith("Kỳ 1: ") for p in a.paragraphs),
        "nfd": lambda a: a.nfd,
        "entities": lambda a: a.entities,
        "english": lambda a: a.slot.section.language == "en",
        "no-byline-file-name-alt": lambda a: a.byline is None and any(i.caption is None for i in a.images),
    }
    for slot in site.catalog.live:
        article = site.writer.article(slot.article_id)
        for name, test in wanted.items():
            if name not in chosen and test(article):
                chosen[name] = slot.article_id
    return chosen


def pick_sister(site: Site) -> dict[str, tuple[Writer, str]]:
    """Pages of the sister sites: a moved Hà Giang article, the successor's ``.html`` shape, the made-up site."""
    successor, made_up = site.successor, site.sisters["baonuixanh.vn"]
    wanted: dict[str, tuple[Writer, Callable[[Article], bool]]] = {
        "successor-moved": (successor.writer, lambda a: a.lede_tag == "BHG" and bool(a.images)),
        "successor-html-shape": (
            successor.writer,
            lambda a: successor.writer.path(a.slot).endswith(".html") and a.lede_tag == "BTQ",
        ),
        "sister-made-up": (made_up.writer, lambda a: bool(a.tags) and a.byline is not None),
    }
    chosen = {}
    for name, (writer, test) in wanted.items():
        slot = next(s for s in writer.catalog.live if test(writer.article(s.article_id)))
        chosen[name] = (writer, slot.article_id)
    return chosen


def main() -> None:
    site = Site(seed=1, articles=300)
    PAGES.mkdir(exist_ok=True)
    chosen = {name: (site.writer, article_id) for name, article_id in pick(site).items()} | pick_sister(site)
    for name, (writer, article_id) in chosen.items():
        slot = writer.catalog.by_id[article_id]
        url = writer.canonical_url(slot)
        (PAGES / f"{name}.html").write_bytes(site.respond(urlsplit(url).hostname or "", writer.path(slot)).body)
        truth = writer.expected_record(slot)
        truth["body_text"] = "\n\n".join(unicodedata.normalize("NFC", p) for p in truth.pop("paragraphs"))  # type: ignore[arg-type]
        truth["fetched_from"] = url
        (PAGES / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(name, url)


if __name__ == "__main__":
    main()
