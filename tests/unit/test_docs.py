"""The README and docs/ agree with the code: every page is linked, and every table checked against its source."""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import re
import subprocess
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider

from bhg_crawler import settings
from bhg_crawler.app.cli import build_parser
from bhg_crawler.app.config import LOG_LEVELS, SCRAPY_RULES
from bhg_crawler.monitoring.monitors import RunMonitors
from bhg_crawler.runs.outcome import PRECEDENCE, ExitCode
from bhg_crawler.sites.profiles import REQUIRED, Selectors, SiteProfile
from bhg_crawler.spiders.bhg import BhgSpider
from bhg_crawler.spiders.recover import RecoverSpider
from tests.helpers import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
PACKAGE = ROOT / "bhg_crawler"
SETTINGS_MODULE = PACKAGE / "settings.py"
README_MAX_LINES = 160


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


# -- reading Markdown ----------------------------------------------------------------------------------

FENCE = re.compile(r"^(```|~~~)")


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines outside fenced code blocks, numbered from 1."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def code_texts(text: str) -> list[str]:
    """The fenced code blocks (a line each) and the inline code spans of a page."""
    found, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
        elif fenced:
            found.append(line)
        else:
            found += re.findall(r"`([^`]+)`", line)
    return found


def fenced_blocks(text: str) -> list[list[str]]:
    """The lines of each fenced code block of a page."""
    blocks: list[list[str]] = []
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
            if fenced:
                blocks.append([])
        elif fenced:
            blocks[-1].append(line)
    return blocks


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    line: int


def headings(text: str) -> list[Heading]:
    return [
        Heading(len(match[1]), match[2].strip(), number)
        for number, line in prose_lines(text)
        if (match := re.match(r"^(#{1,6})\s+(.*)$", line))
    ]


def section(text: str, heading: Heading) -> str:
    """The text under a heading, to the next heading of its level or higher."""
    lines = text.splitlines()
    end = next((h.line for h in headings(text) if h.line > heading.line and h.level <= heading.level), None)
    return "\n".join(lines[heading.line - 1 : (end - 1) if end else None])


def slug(title: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for heading in headings(text):
        base = slug(heading.title)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def cells(line: str) -> list[str]:
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


def tables(text: str) -> list[Table]:
    """The Markdown tables of a text."""
    found, lines = [], [line for _, line in prose_lines(text)]
    for n in range(len(lines) - 1):
        if lines[n].lstrip().startswith("|") and re.fullmatch(r"\s*\|[\s:|-]+\|\s*", lines[n + 1]):
            rows = []
            for line in lines[n + 2 :]:
                if not line.lstrip().startswith("|"):
                    break
                rows.append(cells(line))
            found.append(Table(cells(lines[n]), rows))
    return found


def rows_of(text: str, first_column: str) -> list[list[str]]:
    """The rows of every table whose first column is named ``first_column``."""
    return [row for table in tables(text) if table.header[0] == first_column for row in table.rows]


def code_names(cell: str) -> list[str]:
    """The inline code spans of a cell."""
    return re.findall(r"`([^`]+)`", cell)


# -- the README and the links --------------------------------------------------------------------------


def test_the_readme_is_short_and_links_every_page_of_docs() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= README_MAX_LINES
    pages = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))
    assert "commands.md" in pages
    for name in pages:
        assert f"](docs/{name})" in text or f"](docs/{name}#" in text, f"the README does not link docs/{name}"


LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def test_every_relative_link_resolves() -> None:
    broken = []
    for path in markdown_files():
        text = path.read_text(encoding="utf-8")
        for number, line in prose_lines(text):
            for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
                if re.match(r"^[a-z]+:", target):
                    continue  # http(s), mailto: not checked offline
                file, _, anchor = target.partition("#")
                resolved = (path.parent / file).resolve() if file else path
                where = f"{path.relative_to(ROOT)}:{number}: {target}"
                if not resolved.exists():
                    broken.append(f"{where} (no such file)")
                elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved.read_text("utf-8")):
                    broken.append(f"{where} (no such heading)")
    assert not broken, "\n".join(broken)


