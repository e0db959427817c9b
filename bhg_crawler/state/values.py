"""What the state knows and hands out: plain values, shared by its SQLite and Redis implementations."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

GONE = (404, 410)  # the statuses of an article that is no more: not fetched again, nothing to retry
MOVED = 301  # the status an article's old record keeps once it is found at a new home (another record)
NO_ANSWER = "no answer: the run ended before its request was answered"
ROBOTS_UNAVAILABLE = "RobotsUnavailable:"  # how the reason of a request its host's robots.txt left unasked opens
GIVEN_UP = "given up after "  # a ledger entry no longer retried: "given up after <tries> tries: <last reason>"


def given_up(tries: int, reason: str) -> str:
    """The reason of a ledger entry given up after ``tries`` tries, the last reason ``reason`` (as it is)."""
    return reason if reason.startswith(GIVEN_UP) else f"{GIVEN_UP}{tries} tries: {reason}"


def runs_to_wait(tries: int, waited: int) -> int:
    """The runs an article of the failures ledger, tried (and failed) ``tries`` runs and passed over by
    ``waited`` runs since, is still held back: after one failed try none (the next run retries it), then it
    waits ``2 ** (tries - 1) - 1`` runs in all (1, 3, 7...)."""
    return max(0, (1 << max(tries - 1, 0)) - 1 - waited)


def ledger_turn(tries: int, waited: int, give_up: int) -> str:
    """What a run does with an article of the failures ledger worth another go (``runs_to_wait``): ``retry``,
    ``wait``, or ``given_up`` once it was tried ``give_up`` times (``BHG_LEDGER_GIVE_UP_TRIES``; the commit
    that counts that try says so in its reason)."""
    if tries >= give_up:
        return "given_up"
    return "wait" if runs_to_wait(tries, waited) else "retry"


@dataclass(frozen=True)
class Known:
    """What committed runs know of an article (its record id): its canonical URL, when it was published (ISO
    8601 UTC), the validators of its last current fetch, the sha256 of its current version (``current_of``),
    the highest version number exported (0: never exported), its last HTTP status (``MOVED``: found at another
    record), and when its current version was fetched or captured (its ``fetched_at``, ISO 8601 UTC; for one
    exported before the state kept it, its last fetch)."""

    record_id: str
    url: str
    published_utc: str | None
    etag: str | None
    last_modified: str | None
    content_sha256: str | None
    version: int
    last_status: int | None
    content_at: str | None = None

    @property
    def exported(self) -> bool:
        """Whether a version of it was exported."""
        return self.version >= 1


def instant(moment: str) -> str:
    """An ISO 8601 time (``fetched_at``: UTC with ``Z``, to the microsecond or the second) as text that sorts as
    time does, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. Raises ``ValueError`` for text that is no such time."""
    return datetime.fromisoformat(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, order=True)
class Versions:
    """The versions of an article exported, as the rule orders them: the current one is the latest fetched or
    captured (``fetched_at``), of two at the same instant the higher number (docs/exports.md; the state's own
    rule). ``at``: when the current one was (``instant``; "" when not known, older than any), ``top``: the
    highest version number, ``sha256``: the current one's content. Of two such, the greater is current."""

    at: str
    top: int
    sha256: str


def current_of(*found: Versions | None) -> Versions | None:
    """The versions of an article known in several places (committed runs, this run) as one: the current one
    of them all, with the highest number of them all; None when none is."""
    known = [versions for versions in found if versions is not None]
    if not known:
        return None
    return replace(max(known), top=max(versions.top for versions in known))


@dataclass(frozen=True)
class Payload:
    """Where a payload was first archived in full: the WARC record's target URI, its date (ISO 8601 UTC), and
    the record id of the article it belongs to."""

    uri: str
    date: str
    record_id: str


@dataclass(frozen=True)
class Placement:
    """Where a record goes: ``new`` (with its ``version``, and ``previous_sha256`` of the version before),
    ``unchanged`` (``original`` is itself), or ``duplicate`` of ``original``, found ``by`` its ``id``, a
    ``url`` or its ``content``."""

    verdict: str
    by: str = ""
    original: str = ""
    version: int = 1
    previous_sha256: str | None = None


@dataclass(frozen=True)
class RunWork:
    """A run's own work, as its commit merges it into knowledge kept outside the state file: its articles
    (the ``run_articles`` columns, with ``published_ts`` in seconds since 1970), URLs (URL, record id),
    sections, payloads (digest, URI, date, record id), the ledger's candidates, the ledger's pages that are
    no articles (listing pages) this run fetched, which leave it, the ledger's articles it held back, and of a
    recovery from a web archive the captures recovered (key, record id) and the versions exported (record
    id, content sha256, version)."""

    run_id: str
    status: str
    articles: list[dict[str, Any]]
    urls: list[tuple[str, str]]
    sections: list[str]  # "<site> <slug>"
    payloads: list[tuple[str, str, str, str]]
    ledger: dict[str, dict[str, Any]]  # record id -> url, and reason and retry when it failed
    cleared: list[str]  # ledger ids of pages fetched this run that are no articles
    deferred: list[str]  # ledger ids of articles held back this run: one more run waited
    captures: list[tuple[str, str]]  # "<timestamp> <original URL>", record id
    versions: list[tuple[str, str, int]]


def held_back(entry: dict[str, Any], give_up: int) -> str | None:
    """Why a run leaves an article of the failures ledger (an entry of ``StateStore.ledger``) unrequested,
    whether listed or due for a retry: ``given_up`` (its reason says so, or it was tried ``give_up`` times),
    ``backoff`` (``ledger_turn``: it waits for more runs); None when it may be requested. An entry that was
    ``asked_again`` every run is never held back, nor a listing page, nor one not to retry for another reason
    (gone, a duplicate, out of range)."""
    if not entry["retry"]:
        return "given_up" if str(entry["reason"]).startswith(GIVEN_UP) else None
    if asked_again(str(entry["reason"])) or ":listing:" in str(entry["record_id"]):
        return None
    turn = ledger_turn(int(entry["attempts"]), int(entry.get("waited") or 0), give_up)
    return {"wait": "backoff", "given_up": "given_up"}.get(turn)


def asked_again(reason: str) -> bool:
    """Whether a ledger reason says nothing of the page itself, so that it is asked for again every run, never
    backed off from nor given up: never answered (``NO_ANSWER``: the run ended first), or not asked for because
    its host's robots.txt gave no answer (``ROBOTS_UNAVAILABLE``: RFC 9309, the host's matter, not the page's)."""
    return reason == NO_ANSWER or reason.startswith(ROBOTS_UNAVAILABLE)
