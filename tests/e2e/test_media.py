"""Article images downloaded into paths made of a hash: inside their folder whatever the URL says."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.helpers import bhg_run, exported, manifests, replica, warc_records, warcs


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
        for k, h, _, _ in warc_records(p)
        if k in ("response", "revisit")
    }
    assert {image["url"] for image in images} <= archived