# -- commands, options and spider arguments ------------------------------------------------------------


def commands(parser: argparse.ArgumentParser, prefix: str = "bhg-crawl") -> dict[str, argparse.ArgumentParser]:
    """Every command of the command line and its parser: ``bhg-crawl run``, ``bhg-crawl replica serve``..."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[f"{prefix} {name}"] = sub
                found |= commands(sub, f"{prefix} {name}")
    return found


def has_commands(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(action, argparse._SubParsersAction) for action in parser._actions)


def arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """A command's options and positional arguments, ``--help`` aside."""
    return [
        action
        for action in parser._actions
        if not isinstance(action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction))
    ]


def name_of(action: argparse.Action) -> str:
    """How the docs name an argument: its long option, or a positional's metavar."""
    longs = [option for option in action.option_strings if option.startswith("--")]
    if longs:
        return longs[0]
    return str(action.metavar or action.dest)


def named_in(cell: str, action: argparse.Action) -> bool:
    name = name_of(action)
    if name.startswith("--"):
        return re.search(rf"`{re.escape(name)}(?![\w-])", cell) is not None
    return f"`{name}`" in cell or f"`{name}...`" in cell


def command_sections() -> dict[str, str]:
    """For each command, the text of the section of commands.md whose heading names it."""
    text = page("commands.md")
    found = {}
    for heading in headings(text):
        for command in code_names(heading.title):
            found[command] = section(text, heading)
    return found


def test_every_command_is_in_commands_md() -> None:
    every = commands(build_parser())
    assert "bhg-crawl replica serve" in every
    text, sections = page("commands.md"), command_sections()
    for command, parser in every.items():
        assert f"`{command}" in text, command
        if not has_commands(parser):
            assert command in sections, f"no heading of commands.md names `{command}`"


def test_every_option_is_in_its_commands_section_with_its_default() -> None:
    every, sections = commands(build_parser()), command_sections()
    wrong = []
    for command, parser in every.items():
        if has_commands(parser):
            continue
        text = sections[command]
        rows = rows_of(text, "option")
        for action in arguments(parser):
            row = next((row for row in rows if named_in(row[0], action)), None)
            if row is None:
                wrong.append(f"{command}: {name_of(action)} is not in its section's table of options")
                continue
            default = row[1]
            if action.required:
                expected_ok, expected = default == "required", "required"
            elif action.default is None or action.default is False:
                expected_ok, expected = "`" not in default, "words, no value (it has no default)"
            else:
                expected_ok, expected = default == f"`{action.default}`", f"`{action.default}`"
            if not expected_ok:
                wrong.append(f"{command}: {name_of(action)} has the default {default!r}, not {expected}")
        others = [a for c, p in every.items() if sections.get(c) == text for a in arguments(p)]
        for row in rows:
            if not any(named_in(row[0], action) for action in others):
                wrong.append(f"{command}: {row[0]} is no option of the commands of its section")
    assert not wrong, "\n".join(wrong)


def test_the_top_level_options_are_documented() -> None:
    assert "`bhg-crawl --version`" in page("commands.md")


def spider_arguments(spider: type[Spider] = BhgSpider) -> list[str]:
    parameters = inspect.signature(spider.__init__).parameters.values()
    return [p.name for p in parameters if p.name != "self" and p.kind is not inspect.Parameter.VAR_KEYWORD]


def test_every_spider_argument_is_in_commands_md() -> None:
    documented = [code_names(row[0])[0] for row in rows_of(page("commands.md"), "argument")]
    assert "sections" in spider_arguments()
    assert sorted(documented) == sorted(spider_arguments())


# -- settings ------------------------------------------------------------------------------------------


def bhg_settings() -> dict[str, Any]:
    return {name: getattr(settings, name) for name in dir(settings) if name.startswith("BHG_")}


