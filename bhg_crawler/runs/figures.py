"""The figures of a run that the monitors compare across runs, kept with the run in the state."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from scrapy import Spider

from bhg_crawler.extract.record import FIELDS, LAYERS


def run_kind(spider: Spider, stats: Mapping[str, Any]) -> str:
    """Runs of one kind are compared with each other: the spider, its mode and its arguments."""
    arguments = json.dumps(getattr(spider, "arguments", {}), sort_keys=True, ensure_ascii=False)
    return f"{spider.name} {stats.get('bhg/mode', '')} {arguments}"


def run_figures(spider: Spider, stats: Mapping[str, Any]) -> dict[str, Any]:
    """What the monitors compare across runs: articles found (extracted, not modified, or known and settled), records
    extracted, the share of records that needed a layer past the site's selectors, and that share field by field
    (``fallback_by_field``: field -> share, 0 to 1, each rounded to 4 places)."""
    records = sum(stats.get(f"bhg/extraction/{layer}", 0) for layer in LAYERS)
    fallback = records - stats.get(f"bhg/extraction/{LAYERS[0]}", 0)
    by_field = {field: round(stats.get(f"bhg/extraction/fallback/{field}", 0) / (records or 1), 4) for field in FIELDS}
    return {
        "kind": run_kind(spider, stats),
        "site": getattr(getattr(spider, "profile", None), "name", spider.name),
        "articles": records + stats.get("bhg/articles/not_modified", 0) + stats.get("bhg/articles/known", 0),
        "records": records,
        "fallback_share": round(fallback / records, 4) if records else None,
        "fallback_by_field": by_field if records else None,
    }
