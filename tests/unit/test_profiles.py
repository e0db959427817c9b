"""Site profiles as data: the built-in ones, profile folders (BHG_PROFILES), and what a bad profile says."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bhg_crawler.app.cli import _spider_args, build_parser, main
from bhg_crawler.core.errors import ConfigError
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.sites.profiles import BUILT_IN, PROFILES, get_profile, load_profile
from bhg_crawler.sites.urls import ArticleUrl, article_url
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
    assert (made_up.default_language, made_up.page_parameter, made_up.related_headings[0]) == (
        "vi", "page", "Cùng chuyên mục")  # fmt: skip
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
