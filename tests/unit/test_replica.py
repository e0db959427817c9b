"""The replica: determinism, URL shapes, listings, links, the seed page and the awkward cases."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import UTC
from email.utils import format_datetime
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html
from parsel import Selector

from bhg_replica.catalog import SECTIONS, Catalog
from bhg_replica.content import ascii_slug, cms_slug, vn_number
from bhg_replica.errors import ReplicaError
from bhg_replica.site import Response, Site
from tests.helpers import SEEDS, visible_lines

ERA_A_URL = re.compile(r"^https://baohagiang\.vn/(?P<section>[A-Za-z/-]+)/(?P<month>\d{6})/(?P<slug>[a-z0-9-]+)-\d{6}$")
ERA_B_URL = re.compile(
    r"^https://baohagiang\.vn/(?P<section>[a-zA-Z/-]+)/(?P<month>\d{6})/(?P<slug>[a-z0-9-]+)-[0-9a-f]{7}$"
)
ARTICLE_ID = re.compile(r"-(\d{6}|[0-9a-f]{7})/?(?:\?|$)")
OLD_TUYEN_QUANG_URL = re.compile(
    r"^https://baotuyenquang\.com\.vn(?P<section>(?:/[a-z-]+){0,2})/[a-z0-9-]+-\d{6}\.html$"
)
CURRENT_TUYEN_QUANG_URL = re.compile(r"^https://baotuyenquang\.com\.vn(?:/[a-z-]+){1,2}/\d{6}/[a-z0-9-]+-[0-9a-f]{7}$")


def fetch(site: Site, url: str) -> Response:
    parts = urlsplit(url)
    return site.respond(parts.hostname or "", parts.path or "/", parts.query)


def resolve(site: Site, url: str) -> Response:
    """The answer at the end of the URL's redirects (the moved articles' 301s)."""
    response = fetch(site, url)
    for _ in range(3):
        if response.status != 301:
            break
        response = fetch(site, response.headers["Location"])
    return response


def links(page_url: str, body: bytes, css: str = "a") -> list[str]:
    selector = ", ".join(f"{part.strip()}::attr(href)" for part in css.split(","))
    return [urljoin(page_url, href) for href in Selector(text=body.decode()).css(selector).getall()]


ZALO_QUERY = re.compile(r"zarsrc=30&utm_source=zalo&utm_medium=zalo&utm_campaign=zalo&gidzl=[A-Za-z0-9_-]{40,}")


def listing_url(site: Site, slug: str, page: int = 1) -> str:
    return "https://baohagiang.vn" + site.catalog.listing_path(slug, page)


def article_id(url: str) -> str | None:
    match = ARTICLE_ID.search(urlsplit(url).path + ("?" if urlsplit(url).query else ""))
    return match.group(1) if match else None


def walk_listing(site: Site, first_url: str) -> list[str]:
    """Follow a section's "Trang sau" links to the end; the article ids in order, per page deduplicated."""
    ids: list[str] = []
    url: str | None = first_url
    while url:
        response = fetch(site, url)
        assert response.status == 200, url
        page_ids = dict.fromkeys(
            i for i in map(article_id, links(url, response.body, ".featured a, .list-news a")) if i
        )
        ids.extend(page_ids)
        following = links(url, response.body, ".pagination a.next")
        url = following[0] if following else None
    return ids


# -- determinism and scale ---------------------------------------------------------------------


def test_same_seed_and_size_give_byte_identical_pages(site: Site) -> None:
    again = Site(seed=1, articles=300)
    sample = list(site.catalog.live)[::37]
    urls = ["https://baohagiang.vn/", "https://baohagiang.vn/xa-hoi/trang-2.html", "https://en.baohagiang.vn/"]
    urls += [site.writer.canonical_url(s) for s in sample]
    for url in urls:
        assert fetch(site, url).body == fetch(again, url).body, url


def test_another_seed_gives_another_site(site: Site) -> None:
    other = Site(seed=2, articles=300)
    assert fetch(site, "https://baohagiang.vn/").body != fetch(other, "https://baohagiang.vn/").body


