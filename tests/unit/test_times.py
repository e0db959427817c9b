"""Times as pages and arguments give them, declared metadata of any shape, and the body among stray paragraphs."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bhg_crawler.core.clock import in_zone, parse_iso
from bhg_crawler.core.errors import ConfigError
from bhg_crawler.extract.article import ArticlePage
from bhg_crawler.extract.record import build_record, validation_error
from bhg_crawler.extract.text import parse_timestamp, time_line
from bhg_crawler.sites.profiles import BAOHAGIANG, profile_from
from bhg_crawler.spiders.arguments import parse_options

FETCHED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
URL = "https://baohagiang.vn/xa-hoi/202101/nguoi-dan-vui-don-tet-778899"
TITLE = "Người dân vui đón Tết"
STORY = [
    "Những ngày cuối năm, người dân các xã vùng cao tất bật chuẩn bị đón Tết cổ truyền với nhiều hoạt động văn hóa.",
    "Chính quyền địa phương đã tổ chức thăm hỏi, tặng quà các hộ nghèo, bảo đảm mọi nhà đều có Tết đầm ấm.",
    "Theo lãnh đạo huyện, năm nay thu nhập bình quân của người dân tăng khá, nhiều mô hình kinh tế mang lại hiệu quả.",
]
PARAGRAPHS = "".join(f"<p>{line}</p>" for line in STORY)
STRAY = '<div class="y-kien"><p>Mời bạn đọc gửi ý kiến.</p></div>'
FOOTER = '<div class="chan"><p>Giấy phép số 123/GP-BTTTT</p></div>'


def page(body: str, *, time: str = "", head: str = "", after: str = STRAY) -> str:
    """An article page of a markup no selector names: the title, the printed time, the body, ``after`` it."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{TITLE} - Báo Hà Giang</title>{head}</head>'
        f'<body><div class="khung"><h1 class="tieu-de">{TITLE}</h1><div class="ngay">{time}</div>{body}{after}'
        f"</div>{FOOTER}</body></html>"
    )


def ld_json(data: object) -> str:
    """A JSON-LD block of ``data`` (a string is written as it is: invalid JSON too)."""
    text = data if isinstance(data, str) else json.dumps(data)
    return f'<script type="application/ld+json">{text}</script>'


def meta(name: str, content: str) -> str:
    return f'<meta property="{name}" content="{content}">'


