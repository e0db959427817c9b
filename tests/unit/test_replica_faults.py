"""The replica's faults: each acted out as asked, the content unchanged."""

from __future__ import annotations

import re
import socket
from collections import Counter
from collections.abc import Callable

import pytest

from bhg_replica import faults
from bhg_replica.errors import ReplicaError
from bhg_replica.server import ReplicaServer
from bhg_replica.site import Response, Site

TEXT = (
    "Lãnh đạo tỉnh làm việc với huyện Quản Bạ, Đồng Văn và Mèo Vạc: ượu, ễ, ỡ"  # every tone mark the code page splits
)


def slot_with(site: Site, kind: str) -> str:
    for slot in site.catalog.live:
        path = site.writer.path(slot)
        fault = site.fault_of(path)
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
        "meta_refresh_offsite": lambda r: (
            r.status == 200 and f'content="0; url={faults.OFFSITE}{path.lstrip("/")}"'.encode() in r.body
        ),
        "meta_refresh_self": lambda r: r.status == 200 and f'content="0; url={path}"'.encode() in r.body,
        "redirect_home": lambda r: r.status == 302 and r.headers["Location"] == "https://baohagiang.vn/",
        "not_found_200": lambda r: r.status == 200 and r.body == faulty.not_found().body,
        "maintenance_200": lambda r: r.status == 200 and "<h1>Hệ thống đang bảo trì</h1>" in r.body.decode(),
    }[kind]
    assert expected(answer), kind


def test_a_passing_fault_passes_and_the_content_never_changes() -> None:
    faulty = Site(seed=3, articles=600, fault_profile="mixed")  # its own: no answer given yet
    path = slot_with(faulty, "server_error")
    fault = faulty.fault_of(path)
    assert fault is not None and fault.times >= 1
    answers = [faulty.respond("baohagiang.vn", path).status for _ in range(fault.times + 1)]
    assert answers[-1] == 200 and all(status >= 500 for status in answers[:-1])
    assert Site(seed=3, articles=600).fault_of(path) is None
    assert "Disallow: /the-thao/" in faulty.respond("baohagiang.vn", "/robots.txt").body.decode()


def test_windows_1258_reads_back_as_the_same_text() -> None:
    encoded = faults.windows_1258(TEXT)
    assert encoded.decode("cp1258") != TEXT  # tone marks apart from their letters
    import unicodedata

    assert unicodedata.normalize("NFC", encoded.decode("cp1258")) == TEXT


def test_a_maintenance_page_passes_and_a_page_that_says_gone_lasts() -> None:
    faulty = Site(seed=3, articles=600, fault_profile="mixed")
    down, gone = slot_with(faulty, "maintenance_200"), slot_with(faulty, "not_found_200")
    fault = faulty.fault_of(down)
    assert fault is not None and fault.times >= 1
    bodies = [faulty.respond("baohagiang.vn", down).body for _ in range(fault.times + 1)]
    assert all("bảo trì" in b.decode() for b in bodies[:-1]) and "bảo trì" not in bodies[-1].decode()
    assert {faulty.respond("baohagiang.vn", gone).body for _ in range(4)} == {faulty.not_found().body}
    assert set(faults.KINDS) > faults.GONE and not faults.GONE & faults.TRANSIENT


ROBOTS = "User-agent: *\nDisallow: /tim-kiem\nDisallow: /admin/\n"


@pytest.mark.parametrize(
    ("profile", "status", "body", "cut"),
    [
        ("none", 200, ROBOTS, None),
        ("mixed", 200, ROBOTS + "Disallow: /the-thao/\n", None),
        ("crawl-delay", 200, ROBOTS + "Crawl-delay: 1\n", None),
        ("robots-503", 503, "<h1>503 Service Temporarily Unavailable</h1>", None),
        ("robots-404", 404, "<h1>Không tìm thấy trang</h1>", None),
        ("robots-unreachable", 200, "", "unanswered"),
    ],
)
def test_robots_txt_answers_as_the_profile_says(profile: str, status: int, body: str, cut: str | None) -> None:
    site = Site(seed=3, articles=60, fault_profile=profile)
    for host in ("baohagiang.vn", "www.baohagiang.vn"):
        answer = site.respond(host, "/robots.txt")
        assert (answer.status, answer.cut) == (status, cut)
        assert answer.body.decode() == body if status == 200 else body in answer.body.decode()
    english = site.respond("en.baohagiang.vn", "/robots.txt")
    assert english.status == status and english.cut == cut  # the English host's robots.txt too
    assert site.faults.share == 0.0 or profile == "mixed"  # a whole-site profile faults no article
    kind = {"robots-503": "robots_503", "robots-404": "robots_404", "robots-unreachable": "robots_unreachable",
            "crawl-delay": "crawl_delay"}.get(profile)  # fmt: skip
    assert dict(site.injected) == ({kind: 3} if kind else {})