def test_size_is_checked() -> None:
    with pytest.raises(ReplicaError, match="between"):
        Catalog(1, 5)


def test_a_hundred_thousand_articles_are_indexed_and_served() -> None:
    big = Site(seed=1, articles=100_000)
    assert len(big.catalog.live) == 100_000
    assert len({s.article_id for s in big.catalog.slots}) == len(big.catalog.slots)
    newest = big.catalog.live[-1]
    assert resolve(big, big.writer.canonical_url(newest)).status == 200
    last_page = big.catalog.page_count("xa-hoi")
    assert fetch(big, f"https://baohagiang.vn/xa-hoi/trang-{last_page}.html").status == 200


# -- URL shapes --------------------------------------------------------------------------------


def test_both_eras_have_their_url_shapes_dates_and_ids(site: Site) -> None:
    eras: Counter[str] = Counter()
    era_a_ids: dict[str, list[int]] = {}
    for slot in site.catalog.slots:
        url = site.writer.canonical_url(slot)
        title = site.writer.title(slot)
        if slot.era == "A":
            match = ERA_A_URL.match(url)
            assert match, url
            assert 2014 <= slot.published.year <= 2021
            era_a_ids.setdefault(slot.month, []).append(int(slot.article_id))
        else:
            match = ERA_B_URL.match(url)
            assert match, url
            assert (2022, 1) <= (slot.published.year, slot.published.month) <= (2025, 6)
        assert match.group("month") == slot.published.strftime("%Y%m")
        hex_cms_slugs = {cms_slug(title, False), cms_slug(title, True)}  # run together, or "--"
        assert match.group("slug") in (hex_cms_slugs if slot.era == "B" else {ascii_slug(title)})
        eras[slot.era] += 1
    assert eras["A"] > 100
    assert eras["B"] > 50


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Khẳng định vai trò nền tảng của Đảng", "khang-dinh-vai-tro-nen-tang-cua-dang"),
        ("Kỳ họp thứ 12 HĐND tỉnh khóa XVIII", "ky-hop-thu-12-hdnd-tinh-khoa-xviii"),
        ("Giao quân năm 2024: 95 thanh niên", "giao-quan-nam-2024-95-thanh-nien"),
    ],
)
def test_slugs_fold_titles_to_ascii_and_keep_digits(title: str, slug: str) -> None:
    assert ascii_slug(title) == slug


@pytest.mark.parametrize(("value", "decimals", "text"), [(1726.8, 1, "1.726,8"), (19280, 0, "19.280")])
def test_numbers_are_written_the_vietnamese_way(value: float, decimals: int, text: str) -> None:
    assert vn_number(value, decimals) == text


# -- listings and links ------------------------------------------------------------------------


@pytest.mark.parametrize("section", [s.slug for s in SECTIONS])
def test_pagination_reaches_every_article_of_a_section_exactly_once(site: Site, section: str) -> None:
    def listed_in(slug: str) -> bool:  # a section lists its sub-sections' articles too
        return slug == section or slug.startswith(section + "/")

    expected = {s.article_id for s in site.catalog.live if any(listed_in(h.slug) for h in (s.section, s.also_in) if h)}
    ids = walk_listing(site, listing_url(site, section))
    assert len(ids) == len(set(ids))
    assert set(ids) == expected


def test_listings_are_newest_first_and_cover_the_whole_site(site: Site) -> None:
    seen: set[str] = set()
    for section in SECTIONS:
        ids = walk_listing(site, listing_url(site, section.slug))
        times = [site.catalog.by_id[i].published for i in ids]
        assert times == sorted(times, reverse=True)
        seen.update(ids)
    assert seen == {s.article_id for s in site.catalog.live}


