"""Extraction on saved pages of both eras, and on the same pages with other class names and wrappers."""

from __future__ import annotations

import zlib
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.body import split_caption
from bhg_crawler.extract.byline import looks_like_byline, parse_byline
from bhg_crawler.extract.listing import ListingPage
from bhg_crawler.extract.record import ArticleRecord, build_record, content_sha256, validation_error
from bhg_crawler.extract.text import clean_text, parse_date, parse_timestamp
from bhg_crawler.sites.profiles import BAOHAGIANG
from bhg_crawler.sites.urls import article_url, canonical_url
from bhg_replica.site import Site
from tests.helpers import FETCHED, FIELDS, extract, saved, saved_page, saved_page_names

NAMES = saved_page_names()


def redesign(html: str) -> str:
    """The same content in other markup: every class and id renamed, the body wrapped twice more."""
    tree = lxml_html.fromstring(html)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("class", "id"):
            if value := element.get(attribute):
                element.set(attribute, f"x{zlib.crc32(value.encode()):x}")
    for table in list(tree.iter("table")):
        parent = table.getparent()
        assert parent is not None
        wrapper = lxml_html.Element("div", {"class": "figure-wrap"})
        parent.replace(table, wrapper)
        wrapper.append(table)
    return lxml_html.tostring(tree, encoding="unicode")


def test_every_form_has_a_saved_page() -> None:
    assert len(NAMES) >= 10


@pytest.mark.parametrize("name", NAMES)
def test_saved_page_gives_the_true_record(name: str) -> None:
    html, truth = saved(name)
    record = extract(html, truth["fetched_from"])
    assert validation_error(record) is None
    for field in FIELDS:
        assert record[field] == truth[field], field


@pytest.mark.parametrize("name", NAMES)
def test_other_class_names_and_wrappers_give_the_same_record(name: str) -> None:
    html, truth = saved(name)
    changed = redesign(html)
    assert 'id="content"' not in changed and 'class="content-detail"' not in changed
    record = extract(changed, truth["fetched_from"])
    template = truth.get("template", {})
    # Era A prints its lede as the body's first paragraph, in plain type: with no prefix and no description, only
    # the site's markup (#content > p) tells it apart from the body.
    unprefixed_in_body = template.get("family") == "bhg-era-a" and truth["lede_tag"] is None and truth["lede"]
    for field in FIELDS:
        if field in ("lede", "body_text") and unprefixed_in_body and "og:description" not in html:
            # Renamed, it stays in the body, whole.
            assert record["lede"] is None and record["body_text"] == f"{truth['lede']}\n\n{truth['body_text']}"
            continue
        assert record[field] == truth[field], field


def test_the_url_a_page_was_fetched_at_does_not_change_the_record() -> None:
    html, truth = saved("bhg-era-a-seed")
    variant = truth["fetched_from"].replace("https://", "http://www.") + "/?utm_source=zalo"
    assert extract(html, variant)["url"] == truth["url"]


def texts(record: ArticleRecord) -> list[str]:
    """Every text a record normalises: title, lede, byline, each paragraph, captions, credits, names, tags..."""
    found = [record["title"], record["lede"], record["byline"], record["section"]["name"], *record["tags"]]
    found += record["body_text"].split("\n\n")
    found += [text for image in record["images"] for text in (image["caption"], image["credit"])]
    found += [author["name"] for author in record["authors"]]
    found += [text for item in record["related"] for text in (item["title"], item["lede"])]
    return [text for text in found if text is not None]


def test_building_is_idempotent() -> None:
    html, truth = saved("bhg-era-a-entities")
    record = extract(html, truth["fetched_from"])
    assert extract(html, truth["fetched_from"]) == record  # the same page, the same record
    assert all(clean_text(text) == text for text in texts(record))  # normalised text normalises to itself
    assert record["word_count"] == len(record["body_text"].split())
    assert record["content_sha256"] == content_sha256(record["title"], record["lede"], record["body_text"])


def test_a_page_with_no_article_is_rejected_by_the_schema(site: Site) -> None:
    html = site.respond("baohagiang.vn", "/khong-co").body.decode()
    record = extract(html, "https://baohagiang.vn/khong-co")
    assert validation_error(record) is not None


def test_listing_entries_carry_their_times(site: Site) -> None:
    html = site.respond("baohagiang.vn", "/xa-hoi").body.decode()
    page = ListingPage(redesign(html), "https://baohagiang.vn/xa-hoi", BAOHAGIANG)
    listed = page.listed()
    truth = site.catalog.listing_page("xa-hoi", 1)
    assert [e.article.article_id for e in listed] == [s.article_id for s in truth]  # not the menu's, the sidebar's
    assert [e.published for e in listed] == [s.published for s in truth]
    assert len(page.entries()) > len(listed)
    assert page.next_page() == "https://baohagiang.vn/xa-hoi/trang-2.html"