# -- printed timestamps: every form, in the site's time zone --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:04, 20/08/2020", "2020-08-20T10:04:00+07:00"),
        ("Thứ Bảy, 17/10/2020, 14:34 (GMT+7)", "2020-10-17T14:34:00+07:00"),
        ("Thứ Tư, 07/01/2015 | 22:34", "2015-01-07T22:34:00+07:00"),
        ("07/01/2015 22:34", "2015-01-07T22:34:00+07:00"),
        ("06:22 thứ sáu ngày 19/03/2021", "2021-03-19T06:22:00+07:00"),
        ("22:34 - 07/01/2015", "2015-01-07T22:34:00+07:00"),
        ("07-01-2015 22:34", "2015-01-07T22:34:00+07:00"),
        ("Cập nhật: 07/01/2015 lúc 22:34", "2015-01-07T22:34:00+07:00"),
        ("2015-01-07 22:34", "2015-01-07T22:34:00+07:00"),
        ("2015/01/07 22:34:15", "2015-01-07T22:34:15+07:00"),
        ("07.01.2015 | 22:34", "2015-01-07T22:34:00+07:00"),
        ("Thứ 4, 07/01/2015, 22h34", "2015-01-07T22:34:00+07:00"),
        ("Thứ tư, 7/1/2015 - 22g34", "2015-01-07T22:34:00+07:00"),
        ("THỨ TƯ, 07/01/2015 22:34 (GMT+7)", "2015-01-07T22:34:00+07:00"),
        ("Chủ nhật, 01/06/2025 08:00 GMT+07:00", "2025-06-01T08:00:00+07:00"),
        ("CN, 01/06/2025 - 08:00", "2025-06-01T08:00:00+07:00"),
        ("22h34 ngày 7 tháng 1 năm 2015", "2015-01-07T22:34:00+07:00"),
        ("Lúc 8 giờ 30 ngày 7/1/2015", "2015-01-07T08:30:00+07:00"),
        ("07/01/2015 10:34 CH", "2015-01-07T22:34:00+07:00"),
        ("07/01/2015 10:34 SA", "2015-01-07T10:34:00+07:00"),
        ("07/01/2015 12:05 SA", "2015-01-07T00:05:00+07:00"),
        ("07/01/2015 12:05 CH", "2015-01-07T12:05:00+07:00"),
        ("January: 07/01/2015 10:34 PM", "2015-01-07T22:34:00+07:00"),
        ("07/01/2015 09:15 a.m.", "2015-01-07T09:15:00+07:00"),
        ("06:22 sáng thứ sáu, 19/03/2021", "2021-03-19T06:22:00+07:00"),
        ("07:30 tối, 19/03/2021", "2021-03-19T19:30:00+07:00"),
        # a printed offset is converted to the site's: the same instant
        ("Thứ Tư, 07/01/2015 - 22:34 GMT", "2015-01-08T05:34:00+07:00"),
        ("22:34 (UTC+0) 07/01/2015", "2015-01-08T05:34:00+07:00"),
        ("2015-01-07T15:34:00Z", "2015-01-07T22:34:00+07:00"),
        ("07/01/2015 22:34 GMT+9", "2015-01-07T20:34:00+07:00"),
        # a numeric offset or a Z after a space; seconds with a fraction before it
        ("07/01/2015 22:34 -05:00", "2015-01-08T10:34:00+07:00"),
        ("07/01/2015 22:34 +00:00", "2015-01-08T05:34:00+07:00"),
        ("07/01/2015 22:34 Z", "2015-01-08T05:34:00+07:00"),
        ("07/01/2015 22:34 +0900", "2015-01-07T20:34:00+07:00"),
        ("<span>2021-01-05T20:30:00.000Z</span>", "2021-01-06T03:30:00+07:00"),
        ("2021-01-05T20:30:00.5+00:00", "2021-01-06T03:30:00+07:00"),
        ("2021-01-05 20:30:00,250 -05:00", "2021-01-06T08:30:00+07:00"),
        ("07/01/2015 22:34 Zalo", "2015-01-07T22:34:00+07:00"),  # a word after the time is no zone
        ("07/01/2015 22:34 -2015", "2015-01-07T22:34:00+07:00"),  # nor a number no offset can be
        # the hour 0 on a 12-hour clock: just after midnight
        ("05/01/2021 0:05 SA", "2021-01-05T00:05:00+07:00"),
        ("05/01/2021 00:05 AM", "2021-01-05T00:05:00+07:00"),
        # none: a date alone, no real time, a version number, a time alone
        ("07/01/2015", None),
        ("99:99, 45/13/2020", None),
        ("31/02/2015 10:00", None),
        ("07/01/2015 13:05 SA", None),
        ("Phiên bản 1.2.3 lúc 22:34", None),
        ("22:34", None),
    ],
)
def test_printed_timestamps(text: str, expected: str | None) -> None:
    stamp = parse_timestamp(text, BAOHAGIANG)
    assert (stamp.isoformat() if stamp else None) == expected


def test_an_impossible_time_is_passed_over_for_the_next() -> None:
    stamp = parse_timestamp("31/02/2015 99:00 - cập nhật 07/01/2015 22:34", BAOHAGIANG)
    assert stamp is not None and stamp.isoformat() == "2015-01-07T22:34:00+07:00"


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("10:04, 20/08/2020", True),
        ("Cập nhật: 7:05, 3/1/2015", True),
        ("Thứ Bảy, 17/10/2020, 14:34 (GMT+7)", True),
        ("10:04, 20/08/2020 | Lượt xem: 1234 | In bài", True),
        ("Thứ Tư, 07/01/2015 | 22:34 | Báo Hà Giang", True),
        ("Hội nghị khai mạc lúc 8h30 ngày 7/1/2015 tại xã Lũng Cú, huyện Đồng Văn.", False),  # a paragraph
        ("Đúng 0 giờ 00 ngày 1/1/2015, pháo hoa rực sáng trên quảng trường thành phố.", False),
        ("Ngày 07/01/2015, tỉnh tổ chức hội nghị tổng kết công tác năm.", False),  # no time of day
    ],
)
def test_a_line_of_the_time_is_told_from_a_paragraph_that_names_a_time(text: str, dateline: bool) -> None:
    assert time_line(text, BAOHAGIANG) is dateline


