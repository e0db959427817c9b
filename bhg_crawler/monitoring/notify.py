"""Notifications of a run whose monitors failed: by email, to a Slack webhook, or to a command."""

from __future__ import annotations

import json
import logging
import os
import shlex
import smtplib
import subprocess
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from scrapy.settings import BaseSettings
from spidermon.core.actions import Action

from bhg_crawler.runs.outcome import outcome_of

logger = logging.getLogger(__name__)
TIMEOUT = 30


@dataclass(frozen=True)
class Message:
    """What a notification says: the run, its exit code and outcome, a subject line and the text."""

    run_id: str
    exit_code: int
    outcome: str
    subject: str
    text: str


def message_of(run_id: str, stats: dict[str, Any], failures: list[tuple[str, str]]) -> Message:
    """What went wrong, in a few lines: the outcome, each failed monitor and the run's counts."""
    outcome = outcome_of(stats)
    lines = [f"Run {run_id}: {outcome.code.name.lower()} (exit code {int(outcome.code)})", outcome.reason, ""]
    lines += [f"- {name}: {reason}" for name, reason in failures]
    counts = {
        "requests": "downloader/request_count",
        "exported": "item_scraped_count",
        "rejects": "bhg/rejects",
        "failures": "bhg/failures",
        "finish reason": "finish_reason",
    }
    lines += ["", *(f"{label}: {stats.get(stat, 0)}" for label, stat in counts.items())]
    subject = f"bhg-crawler run {run_id}: {outcome.code.name.lower()} (exit {int(outcome.code)})"
    return Message(run_id, int(outcome.code), outcome.code.name.lower(), subject, "\n".join(lines))


def send_email(settings: BaseSettings, message: Message) -> None:
    """The message by email to ``BHG_NOTIFY_EMAIL`` through ``BHG_SMTP_*``; raises ``OSError`` or ``smtplib`` errors."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = settings.get("BHG_NOTIFY_FROM")
    email["To"] = ", ".join(settings.getlist("BHG_NOTIFY_EMAIL"))
    email.set_content(message.text)
    with smtplib.SMTP(settings.get("BHG_SMTP_HOST"), settings.getint("BHG_SMTP_PORT"), timeout=TIMEOUT) as smtp:
        if settings.getbool("BHG_SMTP_STARTTLS"):
            smtp.starttls()
        if settings.get("BHG_SMTP_USER"):
            smtp.login(settings["BHG_SMTP_USER"], settings.get("BHG_SMTP_PASSWORD"))
        smtp.send_message(email)


def send_to_slack(settings: BaseSettings, message: Message) -> None:
    """The message to the Slack incoming webhook ``BHG_NOTIFY_SLACK_WEBHOOK``; raises ``urllib.error.URLError``."""
    body = json.dumps({"text": f"*{message.subject}*\n{message.text}"}).encode()
    request = urllib.request.Request(
        settings["BHG_NOTIFY_SLACK_WEBHOOK"], data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        response.read()  # urlopen raises on 4xx and 5xx


def run_command(settings: BaseSettings, message: Message) -> None:
    """Runs ``BHG_NOTIFY_COMMAND`` (no shell) with the message on its stdin; ``RuntimeError`` when it fails."""
    environment = {
        **os.environ,
        "BHG_RUN_ID": message.run_id,
        "BHG_EXIT_CODE": str(message.exit_code),
        "BHG_OUTCOME": message.outcome,
    }
    done = subprocess.run(
        shlex.split(settings["BHG_NOTIFY_COMMAND"]),
        input=f"{message.subject}\n\n{message.text}\n",
        text=True,
        env=environment,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"exit code {done.returncode}: {done.stderr.strip()[-500:]}")


CHANNELS: dict[str, tuple[str, Callable[[BaseSettings, Message], None]]] = {
    "email": ("BHG_NOTIFY_EMAIL", send_email),
    "slack": ("BHG_NOTIFY_SLACK_WEBHOOK", send_to_slack),
    "command": ("BHG_NOTIFY_COMMAND", run_command),
}


class Notify(Action):
    """Sends the message of a run whose monitors failed to every channel that is configured (a Spidermon action).

    Each channel is off until its setting is given; one that cannot be sent is logged and counted, and never
    changes the run's outcome. Settings: ``BHG_NOTIFY_EMAIL`` (addresses, comma-separated) with
    ``BHG_SMTP_HOST``, ``BHG_SMTP_PORT``, ``BHG_SMTP_USER``, ``BHG_SMTP_PASSWORD``, ``BHG_SMTP_STARTTLS`` and
    ``BHG_NOTIFY_FROM``; ``BHG_NOTIFY_SLACK_WEBHOOK`` (an incoming-webhook URL); ``BHG_NOTIFY_COMMAND`` (a
    command line, run without a shell, given the message on its standard input and ``BHG_RUN_ID``,
    ``BHG_EXIT_CODE`` and ``BHG_OUTCOME`` in its environment). Stats: ``bhg/notify/sent/<channel>``,
    ``bhg/notify/failed/<channel>``."""

    def run_action(self) -> None:
        crawler = self.data.crawler
        settings, stats = crawler.settings, crawler.stats
        failures = [(failed.item.monitor_name, failed.reason or "the monitor raised an error")
                    for failed in self.result.monitors_failed_results]  # fmt: skip
        message = message_of(settings.get("BHG_RUN_ID"), stats.get_stats(), failures)
        for channel, (setting, send) in CHANNELS.items():
            if not settings.get(setting):
                continue
            try:
                send(settings, message)
            except Exception as error:
                logger.error("Could not notify by %s: %s: %s", channel, type(error).__name__, error)
                stats.inc_value(f"bhg/notify/failed/{channel}")
            else:
                stats.inc_value(f"bhg/notify/sent/{channel}")
