"""The replica's template families: each prints what its evidence says, the truth is on every page where the family
prints it, pages weigh what real ones do, and the forms of paging, robots.txt, slugs, sections and links."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import cast
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from bhg_replica.content import cms_slug, reader_text
from bhg_replica.families import BHG_ERA_A, BHG_ERA_B, BTQ_OLD, FAMILIES
from bhg_replica.families.base import category_id
from bhg_replica.site import Site
from tests.helpers import FamilyPage, family_pages, page_text

# What the evidence says each family prints: (family, CSS selector every page of the family matches, evidence).
EVIDENCE = [
    ("bhg-era-a", "div#date", "[seen-3p] 2019-2020: the time in the element of id date"),
    ("bhg-era-a", "div#content", "[seen-3p] 2019-2020: the body"),
    ("bhg-era-a", "div#content > p:first-child > span", "[seen-3p] 2019-2020: the lede, the body's first paragraph"),
    ("bhg-era-b", "#content > p, .content-detail > p", "[seen-3p] 2026, the CMS family: the body"),
    ("btq-current", "div.article_content > h1.media-heading.title5", "[seen-3p] Feb 2026: the title"),
    ("btq-current", "div.article_content > div.date", "[seen-3p] Feb 2026: the time"),
    ("btq-current", "div.article_content > ul.social", "[seen-3p] Feb 2026: the share buttons"),
    ("btq-current", "div.article_content > div.content#content", "[seen-3p] Feb 2026: the body"),
    ("btq-current", "div.article_content > div.bd02:last-child", "[seen-3p] Feb 2026: the trailing block"),
    ("btq-current", "#content > p:first-child > strong", "[seen-3p] Feb 2026: the lede, the first bold paragraph"),
    ("btq-current", "div.cate_title_1 h2 a.title", "[seen-3p] Feb 2026: the section"),
    ("btq-old", "div.post-detail > div.post-sapo", "a guess: the old CMS's sapo"),
]


@pytest.fixture(scope="module")
def pages(site: Site) -> list[tuple[FamilyPage, str]]:
    return [(page, page.html(site)) for page in family_pages(site)]


def of_family(pages: list[tuple[FamilyPage, str]], name: str) -> list[tuple[FamilyPage, str]]:
    found = [(page, html) for page, html in pages if page.family.name == name]
    assert len(found) >= 10, name
    return found


def text_of(element: lxml_html.HtmlElement) -> str:
    return unicodedata.normalize("NFC", reader_text(element.text_content()))


def test_every_family_has_pages(pages: list[tuple[FamilyPage, str]]) -> None:
    assert {page.family.name for page, _ in pages} == set(FAMILIES)


@pytest.mark.parametrize(("family", "css", "evidence"), EVIDENCE)
def test_each_family_prints_what_its_evidence_says(
    pages: list[tuple[FamilyPage, str]], family: str, css: str, evidence: str
) -> None:
    for page, html in of_family(pages, family):
        assert lxml_html.fromstring(html).cssselect(css), (page.url, evidence)


def lede_element(page: FamilyPage, html: str) -> lxml_html.HtmlElement:
    """Where the family prints the lede: the body's first paragraph, or the sapo apart from the body."""
    tree = lxml_html.fromstring(html)
    if page.family.sapo_apart(page.slot.article_id):
        sapo = lxml_html.fromstring(page.family.markup(page.slot.article_id).sapo.format("x"))
        css = str(sapo.tag) + "".join(f".{name}" for name in sapo.get("class", "").split())
        [found] = tree.cssselect(css)
        return found
    first: lxml_html.HtmlElement = tree.cssselect(page.family.body_css)[0].cssselect("p")[0]
    return first


def test_the_lede_is_where_the_family_prints_it(pages: list[tuple[FamilyPage, str]]) -> None:
    apart: Counter[str] = Counter()
    for page, html in pages:
        article = page.writer.article(page.slot.article_id)
        element = lede_element(page, html)
        assert text_of(element) == reader_text(article.printed_lede), page.url
        in_body = not page.family.sapo_apart(page.slot.article_id)
        if in_body and page.family is not BHG_ERA_A:  # the hex-id CMS: the body's first paragraph, in bold
            assert element[0].tag == "strong", page.url
        apart[page.family.name] += not in_body
    assert apart["bhg-era-a"] == apart["btq-current"] == 0
    assert 0.1 < apart["bhg-era-b"] / len(of_family(pages, "bhg-era-b")) < 0.4  # a separate sapo on some
    assert apart["btq-old"] == len(of_family(pages, "btq-old"))


def test_ledes_carry_their_paper_s_prefix(pages: list[tuple[FamilyPage, str]], site: Site) -> None:
    tags: dict[str, Counter[str | None]] = {}
    for page, _ in pages:
        tags.setdefault(page.family.name, Counter())[page.writer.article(page.slot.article_id).lede_tag] += 1
    assert set(tags["bhg-era-a"]) == {"BHG", "HGĐT", None}
    assert set(tags["bhg-era-b"]) == {"BHG", None}
    assert tags["btq-old"] == Counter({None: len(of_family(pages, "btq-old"))})  # no "BTQ - ": attested nowhere
    assert tags["btq-current"] == Counter({None: tags["btq-current"][None], "BHG": len(site.moved)})
    assert not any("BTQ -" in html for _, html in pages)


