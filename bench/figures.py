"""A measured figure, its goal, and the table and file they are reported in."""

from __future__ import annotations

import json
import os
import platform
import socket
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    goal: str = ""
    met: bool | None = None  # None: a figure reported for context, with no goal of its own
    detail: dict[str, Any] = field(default_factory=dict)

    def cells(self) -> list[str]:
        verdict = {True: "met", False: "MISSED", None: ""}[self.met]
        return [self.name, f"{self.value:,.3g} {self.unit}".strip(), self.goal, verdict]


def table(figures: list[Figure]) -> str:
    rows = [["figure", "measured", "goal", ""], *(f.cells() for f in figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "host": socket.gethostname(),
        "cores": os.cpu_count(),
        "memory_gb": round(pages / 2**30, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def write_results(folder: Path, command: str, figures: list[Figure]) -> Path:
    now = datetime.now(UTC)
    about = machine()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{now:%Y-%m-%d}-{about['host']}.json"
    data = {"date": now.isoformat(timespec="seconds"), "command": command, "machine": about,
            "figures": [asdict(f) for f in figures]}  # fmt: skip
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
