"""Run the replica in a child process, for demos, tests and benchmarks."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

LISTENING = re.compile(r"listening on (http://\S+)")


@contextmanager
def running_replica(
    articles: int = 300,
    seed: int = 1,
    day: int = 0,
    template: str = "classic",
    latency_ms: float = 0,
    faults: str = "none",
) -> Iterator[str]:
    """Start ``python -m bhg_replica serve`` on a free loopback port; yield its URL; stop it."""
    command = [sys.executable, "-m", "bhg_replica", "serve", "--port", "0"]
    command += ["--articles", str(articles), "--seed", str(seed), "--day", str(day), "--template", template]
    command += ["--latency", str(latency_ms), "--faults", faults]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        first = child.stdout.readline()
        match = LISTENING.search(first)
        if match is None:
            raise RuntimeError(f"the replica did not start: {first.strip() or 'no output'}")
        yield match.group(1)
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
