"""Extraction cost and quality: ours against ``trafilatura`` on the same replica pages of every template family."""

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
from urllib.parse import urlsplit

import trafilatura

from bench.figures import Figure
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.record import build_record
from bhg_crawler.sites.profiles import BAOHAGIANG, SiteProfile, get_profile
from bhg_replica.families import FAMILIES
from bhg_replica.site import Site

WORD = re.compile(r"\w+")
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)
SUCCESSOR = get_profile("baotuyenquang.com.vn")


@dataclass
class Sample:
    url: str
    html: str
    title: str
    date: str
    body: str
    profile: SiteProfile = BAOHAGIANG


@dataclass
class Extracted:
    title: str | None
    date: str | None
    body: str


def samples(count: int) -> list[Sample]:
    """``count`` article pages spread over the archives of baohagiang.vn (three in four: eras A and B) and of
    baotuyenquang.com.vn (its current template and its old CMS), as the replica serves them."""
    site = Site(seed=7, articles=max(count * 5, 300))
    successor = site.successor
    live = [slot for slot in site.catalog.live if slot.article_id not in site.moved]  # moved: a 301 here
    theirs = successor.catalog.live
    own = count - count // 4
    chosen = [(site.writer, live[i * len(live) // own], BAOHAGIANG) for i in range(own)] + [
        (successor.writer, theirs[i * len(theirs) // (count - own)], SUCCESSOR) for i in range(count - own)
    ]
    families = {site.family(slot).name for writer, slot, _ in chosen if writer is site.writer}
    families |= {successor.writer.family(slot).name for writer, slot, _ in chosen if writer is successor.writer}
    assert families == set(FAMILIES), families
    out = []
    for writer, slot, profile in chosen:
        truth = writer.expected_record(slot)
        parts = urlsplit(str(truth["url"]))
        html = site.respond(parts.hostname or "", parts.path).body.decode("utf-8")
        out.append(Sample(str(truth["url"]), html, str(truth["title"]), str(truth["published_at"])[:10],
                          "\n\n".join(truth["paragraphs"]), profile))  # type: ignore[arg-type]  # fmt: skip
    return out


def ours(sample: Sample) -> Extracted:
    record = build_record(ArticlePage(sample.html, sample.url, sample.profile).extracted(), FETCHED)
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