def test_parent_sections_list_their_children(site: Site) -> None:
    ids = walk_listing(site, "https://baohagiang.vn/multimedia")
    assert set(walk_listing(site, "https://baohagiang.vn/kinh-te/")) == {
        s.article_id
        for s in site.catalog.live
        if {s.section.slug, s.also_in and s.also_in.slug} & {"kinh-te", "kinh-te/cong-nghiep"}
    }
    assert set(ids) == {s.article_id for s in site.catalog.live if s.section.slug.startswith("multimedia/")}


def test_every_link_on_listings_and_home_resolves(site: Site) -> None:
    pages = ["https://baohagiang.vn/", "https://en.baohagiang.vn/"]
    for slug in site.catalog.listings:
        pages += [listing_url(site, slug, n) for n in range(1, site.catalog.page_count(slug) + 1)]
    found = {url: page for page in pages for url in links(page, fetch(site, page).body)}
    checked = 0
    for url, page in found.items():
        if urlsplit(url).hostname in ("baohagiang.vn", "www.baohagiang.vn", "en.baohagiang.vn"):
            assert resolve(site, url).status == 200, f"{url} on {page}"
            checked += 1
    assert checked > 300  # distinct links


def test_article_links_resolve_except_related_links_to_deleted_articles(site: Site) -> None:
    dead: Counter[str] = Counter()
    pages = [site.writer.canonical_url(slot) for slot in site.catalog.live]
    found = {url: page for page in pages for url in links(page, fetch(site, page).body)}  # each link checked once
    for url, page in found.items():
        if urlsplit(url).hostname not in ("baohagiang.vn", "www.baohagiang.vn"):
            continue
        status = resolve(site, url).status
        target = site.catalog.by_id.get(article_id(url) or "")
        if target is not None and target.deleted:
            assert status == 404, url
            dead[url] += 1
        else:
            assert status == 200, f"{url} on {page}"
    assert dead, "some related blocks should point at deleted articles"


def test_view_by_date_lists_one_day(site: Site) -> None:
    slot = site.catalog.listings["xa-hoi"][3]
    url = f"https://baohagiang.vn/xa-hoi?date={slot.published:%Y-%m-%d}"
    ids = {article_id(u) for u in links(url, fetch(site, url).body, ".list-news a")}
    assert slot.article_id in ids
    assert all(site.catalog.by_id[i].published.date() == slot.published.date() for i in ids if i)


# -- the seed article --------------------------------------------------------------------------


def seed_slot(site: Site):  # type: ignore[no-untyped-def]
    return next(s for s in site.catalog.slots if s.pinned == 0)


def test_the_seed_page_holds_the_seed_text_exactly(site: Site) -> None:
    slot = seed_slot(site)
    assert ERA_A_URL.match(site.writer.canonical_url(slot))
    body = fetch(site, site.writer.canonical_url(slot)).body.decode()
    column = lxml_html.fromstring(body).cssselect(".col-left")[0]
    seed_text = (SEEDS / "000_a4aaadf90ddeff47.txt").read_text(encoding="utf-8")
    assert visible_lines(column) == [line for line in seed_text.split("\n") if line]


def test_the_seed_related_items_are_real_articles(site: Site) -> None:
    slot = seed_slot(site)
    page = site.writer.canonical_url(slot)
    related = links(page, fetch(site, page).body, ".box-related a")
    assert len(related) == 4
    for url in related:
        assert fetch(site, url).status == 200
    dates = [site.catalog.by_id[article_id(u) or ""].published for u in related]
    assert dates != sorted(dates)
    assert dates != sorted(dates, reverse=True)


# -- what a real archive has -------------------------------------------------------------------


def test_one_article_answers_at_several_urls(site: Site) -> None:
    slot = site.catalog.live[10]
    path = site.writer.path(slot)
    variants = [
        f"https://baohagiang.vn{path}",
        f"http://baohagiang.vn{path}",
        f"https://www.baohagiang.vn{path}",
        f"https://baohagiang.vn{path}/",
        f"https://baohagiang.vn{path}?zarsrc=30&utm_source=zalo&utm_medium=zalo&utm_campaign=zalo&gidzl=x0Yb-1",
    ]
    bodies = {fetch(site, url).body for url in variants}
    assert len(bodies) == 1


