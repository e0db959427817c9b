"""A run's report for people: one HTML page beside its manifest, ``runs/<run_id>.html``, from its published files."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from bhg_crawler.core.files import write_atomically
from bhg_crawler.extract.record import FIELDS, LAYERS
from bhg_crawler.runs import charts
from bhg_crawler.runs.accounting import TERMS
from bhg_crawler.sites.profiles import SiteProfile
from bhg_crawler.sites.urls import article_of, section_of, site_of

PAST_RUNS = 10  # the runs of the same kind a report compares its run with, this one included
NO_SECTION = "(no section)"  # a page whose URL names no section (a record always has one)
URL = re.compile(r"https?://[^\s,;>)\]]+")
NUMBER = re.compile(r"\d{4,}")
REASON_WIDTH = 120
SERIES = ("new", "new version", "rejected", "not fetched")  # what became of a section's articles, in its files


def report_path(root: Path, run_id: str) -> Path:
    """Where a run's report goes: ``<exports>/runs/<run_id>.html``, beside its manifest."""
    return root / "runs" / f"{run_id}.html"


def seconds_between(started: str, finished: str) -> float:
    """The seconds from one ISO 8601 moment to another."""
    return (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()


def reason_kind(reason: str, width: int = REASON_WIDTH) -> str:
    """A failure's reason as a kind that many pages share: its URLs as ``<url>``, its numbers of 4 digits or more
    as ``N`` (an HTTP status, a count of tries stay), cut to ``width`` characters."""
    kind = NUMBER.sub("N", URL.sub("<url>", reason.strip()))
    return kind if len(kind) <= width else kind[: width - 1] + "…"


def section_of_url(url: str, sites: Sequence[SiteProfile]) -> str:
    """The section slug a page's URL names: an article's, or a listing page's; ``NO_SECTION`` when it names none."""
    article = article_of(url, sites)
    if article is not None:
        return article.section or NO_SECTION
    site = site_of(url, sites)
    return (section_of(url, site) if site is not None else None) or NO_SECTION


def _lines(root: Path, manifest: dict[str, Any], kind: str) -> Iterable[dict[str, Any]]:
    """The JSON lines of a run's files of a kind, as its manifest lists them."""
    for entry in manifest["files"]:
        if entry["kind"] == kind:
            with (root / entry["path"]).open(encoding="utf-8") as lines:
                yield from (json.loads(line) for line in lines)


class SectionFigures:
    """What became of each section's articles in a run, counted line by line as its files are written (the run's
    export feeds it each line it writes) or read again (``by_section``). ``sites`` tell a page's section from
    its URL (``section_of_url``)."""

    def __init__(self, sites: Sequence[SiteProfile]):
        self.sites = tuple(sites)
        self.found: dict[str, Counter[str]] = {}

    def add(self, kind: str, line: Mapping[str, Any]) -> None:
        """One line of a file of ``kind`` (the manifest's: "articles", "rejects", "failures"; others count
        nothing): a record exported, a record rejected (``{"url", "reason", "record"}``), a page not fetched
        (``{"url", "reason"}``)."""
        if kind == "articles":
            self._count(self._section(line, line))["new" if line.get("version", 1) == 1 else "new version"] += 1
        elif kind == "rejects":
            self._count(self._section(line.get("record") or {}, line))["rejected"] += 1
        elif kind == "failures":
            counts = self._count(section_of_url(line["url"], self.sites))
            counts["not fetched"] += 1
            counts[f"reason: {reason_kind(line['reason'])}"] += 1

    def _section(self, record: Mapping[str, Any], line: Mapping[str, Any]) -> str:
        """The section a record names, else the one its line's URL names (``NO_SECTION`` at worst): a record
        without one is counted all the same, and fails neither the export nor the report."""
        section = record.get("section") or {}
        slug = section.get("slug") if isinstance(section, dict) else None
        return slug or section_of_url(str(line.get("url") or ""), self.sites)

    def _count(self, slug: str) -> Counter[str]:
        return self.found.setdefault(slug, Counter())

    def counts(self) -> dict[str, Counter[str]]:
        """Section slug -> ``SERIES`` and ``reason: <reason>`` -> count, by slug (``by_section``)."""
        return dict(sorted(self.found.items()))


def by_section(root: Path, manifest: dict[str, Any], sites: Sequence[SiteProfile]) -> dict[str, Counter[str]]:
    """What became of each section's articles in a run, read from its files: section slug -> ``SERIES`` -> count
    (``new`` and ``new version``: records exported, by ``version`` 1 or later; ``rejected``: in ``rejects.jsonl``;
    ``not fetched``: in ``failures.jsonl``, pages of all kinds), and ``reason: <reason>`` -> count of the
    failures, by ``reason_kind``. A run's export counts the same as it writes (``SectionFigures``): this reads
    the files of a run killed before it published them, which a later run publishes."""
    figures = SectionFigures(sites)
    for kind in ("articles", "rejects", "failures"):
        for line in _lines(root, manifest, kind):
            figures.add(kind, line)
    return figures.counts()


def past_runs(root: Path, manifest: dict[str, Any], limit: int = PAST_RUNS) -> list[dict[str, Any]]:
    """The manifests of the last ``limit`` runs of the same kind (spider, site and arguments) under ``root``,
    up to this run's, oldest first; this run's last."""
    kind = (manifest["spider"], manifest["site"], manifest["arguments"])
    found = []
    for path in (root / "runs").glob("*.json"):
        try:
            other = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a manifest being replaced, or not one: it is no run to compare with
        if (
            (other.get("spider"), other.get("site"), other.get("arguments")) == kind
            and other.get("started_at", "") <= manifest["started_at"]
            and other.get("run_id") != manifest["run_id"]
        ):
            found.append(other)
    found.sort(key=lambda m: (m["started_at"], m["run_id"]))
    return [*found[-(limit - 1) :], manifest] if limit > 1 else [manifest]


def _stats(root: Path, run_id: str) -> dict[str, Any]:
    path = root / "runs" / "stats" / f"{run_id}.json"
    try:
        found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found


def _accounting_rows(accounting: dict[str, Any]) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [("discovered", accounting["discovered"])]
    for term in TERMS:
        value = accounting.get(term, 0)
        if isinstance(value, dict):
            rows.append((term, sum(value.values())))
            rows += [(f"{term}: {reason}", count) for reason, count in value.items()]
        else:
            rows.append((term, value))
    rows += [("unaccounted", accounting["unaccounted"]), ("balanced", "yes" if accounting["balanced"] else "NO")]
    return rows


def _overview(manifest: dict[str, Any], stats: dict[str, Any]) -> str:
    outcome = manifest["outcome"]
    duration = seconds_between(manifest["started_at"], manifest["finished_at"])
    rows = [
        ("site", manifest["site"]), ("spider", manifest["spider"]),
        ("arguments", json.dumps(manifest["arguments"], ensure_ascii=False)), ("mode", stats.get("bhg/mode", "")),
        ("status", manifest["status"]), ("finish reason", manifest["finish_reason"]),
        ("outcome", f"exit {outcome['exit_code']} ({outcome['name']}): {outcome['reason']}"),
        ("started", manifest["started_at"]), ("finished", manifest["finished_at"]), ("duration", f"{duration:g} s"),
    ]  # fmt: skip
    counts = manifest["counts"]
    return charts.section("The run", charts.row(
        charts.table("How it went", ("", "value"), rows, numeric_from=2),
        charts.table("Counts (the manifest's)", ("count", "articles"), counts.items()),
        charts.table("Accounting: each article once", ("what became of it", "articles"),
                     _accounting_rows(manifest["accounting"])),
    ))  # fmt: skip


def _sections(sections: dict[str, Counter[str]]) -> str:
    if not sections:
        return charts.section("Sections", charts.paragraph("Nothing exported, rejected or failed."))
    rows = [(slug, *(counts[name] for name in SERIES)) for slug, counts in sections.items()]
    reasons = [
        (slug, name.removeprefix("reason: "), count)
        for slug, counts in sections.items()
        for name, count in sorted(counts.items())
        if name.startswith("reason: ")
    ]
    parts = [
        charts.figures(("Articles per section", charts.bars("Articles per section", sections, SERIES))),
        charts.table("Per section: records exported, rejected, and pages not fetched", ("section", *SERIES), rows),
    ]
    if reasons:
        totals: Counter[str] = Counter()
        for _, reason, count in reasons:
            totals[reason] += count
        parts += [
            charts.figures(("Pages not fetched, by reason",
                            charts.counts("Pages not fetched", dict(totals.most_common()), "pages", width=900))),
            charts.table("Pages not fetched, by reason", ("reason", "pages"), totals.most_common()),
            charts.table("Pages not fetched, by section and reason", ("section", "reason", "pages"), reasons,
                         numeric_from=2),
        ]  # fmt: skip
    return charts.section("Sections", *parts)


def _extraction(stats: dict[str, Any]) -> str:
    layers: dict[str, int] = {layer: int(stats.get(f"bhg/extraction/{layer}", 0)) for layer in LAYERS}
    fields: dict[str, int] = {field: int(stats.get(f"bhg/extraction/fallback/{field}", 0)) for field in FIELDS}
    if not any(layers.values()):
        return charts.section("Extraction layers", charts.paragraph("No record was extracted."))
    return charts.section(
        "Extraction layers",
        charts.figures(
            ("Records by the last layer they needed", charts.counts("Records by layer", layers, "records")),
            ("Records a field needed a fallback for", charts.counts("Fallbacks by field", fields, "records")),
        ),
        charts.row(
            charts.table("Records by the last layer any field needed", ("layer", "records"), layers.items()),
            charts.table("Records whose field came from a fallback layer", ("field", "records"), fields.items()),
        ),
    )


def _trends(runs: list[dict[str, Any]]) -> str:
    labels = [run["run_id"] for run in runs]
    durations = [seconds_between(run["started_at"], run["finished_at"]) for run in runs]
    exported = [run["counts"]["articles"] for run in runs]
    failures = [run["counts"]["failures"] for run in runs]
    rows = [(run["run_id"], run["status"], run["outcome"]["name"], e, f, d)
            for run, e, f, d in zip(runs, exported, failures, durations, strict=True)]  # fmt: skip
    return charts.section(
        f"Compared with the last runs of the same kind ({len(runs)}, this one last)",
        charts.figures(
            ("Articles exported", charts.trend("exported", labels, exported)),
            ("Pages not fetched", charts.trend("not fetched", labels, failures)),
            ("Duration (s)", charts.trend("seconds", labels, durations)),
        ),
        charts.table(
            "The runs, oldest first",
            ("run", "status", "outcome", "exported", "not fetched", "seconds"),
            rows,
            numeric_from=3,
        ),
    )


def run_report(
    root: Path, manifest: dict[str, Any], sites: Sequence[SiteProfile], sections: SectionFigures | None = None
) -> str:
    """The HTML report of the published run of ``manifest`` under the exports folder ``root``: how it went, its
    counts and accounting, what became of each section's articles (``sections``, as the run's export counted
    them; else ``by_section`` reads the run's files, ``sites`` telling a page's section from its URL), the
    failures by reason, the extraction layers, and the last runs of the same kind (``past_runs``)."""
    stats = _stats(root, manifest["run_id"])
    parts = [
        _overview(manifest, stats),
        _sections(sections.counts() if sections is not None else by_section(root, manifest, sites)),
        _extraction(stats),
        _trends(past_runs(root, manifest)),
    ]
    return charts.page(f"Run {manifest['run_id']}", parts)


def write_run_report(
    root: Path, run_id: str, sites: Sequence[SiteProfile], sections: SectionFigures | None = None
) -> Path:
    """Writes the report of the published run ``run_id`` beside its manifest (``report_path``), atomically; its
    path. ``sections``: the run's figures as its export counted them (``run_report``). Raises ``OSError`` when a
    file cannot be read or written, ``KeyError`` or ``ValueError`` on a manifest of another shape."""
    manifest = json.loads(report_path(root, run_id).with_suffix(".json").read_text(encoding="utf-8"))
    path = report_path(root, run_id)
    write_atomically(path, run_report(root, manifest, sites, sections).encode("utf-8"))
    return path