BASE = {
    "name": "baomau.vn", "canonical_host": "baomau.vn", "hosts": ["baomau.vn"], "sections": {"xa-hoi": "Xã hội"},
    "article_paths": [r"^/(?P<section>[a-z-]+)/(?P<slug>[a-z0-9-]+)-(?P<id>\d+)$"], "lede_prefix": r"^(?P<tag>BM) - ",
    "title_suffix": r" - Báo Mẫu$",
}  # fmt: skip


@pytest.mark.parametrize(
    ("forms", "text", "expected"),
    [
        ([r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日 (?P<H>\d\d)時(?P<M>\d\d)"], "2015年1月7日 22時34",
         "2015-01-07T22:34:00+07:00"),
        ([r"(?P<d>\d\d)(?P<m>\d\d)(?P<y>\d{4})-(?P<H>\d\d)(?P<M>\d\d)"], "Mã 07012015-2234", "2015-01-07T22:34:00+07:00"),
        ([], "Mã 07012015-2234", None),
        # the site's own form and a common one: the first printed wins
        ([r"@(?P<H>\d\d)(?P<M>\d\d) (?P<d>\d\d)(?P<m>\d\d)(?P<y>\d{4})"], "@2234 07012015, sửa 08/01/2015 10:00",
         "2015-01-07T22:34:00+07:00"),
    ],
)  # fmt: skip
def test_a_profile_adds_its_own_timestamp_forms(forms: list[str], text: str, expected: str | None) -> None:
    profile = profile_from({**BASE, "timestamp_formats": forms}, "baomau.vn.toml")
    stamp = parse_timestamp(text, profile)
    assert (stamp.isoformat() if stamp else None) == expected


@pytest.mark.parametrize(
    ("forms", "message"),
    [
        ([r"(?P<d>\d\d)/(?P<m>\d\d)/(?P<y>\d{4})"], "timestamp_formats[0]: the expression needs the group(s) H, M"),
        ([r"(?P<d>\d\d"], "timestamp_formats[0]: not a regular expression"),
        (r"(?P<d>\d\d)", "timestamp_formats: a list of regular expressions with the groups d, m, y, H, M"),
        ([r"(?P<d>\d)(?P<m>\d)(?P<y>\d)(?P<H>\d)(?P<M>\d)", 7], "timestamp_formats[1]: a regular expression"),
    ],
)
def test_a_profile_timestamp_form_without_its_groups_is_refused(forms: object, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"baomau.vn.toml: {message}")):
        profile_from({**BASE, "timestamp_formats": forms}, "baomau.vn.toml")


# -- declared times: every zone case ---------------------------------------------------------------------------

