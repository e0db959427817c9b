"""Site profiles as data: the built-in ones, profile folders (BHG_PROFILES), and what a bad profile says."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bhg_crawler.app.cli import _spider_args, build_parser, main
from bhg_crawler.core.errors import ConfigError
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.sites.profiles import BUILT_IN, PROFILES, Pagination, get_profile, load_profile
from bhg_crawler.sites.urls import (
    ArticleUrl,
    article_url,
    canonical_url,
    listing_url,
    page_number,
    section_of,
    within_sections,
)
from tests.helpers import SITES

MINIMAL = """
name = "made-up.vn"
canonical_host = "made-up.vn"
hosts = ["made-up.vn"]
article_paths = ['^/(?P<section>[a-z-]+)/(?P<slug>[a-z0-9-]+)-(?P<id>\\d+)\\.htm$']
lede_prefix = '^(?P<tag>MU) - '
title_suffix = ' - Made Up$'
[sections]
"tin-tuc" = "Tin tức"
"""


def test_the_built_in_profiles() -> None:
    assert sorted(PROFILES) == ["baohagiang.vn", "baotuyenquang.com.vn"]
    for profile in PROFILES.values():
        assert profile.timezone.utcoffset(None) == timedelta(hours=7)
        assert profile.lede_prefix.match("BHG - Ngày 1/7") is not None  # Hà Giang's news, on both sites


@pytest.mark.parametrize(
    ("site", "url", "found"),
    [
        ("baohagiang.vn", "https://www.baohagiang.vn/xa-hoi/202306/bai-viet-1a2b3c4/",
         ArticleUrl("https://baohagiang.vn/xa-hoi/202306/bai-viet-1a2b3c4", "xa-hoi", "1a2b3c4", "202306",
                    "baohagiang.vn")),
        ("baohagiang.vn", "https://en.baohagiang.vn/news/202401/a-story-5d6e7f8",
         ArticleUrl("https://baohagiang.vn/english/news/202401/a-story-5d6e7f8", "english/news", "5d6e7f8", "202401",
                    "baohagiang.vn")),
        ("baotuyenquang.com.vn", "https://baotuyenquang.com.vn/khu-vuc/202506/thanh-qua-tu-hao-noi-mien-da-meo-vac-4fd2986",
         ArticleUrl("https://baotuyenquang.com.vn/khu-vuc/202506/thanh-qua-tu-hao-noi-mien-da-meo-vac-4fd2986",
                    "khu-vuc", "4fd2986", "202506", "baotuyenquang.com.vn")),
        ("baotuyenquang.com.vn", "https://baotuyenquang.com.vn/banh-gai-chiem-hoa-vao-mua-179493.html?utm_source=x",
         ArticleUrl("https://baotuyenquang.com.vn/banh-gai-chiem-hoa-vao-mua-179493.html", "", "179493", "",
                    "baotuyenquang.com.vn")),
        ("baotuyenquang.com.vn", "https://baohagiang.vn/xa-hoi/202306/bai-viet-1a2b3c4", None),
        ("baotuyenquang.com.vn", "https://baotuyenquang.com.vn/khu-vuc", None),
    ],
)  # fmt: skip
def test_each_site_knows_its_url_shapes(site: str, url: str, found: ArticleUrl | None) -> None:
    assert article_url(url, get_profile(site)) == found


HG, TQ = "baohagiang.vn", "baotuyenquang.com.vn"


@pytest.mark.parametrize(
    ("site", "url", "article_id", "section", "month"),
    [
        # baohagiang.vn, era A (numeric ids) and era B (7 hex), with or without the trailing slash [seen]
        (HG, "https://baohagiang.vn/xa-hoi/202112/trien-khai-hoat-dong-van-tai-khach-785426", "785426", "xa-hoi", "202112"),
        (HG, "http://www.baohagiang.vn/van-hoa/201904/ho-noong-chi-con-trong-tiem-thuc-743640/", "743640", "van-hoa",
         "201904"),
        (HG, "https://baohagiang.vn/thong-tin-quang-ba/202211/cong-vien-dia-chat-cc21d4d/", "cc21d4d",
         "thong-tin-quang-ba", "202211"),
        (HG, "https://baohagiang.vn/multimedia/truyen-hinh/202404/bao-ha-giang-tien-phong-67b4c0c/", "67b4c0c",
         "multimedia/truyen-hinh", "202404"),
        (HG, "https://baohagiang.vn/kinh-te/cong-nghiep/201912/thuy-dien-song-mien-760001/", "760001",
         "kinh-te/cong-nghiep", "201912"),
        (HG, "https://en.baohagiang.vn/Culture/202104/ha-giang-tea-780001", "780001", "english/Culture", "202104"),
        # slugs that run words together or hold "--", and shared links' tracking parameters [seen-3p]
        (HG, "https://baohagiang.vn/xay-dung-dang/202010/chaomungdai-hoi-dang-bo-tinh-lan-thu-xvii-766676", "766676",
         "xay-dung-dang", "202010"),
        (HG, "https://baohagiang.vn/thoi-su-chinh-tri/202506/dai-hoi-cac-cap--nhiem-ky-2025-2030-4fd2986?zarsrc=30"
             "&utm_source=zalo&utm_medium=zalo&utm_campaign=zalo&gidzl=Ab1-Cd2", "4fd2986", "thoi-su-chinh-tri", "202506"),
        (HG, "https://baohagiang.vn/xa-hoi", None, None, None),
        (HG, "https://baohagiang.vn/xa-hoi/trang-2.html", None, None, None),
        (HG, "https://baotuyenquang.com.vn/khu-vuc/202506/thanh-qua-4fd2986", None, None, None),
        # baotuyenquang.com.vn: today's CMS (hex ids, sections that nest) [seen-3p]
        (TQ, "https://baotuyenquang.com.vn/khu-vuc/202506/thanh-qua-tu-hao-noi-mien-da-meo-vac-4fd2986", "4fd2986",
         "khu-vuc", "202506"),
        (TQ, "https://www.baotuyenquang.com.vn/thoi-su-chinh-tri/tin-tuc/202602/hoi-nghi-tinh-uy-a1b2c3d/?gidzl=x",
         "a1b2c3d", "thoi-su-chinh-tri/tin-tuc", "202602"),
        # ... and the OLD .html CMS, until 2024, with or without a section [seen-3p]
        (TQ, "https://baotuyenquang.com.vn/xa-hoi/trao-qua-cho-ho-ngheo-158912.html", "158912", "xa-hoi", ""),
        (TQ, "https://baotuyenquang.com.vn/kinh-te/nong-nghiep-nong-thon/cam-sanh-ham-yen-87995.html", "87995",
         "kinh-te/nong-nghiep-nong-thon", ""),
        (TQ, "https://baotuyenquang.com.vn/banh-gai-chiem-hoa-vao-mua-179493.html", "179493", "", ""),
        (TQ, "https://baotuyenquang.com.vn/khu-vuc/trang-2.html", None, None, None),
        (TQ, "https://baotuyenquang.com.vn/khu-vuc/202506", None, None, None),
    ],
)  # fmt: skip
def test_article_urls_of_both_sites(
    site: str, url: str, article_id: str | None, section: str | None, month: str | None
) -> None:
    found = article_url(url, get_profile(site))
    assert ((found.article_id, found.section, found.month) if found else (None, None, None)) == (
        article_id, section, month)  # fmt: skip
    if found is not None:
        assert found.canonical == canonical_url(url, get_profile(site)).split("?")[0].rstrip("/")


@pytest.mark.parametrize(
    ("site", "url", "section", "page"),
    [
        # baohagiang.vn has no pagination rule: either form, from the URL
        (HG, "https://baohagiang.vn/xa-hoi", "xa-hoi", 1),
        (HG, "https://www.baohagiang.vn/xa-hoi/?page=3", "xa-hoi", 3),
        (HG, "https://baohagiang.vn/xa-hoi?utm_source=zalo&page=12", "xa-hoi", 12),
        (HG, "https://baohagiang.vn/xa-hoi?trang=4", "xa-hoi", 4),
        (HG, "https://baohagiang.vn/xa-hoi/trang-2.html", "xa-hoi", 2),
        (HG, "https://baohagiang.vn/kinh-te/cong-nghiep/", "kinh-te/cong-nghiep", 1),
        (HG, "https://baohagiang.vn/kinh-te/cong-nghiep/trang-5.html", "kinh-te/cong-nghiep", 5),
        (HG, "https://baohagiang.vn/multimedia/truyen-hinh/page/2/", "multimedia/truyen-hinh", 2),
        (HG, "https://en.baohagiang.vn/Culture?page=2", "english/Culture", 2),
        (HG, "https://baohagiang.vn/multimedia", "multimedia", 1),
        (HG, "https://baohagiang.vn/khong-co-muc-nay", None, 1),
        (HG, "https://baohagiang.vn/", None, 1),
        (HG, "https://baohagiang.vn/xa-hoi/202112/trien-khai-785426", None, 1),
        (HG, "https://baotuyenquang.com.vn/khu-vuc", None, 1),
        # baotuyenquang.com.vn: a path suffix [seen-3p], and either form too
        (TQ, "https://baotuyenquang.com.vn/khu-vuc", "khu-vuc", 1),
        (TQ, "https://baotuyenquang.com.vn/khu-vuc/", "khu-vuc", 1),
        (TQ, "https://baotuyenquang.com.vn/khu-vuc/trang-2.html", "khu-vuc", 2),
        (TQ, "https://baotuyenquang.com.vn/khu-vuc/trang-2.html/", "khu-vuc", 2),
        (TQ, "https://baotuyenquang.com.vn/khu-vuc?page=3", "khu-vuc", 3),
        (TQ, "https://baotuyenquang.com.vn/thoi-su-chinh-tri/tin-tuc/trang-14.html", "thoi-su-chinh-tri/tin-tuc", 14),
        (TQ, "https://baotuyenquang.com.vn/tim-kiem?q=meo-vac&page=2", None, 2),
    ],
)  # fmt: skip
def test_listing_urls_of_both_sites(site: str, url: str, section: str | None, page: int) -> None:
    profile = get_profile(site)
    assert (section_of(url, profile), page_number(url, profile)) == (section, page)
    listing = listing_url(url, profile)
    assert section is None or (listing is not None and (listing.section, listing.page) == (section, page))


def test_a_query_rule_reads_its_own_parameter(tmp_path: Path) -> None:
    profile = MINIMAL.replace("[sections]", 'pagination = "?pg={n}"\n[sections]')
    (tmp_path / "made-up.vn.toml").write_text(profile, encoding="utf-8")
    made_up = get_profile("made-up.vn", [tmp_path])
    assert [page_number(f"https://made-up.vn/tin-tuc{query}", made_up) for query in ("?pg=7", "?page=8", "?pg=x")] == [
        7, 8, 1]  # fmt: skip
    nuixanh = get_profile("baonuixanh.vn", [SITES])
    assert nuixanh.pagination == Pagination("?trang={n}")
    assert page_number("https://baonuixanh.vn/doi-song/van-hoa?trang=3", nuixanh) == 3


@pytest.mark.parametrize(
    ("template", "section_url", "page", "url"),
    [
        ("?page={n}", "https://baohagiang.vn/xa-hoi", 2, "https://baohagiang.vn/xa-hoi?page=2"),
        ("?page={n}", "https://baohagiang.vn/xa-hoi", 1, "https://baohagiang.vn/xa-hoi"),
        ("?trang={n}", "https://baonuixanh.vn/doi-song/van-hoa?view=list", 3,
         "https://baonuixanh.vn/doi-song/van-hoa?view=list&trang=3"),
        ("/trang-{n}.html", "https://baotuyenquang.com.vn/khu-vuc", 2, "https://baotuyenquang.com.vn/khu-vuc/trang-2.html"),
        ("/trang-{n}.html", "https://baohagiang.vn/kinh-te/cong-nghiep/", 10,
         "https://baohagiang.vn/kinh-te/cong-nghiep/trang-10.html"),
        ("/page/{n}/", "https://example.vn/tin-tuc/", 4, "https://example.vn/tin-tuc/page/4/"),
    ],
)  # fmt: skip
def test_a_pagination_rule_writes_page_urls(template: str, section_url: str, page: int, url: str) -> None:
    assert Pagination(template).page_url(section_url, page) == url


def test_the_pagination_rules_and_other_sections_of_the_built_in_profiles() -> None:
    hg, tq = get_profile(HG), get_profile(TQ)
    assert (hg.pagination, tq.pagination) == (None, Pagination("/trang-{n}.html"))
    assert tq.pagination is not None and tq.pagination.parameter is None
    assert hg.expand_sections(["kinh-te/cong-nghiep", "kinh-te"]) == ["kinh-te/cong-nghiep", "kinh-te"]
    assert "kinh-te/cong-nghiep" not in hg.sections and hg.section_name("kinh-te/cong-nghiep") == "Công nghiệp"
    assert {"khu-vuc", "xa-hoi", "kinh-te", "multimedia", "thoi-su-chinh-tri/tin-tuc", "hoc-tap-theo-bac",
            "kinh-te/nong-nghiep-nong-thon"} <= set(tq.sections) and len(tq.sections) == 16  # fmt: skip
    assert tq.expand_sections(["thoi-su-chinh-tri"]) == ["thoi-su-chinh-tri"]
    assert tq.lede_prefix.match("BTQ - Lời dẫn") is None and tq.lede_prefix.match("BHG - Lời dẫn") is not None
    evidence = [hg.selectors.time, hg.selectors.body, tq.selectors.title, tq.selectors.time, tq.selectors.body,
                tq.selectors.section]  # fmt: skip
    assert [css.split(",")[0] for css in evidence] == [
        "#date", "div#content", "h1.media-heading.title5", ".article_content .date", "div.content#content",
        "div.cate_title_1 h2 a.title"]  # fmt: skip


def test_the_title_loses_the_sites_own_name() -> None:
    html = "<html><head><title>Bánh gai Chiêm Hóa vào mùa - Báo Tuyên Quang</title></head><body></body></html>"
    url = "https://baotuyenquang.com.vn/banh-gai-chiem-hoa-vao-mua-179493.html"
    assert ArticlePage(html, url, get_profile("baotuyenquang.com.vn")).extracted().title == "Bánh gai Chiêm Hóa vào mùa"


def test_a_profile_folder_adds_sites_and_can_replace_a_built_in_one(tmp_path: Path) -> None:
    (tmp_path / "made-up.vn.toml").write_text(MINIMAL, encoding="utf-8")
    changed = (BUILT_IN / "baohagiang.vn.toml").read_text(encoding="utf-8").replace('"Kinh tế"', '"Kinh tế mới"')
    (tmp_path / "mine.toml").write_text(changed, encoding="utf-8")
    made_up = get_profile("made-up.vn", [tmp_path])
    assert article_url("https://made-up.vn/tin-tuc/mot-bai-12345.htm", made_up) == ArticleUrl(
        "https://made-up.vn/tin-tuc/mot-bai-12345.htm", "tin-tuc", "12345", "", "made-up.vn"
    )
    assert (made_up.default_language, made_up.pagination, made_up.related_headings[0]) == (
        "vi", None, "Cùng chuyên mục")  # fmt: skip
    assert get_profile("baohagiang.vn", [tmp_path]).sections["kinh-te"] == "Kinh tế mới"
    assert get_profile("baohagiang.vn").sections["kinh-te"] == "Kinh tế"
    with pytest.raises(ConfigError, match=r"unknown site 'made-up\.vn'; known: baohagiang\.vn, baotuyenquang\.com\.vn"):
        get_profile("made-up.vn")


def test_the_command_line_takes_profile_folders(tmp_path: Path) -> None:
    (tmp_path / "made-up.vn.toml").write_text(MINIMAL, encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(["run", "--site", "made-up.vn", "--profiles", str(tmp_path), "--sections", "tin-tuc"])
    assert _spider_args(args) == {"site": "made-up.vn", "sections": "tin-tuc"}
    args = parser.parse_args(["run", "--site", "made-up.vn", "-s", f"BHG_PROFILES={tmp_path}"])
    assert _spider_args(args)["site"] == "made-up.vn"
    with pytest.raises(ConfigError, match=r"unknown site 'made-up\.vn'"):
        _spider_args(parser.parse_args(["run", "--site", "made-up.vn"]))
    with pytest.raises(ConfigError, match="no folder of site profiles at /nowhere"):
        _spider_args(parser.parse_args(["run", "--site", "made-up.vn", "--profiles", "/nowhere"]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("name = \"made-up.vn\"\n", ""), r"made-up\.vn\.toml: missing name"),
        (("[sections]", "colour = \"red\"\n[sections]"), r"unknown key\(s\) colour; known: "),
        (("(?P<id>\\d+)", "(?P<number>\\d+)"), r"article_paths\[0\]: the expression needs the group\(s\) id"),
        (("'^(?P<tag>MU) - '", "'^(MU - '"), r"lede_prefix: not a regular expression: missing \)"),
        (("title_suffix", "timezone = \"Asia/Hanoi\"\ntitle_suffix"), r"timezone: a UTC offset such as \+07:00"),
        (("hosts = [", "hosts = [[["), r"cannot read the site profile .*made-up\.vn\.toml: "),
        (("[sections]", "[selectors]\nheadline = \"h1\"\n[sections]"), r"selectors: .*unexpected keyword argument"),
        (("[sections]", 'pagination = "page={n}"\n[sections]'), r"pagination: a query parameter such as \?page=\{n\}"),
        (("[sections]", 'pagination = "/trang-{n}-{n}.html"\n[sections]'), r"pagination: .*not '/trang-\{n\}-\{n\}"),
        (("[sections]", 'pagination = "?page=N"\n[sections]'), r"pagination: .*not '\?page=N'"),
        (("[sections]", 'pagination = 2\n[sections]'), r"pagination: .*not 2"),
        (("[sections]", 'pagination = "?p={n}"\npage_parameter = "p"\n[sections]'),
         r"pagination and page_parameter say the same thing"),
        (("[sections]", "tags_labels = []\n[sections]"), r"tags_labels: a label or a list of labels, not \[\]"),
        (("[sections]", 'tags_labels = ["Từ khóa", 3]\n[sections]'), r"tags_labels: a label or a list of labels"),
        (("[sections]", 'tags_labels = " "\n[sections]'), r"tags_labels: a label or a list of labels, not ' '"),
    ],
)  # fmt: skip
def test_a_bad_profile_says_where_and_what(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    path = tmp_path / "made-up.vn.toml"
    path.write_text(MINIMAL.replace(*change), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_profile(path)


def test_the_built_in_files_are_the_ones_shipped(tmp_path: Path) -> None:
    for entry in (entry for entry in BUILT_IN.iterdir() if entry.name.endswith(".toml")):
        (tmp_path / entry.name).write_text(entry.read_text(encoding="utf-8"), encoding="utf-8")
        assert load_profile(tmp_path / entry.name) == PROFILES[load_profile(entry).name]


def test_an_unknown_successor_is_a_configuration_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = (SITES / "baonuixanh.vn.toml").read_text(encoding="utf-8").replace('"baonuixanh.vn"', '"old.vn"', 1)
    (tmp_path / "old.vn.toml").write_text('successors = ["nowhere.vn"]\n' + profile, encoding="utf-8")
    arguments = ["--site", "old.vn", "--profiles", str(tmp_path), "--state", str(tmp_path / "state.sqlite3")]
    assert main(["discover", *arguments]) == 2
    assert "old.vn: successors: unknown site(s) nowhere.vn" in capsys.readouterr().err


WITHIN = [  # an article's section, the run's sections -> whether the article is of the run
    ("kinh-te", ["kinh-te"], True),
    ("kinh-te/cong-nghiep", ["kinh-te"], True),  # under it: kinh-te's listing lists it
    ("kinh-te/cong-nghiep", ["kinh-te/cong-nghiep"], True),
    ("kinh-te", ["kinh-te/cong-nghiep"], False),  # the parent of a section asked for
    ("kinh-te-so", ["kinh-te"], False),  # a longer slug, not under it
    ("multimedia/anh", ["multimedia/truyen-hinh", "multimedia/anh"], True),
    ("multimedia/anh", ["multimedia"], True),
    ("english/Culture", ["english/culture"], False),  # as the profile spells it
    ("xa-hoi", [], False),
    ("", ["kinh-te"], False),
]


@pytest.mark.parametrize(("section", "sections", "within"), WITHIN, ids=range(len(WITHIN)))
def test_an_article_is_of_a_section_or_one_above_it(section: str, sections: list[str], within: bool) -> None:
    assert within_sections(section, sections) is within
