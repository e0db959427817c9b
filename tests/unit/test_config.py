"""The settings a run is given, checked before anything is fetched: the BHG_* ones, and Scrapy's own the project
relies on."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from bhg_crawler.app.config import (
    KNOWN,
    SCRAPY_RULES,
    check_scrapy_settings,
    check_settings,
    probe_proxy,
    scrapy_setting_problem,
    setting_problem,
)
from bhg_crawler.app.crawl import REPLICA_SPEED
from bhg_crawler.app.runner import project_settings
from bhg_crawler.core.errors import ConfigError


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("BHG_WARC", "1", None),
        ("BHG_WARC", "False", None),
        ("BHG_WARC", "yes", "BHG_WARC must be 1, 0, true or false, not 'yes'"),
        ("BHG_WARC", "TRUE", "BHG_WARC must be 1, 0, true or false, not 'TRUE'"),  # Scrapy would raise on it
        ("BHG_REFRESH_DAYS", "0", None),
        ("BHG_REFRESH_DAYS", "-1", "BHG_REFRESH_DAYS must be a number of at least 0, not '-1'"),
        ("BHG_REFRESH_DAYS", "1.5", None),  # days, read as a number
        ("BHG_REDIS_KEEP_DAYS", "0.5", None),
        ("BHG_EXPORT_MAX_RECORDS", "1.5", "BHG_EXPORT_MAX_RECORDS must be a whole number of at least 1, not '1.5'"),
        ("BHG_MAX_LISTING_PAGES", "0", "BHG_MAX_LISTING_PAGES must be a whole number of at least 1, not '0'"),
        ("BHG_BACKOFF_BASE", "0.5", None),
        ("BHG_BACKOFF_BASE", "nan", "BHG_BACKOFF_BASE must be a number of at least 0, not 'nan'"),
        ("BHG_BACKOFF_BASE", "inf", "BHG_BACKOFF_BASE must be a number of at least 0, not 'inf'"),
        ("BHG_MAX_ERROR_RATIO", "0.1", None),
        ("BHG_MAX_ERROR_RATIO", "abc", "BHG_MAX_ERROR_RATIO must be a share from 0 to 1, not 'abc'"),
        ("BHG_MAX_ERROR_RATIO", "5", "BHG_MAX_ERROR_RATIO must be a share from 0 to 1, not '5'"),
        ("BHG_NOW", "2025-07-01T23:00:00+07:00", None),
        ("BHG_NOW", "2025-07-01", None),
        ("BHG_NOW", "tomorrow", "BHG_NOW must be an ISO 8601 time like 2025-07-01T23:00:00+07:00, not 'tomorrow'"),
        ("BHG_NOW", "", None),  # empty: the clock
        ("BHG_VIA", "http://127.0.0.1:8642", None),
        ("BHG_VIA", "notaurl", "BHG_VIA must be a URL of http:// or https://, not 'notaurl'"),
        ("BHG_VIA", "http://127.0.0.1:99999", "BHG_VIA must be a URL of http:// or https://, not 'http://127.0.0.1:99999'"),
        ("BHG_VIA", "socks5://127.0.0.1:1080", "BHG_VIA must be a URL of http:// or https://, not 'socks5://127.0.0.1:1080'"),
        ("BHG_VIA", "", None),
        ("BHG_REDIS_URL", "redis://127.0.0.1:6379/0", None),
        ("BHG_REDIS_URL", "127.0.0.1:6379", "BHG_REDIS_URL must be a URL of redis:// or rediss:// or unix://, not '127.0.0.1:6379'"),
        ("BHG_FIELD_COVERAGE", '{"title": 1.0, "images": 0.5}', None),
        ("BHG_FIELD_COVERAGE", '{"title": 2}', 'BHG_FIELD_COVERAGE must be a JSON object of field names and shares '
         'from 0 to 1, like {"title": 1.0}, not \'{"title": 2}\''),
        ("BHG_FIELD_COVERAGE", "title", 'BHG_FIELD_COVERAGE must be a JSON object of field names and shares '
         'from 0 to 1, like {"title": 1.0}, not \'title\''),
        ("BHG_CONTACT", "", None),  # any text
        ("BHG_TYPO", "1", "BHG_TYPO is no setting of bhg-crawler"),
        ("BHG_REFRESH_DAY", "3", "BHG_REFRESH_DAY is no setting of bhg-crawler (did you mean BHG_REFRESH_DAYS?)"),
        ("DOWNLOAD_DELAY", "x", None),  # Scrapy's own: checked by its rule, below
        ("BHG_REFRESH_DAYS", 3, None),  # a value of its kind, set by code
        ("BHG_REFRESH_DAYS", 2.5, None),
        ("BHG_REFRESH_DAYS", float("nan"), "BHG_REFRESH_DAYS must be a number of at least 0, not nan"),  # by code
        ("BHG_BACKOFF_MAX", float("inf"), "BHG_BACKOFF_MAX must be a number of at least 0, not inf"),
        ("BHG_KEEP_LOGS_DAYS", -1.0, "BHG_KEEP_LOGS_DAYS must be a number of at least 0, not -1.0"),
        ("BHG_MAX_ERROR_RATIO", float("nan"), "BHG_MAX_ERROR_RATIO must be a share from 0 to 1, not nan"),
        ("BHG_KEEP_LOGS", 0, "BHG_KEEP_LOGS must be a whole number of at least 1, not 0"),
        ("BHG_WARC", True, None),  # a flag set by code
        ("BHG_KEEP_LOGS_DAYS", "nan", "BHG_KEEP_LOGS_DAYS must be a number of at least 0, not 'nan'"),
        ("BHG_KEEP_LOGS_DAYS", "inf", "BHG_KEEP_LOGS_DAYS must be a number of at least 0, not 'inf'"),
        ("BHG_KEEP_LOGS_DAYS", "-1", "BHG_KEEP_LOGS_DAYS must be a number of at least 0, not '-1'"),
        ("BHG_KEEP_LOGS", "0", "BHG_KEEP_LOGS must be a whole number of at least 1, not '0'"),
        ("BHG_KEEP_LOGS", "-1", "BHG_KEEP_LOGS must be a whole number of at least 1, not '-1'"),
        ("BHG_KEEP_LOGS", "1_0", "BHG_KEEP_LOGS must be a whole number of at least 1, not '1_0'"),  # int(): 10
        ("BHG_KEEP_LOGS", "\u0663", "BHG_KEEP_LOGS must be a whole number of at least 1, not '\u0663'"),  # int(): 3
        ("BHG_KEEP_LOGS", "+3", None),
        ("BHG_KEEP_LOGS", " 3 ", None),  # the text is read stripped
        ("BHG_BACKOFF_BASE", "1_0.5", "BHG_BACKOFF_BASE must be a number of at least 0, not '1_0.5'"),
        ("BHG_BACKOFF_BASE", "1e1", None),
        ("BHG_BACKOFF_BASE", ".5", None),
        ("BHG_BACKOFF_BASE", "5.", None),
        ("BHG_BACKOFF_BASE", "0x10", "BHG_BACKOFF_BASE must be a number of at least 0, not '0x10'"),
        ("BHG_BACKOFF_BASE", "infinity", "BHG_BACKOFF_BASE must be a number of at least 0, not 'infinity'"),
    ],
)  # fmt: skip
def test_what_is_wrong_with_a_setting(name: str, value: Any, problem: str | None) -> None:
    assert setting_problem(name, value) == problem


def test_no_float_setting_takes_nan_or_inf() -> None:
    floats = [name for name, value in KNOWN.items() if isinstance(value, float)]
    assert floats  # the project has some: each refuses what is no finite number, as text or set by code
    for name in floats:
        for value in ("nan", "inf", "-inf", float("nan"), float("inf")):
            assert setting_problem(name, value) is not None, (name, value)
        assert setting_problem(name, "0.5") is None


def test_the_first_problem_of_the_settings_given_is_raised() -> None:
    check_settings({"BHG_WARC": "1", "LOG_LEVEL": "INFO"})
    with pytest.raises(ConfigError, match=r"^BHG_A is no setting"):
        check_settings({"BHG_WARC": "1", "BHG_A": "1", "BHG_NOW": "x"})


def test_a_proxy_that_takes_no_connection_is_refused() -> None:
    listening = socket.create_server(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    probe_proxy(f"http://127.0.0.1:{port}")
    probe_proxy("")
    listening.close()
    with pytest.raises(ConfigError, match=rf"^the proxy 127.0.0.1:{port} \(BHG_VIA\) takes no connection: "):
        probe_proxy(f"http://127.0.0.1:{port}")


# -- Scrapy's own settings the project relies on ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("CONCURRENT_REQUESTS_PER_DOMAIN", "0", "CONCURRENT_REQUESTS_PER_DOMAIN must be a whole number of at least 1, not '0'"),
        ("CONCURRENT_REQUESTS_PER_DOMAIN", "4", None),
        ("CONCURRENT_REQUESTS", "0", "CONCURRENT_REQUESTS must be a whole number of at least 1, not '0'"),
        ("CONCURRENT_REQUESTS", "2.5", "CONCURRENT_REQUESTS must be a whole number of at least 1, not '2.5'"),
        ("CONCURRENT_REQUESTS_PER_IP", "0", None),  # 0: by host
        ("DOWNLOAD_DELAY", "-1", "DOWNLOAD_DELAY must be a number of at least 0, not '-1'"),
        ("DOWNLOAD_DELAY", "abc", "DOWNLOAD_DELAY must be a number of at least 0, not 'abc'"),
        ("DOWNLOAD_DELAY", "", "DOWNLOAD_DELAY must be a number of at least 0, not ''"),
        ("DOWNLOAD_DELAY", "nan", "DOWNLOAD_DELAY must be a number of at least 0, not 'nan'"),
        ("DOWNLOAD_DELAY", "0", None),
        ("DOWNLOAD_DELAY", "0.25", None),
        ("DOWNLOAD_DELAY", "1_0", "DOWNLOAD_DELAY must be a number of at least 0, not '1_0'"),  # float(): 10.0
        ("DOWNLOAD_DELAY", "\u0665", "DOWNLOAD_DELAY must be a number of at least 0, not '\u0665'"),  # float(): 5.0
        ("DOWNLOAD_DELAY", "2e-1", None),
        ("CONCURRENT_REQUESTS", "1_6", "CONCURRENT_REQUESTS must be a whole number of at least 1, not '1_6'"),
        ("CONCURRENT_REQUESTS", "16", None),
        ("RETRY_TIMES", "\uff13", "RETRY_TIMES must be a whole number of at least 0, not '\uff13'"),  # full-width 3
        ("DOWNLOAD_TIMEOUT", "0", "DOWNLOAD_TIMEOUT must be a number above 0, not '0'"),
        ("DOWNLOAD_TIMEOUT", "inf", "DOWNLOAD_TIMEOUT must be a number above 0, not 'inf'"),
        ("DOWNLOAD_TIMEOUT", "0.5", None),
        ("DOWNLOAD_MAXSIZE", "-1", "DOWNLOAD_MAXSIZE must be a whole number of at least 0, not '-1'"),
        ("DOWNLOAD_MAXSIZE", "0", None),  # 0: no cap
        ("RETRY_TIMES", "-1", "RETRY_TIMES must be a whole number of at least 0, not '-1'"),
        ("RETRY_TIMES", "0", None),
        ("LOGSTATS_INTERVAL", "-5", "LOGSTATS_INTERVAL must be a number of at least 0, not '-5'"),
        ("CLOSESPIDER_TIMEOUT", "-1", "CLOSESPIDER_TIMEOUT must be a number of at least 0, not '-1'"),
        ("CLOSESPIDER_PAGECOUNT", "-3", "CLOSESPIDER_PAGECOUNT must be a whole number of at least 0, not '-3'"),
        ("CLOSESPIDER_ITEMCOUNT", "x", "CLOSESPIDER_ITEMCOUNT must be a whole number of at least 0, not 'x'"),
        ("AUTOTHROTTLE_ENABLED", "maybe", "AUTOTHROTTLE_ENABLED must be 1, 0, true or false, not 'maybe'"),
        ("AUTOTHROTTLE_ENABLED", "False", None),
        ("AUTOTHROTTLE_ENABLED", "true", None),
        ("AUTOTHROTTLE_TARGET_CONCURRENCY", "0", "AUTOTHROTTLE_TARGET_CONCURRENCY must be a number above 0, not '0'"),
        ("ROBOTSTXT_OBEY", "yes", "ROBOTSTXT_OBEY must be 1, 0, true or false, not 'yes'"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG, not 'LOUD'"),
        ("LOG_LEVEL", "debug", "LOG_LEVEL must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG, not 'debug'"),
        ("LOG_LEVEL", "WARNING", None),
        ("LOG_LEVEL", 10, None),  # logging.DEBUG, set by code
        ("DOWNLOAD_DELAY", 2, None),  # a value of its kind, set by code
        ("USER_AGENT", "", None),  # not checked: Scrapy's to read
    ],
)  # fmt: skip
def test_what_is_wrong_with_a_scrapy_setting(name: str, value: Any, problem: str | None) -> None:
    assert scrapy_setting_problem(project_settings({name: value}), name) == problem


def test_the_project_settings_keep_every_rule() -> None:
    settings = project_settings({})
    assert [scrapy_setting_problem(settings, name) for name in ("LOG_LEVEL", *SCRAPY_RULES)] == [None] * (
        1 + len(SCRAPY_RULES)
    )
    check_scrapy_settings(settings)
    check_scrapy_settings(project_settings(REPLICA_SPEED))  # the replica's crawls: politeness off, still valid


def test_a_bad_scrapy_setting_is_refused_whatever_set_it() -> None:
    module = project_settings({})
    module.set("RETRY_TIMES", -1, priority="project")  # a settings module of one's own
    with pytest.raises(ConfigError, match=r"^RETRY_TIMES must be a whole number of at least 0, not -1$"):
        check_scrapy_settings(module)
    given = project_settings({"DOWNLOAD_DELAY": "-1", "RETRY_TIMES": "x"})  # the first in the table's order
    with pytest.raises(ConfigError, match=r"^DOWNLOAD_DELAY must be a number of at least 0, not '-1'$"):
        check_scrapy_settings(given)