SITE = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "expected", "time_known"),
    [
        ("2021-01-05T21:52:00", "2021-01-05T21:52:00+07:00", True),  # no offset: the site's wall time
        ("2021-01-05T21:52:00+07:00", "2021-01-05T21:52:00+07:00", True),
        ("2021-01-05T20:30:00Z", "2021-01-06T03:30:00+07:00", True),  # UTC: converted, the next day
        ("2021-01-05T20:30:00+00:00", "2021-01-06T03:30:00+07:00", True),
        ("2021-01-05T20:30:00.123z", "2021-01-06T03:30:00+07:00", True),
        ("2021-01-05T10:30:00-05:00", "2021-01-05T22:30:00+07:00", True),
        ("2021-01-05T21:52:00+0700", "2021-01-05T21:52:00+07:00", True),
        ("2021-01-05 21:52", "2021-01-05T21:52:00+07:00", True),
        ("2021-01-05", "2021-01-05T00:00:00+07:00", False),  # a date alone: its midnight, the time not known
        # RFC 2822, as feeds and some meta tags give it
        ("Tue, 05 Jan 2021 20:30:00 GMT", "2021-01-06T03:30:00+07:00", True),
        ("05 Jan 2021 20:30:00 +0700", "2021-01-05T20:30:00+07:00", True),
        ("Tue, 05 Jan 2021 20:30:00 -0500", "2021-01-06T08:30:00+07:00", True),
        ("2021-13-45T99:00:00Z", None, None),
        (" 2021-01-05T00:00:00+07:00 ", "2021-01-05T00:00:00+07:00", True),  # a true midnight
        ("05/01/2021", None, None),
        ("hôm qua", None, None),
        ("", None, None),
    ],
)
def test_declared_times(text: str, expected: str | None, time_known: bool | None) -> None:
    moment = parse_iso(text, SITE)
    assert (moment.at.isoformat() if moment else None, moment.time_known if moment else None) == (
        expected,
        time_known,
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2021, 1, 5, 20, 30, tzinfo=UTC), "2021-01-06T03:30:00+07:00"),
        (datetime(2021, 1, 5, 20, 30), "2021-01-05T20:30:00+07:00"),
        (datetime(2021, 1, 5, 20, 30, tzinfo=SITE), "2021-01-05T20:30:00+07:00"),
    ],
)
def test_every_time_is_put_in_the_sites_zone(moment: datetime, expected: str) -> None:
    assert in_zone(moment, SITE).isoformat() == expected


def extracted(html: str) -> tuple[dict[str, object], str]:
    """The record of a page at ``URL``, and the layer its time came from."""
    article = ArticlePage(html, URL, BAOHAGIANG)
    record = build_record(article.extracted(), FETCHED)
    assert validation_error(record) is None, validation_error(record)
    return dict(record), article.published_at.layer


@pytest.mark.parametrize(
    ("head", "body", "time", "expected", "time_known", "layer"),
    [
        # a meta time in UTC, exported with the site's offset
        (meta("article:published_time", "2021-01-05T20:30:00Z"), PARAGRAPHS, "",
         "2021-01-06T03:30:00+07:00", True, "metadata"),
        (meta("article:published_time", "2021-01-05T20:30:00+00:00"), PARAGRAPHS, "",
         "2021-01-06T03:30:00+07:00", True, "metadata"),
        # a JSON-LD time without a zone: the site's
        (ld_json({"@type": "NewsArticle", "datePublished": "2021-01-05T21:52:00"}), PARAGRAPHS, "",
         "2021-01-05T21:52:00+07:00", True, "metadata"),
        # a meta time printed as the site prints it
        (meta("article:published_time", "05/01/2021 21:52"), PARAGRAPHS, "", "2021-01-05T21:52:00+07:00", True,
         "metadata"),
        # a declared day alone: its midnight, and the record says the time is not known
        (meta("article:published_time", "2021-01-05"), PARAGRAPHS, "", "2021-01-05T00:00:00+07:00", False,
         "metadata"),
        # a <time> element in UTC, read by the generic layer: converted, not given the site's offset
        ("", PARAGRAPHS, '<time datetime="2021-01-05T20:30:00Z">05/01/2021</time>',
         "2021-01-06T03:30:00+07:00", True, "generic"),
        # the generic layer finds a date alone: not known
        ("", PARAGRAPHS, "<span>05/01/2021</span>", "2021-01-05T00:00:00+07:00", False, "generic"),
        # the printed time wins over a declared one in another zone
        (meta("article:published_time", "2021-01-05T01:00:00Z"), PARAGRAPHS, "Thứ Ba, 05/01/2021 | 08:15",
         "2021-01-05T08:15:00+07:00", True, "patterns"),
        ("", PARAGRAPHS, "Cập nhật: 05/01/2021 lúc 08:15 (GMT+7)", "2021-01-05T08:15:00+07:00", True, "patterns"),
        # a meta time in RFC 2822
        (meta("article:published_time", "Tue, 05 Jan 2021 20:30:00 GMT"), PARAGRAPHS, "",
         "2021-01-06T03:30:00+07:00", True, "metadata"),
        # a printed time with a numeric offset after a space, or a fraction before its Z
        ("", PARAGRAPHS, "07/01/2021 22:34 -05:00", "2021-01-08T10:34:00+07:00", True, "patterns"),
        ("", PARAGRAPHS, "<span>2021-01-05T20:30:00.000Z</span>", "2021-01-06T03:30:00+07:00", True, "patterns"),
        ("", PARAGRAPHS, "05/01/2021 0:05 SA", "2021-01-05T00:05:00+07:00", True, "patterns"),
    ],
)  # fmt: skip
def test_the_records_time_is_in_the_sites_zone(
    head: str, body: str, time: str, expected: str, time_known: bool, layer: str
) -> None:
    record, found = extracted(page(body, time=time, head=head))
    assert (record["published_at"], record["published_time_known"], found) == (expected, time_known, layer)