def test_pages_link_with_every_url_variant(site: Site) -> None:
    hrefs = []
    for slug in ("xa-hoi", "kinh-te", "thoi-su-chinh-tri", "van-hoa"):
        body = fetch(site, f"https://baohagiang.vn/{slug}").body
        hrefs += Selector(text=body.decode()).css(".list-news a::attr(href)").getall()
    assert any(h.startswith("http://baohagiang.vn/") for h in hrefs)
    assert any(h.startswith("https://www.baohagiang.vn/") for h in hrefs)
    assert any(h.endswith("/") for h in hrefs)
    assert any(h.startswith("/") for h in hrefs)
    shared = [h for h in hrefs if "?" in h]  # shared through Zalo and back [seen-3p]
    assert shared
    assert all(ZALO_QUERY.fullmatch(urlsplit(h).query) for h in shared)


def test_some_articles_are_listed_in_two_sections(site: Site) -> None:
    twice = [s for s in site.catalog.live if s.also_in is not None]
    assert twice
    slot = twice[0]
    for section in (slot.section.slug, slot.also_in.slug):  # type: ignore[union-attr]
        assert slot.article_id in walk_listing(site, listing_url(site, section))


def test_unknown_pages_and_hosts(site: Site) -> None:
    assert fetch(site, "https://baohagiang.vn/khong-co-trang-nay").status == 404
    assert fetch(site, "https://baohagiang.vn/xa-hoi/trang-999.html").status == 404
    assert fetch(site, "https://baohagiang.vn/xa-hoi/trang-x.html").status == 404
    assert fetch(site, "https://baohagiang.vn/english/news/?page=999").status == 404
    assert fetch(site, "https://baohagiang.vn/xa-hoi/202001/wrong-slug-123456").status == 404
    assert fetch(site, "https://example.com/").status == 502
    robots = fetch(site, "https://baohagiang.vn/robots.txt")
    assert robots.status == 200
    assert b"Disallow: /tim-kiem" in robots.body


def test_english_edition_on_both_hosts(site: Site) -> None:
    english = [s for s in site.catalog.live if s.section.language == "en"]
    assert len(english) >= 2
    slot = english[0]
    sub = slot.section.slug.removeprefix("english/")
    main_url = site.writer.canonical_url(slot)
    en_url = main_url.replace("https://baohagiang.vn/english/", "https://en.baohagiang.vn/")
    assert f"/english/{sub}/" in main_url
    assert fetch(site, main_url).body == fetch(site, en_url).body
    listing = f"https://en.baohagiang.vn/{sub}"
    assert en_url in links(listing, fetch(site, listing).body)


# -- what the article pages print --------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(site: Site) -> dict[str, str]:
    return {s.article_id: fetch(site, site.writer.canonical_url(s)).body.decode() for s in site.catalog.live}


def test_article_pages_print_every_form_the_site_uses(site: Site, pages: dict[str, str]) -> None:
    text = "\n".join(pages.values())
    nfc = unicodedata.normalize("NFC", text)
    assert re.search(r">\d\d:\d\d, \d\d/\d\d/\d{4}<", nfc)  # "10:04, 20/08/2020"
    assert re.search(r">Thứ [A-Za-zÀ-ỹ]+, \d\d/\d\d/\d{4}, \d\d:\d\d \(GMT\+7\)<", nfc)
    assert "HGĐT- " in nfc
    assert "BHG - " in nfc
    assert "BHG -&nbsp;" in nfc
    assert re.search(r"(Sáng|Chiều|Tối) \d{1,2}\.\d{1,2},", nfc)  # in-text dates "Sáng 11.12"
    assert re.search(r"\d\.\d{3},\d ha", nfc)  # "1.726,8 ha"
    assert "Kỳ 1: " in nfc
    assert "<h3>" in nfc
    for form in ("Bài, ảnh: ", "Bài và ảnh: ", "Bài: ", " - Ảnh: "):
        assert form in nfc, form
    assert '<table class="image center"' in nfc
    assert '<table align="center"><tbody>' in nfc
    assert re.search(r'alt="\d+\.png"', nfc)  # file names as alt
    assert " |</td>" in nfc
    assert "(Ảnh CTV)" in nfc
    assert "Ảnh: " in nfc
    assert "/file//dataimages/" in nfc
    assert "/file/4028eaa4679b32c401679c0c74382a7e/" in nfc
    assert "Cùng chuyên mục" in nfc


