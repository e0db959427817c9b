"""Item pipelines that break records on purpose, to check how runs report what fails."""

from __future__ import annotations

from typing import Any


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
