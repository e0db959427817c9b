"""The replica's faults: each acted out as asked, the content unchanged."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bhg_replica import faults
from bhg_replica.site import Response, Site

TEXT = (
    "Lãnh đạo tỉnh làm việc với huyện Quản Bạ, Đồng Văn và Mèo Vạc: ượu, ễ, ỡ"  # every tone mark the code page splits
)


def slot_with(site: Site, kind: str) -> str:
    for slot in site.catalog.live:
        path = site.writer.path(slot)
        fault = faults.fault_of(site.catalog.seed, site.faults, path)
        if fault is not None and fault.kind == kind:
            return path
    raise AssertionError(f"no article with {kind}")


@pytest.fixture(scope="module")
def faulty() -> Site:
    return Site(seed=3, articles=600, fault_profile="mixed")


@pytest.mark.parametrize("kind", faults.KINDS)
def test_each_fault_is_acted_out(faulty: Site, kind: str) -> None:
    path = slot_with(faulty, kind)
    clean = Site(seed=3, articles=600).respond("baohagiang.vn", path)
    answer = faulty.respond("baohagiang.vn", path)
    assert faulty.injected[kind] >= 1
    expected: Callable[[Response], bool] = {
        "server_error": lambda r: r.status in (500, 502, 504),
        "rate_limited": lambda r: r.status == 429 and r.headers["Retry-After"] == "1",
        "timeout": lambda r: r.delay == faults.TIMEOUT_SECONDS and r.body == clean.body,
        "slow": lambda r: r.trickle == faults.SLOW_SECONDS and r.body == clean.body,
        "reset": lambda r: r.cut == "reset",
        "truncated": lambda r: r.cut == "truncate",
        "empty": lambda r: r.status == 200 and r.body == b"",
        "garbage": lambda r: r.status == 200 and b"<html" not in r.body,
        "cp1258_as_utf8": lambda r: r.body == faults.windows_1258(clean.body.decode()) and "utf-8" in r.content_type,
        "utf8_as_cp1258": lambda r: r.body == clean.body and r.content_type.endswith("windows-1258"),
        "redirect_loop": lambda r: r.status == 302 and r.headers["Location"] == path,
        "offsite_redirect": lambda r: r.status == 302 and r.headers["Location"].startswith(faults.OFFSITE),
        "huge": lambda r: len(r.body) > faults.HUGE_BYTES,
        "gzip_bomb": lambda r: r.headers["Content-Encoding"] == "gzip" and len(r.body) < 1_000_000,
        "not_html": lambda r: r.content_type == "application/pdf",
        "malformed": lambda r: b"\x00" in r.body and len(r.body) < len(clean.body),
    }[kind]
    assert expected(answer), kind


def test_a_passing_fault_passes_and_the_content_never_changes() -> None:
    faulty = Site(seed=3, articles=600, fault_profile="mixed")  # its own: no answer given yet
    path = slot_with(faulty, "server_error")
    fault = faults.fault_of(3, faulty.faults, path)
    assert fault is not None and fault.times >= 1
    answers = [faulty.respond("baohagiang.vn", path).status for _ in range(fault.times + 1)]
    assert answers[-1] == 200 and all(status >= 500 for status in answers[:-1])
    assert faults.fault_of(3, faults.profile_named("none"), path) is None
    assert "Disallow: /the-thao/" in faulty.respond("baohagiang.vn", "/robots.txt").body.decode()


def test_windows_1258_reads_back_as_the_same_text() -> None:
    encoded = faults.windows_1258(TEXT)
    assert encoded.decode("cp1258") != TEXT  # tone marks apart from their letters
    import unicodedata

    assert unicodedata.normalize("NFC", encoded.decode("cp1258")) == TEXT
