"""Article images downloaded into paths made of a hash: inside their folder whatever the URL says."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from bhg_crawler.media import media_path
from tests.test_archive import records, warcs
from tests.test_incremental import bhg_run, exported, manifests, replica

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


def test_images_are_downloaded_recorded_and_archived(tmp_path: Path) -> None:
    media = tmp_path / "media"
    with replica(0, 60) as (url, _):
        result = bhg_run(url, 0, tmp_path, "--warc", "-s", f"BHG_MEDIA={media}")
    assert result.returncode == 0, result.stderr[-2000:]
    [manifest] = manifests(tmp_path)
    images = [image for record in exported(tmp_path, manifest) for image in record["images"]]
    assert len(images) > 20
    for image in images:
        stored = media / image["file"]["path"]
        assert hashlib.md5(stored.read_bytes()).hexdigest() == image["file"]["checksum"]
        assert stored.read_bytes().startswith(b"\x89PNG")
    for path in media.rglob("*"):
        assert path.resolve().is_relative_to(media.resolve())
    archived = {
        h["WARC-Target-URI"]
        for p in warcs(tmp_path, manifest)
        for k, h, _, _ in records(p)
        if k in ("response", "revisit")
    }
    assert {image["url"] for image in images} <= archived
