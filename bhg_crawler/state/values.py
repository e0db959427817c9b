"""What the state knows and hands out: plain values, shared by its SQLite and Redis implementations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MOVED = 301  # the status an article's old record keeps once it is found at a new home (another record)
NO_ANSWER = "no answer: dropped before any response (a redirect to a page already fetched, or the run ended)"


@dataclass(frozen=True)
class Known:
    """What the state knows of an article."""

    record_id: str
    url: str
    published_utc: str | None
    etag: str | None
    last_modified: str | None
    content_sha256: str | None
    version: int
    last_status: int | None

    @property
    def exported(self) -> bool:
        return self.version >= 1


@dataclass(frozen=True)
class Payload:
    """Where a payload was first archived."""

    uri: str
    date: str
    record_id: str


@dataclass(frozen=True)
class Placement:
    """Where a record goes: ``new`` (with its version), ``unchanged``, or ``duplicate`` of ``original``."""

    verdict: str
    by: str = ""
    original: str = ""
    version: int = 1
    previous_sha256: str | None = None


@dataclass(frozen=True)
class RunWork:
    """A run's own work, as its commit merges it into what is known."""

    run_id: str
    status: str
    articles: list[dict[str, Any]]
    urls: list[tuple[str, str]]
    sections: list[str]  # "<site> <slug>"
    payloads: list[tuple[str, str, str, str]]
    ledger: dict[str, dict[str, Any]]  # record id -> url, and reason and retry when it failed