@pytest.mark.parametrize(
    ("since", "until", "published", "kept"),
    [
        ("2021-01-06", None, "2021-01-05T20:30:00+00:00", True),  # 03:30 on the 6th, site time
        ("2021-01-06", None, "2021-01-05T21:52:00", False),  # no offset: the site's wall time, the 5th
        (None, "2021-01-05", "2021-01-05T23:59:00", True),
        (None, "2021-01-05", "2021-01-05T17:00:00+00:00", False),  # midnight of the 6th, site time
        ("2021-01-05", "2021-01-05", "2021-01-05T00:00:00+07:00", True),
        (None, None, "2021-01-05T00:00:00", True),
    ],
)
def test_the_date_range_compares_any_time(since: str | None, until: str | None, published: str, kept: bool) -> None:
    options = parse_options(BAOHAGIANG, since=since, until=until)
    assert options.in_range(datetime.fromisoformat(published)) is kept


# -- JSON-LD of any shape --------------------------------------------------------------------------------------

AT_META = meta("article:published_time", "2021-01-05T09:00:00+07:00")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # blocks of no use, with the date in a meta tag: the meta tag's
        (ld_json(None) + AT_META, "2021-01-05T09:00:00+07:00"),
        (ld_json("a string") + AT_META, "2021-01-05T09:00:00+07:00"),
        (ld_json(2021) + AT_META, "2021-01-05T09:00:00+07:00"),
        (ld_json("true") + AT_META, "2021-01-05T09:00:00+07:00"),
        (ld_json([1, "x", None, [], {"@type": "WebPage"}]) + AT_META, "2021-01-05T09:00:00+07:00"),
        (ld_json({"@graph": None}) + AT_META, "2021-01-05T09:00:00+07:00"),
        (ld_json({"@graph": "x", "@type": None}) + AT_META, "2021-01-05T09:00:00+07:00"),
        (ld_json('{"@type": "NewsArticle", "datePublished": ') + AT_META, "2021-01-05T09:00:00+07:00"),
        (ld_json("[" * 5000) + AT_META, "2021-01-05T09:00:00+07:00"),
        (ld_json({"@type": "NewsArticle", "datePublished": 1609862400}) + AT_META, "2021-01-05T09:00:00+07:00"),
        # the article's node however it is declared
        (ld_json({"@type": ["NewsArticle", "Article"], "datePublished": "2021-01-05T10:00:00+07:00"}),
         "2021-01-05T10:00:00+07:00"),
        (ld_json({"@type": "https://schema.org/ReportageNewsArticle", "datePublished": "2021-01-05T10:00:00+07:00"}),
         "2021-01-05T10:00:00+07:00"),
        (ld_json({"@type": "BlogPosting", "datePublished": ["2021-01-05T10:00:00+07:00"]}),
         "2021-01-05T10:00:00+07:00"),
        (ld_json({"@context": "https://schema.org", "@graph": [None, {"@type": "WebPage"}, {"@type": "Article",
                  "datePublished": {"@value": "2021-01-05T03:00:00Z"}}]}), "2021-01-05T10:00:00+07:00"),
        (ld_json({"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", "datePublished": "2021-01-05T10:00"}}),
         "2021-01-05T10:00:00+07:00"),
        (ld_json([{"@type": "BreadcrumbList"}, {"@type": "OpinionNewsArticle", "datePublished": "2021-01-05 10:00"}]),
         "2021-01-05T10:00:00+07:00"),
        (ld_json("not json") + ld_json({"@type": "NewsArticle", "datePublished": "2021-01-05T10:00:00+07:00"}),
         "2021-01-05T10:00:00+07:00"),
        (ld_json('{"@type": "NewsArticle", "datePublished": "2021-01-05T10:00:00+07:00", "headline": "a\nb"}'),
         "2021-01-05T10:00:00+07:00"),  # a raw line break inside a string
        # the wrappers pages print around a block
        (ld_json('\ufeff{"@type": "NewsArticle", "datePublished": "2021-01-05T10:00:00+07:00"}'),
         "2021-01-05T10:00:00+07:00"),
        (ld_json('/*<![CDATA[*/{"@type": "NewsArticle", "datePublished": "2021-01-05T10:00:00+07:00"}/*]]>*/'),
         "2021-01-05T10:00:00+07:00"),
        (ld_json('<!-- {"@type": "NewsArticle", "datePublished": "2021-01-05T10:00:00+07:00"} -->'),
         "2021-01-05T10:00:00+07:00"),
    ],
)  # fmt: skip
def test_json_ld_of_any_shape_never_fails_extraction(head: str, expected: str) -> None:
    record, layer = extracted(page(PARAGRAPHS, head=head))
    assert (record["published_at"], layer) == (expected, "metadata")


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        (TITLE, TITLE),
        ([TITLE, "Khác"], TITLE),
        ({"@value": TITLE, "@language": "vi"}, TITLE),
        (2021, None),
        (None, None),
        ({"name": TITLE}, None),
        ([None, 5, {"@value": TITLE}], TITLE),
    ],
)
def test_a_json_ld_headline_of_any_type(headline: object, expected: str | None) -> None:
    data = {"@type": "NewsArticle", "headline": headline, "author": 5, "dateModified": {"x": 1}}
    article = ArticlePage(page(PARAGRAPHS, head=ld_json(data)), URL, BAOHAGIANG)
    assert article.metadata.page_title() == (expected or TITLE)  # else the <title>, less the site's name
    assert (TITLE in article.metadata.titles()) is True