def test_an_unanswered_robots_txt_resets_the_connection_before_a_byte() -> None:
    server = ReplicaServer(Site(seed=3, articles=60, fault_profile="robots-unreachable"), "127.0.0.1", 0)
    server.start_background()
    try:
        host, port = server.server_address[:2]
        with socket.create_connection((str(host), int(port)), timeout=5) as client:
            client.sendall(b"GET http://baohagiang.vn/robots.txt HTTP/1.1\r\nHost: baohagiang.vn\r\n\r\n")
            with pytest.raises(ConnectionResetError):  # not a byte, then a reset
                client.recv(1024)
        with socket.create_connection((str(host), int(port)), timeout=5) as client:
            client.sendall(b"GET http://baohagiang.vn/xa-hoi HTTP/1.1\r\nHost: baohagiang.vn\r\n\r\n")
            assert client.recv(12) == b"HTTP/1.1 200"  # the rest of the site answers
    finally:
        server.shutdown()
        server.server_close()


def links_to_next(answer: Response) -> list[str]:
    return re.findall(r'class="next" href="([^"]+)"', answer.body.decode())


def listed_ids(site: Site, answer: Response) -> set[str]:
    """The articles a listing page lists: those linked between its featured item (or its list) and its pagination."""
    page = answer.body.decode()
    start = min(at for at in (page.find('class="featured"'), page.find('class="list-news"')) if at >= 0)
    found = set(re.findall(r"-([0-9a-f]{7}|\d{6})/?[?\"]", page[start : page.index('class="pagination"')]))
    return found & {slot.article_id for slot in site.catalog.live}


def asked(site: Site, path_and_query: str) -> Response:
    path, _, query = path_and_query.partition("?")
    return site.respond("baohagiang.vn", path, query)


@pytest.mark.parametrize("profile", ["endless-pages", "empty-pages"])
@pytest.mark.parametrize("slug", ["xa-hoi", "kinh-te/cong-nghiep", "english/news"])
def test_pages_past_a_listings_end_answer_as_the_profile_says(profile: str, slug: str) -> None:
    site, clean = Site(seed=3, articles=600, fault_profile=profile), Site(seed=3, articles=600)
    count = site.catalog.page_count(slug)
    last = asked(site, site.catalog.listing_path(slug, count))
    assert links_to_next(last) == [f"https://baohagiang.vn{site.catalog.listing_path(slug, count + 1)}"]
    assert listed_ids(site, last) == {slot.article_id for slot in site.catalog.listing_page(slug, count)}
    for number in (count + 1, count + 7):
        path = site.catalog.listing_path(slug, number)
        assert asked(clean, path).status == 404  # without the fault: no such page
        past = asked(site, path)
        assert past.status == 200
        assert links_to_next(past) == [f"https://baohagiang.vn{site.catalog.listing_path(slug, number + 1)}"]
        again = listed_ids(site, last) if profile == "endless-pages" else set()
        assert listed_ids(site, past) == again
    assert site.injected == {profile.replace("-", "_"): 2}
    first = site.catalog.listing_path(slug, 1)
    if count > 1:  # pages before the last are as ever
        assert asked(site, first).body == asked(clean, first).body


def test_every_profile_is_named_and_whole_site_ones_fault_no_article() -> None:
    assert set(faults.PROFILES) == {"none", "mixed", "robots-503", "robots-404", "robots-unreachable",
                                    "crawl-delay", "endless-pages", "empty-pages"}  # fmt: skip
    for name, profile in faults.PROFILES.items():
        assert profile.name == name and profile.robots in faults.ROBOTS and profile.listings in faults.LISTINGS
        assert (profile.share > 0) == (name == "mixed")
    with pytest.raises(ReplicaError, match="faults must be one of none, mixed, robots-503"):
        faults.profile_named("robots-500")


def test_the_draw_deals_every_kind_and_is_the_same_for_the_same_site() -> None:
    paths = [f"/xa-hoi/202506/bai-{n}-{n:07x}" for n in range(400)]
    mixed = faults.PROFILES["mixed"]
    plan = faults.dealt(7, mixed, paths)
    assert plan == faults.dealt(7, mixed, list(reversed(paths)))  # the order the paths come in is no matter
    assert plan != faults.dealt(8, mixed, paths)
    assert 0.2 < len(plan) / len(paths) < 0.4  # the profile's share, 0.3
    counts = Counter(fault.kind for fault in plan.values())
    assert set(counts) == set(faults.KINDS) and max(counts.values()) - min(counts.values()) <= 1
    assert all((fault.times > 0) == (fault.kind in faults.TRANSIENT) for fault in plan.values())
    assert faults.dealt(7, faults.PROFILES["endless-pages"], paths) == {}
    site = Site(seed=3, articles=600, fault_profile="mixed")
    path = next(iter(site.fault_plan))
    assert site.fault_of(path + "/") == site.fault_of(path) is not None
