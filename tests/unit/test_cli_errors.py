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


EMPTY: dict[str, tuple[list[str], str]] = {  # argv -> the one line: a text option or argument given nothing
    "run --sections ,": (["run", "--sections", ","], "argument --sections: expected a value, not ','"),
    "run --sections=": (["run", "--sections="], "argument --sections: expected a value, not ''"),
    "run --urls=": (["run", "--urls="], "argument --urls: expected a value, not ''"),
    "run --urls ' , '": (["run", "--urls", " , "], "argument --urls: expected a value, not ' , '"),
    "run --urls-file ''": (["run", "--urls-file", ""], "argument --urls-file: expected a value, not ''"),
    "run --since ' '": (["run", "--since", " "], "argument --since: expected a value, not ' '"),
    "run --state ''": (["run", "--state", ""], "argument --state: expected a value, not ''"),
    "run --exports ''": (["run", "--exports", ""], "argument --exports: expected a value, not ''"),
    "run --via ''": (["run", "--via", ""], "argument --via: expected a value, not ''"),
    "run --profiles ,,": (["run", "--profiles", ",,"], "argument --profiles: expected a value, not ',,'"),
    "run -s ''": (["run", "-s", ""], "argument -s/--set: expected a value, not ''"),
    "run --site ''": (["run", "--site", ""], "argument --site: expected a value, not ''"),
    "discover --sections ,": (["discover", "--sections", ","], "argument --sections: expected a value, not ','"),
    "recover ''": (["recover", ""], "argument SOURCE: expected a value, not ''"),
    "recover --replay ''": (["recover", "x.warc.gz", "--replay", ""], "argument --replay: expected a value, not ''"),
    "ledger --state=": (["ledger", "--state="], "argument --state: expected a value, not ''"),
    "ledger --redis ''": (["ledger", "--redis", ""], "argument --redis: expected a value, not ''"),
    "report --out ''": (["report", "--out", ""], "argument --out: expected a value, not ''"),
    "wacz ''": (["wacz", ""], "argument RUN: expected a value, not ''"),
    "prune --logs ,": (["prune", "--logs", ","], "argument --logs: expected a value, not ','"),
    "extract --url ''": (["extract", "page.html", "--url", ""], "argument --url: expected a value, not ''"),
    "reextract ''": (["reextract", ""], "argument RUN_OR_WARC: expected a value, not ''"),
    "check-pages ''": (["check-pages", ""], "argument FOLDER: expected a value, not ''"),
    "heartbeat --file ''": (["heartbeat", "--file", ""], "argument --file: expected a value, not ''"),
    "redis-status --redis ''": (["redis-status", "--redis", ""], "argument --redis: expected a value, not ''"),
    "replica save --out ''": (["replica", "save", "x", "--out", ""], "argument --out: expected a value, not ''"),
    "replica serve --host ''": (["replica", "serve", "--host", ""], "argument --host: expected a value, not ''"),
    "run --max-articles=": (["run", "--max-articles="], "argument --max-articles: expected a whole number, not ''"),
    "run --max-requests 1_0": (
        ["run", "--max-requests", "1_0"],
        "argument --max-requests: expected a whole number, not '1_0'",
    ),  # int(): 10
    "recover --max-runtime in other digits": (
        ["recover", "x.warc", "--max-runtime", "\u0663\u0660"],
        "argument --max-runtime: expected a whole number, not '\u0663\u0660'",
    ),
    "run --max-articles 2.5": (
        ["run", "--max-articles", "2.5"],
        "argument --max-articles: expected a whole number, not '2.5'",
    ),
    "cluster-demo --workers 0x2": (
        ["cluster-demo", "--workers", "0x2"],
        "argument --workers: expected a whole number, not '0x2'",
    ),
    "no command": ([], "the following arguments are required: COMMAND"),
}


@pytest.mark.parametrize(("argv", "message"), EMPTY.values(), ids=EMPTY.keys())
def test_an_empty_value_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert capsys.readouterr() == ("", f"bhg-crawl: {message}\n")


SETTINGS: dict[str, tuple[str, list[str], str]] = {  # command, its -s settings and options -> the one line
    "a slot that sends nothing": ("run", ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=0"],
                                  "CONCURRENT_REQUESTS_PER_DOMAIN must be a whole number of at least 1, not '0'"),
    "no politeness": ("run", ["-s", "DOWNLOAD_DELAY=-1"], "DOWNLOAD_DELAY must be a number of at least 0, not '-1'"),
    "a number that is no number": ("run", ["-s", "DOWNLOAD_TIMEOUT=abc"],
                                   "DOWNLOAD_TIMEOUT must be a number above 0, not 'abc'"),
    "a log level of no name": ("discover", ["-s", "LOG_LEVEL=LOUD"],
                               "LOG_LEVEL must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG, not 'LOUD'"),
    "a yes or no": ("run", ["-s", "AUTOTHROTTLE_ENABLED=maybe"],
                    "AUTOTHROTTLE_ENABLED must be 1, 0, true or false, not 'maybe'"),
    "a negative count": ("recover", ["-s", "CLOSESPIDER_ERRORCOUNT=-1"],
                         "CLOSESPIDER_ERRORCOUNT must be a whole number of at least 0, not '-1'"),
    "a BHG_* setting first": ("run", ["-s", "DOWNLOAD_DELAY=-1", "-s", "BHG_WARC=maybe"],
                              "BHG_WARC must be 1, 0, true or false, not 'maybe'"),
    "one a dry run sets for itself": ("discover", ["-s", "BHG_PROGRESS_TTY=maybe"],
                                      "BHG_PROGRESS_TTY must be 1, 0, true or false, not 'maybe'"),
    "with spider arguments that are right": ("run", ["--sections", "xa-hoi", "-s", "RETRY_TIMES=-1"],
                                             "RETRY_TIMES must be a whole number of at least 0, not '-1'"),
}  # fmt: skip


@pytest.mark.parametrize(("command", "options", "message"), SETTINGS.values(), ids=SETTINGS.keys())
def test_a_bad_setting_is_refused_before_the_state_is_locked(
    command: str, options: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as archive:  # a CDX endpoint that takes a connection, never asked
        sources = [f"http://127.0.0.1:{archive.getsockname()[1]}/cdx"] if command == "recover" else []
        argv = [command, *sources, "--state", str(tmp_path / "s.sqlite3"), *options]
        if command != "discover":
            argv += ["--exports", str(tmp_path / "exports"), "--logs", str(tmp_path / "logs")]
        assert main(argv) == 2
    assert capsys.readouterr().err == f"bhg-crawl: {message}\n"
    assert sorted(tmp_path.iterdir()) == []  # no state, no lock, no folders: nothing done


def test_a_bad_setting_is_named_before_an_archive_that_takes_no_connection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    argv = [
        "recover",
        f"http://127.0.0.1:{port}/cdx",
        "--state",
        str(tmp_path / "s.sqlite3"),
        "-s",
        "DOWNLOAD_DELAY=nan",
    ]
    assert main(argv) == 2
    assert capsys.readouterr().err == "bhg-crawl: DOWNLOAD_DELAY must be a number of at least 0, not 'nan'\n"
    assert sorted(tmp_path.iterdir()) == []
