"""The Makefile's targets, read with ``make -n``: ``make demo`` installs what the demo needs and nothing more."""

from __future__ import annotations

import subprocess

import pytest

from tests.helpers import ROOT

CRAWLER = "pip install --quiet --disable-pip-version-check -e .\n"
TOOLS = "-e '.[test,deploy]'"
PYWB = "replay-requirements.txt"
REDIS = "apt-get install -y -qq redis-server"


def planned(target: str) -> str:
    """What ``make <target>`` would run in a fresh clone: every command, as if nothing were installed (``-B``)."""
    done = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.mark.parametrize(
    ("target", "installs", "not_installs", "runs"),
    [
        ("demo", [CRAWLER], [TOOLS, PYWB, REDIS], ".venv/bin/bhg-crawl demo"),
        ("cluster-demo", [CRAWLER, REDIS], [TOOLS, PYWB], ".venv/bin/bhg-crawl cluster-demo"),
        ("lint", [CRAWLER, TOOLS], [PYWB, REDIS], ".venv/bin/lint-imports --no-cache"),
        ("test", [CRAWLER, TOOLS, PYWB, REDIS], [], ".venv/bin/pytest"),
        ("install", [CRAWLER, TOOLS, PYWB, REDIS], [], "touch .venv-replay/.installed"),
    ],
)  # fmt: skip
def test_each_target_installs_what_it_needs_and_no_more(
    target: str, installs: list[str], not_installs: list[str], runs: str
) -> None:
    commands = planned(target)
    assert [what for what in installs if what not in commands] == []
    assert [what for what in not_installs if what in commands] == []
    assert runs in commands.splitlines()
