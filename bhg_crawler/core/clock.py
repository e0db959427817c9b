"""Times as the project writes them (ISO 8601 in UTC, to the second, with a ``Z``) and as it reads them in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from email.utils import parsedate_to_datetime
from typing import NamedTuple

from bhg_crawler.core.errors import ConfigError


class Moment(NamedTuple):
    """A time read from a page: aware, and whether its time of day was given (if not, it is the day's midnight)."""

    at: datetime  # aware
    time_known: bool


def utc(moment: datetime) -> str:
    """``moment`` (aware) as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def now_utc() -> str:
    """The clock's time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return utc(datetime.now(UTC))


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` in ``zone``: an aware time converted (the same instant), a naive one read as ``zone``'s wall
    time. Every time that enters from a page or an argument passes here."""
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment.astimezone(zone)
    return moment.replace(tzinfo=zone)


def parse_iso(text: object, zone: tzinfo) -> Moment | None:
    """An ISO 8601 time as a page declares it (``2021-01-05T21:52:00Z``, ``...+07:00``, ``...+0700``, fractions,
    a space for the ``T``, or a date alone), else an RFC 2822 one (``Tue, 05 Jan 2021 20:30:00 GMT``), to the
    second, in ``zone`` (``in_zone``: no offset means ``zone``'s wall time); a date alone is its midnight with
    ``time_known`` false. None for anything else (not a string, not a time)."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    try:
        if len(value) <= 10:  # a date alone: YYYY-MM-DD (or YYYYMMDD)
            day = date.fromisoformat(value)
            return Moment(datetime.combine(day, time(), tzinfo=zone), time_known=False)
        moment = datetime.fromisoformat(value.replace("z", "Z")).replace(microsecond=0)  # to the second
        return Moment(in_zone(moment, zone), time_known=True)
    except ValueError:
        pass
    try:  # RFC 2822, as feeds and some meta tags give it: "Tue, 05 Jan 2021 20:30:00 GMT"
        moment = parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError):
        return None
    return Moment(in_zone(moment, zone), time_known=True)


def parse_moment(value: str | None, name: str) -> datetime | None:
    """An ISO 8601 time given by a person (a date alone is its midnight UTC; no offset means UTC); None when
    empty. Raises ``ConfigError`` naming the setting ``name`` when it is not a time."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"{name} must be an ISO 8601 time like 2025-07-01T23:00:00+07:00, not {value!r}") from None
    return in_zone(moment, UTC) if moment.tzinfo is None else moment
