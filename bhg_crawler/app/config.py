"""The settings given to a run, checked before anything is fetched: ``BHG_*`` names known and values of their kind,
and Scrapy's own settings the project relies on, of their kind and range."""

from __future__ import annotations

import difflib
import json
import logging
import math
import socket
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from bhg_crawler import settings as defaults
from bhg_crawler.core.clock import parse_moment
from bhg_crawler.core.errors import ConfigError
from bhg_crawler.core.numbers import written_number
from bhg_replica.catalog import CLOCK_PATH

KNOWN = {name: value for name, value in vars(defaults).items() if name.startswith("BHG_")}
BOOLEANS = frozenset(["1", "0", "true", "false", "True", "False"])  # what Scrapy's getbool reads
RATIOS = frozenset(["BHG_MAX_ERROR_RATIO", "BHG_MAX_REJECT_RATIO", "BHG_MAX_DRIFT", "BHG_MIN_ARTICLE_RATIO"])
AT_LEAST_ONE = frozenset(
    ["BHG_EXPORT_MAX_RECORDS", "BHG_LEDGER_GIVE_UP_TRIES", "BHG_MAX_LISTING_PAGES", "BHG_MONITOR_RUNS",
     "BHG_WARC_MAX_BYTES", "BHG_SMTP_PORT", "BHG_KEEP_LOGS"]
)  # fmt: skip


def _url(schemes: tuple[str, ...]) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        try:
            parts = urlsplit(value)
            _ = parts.port  # out of range: an error only when read
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in schemes or not (parts.hostname or parts.path):
            return f"a URL of {' or '.join(f'{s}://' for s in schemes)}"
        return None

    return check


def _moment(value: str) -> str | None:
    try:
        parse_moment(value, "")
    except ConfigError:
        return "an ISO 8601 time like 2025-07-01T23:00:00+07:00"
    return None


def _coverage(value: str) -> str | None:
    try:
        given = json.loads(value)
    except ValueError:
        given = None
    if not isinstance(given, dict) or not all(_ratio(v) for v in given.values()):
        return 'a JSON object of field names and shares from 0 to 1, like {"title": 1.0}'
    return None


def _ratio(value: Any) -> bool:
    return _number(value) and 0 <= value <= 1


SHAPES: dict[str, Callable[[str], str | None]] = {  # what a text setting must be, beyond text (empty: its default)
    "BHG_VIA": _url(("http", "https")),
    "BHG_REDIS_URL": _url(("redis", "rediss", "unix")),
    "BHG_NOTIFY_SLACK_WEBHOOK": _url(("https", "http")),
    "BHG_NOW": _moment,
    "BHG_FIELD_COVERAGE": _coverage,
}


def setting_problem(name: str, value: Any) -> str | None:
    """What is wrong with a ``BHG_*`` setting given as ``value`` (text from the command line, or a value of its
    kind), in one line; None when it is right, or when ``name`` is no ``BHG_*`` name (Scrapy's own settings are
    Scrapy's to read). An unknown ``BHG_*`` name is wrong (a misspelt setting would be ignored)."""
    if not name.startswith("BHG_"):
        return None
    if name not in KNOWN:
        close = difflib.get_close_matches(name, KNOWN, n=1, cutoff=0.8)
        return f"{name} is no setting of bhg-crawler" + (f" (did you mean {close[0]}?)" if close else "")
    default, text = KNOWN[name], str(value).strip()
    read = isinstance(value, str) or (_number(value) and _number(default))  # a number set by code: nan, -1...
    if not read or (text == "" and not isinstance(default, bool | int | float)):
        return None  # another value set by code; or an empty text, which keeps the setting off
    want = _wanted(name, default, text)
    return f"{name} must be {want}, not {value!r}" if want else None