def test_head_metadata_on_some_pages_but_not_all(pages: dict[str, str]) -> None:
    with_meta = [p for p in pages.values() if 'rel="canonical"' in p]
    assert 0 < len(with_meta) < len(pages)
    assert all('property="og:title"' in p for p in with_meta)


def test_some_pages_are_decomposed_or_written_with_entities(pages: dict[str, str]) -> None:
    assert any(not unicodedata.is_normalized("NFC", p) for p in pages.values())
    assert any(re.search(r"&(agrave|ecirc|ocirc|#\d{4});", p) for p in pages.values())


def test_the_2014_lede_is_printed_twice_at_the_top_of_the_body(site: Site, pages: dict[str, str]) -> None:
    repeated = [site.writer.article(i) for i in pages if site.writer.article(i).repeat_lede]
    assert repeated
    article = repeated[0]
    first, second = Selector(text=pages[article.slot.article_id]).css("#content > p")[:2]
    assert first.css("span::text").get() == second.css("::text").get() == article.printed_lede
    assert article.printed_lede.startswith("HGĐT- ")
    assert site.expected_record(article.slot)["lede"] == article.lede  # the truth: one lede, no repeat


# -- the replica's clock ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def days() -> list[Site]:
    return [Site(seed=1, articles=2000, day=day) for day in range(3)]


def test_each_day_publishes_one_percent_more(days: list[Site]) -> None:
    before, after = days[0].catalog, days[1].catalog
    new = [s for s in after.live if s.article_id not in before.by_id]
    assert len(new) == 20
    assert {s.published.date().isoformat() for s in new} == {"2025-07-01"}
    assert after.now.isoformat() == "2025-07-01T23:00:00+07:00"
    for slot in before.live:  # the archive stays where it was
        assert days[1].writer.canonical_url(after.by_id[slot.article_id]) == days[0].writer.canonical_url(slot)
    first_pages = {s.article_id for slug in after.listings for s in after.listing_page(slug, 1)}
    assert {s.article_id for s in new} <= first_pages


def test_edits_add_a_correction_and_move_last_modified(days: list[Site]) -> None:
    catalog = days[2].catalog
    assert 1 <= len(catalog.edits) <= 10
    for article_id, times in catalog.edits.items():
        slot = catalog.by_id[article_id]
        assert all(slot.published < at <= catalog.now for at in times)
        now = resolve(days[2], days[2].writer.canonical_url(slot))  # at its new home if it moved
        was = resolve(days[0], days[2].writer.canonical_url(slot))  # 404 for an article of day 1
        paragraphs = days[2].writer.expected_record(slot)["paragraphs"]
        assert paragraphs[-1].startswith(("Cập nhật lúc", "Updated"))  # type: ignore[index]
        assert now.headers["Last-Modified"] == format_datetime(max(times).astimezone(UTC), usegmt=True)
        if was.status == 200:
            assert was.headers["ETag"] != now.headers["ETag"]
    unedited = next(s for s in days[0].catalog.live if s.article_id not in catalog.edits)
    url = days[0].writer.canonical_url(unedited)
    then, now = fetch(days[0], url), fetch(days[2], url)
    assert then.body != now.body  # the "Tin mới" sidebar moved on
    assert then.headers == now.headers  # but the article did not: the same weak ETag and Last-Modified
    assert then.headers["ETag"].startswith('W/"')