def nested(value: object, depth: int) -> object:
    """``value`` inside ``depth`` lists."""
    for _ in range(depth):
        value = [value]
    return value


ZULU = "2021-01-05T03:00:00Z"


@pytest.mark.parametrize(
    ("key", "value", "published_at", "headline"),
    [
        ("datePublished", nested(ZULU, 3), "2021-01-05T10:00:00+07:00", None),
        ("datePublished", nested({"@value": ZULU}, 3), "2021-01-05T10:00:00+07:00", None),
        ("datePublished", nested(ZULU, 8), "2021-01-05T10:00:00+07:00", None),
        ("datePublished", nested(ZULU, 9), None, None),  # deeper than MAX_DEPTH: passed over
        ("datePublished", nested(ZULU, 600), None, None),
        ("datePublished", nested({"@value": nested(ZULU, 300)}, 300), None, None),
        ("headline", nested("Tết ở vùng cao", 2), None, "Tết ở vùng cao"),
        ("headline", nested("Tết ở vùng cao", 600), None, None),
        ("headline", nested({"@value": "x"}, 900), None, None),
    ],
)
def test_deeply_nested_json_ld_values_are_passed_over(
    key: str, value: object, published_at: str | None, headline: str | None
) -> None:
    data = {"@type": "NewsArticle", key: value}
    article = ArticlePage(page(PARAGRAPHS, head=ld_json(data)), URL, BAOHAGIANG)
    moment = article.metadata.published_at()
    assert (moment.at.isoformat() if moment else None) == published_at
    assert (article.metadata.headline() or None) == headline
    assert article.extracted().title == TITLE  # never an error


