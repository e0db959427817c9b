"""The command line's errors in words: one line on standard error and exit 2, never a traceback."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from bhg_crawler.app.cli import main
from bhg_crawler.state.store import StateStore


def not_warc(work: Path, port: int) -> tuple[list[str], str]:
    (work / "page.txt").write_text("hello\n")
    line = f"{work / 'page.txt'} holds no WARC file that can be read: Unknown archive format, first line: ['hello']"
    return ["reextract", str(work / "page.txt")], line


CASES: dict[str, Callable[[Path, int], tuple[list[str], str]]] = {  # (folder, a port in use) -> argv, message
    "reextract of a file that is no WARC": not_warc,
    "ledger of an unknown site": lambda work, port: (
        ["ledger", "--site", "nosuch", "--state", str(work / "s.sqlite3")],
        "unknown site 'nosuch'; known: baohagiang.vn, baotuyenquang.com.vn",
    ),
    "report of an unknown site": lambda work, port: (
        ["report", "--site", "nosuch", "--state", str(work / "s.sqlite3")],
        "unknown site 'nosuch'; known: baohagiang.vn, baotuyenquang.com.vn",
    ),
    "report of no state": lambda work, port: (
        ["report", "--state", str(work / "s.sqlite3"), "--out", str(work / "a.html")],
        f"no state at {work / 's.sqlite3'}",
    ),
    "report into a folder that does not exist": lambda work, port: (
        ["report", "--state", str(work / "s.sqlite3"), "--out", str(work / "no" / "a.html")],
        f"cannot write {work / 'no' / 'a.html'}: no folder {work / 'no'}",
    ),
    "replica on a port out of range": lambda work, port: (
        ["replica", "serve", "--port", "99999"],
        "cannot serve on 127.0.0.1:99999: bind(): port must be 0-65535.",
    ),
    "replica on a port in use": lambda work, port: (
        ["replica", "serve", "--port", str(port)],
        f"cannot serve on 127.0.0.1:{port}: Address already in use",
    ),
    "wacz into a folder that does not exist": lambda work, port: (
        ["wacz", "some-run", "--out", str(work / "no" / "such" / "run.wacz")],
        f"cannot write {work / 'no' / 'such' / 'run.wacz'}: no folder {work / 'no' / 'such'}",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_an_error_of_the_command_line_is_one_line_and_exit_2(
    case: Callable[[Path, int], tuple[list[str], str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        argv, message = case(tmp_path, taken.getsockname()[1])
        assert main(argv) == 2
    assert capsys.readouterr().err == f"bhg-crawl: {message}\n"


@pytest.mark.parametrize("argv", [["ledger"], ["report", "--out", "archive.html"]], ids=["ledger", "report"])
def test_a_command_that_reads_the_state_waits_for_no_run(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = StateStore("state.sqlite3")  # a run holds it
    try:
        assert main([*argv, "--state", "state.sqlite3"]) == 7
    finally:
        store.close()
    assert capsys.readouterr().err.startswith("bhg-crawl: another run holds state.sqlite3.lock (pid ")
    assert not (tmp_path / "archive.html").exists()