def test_the_settings_table_is_settings_py() -> None:
    rows = rows_of(page("settings.md"), "setting")
    documented = [code_names(row[0])[0] for row in rows]
    assert "BHG_VIA" in documented
    assert len(documented) == len(set(documented)), "a setting has two rows"
    assert set(documented) == set(bhg_settings()), "the table's settings are not those of settings.py"
    wrong = []
    for row in rows:
        name, written = code_names(row[0])[0], code_names(row[1])
        value = bhg_settings()[name]
        if len(written) != 1 or repr(ast.literal_eval(written[0])) != repr(value):
            wrong.append(f"{name}: the table says {row[1]}, settings.py {value!r}")
    assert not wrong, "\n".join(wrong)


def test_every_scrapy_setting_of_settings_py_is_explained() -> None:
    rows = rows_of(page("settings.md"), "Scrapy setting")
    expected = {name: value for name, value in vars(settings).items() if name.isupper() and not name.startswith("BHG_")}
    documented = {name: row for row in rows for name in code_names(row[0])}
    assert set(documented) == set(expected)
    wrong = []
    for name, value in expected.items():
        if isinstance(value, (bool, int, float)):
            written = code_names(documented[name][1])
            if len(written) != 1 or repr(ast.literal_eval(written[0])) != repr(value):
                wrong.append(f"{name}: the table says {documented[name][1]}, settings.py {value!r}")
    assert not wrong, "\n".join(wrong)


def test_the_checked_scrapy_settings_table_is_the_rules() -> None:
    rows = rows_of(page("settings.md"), "Scrapy setting checked")
    documented = {code_names(row[0])[0]: row[1] for row in rows}
    rules = {"LOG_LEVEL": f"one of {', '.join(LOG_LEVELS)}", **{n: rule.wanted() for n, rule in SCRAPY_RULES.items()}}
    assert documented == rules


GETTERS = frozenset(["get", "getint", "getfloat", "getbool", "getlist", "getdict", "getdictorlist", "getwithbase"])


def literal(node: ast.expr) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except ValueError:
        return False, None