def _number(value: Any) -> bool:
    """Whether ``value`` is a number (a flag is none)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def option_value(option: str, name: str, text: str) -> Any:
    """The value of a command-line ``option`` that stands for the setting ``name`` (``--keep-days`` for
    ``BHG_KEEP_LOGS_DAYS``), read as that setting's kind; raises ``ConfigError`` in one line, naming the option,
    when ``text`` is not of that kind (``setting_problem``: "nan", "inf", a number below its least)."""
    default = KNOWN[name]
    want = _wanted(name, default, text.strip())
    if want:
        raise ConfigError(f"{option} must be {want}, not {text!r}")
    return type(default)(text)


def _wanted(name: str, default: Any, text: str) -> str | None:
    """What the setting must be, when ``text`` is not that; None when it is."""
    if name in SHAPES:
        return SHAPES[name](text)
    if isinstance(default, bool):
        return None if text in BOOLEANS else "1, 0, true or false"
    if isinstance(default, int | float):
        return number_wanted(text, isinstance(default, int), 1 if name in AT_LEAST_ONE else 0, name in RATIOS)
    return None


def number_wanted(text: str, whole: bool, least: int, share: bool = False) -> str | None:
    """What a number given as ``text`` must be, in words, when it is not that: written as a number
    (``written_number``), finite, whole when ``whole``, at least ``least``, and no more than 1 when a ``share``;
    None when it is."""
    number: float = (int(text) if whole else float(text)) if written_number(text, whole) else math.nan
    if math.isfinite(number) and number >= least and not (share and number > 1):
        return None
    return "a share from 0 to 1" if share else f"{'a whole number' if whole else 'a number'} of at least {least}"


def check_settings(given: Mapping[str, Any]) -> None:
    """Raises ``ConfigError`` with the first of the given settings' problems (``setting_problem``), in the order
    given; nothing when all are right."""
    for name, value in given.items():
        problem = setting_problem(name, value)
        if problem is not None:
            raise ConfigError(problem)


@dataclass(frozen=True)
class Rule:
    """What a Scrapy setting must be: read by Scrapy's own getter (``getint``, ``getfloat``, ``getbool``), which
    raises ``ValueError`` on text not of its kind, then a finite number of at least ``least`` (above it, when
    ``above``)."""

    getter: str
    least: float | None = None
    above: bool = False

    def wanted(self) -> str:
        """The rule in words: "a whole number of at least 1", "1, 0, true or false"..."""
        if self.getter == "getbool":
            return "1, 0, true or false"
        kind = "a whole number" if self.getter == "getint" else "a number"
        return f"{kind} {'above' if self.above else 'of at least'} {self.least:g}"

    def holds(self, settings: BaseSettings, name: str) -> bool:
        """Whether the setting's value in ``settings`` keeps the rule (a number given as text written as one:
        ``written_number``)."""
        given = settings.get(name)
        whole = self.getter == "getint"
        if self.least is not None and isinstance(given, str) and not written_number(given.strip(), whole):
            return False
        try:
            value = getattr(settings, self.getter)(name)
        except (ValueError, TypeError):
            return False
        if self.least is None:
            return True
        return math.isfinite(value) and (value > self.least if self.above else value >= self.least)


WHOLE = Rule("getint", 1)
COUNT = Rule("getint", 0)
NUMBER = Rule("getfloat", 0)
POSITIVE = Rule("getfloat", 0, above=True)
FLAG = Rule("getbool")
# Scrapy's settings the project relies on, each with its rule: a value that breaks one would hang the run
# (no request can be sent, a close that waits forever), drop the politeness, or fail it with a traceback.
SCRAPY_RULES: dict[str, Rule] = {
    "CONCURRENT_REQUESTS": WHOLE,  # 0 would be no limit at all
    "CONCURRENT_REQUESTS_PER_DOMAIN": WHOLE,  # 0: no request is ever sent
    "CONCURRENT_REQUESTS_PER_IP": COUNT,  # 0: per domain
    "CONCURRENT_ITEMS": WHOLE,
    "DOWNLOAD_DELAY": NUMBER,
    "DOWNLOAD_DELAY_JITTER": NUMBER,
    "AUTOTHROTTLE_ENABLED": FLAG,
    "AUTOTHROTTLE_DEBUG": FLAG,
    "AUTOTHROTTLE_START_DELAY": NUMBER,
    "AUTOTHROTTLE_MAX_DELAY": NUMBER,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": POSITIVE,
    "ROBOTSTXT_OBEY": FLAG,
    "COOKIES_ENABLED": FLAG,
    "TELNETCONSOLE_ENABLED": FLAG,
    "REMOTE_CONTROL_ENABLED": FLAG,
    "DOWNLOAD_TIMEOUT": POSITIVE,  # 0 would be no timeout: a silent server holds a request, and the close, forever
    "DNS_TIMEOUT": POSITIVE,
    "DOWNLOAD_MAXSIZE": COUNT,  # 0: no cap
    "DOWNLOAD_WARNSIZE": COUNT,
    "DOWNLOAD_FAIL_ON_DATALOSS": FLAG,
    "REDIRECT_ENABLED": FLAG,
    "REDIRECT_MAX_TIMES": COUNT,
    "METAREFRESH_ENABLED": FLAG,
    "RETRY_ENABLED": FLAG,
    "RETRY_TIMES": COUNT,
    "DEPTH_LIMIT": COUNT,  # 0: no limit
    "CLOSESPIDER_TIMEOUT": NUMBER,  # 0: none, as for the counts below
    "CLOSESPIDER_ITEMCOUNT": COUNT,
    "CLOSESPIDER_PAGECOUNT": COUNT,
    "CLOSESPIDER_ERRORCOUNT": COUNT,
    "CLOSESPIDER_PAGECOUNT_NO_ITEM": COUNT,
    "CLOSESPIDER_TIMEOUT_NO_ITEM": COUNT,
    "LOG_ENABLED": FLAG,
    "LOGSTATS_INTERVAL": NUMBER,  # 0: no stats lines
    "MEMUSAGE_ENABLED": FLAG,
    "SPIDERMON_ENABLED": FLAG,
    "SPIDERMON_ADD_FIELD_COVERAGE": FLAG,
    "SPIDERMON_DICT_FIELDS_COVERAGE_LEVELS": COUNT,
}
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


def scrapy_setting_problem(settings: BaseSettings, name: str) -> str | None:
    """What is wrong with Scrapy's setting ``name`` (``LOG_LEVEL``, or one of ``SCRAPY_RULES``) as ``settings``
    hold it, in one line; None when it is right, or is no setting checked."""
    value = settings.get(name)
    if name == "LOG_LEVEL":
        if value in LOG_LEVELS or value in [getattr(logging, level) for level in LOG_LEVELS]:
            return None
        return f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {value!r}"
    rule = SCRAPY_RULES.get(name)
    if rule is None or rule.holds(settings, name):
        return None
    return f"{name} must be {rule.wanted()}, not {value!r}"


def check_scrapy_settings(settings: BaseSettings) -> None:
    """Raises ``ConfigError`` with the first problem (``scrapy_setting_problem``) of the Scrapy settings checked
    (``LOG_LEVEL``, then ``SCRAPY_RULES`` in its order) as ``settings`` hold them, whatever set them: the
    project's defaults, the command line, a settings module; nothing when all are right."""
    for name in ("LOG_LEVEL", *SCRAPY_RULES):
        problem = scrapy_setting_problem(settings, name)
        if problem is not None:
            raise ConfigError(problem)