def test_conditional_requests_answer_304_when_current(site: Site) -> None:
    page = fetch(site, site.writer.canonical_url(site.catalog.live[5]))
    etag, modified = page.headers["ETag"], page.headers["Last-Modified"]
    assert page.conditional(etag, None).status == 304
    assert page.conditional(f'"stale", {etag}', None).status == 304
    assert page.conditional('"stale"', modified).status == 200  # If-None-Match wins over If-Modified-Since
    assert page.conditional(None, modified).status == 304
    assert page.conditional(None, "Mon, 01 Jan 2001 00:00:00 GMT").status == 200
    assert page.conditional(None, "not a date").status == 200
    not_modified = page.conditional(etag, None)
    assert not_modified.body == b""
    assert not_modified.headers == {"ETag": etag, "Last-Modified": modified}
    assert site.not_found().conditional("*", None).status == 404


def test_day_is_checked() -> None:
    with pytest.raises(ReplicaError, match="day must be between 0 and 3650, not -1"):
        Catalog(1, 300, day=-1)


def test_moved_articles_redirect_to_their_new_home_with_the_same_text(site: Site) -> None:
    assert len(site.moved) >= 3
    for slot in site.catalog.moved:
        old = site.writer.canonical_url(slot)
        response = fetch(site, old)
        assert response.status == 301
        new = response.headers["Location"]
        assert re.fullmatch(rf"https://baotuyenquang\.com\.vn/khu-vuc/{slot.month}/[a-z0-9-]+-{slot.article_id}", new)
        page = fetch(site, new)
        assert page.status == 200 and "Báo Tuyên Quang" in page.body.decode()
        here, there = site.writer.article(slot.article_id), site.successor.writer.article(slot.article_id)
        assert (there.title, there.printed_lede, there.paragraphs) == (here.title, here.printed_lede, here.paragraphs)
        assert there.printed_lede.startswith("BHG")
        assert slot.article_id in {s.article_id for s in site.successor.catalog.listings["khu-vuc"]}


def test_sister_sites_serve_their_sections_url_shapes_and_pages(site: Site) -> None:
    successor, made_up = site.successor, site.sisters["baonuixanh.vn"]
    old, current = OLD_TUYEN_QUANG_URL, CURRENT_TUYEN_QUANG_URL
    for slot in successor.catalog.live:
        url = successor.writer.canonical_url(slot)
        shape = old if slot.published.date().isoformat() < "2024-07-01" else current
        assert shape.match(url), url
    matches = [old.match(successor.writer.canonical_url(s)) for s in successor.catalog.live]
    shapes = Counter(bool(match["section"]) for match in matches if match)
    assert shapes[True] > shapes[False] > 0  # usually with a section path, some with none
    assert all(made_up.writer.path(s).endswith(".html") for s in made_up.catalog.live)
    for sister in (successor, made_up):
        host = sister.catalog.spec.host
        for slug in sister.catalog.listings:
            seen = []
            for n in range(1, sister.catalog.page_count(slug) + 1):
                if sister is made_up:
                    url = f"https://{host}/{slug}" + (f"?trang={n}" if n > 1 else "")
                else:
                    url = f"https://{host}" + sister.catalog.listing_path(slug, n)
                    assert "?" not in url and (n == 1 or url.endswith(f"/trang-{n}.html"))
                seen += [article_id(u.replace(".html", "")) for u in links(url, fetch(site, url).body)]
            assert {s.article_id for s in sister.catalog.listings[slug]} <= set(seen), (host, slug)
        for slot in sister.catalog.live[:20]:
            assert fetch(site, sister.writer.canonical_url(slot).replace(host, "www." + host)).status == 200
        assert fetch(site, f"https://{host}/khong-co-1234567.html").status == 404
    assert fetch(site, "https://baotuyenquang.com.vn/xa-hoi/trang-999.html").status == 404
    assert fetch(site, "https://baonuixanh.vn/chinh-tri?trang=999").status == 404
    longest = max(made_up.catalog.sections, key=lambda section: made_up.catalog.page_count(section.slug))
    assert made_up.catalog.page_count(longest.slug) >= 2
    assert "paging__next" in fetch(site, f"https://baonuixanh.vn/{longest.slug}").body.decode()