def test_the_truth_is_printed_on_every_page_in_order(pages: list[tuple[FamilyPage, str]]) -> None:
    for page, html in pages:
        truth = page.writer.expected_record(page.slot)
        text = page_text(html)
        at = text.index(cast(str, truth["title"]))
        at = text.index(cast(str, truth["lede"]), at)
        for paragraph in cast(list[str], truth["paragraphs"]):
            at = text.index(unicodedata.normalize("NFC", reader_text(paragraph)), at)
        for image in cast(list[dict[str, str]], truth["images"]):
            assert image["url"].startswith(page.writer.origin + "/")
            if image["caption"]:
                assert image["caption"] in text
        if truth["byline"]:
            assert text.index(cast(str, truth["byline"]), at) > 0
        for item in cast(list[dict[str, str]], truth["related"]):
            assert item["title"] in text and item["lede"] in text, page.url


def test_era_a_varies_its_title_element_and_era_b_its_template(pages: list[tuple[FamilyPage, str]]) -> None:
    for family in (BHG_ERA_A, BHG_ERA_B):
        used = Counter(family.markup(page.slot.article_id).name for page, _ in of_family(pages, family.name))
        assert set(used) == {markup.name for markup in family.variants}, family.name
    assert len(BHG_ERA_A.variants) >= 3 and len(BHG_ERA_B.variants) >= 3
    for page, html in of_family(pages, "bhg-era-a"):
        title = lxml_html.fromstring(html).cssselect("h1.title, #title h1, h2.news-title, div.title")
        assert [text_of(e) for e in title] == [reader_text(page.writer.title(page.slot))]


def test_images_are_ckeditor_tables_or_old_figures(pages: list[tuple[FamilyPage, str]]) -> None:
    boxes = {"bhg-era-a": "table.image.center", "bhg-era-b": "table[align=center] > tbody",
             "btq-current": "table[align=center] > tbody", "btq-old": "figure.image"}  # fmt: skip
    for page, html in pages:
        images = page.writer.article(page.slot.article_id).images
        found = lxml_html.fromstring(html).cssselect(boxes[page.family.name])
        assert len(found) == len(images), page.url
        for box, image in zip(found, images, strict=True):
            alt = box.cssselect("img")[0].get("alt", "")
            assert unicodedata.normalize("NFC", alt) == image.alt  # alt repeats the caption [seen]
    old_images = [
        i.src for page, _ in of_family(pages, "btq-old") for i in page.writer.article(page.slot.article_id).images
    ]
    assert old_images and all(re.fullmatch(r"/media/images/\d{4}/\d\d/img_\d+\.jpg", src) for src in old_images)


def test_the_section_of_a_tuyen_quang_page_carries_its_category_id(pages: list[tuple[FamilyPage, str]]) -> None:
    nested = 0
    for page, html in of_family(pages, "btq-current"):
        [link] = lxml_html.fromstring(html).cssselect("div.cate_title_1 h2 a.title")
        slug = page.slot.section.slug
        assert link.get("class", "").split() == ["title", category_id("baotuyenquang.com.vn", slug)]
        assert urlsplit(link.get("href", "")).path.strip("/") == slug
        nested += "/" in slug
    assert nested


# -- weights --------------------------------------------------------------------------------------------------------


def test_pages_weigh_what_real_ones_do(site: Site, pages: list[tuple[FamilyPage, str]]) -> None:
    """An article page of a sister paper weighed about 51 KB [seen]: article pages 40 to 60 KB, listings more."""
    weights = {page.family.name: [] for page, _ in pages}  # type: dict[str, list[int]]
    for page, html in pages:
        weights[page.family.name].append(len(html.encode()))
    for family, sizes in weights.items():
        assert min(sizes) >= 40_000 and max(sizes) <= 60_000, family
    for host in ("baohagiang.vn", "baotuyenquang.com.vn"):
        for path in ("/xa-hoi", "/xa-hoi/trang-2.html", "/kinh-te/"):
            assert 40_000 <= len(site.respond(host, path).body) <= 80_000, (host, path)
        assert 60_000 <= len(site.respond(host, "/").body) <= 160_000


# -- paging, robots.txt, slugs, sections, links ------------------------------------------------------------------------


def next_links(site: Site, host: str, path: str) -> list[str]:
    tree = lxml_html.fromstring(site.respond(host, urlsplit(path).path, urlsplit(path).query).body.decode())
    return [a.get("href", "") for a in tree.cssselect(".pagination a.next")]