# -- the small helpers, as tables ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:04, 20/08/2020", "2020-08-20T10:04:00+07:00"),
        ("Cập nhật: 7:05, 3/1/2015", "2015-01-03T07:05:00+07:00"),
        ("Thứ Bảy, 17/10/2020, 14:34 (GMT+7)", "2020-10-17T14:34:00+07:00"),
        ("Chủ Nhật, 01/06/2025, 08:00", "2025-06-01T08:00:00+07:00"),
        ("30/07/2020", None),
        ("99:99, 45/13/2020", None),
    ],
)
def test_timestamps(text: str, expected: str | None) -> None:
    stamp = parse_timestamp(text, BAOHAGIANG)
    assert (stamp.isoformat() if stamp else None) == expected


@pytest.mark.parametrize(("text", "expected"), [("30/07/2020", "2020-07-30"), ("10:04, 20/08/2020", "2020-08-20"),
                                                ("31/02/2020", None), ("no date", None)])  # fmt: skip
def test_dates(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Bài, ảnh: T.PHƯƠNG - N.PHƯƠNG", [("T.PHƯƠNG", ["text", "photo"]), ("N.PHƯƠNG", ["text", "photo"])]),
        ("Bài và ảnh: MINH HUỆ", [("MINH HUỆ", ["text", "photo"])]),
        ("Bài: VĂN LIÊN - Ảnh: HOÀNG HÀ", [("VĂN LIÊN", ["text"]), ("HOÀNG HÀ", ["photo"])]),
        ("Bài: KIM TIẾN - Ảnh: KIM TIẾN", [("KIM TIẾN", ["text", "photo"])]),
        ("THU PHƯƠNG", [("THU PHƯƠNG", ["text"])]),
        ("BIÊN HOÀNG - ĐỨC HOÀNG", [("BIÊN HOÀNG", ["text"]), ("ĐỨC HOÀNG", ["text"])]),
        ("Tin, ảnh: Nguyễn Văn A", [("Nguyễn Văn A", ["text", "photo"])]),
        ("Tin và ảnh: Nguyễn Văn A", [("Nguyễn Văn A", ["text", "photo"])]),
        ("Tin, ảnh: NGUYỄN VĂN AN", [("NGUYỄN VĂN AN", ["text", "photo"])]),
        ("TIN, ẢNH: NGUYỄN VĂN AN - LÊ HÀ", [("NGUYỄN VĂN AN", ["text", "photo"]), ("LÊ HÀ", ["text", "photo"])]),
        ("Ảnh, tin: Lê Hà", [("Lê Hà", ["text", "photo"])]),
        ("Tin: VĂN LIÊN - Ảnh: HOÀNG HÀ", [("VĂN LIÊN", ["text"]), ("HOÀNG HÀ", ["photo"])]),
        ("Tin: LÊ HÀ", [("LÊ HÀ", ["text"])]),
        ("", []),
    ],
)
def test_bylines(byline: str, authors: list[tuple[str, list[str]]]) -> None:
    assert parse_byline(byline) == [{"name": n, "roles": r} for n, r in authors]
    assert looks_like_byline(byline) == bool(authors)


@pytest.mark.parametrize("text", ["OCOP", "Từ khóa: du lịch", "Quang cảnh hội nghị.", "Bà con xã Lũng Cú cho biết"])
def test_not_bylines(text: str) -> None:
    assert not looks_like_byline(text) or text == "OCOP"


@pytest.mark.parametrize(
    ("printed", "caption", "credit"),
    [
        ("Du khách tham quan cột cờ Lũng Cú.", "Du khách tham quan cột cờ Lũng Cú.", None),
        ("Quang cảnh hội nghị. (Ảnh CTV)", "Quang cảnh hội nghị.", "CTV"),
        ("Quang cảnh hội nghị. Ảnh: Minh Tuấn", "Quang cảnh hội nghị.", "Minh Tuấn"),
        ("Quang cảnh hội nghị. (Ảnh CTV) |", "Quang cảnh hội nghị.", "CTV"),
        ("Học sinh trong giờ học. |", "Học sinh trong giờ học.", None),
    ],
)
def test_captions(printed: str, caption: str, credit: str | None) -> None:
    assert split_caption(printed) == (caption, credit)


@pytest.mark.parametrize(
    ("url", "canonical", "article_id"),
    [
        ("http://www.baohagiang.vn/xa-hoi/202112/trien-khai-785426/", "https://baohagiang.vn/xa-hoi/202112/trien-khai-785426", "785426"),
        ("https://baohagiang.vn/multimedia/truyen-hinh/202404/bao-ha-giang-67b4c0c?utm_source=zalo#top",
         "https://baohagiang.vn/multimedia/truyen-hinh/202404/bao-ha-giang-67b4c0c", "67b4c0c"),
        ("https://en.baohagiang.vn/Culture/202104/ha-giang-tea-780001", "https://baohagiang.vn/english/Culture/202104/ha-giang-tea-780001", "780001"),
        ("https://baohagiang.vn/xa-hoi", None, None),
        ("https://example.com/xa-hoi/202112/trien-khai-785426", None, None),
    ],
)  # fmt: skip
def test_article_urls(url: str, canonical: str | None, article_id: str | None) -> None:
    found = article_url(url, BAOHAGIANG)
    assert (found.canonical if found else None) == canonical
    assert (found.article_id if found else None) == article_id


