"""Files written so that a reader never sees half of one: flushed to the disk, then renamed."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # built once: a line is written a record


def json_line(record: Mapping[str, Any]) -> bytes:
    """One JSON-lines line: compact, UTF-8, ending in a newline."""
    return _LINE.encode(record).encode("utf-8") + b"\n"


def json_document(data: dict[str, Any], sort_keys: bool = False) -> bytes:
    """A JSON document for people to read: indented, UTF-8, ending in a newline."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=sort_keys, default=str)
    return text.encode("utf-8") + b"\n"


def file_entry(path: Path) -> dict[str, Any]:
    """A complete file's size and sha256, for a manifest: ``{"sha256": hex, "bytes": int}``."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return {"sha256": digest.hexdigest(), "bytes": path.stat().st_size}


def part_of(path: Path) -> Path:
    """Where a file is written until it is published: ``.<name>.part`` beside it."""
    return path.with_name(f".{path.name}.part")


def published(part: Path) -> Path:
    """The name a ``.<name>.part`` file gets when it is published."""
    return part.with_name(part.name[1:].removesuffix(".part"))


def write_durably(path: Path, data: bytes) -> None:
    """``data`` to ``path``, flushed to the disk. Raises ``OSError`` (a full disk) as it comes."""
    with path.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` to ``path`` through its ``.part`` file: the old file or the new one, never half of one."""
    part = part_of(path)
    write_durably(part, data)
    os.replace(part, path)
