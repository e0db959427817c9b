"""The README documents every command and every BHG_* setting."""

from __future__ import annotations

import argparse

from bhg_crawler import settings
from bhg_crawler.app.cli import build_parser
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_lines(parser: argparse.ArgumentParser, prefix: str = "bhg-crawl") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(f"{prefix} {name}")
                found += command_lines(sub, f"{prefix} {name}")
    return found


def test_every_command_is_documented() -> None:
    commands = command_lines(build_parser())
    assert "bhg-crawl replica serve" in commands
    for command in commands:
        assert f"`{command}" in README, command


def test_every_option_is_documented() -> None:
    def options(parser: argparse.ArgumentParser) -> list[str]:
        found = [o for a in parser._actions for o in a.option_strings if o.startswith("--")]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found += options(sub)
        return found

    for option in set(options(build_parser())) - {"--help", "--version"}:
        assert option in README, option


def test_every_bhg_setting_is_documented() -> None:
    names = [name for name in dir(settings) if name.startswith("BHG_")]
    assert "BHG_VIA" in names
    for name in names:
        assert f"`{name}`" in README, name