@pytest.mark.parametrize(
    ("data", "published_at"),
    [
        (nested({"@type": "NewsArticle", "datePublished": ZULU}, 8), "2021-01-05T10:00:00+07:00"),
        (nested({"@type": "NewsArticle", "datePublished": ZULU}, 9), None),
        (nested({"@type": "NewsArticle", "datePublished": ZULU}, 700), None),
        ({"@graph": nested({"@type": "NewsArticle", "datePublished": ZULU}, 700)}, None),
    ],
)
def test_deeply_nested_json_ld_nodes_are_passed_over(data: object, published_at: str | None) -> None:
    article = ArticlePage(page(PARAGRAPHS, head=ld_json(data)), URL, BAOHAGIANG)
    moment = article.metadata.published_at()
    assert (moment.at.isoformat() if moment else None) == published_at


# -- the body among stray paragraphs --------------------------------------------------------------------------

LINES = "<br><br>".join(STORY)


@pytest.mark.parametrize(
    "body",
    [
        f'<div class="noi-dung">{"".join(f"<div>{line}</div>" for line in STORY)}</div>',  # in divs, no <p>
        f'<div class="noi-dung">{LINES}</div>',  # text between line breaks
        f'<div class="noi-dung">{LINES.replace("<br><br>", "<br><br><br>")}</div>',
        f'<div class="noi-dung"><span>{LINES}</span></div>',
        f'<table class="bo-cuc"><tr><td>{"".join(f"<div>{line}</div>" for line in STORY)}</td></tr></table>',
        f'<table class="bo-cuc"><tr><td class="trai"><a href="/xa-hoi">Xã hội</a></td><td>{LINES}</td></tr></table>',
        f'<div class="noi-dung">{PARAGRAPHS}</div>',  # paragraphs, as before
    ],
)
@pytest.mark.parametrize("stray", [STRAY, "<p>Mời bạn đọc gửi ý kiến.</p>", f"{STRAY}<p>Bình luận</p>"])
def test_a_stray_paragraph_is_never_the_body_of_a_story_without_paragraphs(body: str, stray: str) -> None:
    html = page(body, time="08:15, 05/01/2021", after=stray)
    article = ArticlePage(html, URL, BAOHAGIANG)
    record = build_record(article.extracted(), FETCHED)
    assert record["body_text"].split("\n\n") == STORY
    assert (record["lede"], record["published_at"]) == (None, "2021-01-05T08:15:00+07:00")


YEAR_ONLY = "".join(f"<p>{line} Năm 2021 là năm bản lề.</p>" for line in STORY)  # the year, no day


@pytest.mark.parametrize(
    ("head", "body", "expected", "time_known"),
    [
        # JSON-LD that is no time, a text naming only the year: trafilatura guesses 2021-01-01, which the page
        # prints nowhere, so no date
        (ld_json({"@type": "NewsArticle", "datePublished": "2021-13-45T99:00:00Z"}), YEAR_ONLY, None, None),
        ("", YEAR_ONLY, None, None),
        # the day printed on the page, in any form a date is written: the generic layer's, time not known
        ("", YEAR_ONLY + "<p>01/01/2021</p>", "2021-01-01T00:00:00+07:00", False),
        ("", PARAGRAPHS + "<span>05/01/2021</span>", "2021-01-05T00:00:00+07:00", False),
        ("", PARAGRAPHS + "<span>ngày 5 tháng 1 năm 2021</span>", "2021-01-05T00:00:00+07:00", False),
    ],
)  # fmt: skip
def test_a_date_the_page_never_prints_is_never_the_records(
    head: str, body: str, expected: str | None, time_known: bool | None
) -> None:
    article = ArticlePage(page(body, head=head, after=""), URL, BAOHAGIANG)
    moment = article.published_at.value
    assert (moment.at.isoformat() if moment else None, moment.time_known if moment else None) == (
        expected,
        time_known,
    )