def setting_read(node: ast.AST) -> str | None:
    """The BHG_* setting a node reads, as ``x.get*("BHG_X", ...)`` or ``x["BHG_X"]``; None for any other node."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in GETTERS:
        key = node.args[0] if node.args else None
    elif isinstance(node, ast.Subscript):
        key = node.slice
    else:
        return None
    if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.startswith("BHG_"):
        return key.value
    return None


def test_no_module_gives_a_setting_a_default_of_its_own() -> None:
    """Every BHG_* default lives in settings.py: no ``settings.get("BHG_X", default)``, no
    ``settings.get("BHG_X") or default``, no setting read that settings.py does not declare, and no
    command-line option whose default repeats a setting's value as a literal."""
    declared = bhg_settings()
    values = [value for value in declared.values() if value]
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == SETTINGS_MODULE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            name = setting_read(node)
            if name is not None and name not in declared:
                found.append(f"{where}: {name} is read but settings.py does not declare it")
            defaulted = isinstance(node, ast.Call) and (
                len(node.args) > 1 or any(k.arg == "default" for k in node.keywords)
            )
            if name is not None and defaulted:
                found.append(f"{where}: a default for {name}")
            if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
                read = [setting_read(value) for value in node.values]
                fallback = [value for value in node.values[1:] if literal(value)[0] and literal(value)[1] is not None]
                if any(read[:-1]) and fallback:
                    found.append(f"{where}: a fallback default for {next(n for n in read if n)}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
                for keyword in node.keywords:
                    ok, value = literal(keyword.value) if keyword.arg == "default" else (False, None)
                    if ok and any(type(value) is type(v) and value == v for v in values):
                        found.append(f"{where}: the default {value!r} repeats a setting of settings.py")
    assert not found, "\n".join(found)


# -- exit codes and monitors -----------------------------------------------------------------------------


def test_the_exit_codes_table_is_exit_code() -> None:
    rows = rows_of(page("exit-codes.md"), "code")
    documented = [(int(row[0]), code_names(row[1])[0]) for row in rows]
    assert documented == [(int(code), code.name.lower()) for code in ExitCode]


def test_the_monitors_table_is_the_suite() -> None:
    text = page("exit-codes.md")
    documented = [(row[0], int(row[3])) for row in rows_of(text, "monitor")]
    assert documented == [(monitor.options.name, int(monitor.exit_code)) for monitor in RunMonitors.monitors]
    assert ", ".join(f"`{code.name.lower()}`" for code in PRECEDENCE) in text, "the order of precedence"


# -- the record ------------------------------------------------------------------------------------------


def latest_schema() -> tuple[int, dict[str, Any]]:
    files = {int(p.stem.split("-")[1]): p for p in (PACKAGE / "extract" / "schema").glob("article-*.json")}
    version = max(files)
    schema: dict[str, Any] = json.loads(files[version].read_text(encoding="utf-8"))
    return version, schema


def test_the_record_table_is_the_schema() -> None:
    text = page("exports.md")
    version, schema = latest_schema()
    assert f"## The record, schema version {version}" in text
    assert f"extract/schema/article-{version}.json" in text
    rows = rows_of(text, "field")
    documented = [code_names(row[0])[0] for row in rows]
    assert len(documented) == len(set(documented)), "a field has two rows"
    assert set(documented) == set(schema["properties"])
    for row in rows:
        name = code_names(row[0])[0]
        if name not in schema["required"]:
            assert "only when" in row[1], f"{name} is optional: its row says when it is there"


# -- sites -----------------------------------------------------------------------------------------------


def test_every_profile_key_and_selector_is_in_sites_md() -> None:
    text = page("sites.md")
    keys = {code_names(row[0])[0]: row for row in rows_of(text, "key")}
    assert set(keys) == {f.name for f in fields(SiteProfile)}
    assert {name for name, row in keys.items() if row[2] == "required"} == set(REQUIRED)
    selectors = [code_names(row[0])[0] for row in rows_of(text, "selector")]
    assert sorted(selectors) == sorted(f.name for f in fields(Selectors))


# -- benchmarks --------------------------------------------------------------------------------------------


def number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def benchmark_block() -> str:
    """What benchmarks.md says of the latest results file in bench/results/: its machine, then each figure as
    ``make bench`` prints it, with its details."""
    path = max((ROOT / "bench" / "results").glob("*.json"))
    results = json.loads(path.read_text(encoding="utf-8"))
    machine = results["machine"]
    lines = [
        f"Figures of [`bench/results/{path.name}`](../bench/results/{path.name}): `{results['command']}` on "
        f"{results['date']}, {machine['cores']} cores, {machine['memory_gb']} GB, Python {machine['python']}, "
        f"{machine['system']}.",
        "",
        "| figure | measured | goal | verdict | details |",
        "| --- | --- | --- | --- | --- |",
    ]
    for figure in results["figures"]:
        measured = f"{figure['value']:,.3g} {figure['unit']}".strip()
        verdict = {True: "met", False: "MISSED", None: ""}[figure["met"]]
        details = ", ".join(f"{key} {number(value)}" for key, value in figure["detail"].items())
        lines.append(f"| {figure['name']} | {measured} | {figure['goal']} | {verdict} | {details} |")
    return "\n".join(lines)


def test_the_benchmark_figures_are_the_latest_results() -> None:
    block = benchmark_block()
    assert block in page("benchmarks.md"), f"benchmarks.md should hold, as it is:\n\n{block}\n"


# -- the architecture ---------------------------------------------------------------------------------------


def test_architecture_md_names_every_part_and_the_layers() -> None:
    text = page("architecture.md")
    parts = [f"{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"]
    parts += [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    missing = [part for part in parts if f"`{part}`" not in text]
    assert not missing, f"architecture.md does not name {missing}"
    assert "`bhg_replica/`" in text
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [layered] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    assert layered["layers"] in fenced_blocks(text), "a code block of the layers, as pyproject.toml lists them"
    for contract in config["tool"]["importlinter"]["contracts"]:
        assert contract["name"] in text, contract["name"]


# -- names the pages use ------------------------------------------------------------------------------------


def string_constants() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return {match for line in text.splitlines() for match in re.findall(r"^([a-z][\w-]*):", line)}


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: path.name)
def test_the_names_a_page_uses_exist(path: Path) -> None:
    """``BHG_*`` names, ``make`` targets, ``bhg-crawl`` commands and their options, and ``-a`` spider
    arguments, wherever a page writes them."""
    text = path.read_text(encoding="utf-8")
    known = set(bhg_settings()) | {s for s in string_constants() if re.fullmatch(r"BHG_[A-Z_]+", s)}
    wrong = [f"setting {name}" for name in re.findall(r"\bBHG_[A-Z][A-Z_]*[A-Z]\b", text) if name not in known]
    every = commands(build_parser())
    for code in code_texts(text):
        wrong += [f"make {t}" for t in re.findall(r"(?:^|[\s;&(])make ([a-z][\w-]*)", code) if t not in make_targets()]
        wrong += [
            f"-a {name}"
            for name in re.findall(r"-a ([a-z_]+)=", code)
            if name not in spider_arguments() + spider_arguments(RecoverSpider)
        ]
        for match in re.finditer(r"bhg-crawl((?: [a-z][\w-]*)+)", code):
            command = "bhg-crawl"
            for word in match[1].split():  # the longest command the words name; the rest are arguments
                if f"{command} {word}" not in every:
                    break
                command = f"{command} {word}"
            if command == "bhg-crawl":
                wrong.append(f"command bhg-crawl {match[1].split()[0]}")
                continue
            options = {o for a in every[command]._actions for o in a.option_strings}
            tail = re.split(r"[|;&>#]", code[match.end(1) :])[0]  # up to the end of this command
            wrong += [f"{command} {o}" for o in re.findall(r"(?<![\w-])(--[a-z][\w-]*)", tail) if o not in options]
    assert not wrong, f"{path.name} names what does not exist: {sorted(set(wrong))}"


def crontab_commands() -> list[tuple[str, str]]:
    """Every crontab line of the docs (a line of five time fields and a command, in a code block), with its page."""
    found = []
    for path in markdown_files():
        for block in fenced_blocks(path.read_text(encoding="utf-8")):
            for line in block:
                fields = line.split(None, 5)
                if (
                    len(fields) == 6
                    and not line.startswith("#")
                    and all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5])
                ):
                    found.append((path.name, fields[5]))
    return found


def test_the_crontab_lines_of_the_docs_run_in_a_fresh_checkout(tmp_path: Path) -> None:
    """Each crontab command, run by sh in a checkout of the tracked files only (the crawler stubbed by ``true``),
    exits 0 and writes its log: the folders its redirections write to are in the checkout."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in tracked.splitlines():
        if name.startswith(("logs/", "exports/")):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    commands = crontab_commands()
    assert len(commands) >= 3
    for page_name, command in commands:
        stubbed = re.sub(r"\.venv/bin/bhg-crawl [^>;&|]*", "true ", command.replace("/srv/bhg-crawler", str(tmp_path)))
        done = subprocess.run(["sh", "-c", stubbed], capture_output=True, text=True, check=False)
        assert (done.returncode, done.stderr) == (0, ""), (page_name, command)
        for log in re.findall(r">>\s*(\S+)", command):
            assert (tmp_path / log).exists(), (page_name, command, log)


def test_no_page_holds_the_marks_of_an_unfinished_merge() -> None:
    marks = re.compile(r"^(<{7} |={7}$|>{7} )", re.MULTILINE)
    pages = [README, *DOCS.rglob("*.md")]
    assert [page.name for page in pages if marks.search(page.read_text(encoding="utf-8"))] == []
