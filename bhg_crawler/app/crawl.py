"""What the command line, the demos and the benchmarks share: the replica's crawl settings, ``scrapy`` as a child
process, and a run's summary for people."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from bhg_crawler.runs.report import report_path
from bhg_replica.catalog import site_now

# Politeness off: only for the replica, which runs on loopback and is ours to load.
REPLICA_SPEED = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


def replica_settings(url: str, day: int = 0) -> dict[str, str]:
    """A crawl of the replica at ``url``: politeness off, and the replica's clock as the time."""
    return {**REPLICA_SPEED, "BHG_VIA": url, "BHG_NOW": site_now(day).isoformat()}


def scrapy_command(
    arguments: Sequence[str], settings: Mapping[str, str], spider_args: Mapping[str, str] = {}
) -> list[str]:
    """``scrapy <arguments>`` with ``-s`` settings and ``-a`` spider arguments, in this Python."""
    command = [sys.executable, "-m", "scrapy", *arguments]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    for name, value in spider_args.items():
        command += ["-a", f"{name}={value}"]
    return command


def scrapy_env() -> dict[str, str]:
    """The environment of a Scrapy child process with the project's settings."""
    return dict(os.environ, SCRAPY_SETTINGS_MODULE="bhg_crawler.settings")


def run_scrapy(arguments: Sequence[str], settings: Mapping[str, str], spider_args: Mapping[str, str] = {}) -> int:
    """Runs ``scrapy <arguments>`` with the project's settings; its exit code."""
    command = scrapy_command(arguments, settings, spider_args)
    return subprocess.run(command, env=scrapy_env(), check=False).returncode


def summary(exports: Path, run_id: str) -> list[str]:
    """What a run wrote, from its manifest, as lines for people."""
    manifest_path = exports / "runs" / f"{run_id}.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    counts = manifest["counts"]
    lines = [
        f"Run {run_id} ({manifest['status']}): {counts['articles']} articles exported, {counts['rejects']} rejected, "
        f"{counts['duplicates']} duplicates dropped, {counts['failures']} pages not fetched"
    ]
    deferred = sum(manifest.get("accounting", {}).get("deferred", {}).values())
    if deferred:  # a stopped run's articles never asked for: not failures, the next run's work
        lines[0] += f", {deferred} articles found and left for the next run"
    media = [entry for entry in manifest["files"] if entry["kind"] == "media"]
    for entry in manifest["files"]:
        if entry["kind"] != "media":  # one line for them all, below
            size = f"{entry['records']} records" if "records" in entry else f"{entry['bytes']:,} bytes"
            lines.append(f"  {(exports / entry['path']).resolve()}  ({entry['kind']}, {size})")
    if media:
        size = sum(entry["bytes"] for entry in media)
        lines.append(f"  {len(media)} media files, {size:,} bytes, each in the manifest")
    lines.append(f"  {manifest_path.resolve()}  (manifest)")
    report = report_path(exports, run_id)
    if report.is_file():
        lines.append(f"  {report.resolve()}  (report)")
    return lines
