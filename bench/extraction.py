"""Extraction cost and quality: ours against ``trafilatura`` on the same replica pages of both eras."""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from statistics import mean
from typing import Any

import trafilatura

from bench.figures import Figure
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.record import build_record
from bhg_crawler.sites.profiles import BAOHAGIANG
from bhg_replica.site import Site

WORD = re.compile(r"\w+")
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Sample:
    url: str
    html: str
    title: str
    date: str
    body: str


@dataclass
class Extracted:
    title: str | None
    date: str | None
    body: str


def samples(count: int) -> list[Sample]:
    """``count`` article pages spread over the whole archive, so both eras are in."""
    site = Site(seed=7, articles=max(count * 5, 300))
    live = [slot for slot in site.catalog.live if slot.article_id not in site.moved]  # moved: a 301 here
    chosen = [live[i * len(live) // count] for i in range(count)]
    eras = {slot.era for slot in chosen}
    assert eras == {"A", "B"}, eras
    out = []
    for slot in chosen:
        truth = site.writer.expected_record(slot)
        html = site.respond("baohagiang.vn", site.writer.path(slot)).body.decode("utf-8")
        out.append(Sample(str(truth["url"]), html, str(truth["title"]), str(truth["published_at"])[:10],
                          "\n\n".join(truth["paragraphs"])))  # type: ignore[arg-type]  # fmt: skip
    return out


def ours(sample: Sample) -> Extracted:
    record = build_record(ArticlePage(sample.html, sample.url, BAOHAGIANG).extracted(), FETCHED)
    return Extracted(record["title"], (record["published_at"] or "")[:10] or None, record["body_text"])


def theirs(sample: Sample) -> Extracted:
    document: Any = trafilatura.bare_extraction(sample.html, url=sample.url, with_metadata=True, as_dict=True)
    document = document or {}
    return Extracted(document.get("title"), document.get("date"), document.get("text") or "")


def tokens(text: str | None) -> Counter[str]:
    return Counter(WORD.findall(unicodedata.normalize("NFC", text or "").lower()))


def token_f1(found: str, truth: str) -> float:
    got, want = tokens(found), tokens(truth)
    common = sum((got & want).values())
    if common == 0:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def same_text(a: str | None, b: str) -> bool:
    return " ".join(unicodedata.normalize("NFC", a or "").split()) == " ".join(b.split())


def score(extract: Callable[[Sample], Extracted], pages: list[Sample], rounds: int) -> dict[str, float]:
    """Best time per page over ``rounds`` passes, and the agreement with the truth."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        results = [extract(sample) for sample in pages]
        best = min(best, (time.perf_counter() - started) / len(pages))
    return {
        "ms_per_page": best * 1000,
        "title": mean(same_text(r.title, s.title) for r, s in zip(results, pages, strict=True)),
        "date": mean(r.date == s.date for r, s in zip(results, pages, strict=True)),
        "body_f1": mean(token_f1(r.body, s.body) for r, s in zip(results, pages, strict=True)),
    }


def extraction(count: int, rounds: int) -> list[Figure]:
    pages = samples(count)
    mine, peer = score(ours, pages, rounds), score(theirs, pages, rounds)
    speedup = peer["ms_per_page"] / mine["ms_per_page"]
    figures = [
        Figure(f"extraction speed, {count} pages / trafilatura", speedup, "x", ">= 10", speedup >= 10,
               {"ours_ms_per_page": round(mine["ms_per_page"], 3),
                "trafilatura_ms_per_page": round(peer["ms_per_page"], 3)}),
    ]  # fmt: skip
    for measure, label in (("title", "title exact"), ("date", "date exact"), ("body_f1", "body token F1")):
        figures.append(
            Figure(f"extraction {label}: ours (trafilatura {peer[measure]:.3f})", mine[measure], "",
                   f">= {peer[measure]:.3f}", mine[measure] >= peer[measure],
                   {"ours": round(mine[measure], 4), "trafilatura": round(peer[measure], 4)})
        )  # fmt: skip
    return figures