def probe_proxy(url: str, timeout: float = 5.0) -> None:
    """Raises ``ConfigError`` when the proxy at ``url`` (``BHG_VIA``) takes no connection within ``timeout``
    seconds: a run through it would fetch nothing. Nothing for an empty ``url``."""
    if url:
        probe_server(url, "the proxy", " (BHG_VIA)", timeout)


def probe_server(url: str, what: str, setting: str = "", timeout: float = 5.0) -> None:
    """Raises ``ConfigError`` when the server of ``url`` (http or https) takes no connection within ``timeout``
    seconds, in one line: ``<what> <host>:<port><setting> takes no connection: <why>``."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname or "", port), timeout=timeout).close()
    except OSError as error:
        raise ConfigError(
            f"{what} {parts.hostname}:{port}{setting} takes no connection: {error.strerror or error}"
        ) from None


def replica_clock(via: str, timeout: float = 2.0) -> str | None:
    """The clock of the replica at ``via`` (``bhg_replica.catalog.CLOCK_PATH``: its "now", ISO 8601), asked of
    the proxy itself; None when ``via`` is no replica (another proxy answers no such time)."""
    if not via:
        return None
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # to the proxy, not through another
    try:
        with direct.open(via.rstrip("/") + CLOCK_PATH, timeout=timeout) as answer:
            text: str = answer.read(100).decode("ascii").strip()
        parse_moment(text, "the replica's clock")
    except (OSError, ValueError, ConfigError):
        return None
    return text
