"""Stored image paths: a hash of the URL, inside their folder, with a known extension; the manifest's media files."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from bhg_crawler.archive.media import ImagesToFiles, media_path
from bhg_crawler.runs.files import run_of
from bhg_crawler.spiders.bhg import BhgSpider
from tests.helpers import project_crawler

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


IMAGES = ["https://baohagiang.vn/a.jpg", "https://baohagiang.vn/b.png", "https://baohagiang.vn/c.jpg"]


@pytest.mark.parametrize(
    ("media", "listed_as"),
    [("exports/media", "media/{}"), ("media", "{root}/media/{}")],
    ids=["inside the exports", "outside"],
)
def test_the_manifest_lists_each_file_the_records_name_once(media: str, listed_as: str, tmp_path: Path) -> None:
    """Two records share an image; a third image could not be fetched; a fourth file was stored, then removed."""
    crawler = project_crawler(BhgSpider, BHG_MEDIA=str(tmp_path / media), BHG_EXPORTS=str(tmp_path / "exports"))
    pipeline = ImagesToFiles.from_crawler(crawler)
    stored = {url: {"url": url, "path": media_path(url), "checksum": "md5", "status": "downloaded"} for url in IMAGES}
    for url in IMAGES[:2]:
        (tmp_path / media / media_path(url)).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / media / media_path(url)).write_bytes(url.encode())
    items: list[dict[str, Any]] = [
        {"images": [{"url": IMAGES[0]}, {"url": IMAGES[1]}]},
        {"images": [{"url": IMAGES[0]}, {"url": "https://baohagiang.vn/gone.jpg"}]},
        {"images": [{"url": IMAGES[2]}]},  # stored, then removed from the folder
    ]
    failed = {"url": "https://baohagiang.vn/gone.jpg"}
    for item in items:
        results = [(image["url"] in stored, stored.get(image["url"], failed)) for image in item["images"]]
        pipeline.item_completed(results, item, None)  # type: ignore[arg-type]
    assert run_of(crawler).listers == [pipeline.manifest_entries]
    expected = [
        {"path": listed_as.format(media_path(url), root=tmp_path.resolve()), "kind": "media", "url": url,
         "sha256": hashlib.sha256(url.encode()).hexdigest(), "bytes": len(url.encode())}
        for url in sorted(IMAGES[:2], key=media_path)
    ]  # fmt: skip
    assert pipeline.manifest_entries() == expected
