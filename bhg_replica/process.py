"""Run the replica in a child process, for demos, tests and benchmarks."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


@contextmanager
def running_pywb(folder: Path, warc_files: list[Path], collection: str = "runs") -> Iterator[str]:
    """pywb (``.venv-replay``, which ``make install`` sets up) serving the WARC files as one collection on a
    free loopback port, from ``folder``: yields the collection's URL (its CDX server at ``<url>/cdx``, its
    replay at ``<url>/<timestamp>id_/<url>``); stops it. Raises ``RuntimeError`` when pywb is not installed
    or does not start within 60 seconds."""
    tools = Path(__file__).resolve().parent.parent / ".venv-replay" / "bin"
    if not (tools / "wayback").exists():
        raise RuntimeError("pywb is not installed: make install puts it in .venv-replay")
    subprocess.run([tools / "wb-manager", "init", collection], cwd=folder, check=True, capture_output=True)
    subprocess.run([tools / "wb-manager", "add", collection, *map(str, warc_files)], cwd=folder, check=True,
                   capture_output=True)  # fmt: skip
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    with (folder / "wayback.log").open("wb") as log:
        server = subprocess.Popen([tools / "wayback", "-p", str(port), "-b", "127.0.0.1"], cwd=folder, stdout=log,
                                  stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError((folder / "wayback.log").read_text(encoding="utf-8")) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/{collection}"
    finally:
        server.terminate()
        server.wait(timeout=30)
