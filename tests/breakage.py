"""Components that break records on purpose, to check how runs report what fails."""

from __future__ import annotations

from typing import Any


class UndatedRecords:
    """An item pipeline that spoils every third record's date, as a site template change might."""

    def __init__(self) -> None:
        self.seen = 0

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        self.seen += 1
        if self.seen % 3 == 0:
            item["published_at"] = "hôm qua"
        return item


class ExplodingRecords:
    """An item pipeline with a bug: it raises on one record in ten."""

    def __init__(self) -> None:
        self.seen = 0

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        self.seen += 1
        if self.seen % 10 == 0:
            raise KeyError("lede_html")
        return item
