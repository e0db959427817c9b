"""Stored image paths: a hash of the URL, inside their folder, with a known extension."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bhg_crawler.archive.media import media_path

HOSTILE = [
    "https://baohagiang.vn/../../../../etc/passwd",
    "https://baohagiang.vn/dataimages/%2e%2e/%2e%2e/%2e%2e/root/.ssh/id_rsa.png",
    "https://baohagiang.vn/a/..%2f..%2fescape.jpg",
    "https://baohagiang.vn//etc/cron.d/evil.jpg",
    "https://baohagiang.vn/x\\..\\..\\windows.png",
    "https://baohagiang.vn/image.php?file=../../etc/shadow",
    "file:///etc/passwd",
    "https://baohagiang.vn/" + "a" * 5000 + ".jpg",
    "https://baohagiang.vn/ảnh/Ảnh đẹp.JPG",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_media_path_stays_inside_its_folder(url: str, tmp_path: Path) -> None:
    path = media_path(url)
    assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{40}\.[a-z0-9]+", path)
    assert (tmp_path / path).resolve().is_relative_to(tmp_path)


def test_known_extensions_are_kept_and_others_are_bin() -> None:
    assert media_path("https://baohagiang.vn/dataimages/202008/original/images1_A.JPG").endswith(".jpg")
    assert media_path("https://baohagiang.vn/image.php?file=a.jpg").endswith(".bin")
    assert media_path("https://baohagiang.vn/shell.php").endswith(".bin")
