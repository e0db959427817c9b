"""End to end: a run opens no door into itself: no socket of the crawler's process listens while it crawls."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from bhg_crawler.runs.outcome import ExitCode
from tests.helpers import command, replica


def listening_inodes() -> set[str]:
    """The socket inodes of every TCP socket on this machine in the LISTEN state (``/proc/net/tcp*``)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if fields[3] == "0A":  # TCP_LISTEN
                    inodes.add(fields[9])
    return inodes


def sockets_of(pid: int) -> set[str]:
    """The socket inodes a process holds open."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            found.add(target[len("socket:[") : -1])
    return found


def test_a_run_listens_on_no_port(tmp_path: Path) -> None:
    with replica(0, 300) as (url, _):
        child = subprocess.Popen(
            command(url, 0, tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        looks = 0
        while child.poll() is None:
            try:
                listening = sockets_of(child.pid) & listening_inodes()
            except FileNotFoundError:
                break  # it ended between the two reads
            assert not listening, f"the run listens on a socket: {listening}"
            looks += 1
            time.sleep(0.05)
        _, errors = child.communicate()
    assert child.returncode == ExitCode.OK, errors[-2000:]
    assert looks >= 5  # it was looked at while it crawled
    assert "Remote control" not in errors and "Telnet" not in errors
