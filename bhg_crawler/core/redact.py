"""Secrets from the settings kept out of what is written down: the log, and the WARC files' warcinfo."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

SECRET_NAMES = re.compile(r"PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL|WEBHOOK", re.IGNORECASE)
USERINFO = re.compile(r"(?<=://)([^/@\s]+)@")
MASK = "***"


def public(name: str, value: object) -> str:
    """A setting as it may be written down: secrets and credentials in URLs masked."""
    if SECRET_NAMES.search(name):
        return MASK
    return USERINFO.sub(f"{MASK}@", str(value))


def secret_values(settings: BaseSettings) -> list[str]:
    """The values to mask: of settings named like secrets, and credentials given in URLs, that the project or
    the operator set (Scrapy's defaults hold none); longest first."""
    found: set[str] = set()
    for name, attribute in settings.attributes.items():  # not settings[name]: it warns of deprecated names
        value = attribute.value
        if attribute.priority <= SETTINGS_PRIORITIES["default"] or not isinstance(value, str) or not value:
            continue
        if SECRET_NAMES.search(name) and len(value) >= 4:
            found.add(value)
        found.update(match for match in USERINFO.findall(value) if len(match) >= 4)
    return sorted(found, key=len, reverse=True)


class RedactingFilter(logging.Filter):
    """A logging filter that masks each secret in a record's message."""

    def __init__(self, secrets: Iterable[str]):
        super().__init__()
        self.secrets = list(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, MASK)
            record.msg, record.args = message, None
        return True


class RedactLogs:
    """Masks the settings' secrets (passwords, tokens, webhooks, credentials in URLs) in every record that reaches
    the root logger's handlers, Scrapy's own "Overridden settings" line included (built before Scrapy logs it)."""

    def __init__(self, secrets: list[str]):
        self.filter = RedactingFilter(secrets)
        for handler in logging.root.handlers:
            handler.addFilter(self.filter)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedactLogs:
        return cls(secret_values(crawler.settings))