def test_listings_are_paged_by_path_and_a_few_by_query() -> None:
    site = Site(seed=1, articles=5000)  # every section long enough for two pages
    assert next_links(site, "baohagiang.vn", "/xa-hoi") == ["https://baohagiang.vn/xa-hoi/trang-2.html"]
    assert next_links(site, "baohagiang.vn", "/kinh-te/cong-nghiep/") == [
        "https://baohagiang.vn/kinh-te/cong-nghiep/trang-2.html"
    ]
    assert next_links(site, "baotuyenquang.com.vn", "/xa-hoi") == ["https://baotuyenquang.com.vn/xa-hoi/trang-2.html"]
    assert next_links(site, "baohagiang.vn", "/media-bhg") == ["https://baohagiang.vn/media-bhg?page=2"]  # a guess
    assert next_links(site, "en.baohagiang.vn", "/Culture") == ["https://en.baohagiang.vn/Culture?page=2"]
    assert site.respond("baohagiang.vn", "/xa-hoi/trang-2.html").body != site.respond("baohagiang.vn", "/xa-hoi").body
    assert site.respond("baohagiang.vn", "/xa-hoi", "page=2").body == site.respond("baohagiang.vn", "/xa-hoi").body
    assert site.respond("baohagiang.vn", "/media-bhg/trang-2.html").status == 404
    query_paged = {s.slug for s in site.catalog.sections if site.catalog.paged_by_query(s.slug)}
    assert 0 < len(query_paged) < len(site.catalog.sections) / 2  # a minority


def test_one_host_answers_robots_txt_with_404(site: Site) -> None:
    statuses = {host: site.respond(host, "/robots.txt").status for host in
                ("baohagiang.vn", "en.baohagiang.vn", "baotuyenquang.com.vn", "baonuixanh.vn")}  # fmt: skip
    assert statuses == {"baohagiang.vn": 200, "en.baohagiang.vn": 200, "baotuyenquang.com.vn": 404,
                        "baonuixanh.vn": 200}  # fmt: skip


def test_slugs_run_words_together_or_double_hyphens_on_the_hex_id_cms(pages: list[tuple[FamilyPage, str]]) -> None:
    forms: Counter[str] = Counter()
    for page, _ in pages:
        title, slug = page.writer.title(page.slot), page.writer.slug(page.slot)
        assert slug in (cms_slug(title, False), cms_slug(title, True))
        if "\xa0" in title:
            assert page.family.name in ("bhg-era-b", "btq-current")
            assert reader_text(title) == page.writer.expected_record(page.slot)["title"]  # a reader sees a space
            forms["run together"] += 1
        if "--" in slug:
            forms["double hyphen"] += 1
    assert forms["run together"] and forms["double hyphen"]


@pytest.mark.parametrize(
    ("host", "listing", "sub"),
    [("baohagiang.vn", "/kinh-te/cong-nghiep/", "kinh-te/cong-nghiep"),
     ("baotuyenquang.com.vn", "/thoi-su-chinh-tri/tin-tuc/", "thoi-su-chinh-tri/tin-tuc")],
)  # fmt: skip
def test_nested_sections_list_their_articles_under_a_trailing_slash(
    site: Site, host: str, listing: str, sub: str
) -> None:
    catalog = site.catalog if host == "baohagiang.vn" else site.successor.catalog
    assert site.respond(host, listing).status == site.respond(host, listing.rstrip("/")).status == 200
    home = site.respond(host, "/").body.decode()
    assert f'href="https://{host}{listing}"' in home  # the menu links the sub-section with its trailing slash
    articles = [s for s in catalog.live if s.section.slug == sub]
    assert articles
    parent = catalog.listings[sub.split("/")[0]]
    assert all(slot in parent for slot in articles)


def test_some_links_carry_zalo_tracking_and_still_resolve(site: Site) -> None:
    found = []
    for host in ("baohagiang.vn", "baotuyenquang.com.vn"):
        for path in ("/", "/xa-hoi", "/kinh-te/"):
            tree = lxml_html.fromstring(site.respond(host, path).body.decode())
            found += [a.get("href", "") for a in tree.cssselect("a[href*=gidzl]")]
    assert len(found) > 5
    for url in found:
        parts = urlsplit(url)
        assert parts.query.startswith("zarsrc=30&utm_source=zalo&utm_medium=zalo&utm_campaign=zalo&gidzl=")
        assert site.respond(parts.hostname or "", parts.path, parts.query).status in (200, 301)


def test_listing_and_home_links_carry_title_classes(site: Site) -> None:
    for host in ("baohagiang.vn", "baotuyenquang.com.vn"):
        for path in ("/", "/xa-hoi"):
            tree = lxml_html.fromstring(site.respond(host, path).body.decode())
            main = tree.cssselect("main .main-col")[0]
            linked = [a for a in main.cssselect("h2 a, h3 a") if a.get("href", "").startswith(("http", "/"))]
            article_links = [
                a for a in linked if re.search(r"-([0-9a-f]{7}|\d{6})(\.html)?/?(\?|$)", a.get("href", ""))
            ]
            assert article_links
            assert all(re.fullmatch(r"title[1-5]", a.get("class", "")) for a in article_links), (host, path)


def test_families_are_deterministic_by_seed(site: Site, pages: list[tuple[FamilyPage, str]]) -> None:
    again = Site(seed=1, articles=300)
    for page, html in pages[::7]:
        assert page.html(again) == html, page.url
    assert BTQ_OLD.markup("172000") == BTQ_OLD.variants[0]
