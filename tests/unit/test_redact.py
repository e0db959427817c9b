"""Secrets from the settings never reach the log."""

from __future__ import annotations

import logging

from scrapy import Spider
from scrapy.utils.test import get_crawler

from bhg_crawler.core.redact import RedactingFilter, public, secret_values


def test_secrets_never_reach_the_log() -> None:
    crawler = get_crawler(Spider, {"BHG_SMTP_PASSWORD": "s3cret-pass", "BHG_VIA": "http://me:pw-1234@127.0.0.1:9"})
    secrets = secret_values(crawler.settings)
    assert secrets == ["s3cret-pass", "me:pw-1234"]
    record = logging.LogRecord(
        "bhg", logging.INFO, __file__, 1, "proxy %s, password %s", ("http://me:pw-1234@h", "s3cret-pass"), None
    )
    assert RedactingFilter(secrets).filter(record)
    assert record.getMessage() == "proxy http://***@h, password ***"
    assert public("BHG_NOTIFY_SLACK_WEBHOOK", "https://hooks.example/T/X") == "***"
