"""Times as the project writes them: ISO 8601 in UTC, to the second, with a ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime

from bhg_crawler.core.errors import ConfigError


def utc(moment: datetime) -> str:
    """``moment`` (aware) as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def now_utc() -> str:
    """The clock's time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return utc(datetime.now(UTC))


def parse_moment(value: str | None, name: str) -> datetime | None:
    """An ISO 8601 time given by a person (a date alone is its midnight UTC; no offset means UTC); None when
    empty. Raises ``ConfigError`` naming the setting ``name`` when it is not a time."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"{name} must be an ISO 8601 time like 2025-07-01T23:00:00+07:00, not {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