def test_canonical_url_keeps_other_parameters_and_double_slashes() -> None:
    url = "https://www.baohagiang.vn/file//dataimages/202008/a.jpg?v=2&utm_medium=share"
    assert canonical_url(url, BAOHAGIANG) == "https://baohagiang.vn/file//dataimages/202008/a.jpg?v=2"


def test_saved_pages_are_what_the_replica_serves(site: Site) -> None:
    for name in NAMES:
        html, truth = saved(name)
        url = urlsplit(truth["fetched_from"])
        assert site.respond(url.hostname or "", url.path).body.decode() == html, name
        assert saved_page(name).with_suffix(".json").exists()


# The fields each template family's markup gives through its site's selectors: what the evidence names
# (site-notes, "Evidence from third-party crawlers"); the rest of every page the patterns read.
SELECTED: dict[str, set[str]] = {
    "bhg-era-a": {"published_at", "lede", "body_text"},  # div#date, div#content and its first paragraph
    "bhg-era-b": set(),  # its markup is unknown
    "btq-current": {"title", "published_at", "body_text"},  # h1.media-heading.title5, .date, div#content
    "btq-old": set(),  # its markup is unknown
    "bnx": {"title", "published_at", "lede", "body_text", "byline", "related", "tags"},  # the made-up sister's profile
}


@pytest.mark.parametrize("name", NAMES)
def test_each_record_says_how_it_was_extracted(name: str) -> None:
    html, truth = saved(name)
    served = extract(html, truth["fetched_from"])["extraction"]
    family = truth.get("template", {}).get("family", name.split("-", 1)[0])
    from_selectors = {"title", "published_at", "lede", "body_text", "byline", "related", "tags"} - set(
        served["fields_from_fallback"]
    )
    assert SELECTED[family] <= from_selectors, served
    assert (served["layer"] == "selectors") == (not served["fields_from_fallback"])
    redesigned = extract(redesign(html), truth["fetched_from"])["extraction"]
    assert redesigned["layer"] in ("patterns", "metadata")
    assert {"published_at", "body_text"} <= set(redesigned["fields_from_fallback"])


def unfamiliar(html: str, published_at: str) -> str:
    """The same content in markup no earlier layer reads: classes renamed, paragraphs as ``div``s, no
    metadata, and the time only in a ``<time>`` element that prints the date."""
    tree = lxml_html.document_fromstring(redesign(html))
    for element in tree.xpath("//meta|//script"):
        element.drop_tree()
    for element in tree.iter():
        if element.tag == "p":
            element.tag = "div"
        if element.text and parse_timestamp(element.text, BAOHAGIANG):
            when = datetime.fromisoformat(published_at)
            element.text = None
            element.insert(0, lxml_html.Element("time", {"datetime": published_at}))
            element[0].text = when.strftime("%d/%m/%Y")
    return lxml_html.tostring(tree, encoding="unicode")


@pytest.mark.parametrize("name", NAMES)
def test_the_generic_layer_reads_a_body_and_a_date_no_other_layer_finds(name: str) -> None:
    html, truth = saved(name)
    record = extract(unfamiliar(html, truth["published_at"]), truth["fetched_from"])
    assert record["extraction"]["layer"] == "generic"
    assert {"body_text", "title"} <= set(record["extraction"]["fields_from_fallback"])
    assert record["body_text"] == truth["body_text"]
    assert record["published_at"] == truth["published_at"]


def test_a_generic_date_outside_the_month_of_the_url_is_not_taken() -> None:
    html, truth = saved("bhg-era-a-seed")
    wrong = truth["published_at"].replace("2020-08", "2020-03")
    record = extract(unfamiliar(html, wrong), truth["fetched_from"])
    assert record["published_at"] is None
    assert validation_error(record) is not None  # rejected, not exported with a wrong date


def test_the_generic_layer_does_not_pass_page_furniture_off_as_a_body() -> None:
    site = Site(seed=5, articles=40, template="broken")
    for slot in site.catalog.live:
        path = site.writer.path(slot)
        page = ArticlePage(
            site.respond("baohagiang.vn", path).body.decode(), f"https://baohagiang.vn{path}", BAOHAGIANG
        )
        record = build_record(page.extracted(), FETCHED)
        assert record["body_text"] == "", path
        assert validation_error(record) is not None
