"""The spider's arguments (``-a NAME=VALUE``), parsed and checked before anything is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from bhg_crawler.core.errors import ConfigError
from bhg_crawler.sites.profiles import BAOHAGIANG
from bhg_crawler.spiders.arguments import parse_options

ARTICLE = (
    "https://baohagiang.vn/xa-hoi/201801/truong-pho-thong-dan-toc-ban-tru-xa-phuong-thien-khai-giang-nam-hoc-moi-724020"
)


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"sections": ","}, "sections is empty (','): give a value, or leave it out"),
        ({"sections": ""}, "sections is empty (''): give a value, or leave it out"),
        ({"sections": " , "}, "sections is empty (' , '): give a value, or leave it out"),
        ({"urls": ""}, "urls is empty (''): give a value, or leave it out"),
        ({"urls": ", ,"}, "urls is empty (', ,'): give a value, or leave it out"),
        ({"since": " "}, "since is empty (' '): give a value, or leave it out"),
        ({"until": ""}, "until is empty (''): give a value, or leave it out"),
        ({"urls_file": ""}, "urls_file is empty (''): give a value, or leave it out"),
        ({"sections": "nosuch,"}, "unknown section(s) nosuch; known: "),
    ],
)
def test_an_argument_given_empty_is_refused(given: dict[str, str], problem: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_options(BAOHAGIANG, **given)
    assert str(raised.value).startswith(problem)
    assert str(raised.value) == problem or problem.endswith("known: ")


@pytest.mark.parametrize(
    ("given", "sections", "urls"),
    [
        ({}, list(BAOHAGIANG.sections), []),  # none given: every section
        ({"sections": "xa-hoi,"}, ["xa-hoi"], []),  # a trailing comma names no more
        ({"sections": " kinh-te , xa-hoi"}, ["kinh-te", "xa-hoi"], []),
        ({"urls": f"{ARTICLE}, ,"}, list(BAOHAGIANG.sections), [ARTICLE]),
    ],
)
def test_what_the_arguments_name_is_what_is_crawled(
    given: dict[str, str], sections: list[str], urls: list[str]
) -> None:
    options = parse_options(BAOHAGIANG, **given)
    assert (options.sections, options.urls) == (BAOHAGIANG.expand_sections(sections), urls)


@pytest.mark.parametrize(
    ("lines", "urls"),
    [
        ("", None),  # an empty file
        ("\n  \n", None),
        ("# the list of the day\n   # none yet\n", None),
        (f"# one\n{ARTICLE}\n\n", [ARTICLE]),
        (f"{ARTICLE}\n{ARTICLE}\n", [ARTICLE]),  # listed twice, asked once
        ("\ufeff# a comment\r\n\r\n", None),  # a byte order mark and CRLF, as Windows editors write
        (f"\ufeff{ARTICLE}\r\n", [ARTICLE]),
    ],
    ids=["empty", "blank", "comments", "one", "twice", "bom-comment", "bom-url"],
)
def test_a_url_file_lists_urls_or_is_refused(tmp_path: Path, lines: str, urls: list[str] | None) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(lines, encoding="utf-8")
    if urls is None:
        with pytest.raises(ConfigError) as raised:
            parse_options(BAOHAGIANG, urls_file=str(listing))
        assert str(raised.value) == f"urls_file {listing} lists no URL (only blank lines and # comments)"
    else:
        assert parse_options(BAOHAGIANG, urls_file=str(listing)).urls == urls
