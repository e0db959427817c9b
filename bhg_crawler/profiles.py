"""Site profiles: everything the crawler knows about one site, declared in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo

from bhg_crawler.errors import ConfigError


@dataclass(frozen=True)
class Selectors:
    """CSS selectors of the fast path. Each is a guess at the markup; extraction never depends on them."""

    title: str = ""
    time: str = ""
    lede: str = ""
    body: str = ""
    byline: str = ""
    related: str = ""
    tags: str = ""
    next_page: str = ""


@dataclass(frozen=True)
class SiteProfile:
    name: str
    canonical_host: str
    hosts: tuple[str, ...]
    # Other hosts that serve the same articles below a path of the canonical host.
    host_paths: dict[str, str]
    sections: dict[str, str]  # slug (with sub-section path) -> name; leaves are crawled
    parent_sections: dict[str, str]
    article_path: re.Pattern[str]  # groups: section, month, slug, id
    lede_prefix: re.Pattern[str]  # group "tag": the lede's tag
    language_by_section: dict[str, str]
    default_language: str
    timezone: tzinfo
    related_headings: tuple[str, ...]
    tags_label: str
    page_parameter: str
    tracking_parameters: re.Pattern[str]
    selectors: Selectors = field(default_factory=Selectors)
    # How pages that are not valid UTF-8 are read when they say they are: the site's legacy code page.
    legacy_encoding: str = "cp1258"

    @property
    def start_url(self) -> str:
        return f"https://{self.canonical_host}/"

    def section_url(self, slug: str) -> str:
        return f"https://{self.canonical_host}/{slug}"

    def section_name(self, slug: str) -> str | None:
        return self.sections.get(slug) or self.parent_sections.get(slug)

    def language_of(self, section: str) -> str:
        top = section.split("/", 1)[0]
        return self.language_by_section.get(top, self.default_language)

    def expand_sections(self, requested: list[str]) -> list[str]:
        """Leaf sections for a list of slugs; a parent stands for its children."""
        leaves: list[str] = []
        unknown = []
        for slug in requested:
            if slug in self.sections:
                leaves.append(slug)
            elif slug in self.parent_sections:
                leaves += [s for s in self.sections if s.startswith(slug + "/")]
            else:
                unknown.append(slug)
        if unknown:
            known = ", ".join(sorted([*self.sections, *self.parent_sections]))
            raise ConfigError(f"unknown section(s) {', '.join(unknown)}; known: {known}")
        return list(dict.fromkeys(leaves))


VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

BAOHAGIANG = SiteProfile(
    name="baohagiang.vn",
    canonical_host="baohagiang.vn",
    hosts=("baohagiang.vn", "www.baohagiang.vn", "en.baohagiang.vn"),
    host_paths={"en.baohagiang.vn": "/english"},
    sections={
        "thoi-su-chinh-tri": "Thời sự - Chính trị",
        "xay-dung-dang": "Xây dựng Đảng",
        "kinh-te": "Kinh tế",
        "xa-hoi": "Xã hội",
        "van-hoa": "Văn hóa",
        "quoc-phong-an-ninh": "Quốc phòng - An ninh",
        "du-lich": "Du lịch",
        "the-thao": "Thể thao",
        "phap-luat": "Pháp luật",
        "ve-bao-ha-giang/thong-tin-toa-soan": "Thông tin tòa soạn",
        "media-bhg": "Media BHG",
        "multimedia/truyen-hinh": "Truyền hình",
        "multimedia/emagazine": "E-magazine",
        "multimedia/anh": "Ảnh",
        "multimedia/infographic": "Infographic",
        "thong-tin-quang-ba": "Thông tin quảng bá",
        "english/news": "News",
        "english/Culture": "Culture",
        "english/Society": "Society",
    },
    parent_sections={"ve-bao-ha-giang": "Về Báo Hà Giang", "multimedia": "Multimedia", "english": "English"},
    # Era A: numeric ids; era B: 7 hex digits. The slug is the title folded to ASCII.
    article_path=re.compile(
        r"^/(?P<section>[A-Za-z0-9-]+(?:/[A-Za-z0-9-]+)*?)/(?P<month>(?:19|20)\d\d(?:0[1-9]|1[0-2]))/"
        r"(?P<slug>[a-z0-9-]+?)-(?P<id>[0-9a-f]{7}|\d{5,8})/?$"
    ),
    lede_prefix=re.compile(r"^\s*(?P<tag>BHG|HGĐT)\s*[-\u2013]\s*"),
    language_by_section={"english": "en"},
    default_language="vi",
    timezone=VIETNAM,
    related_headings=("Cùng chuyên mục", "Tin liên quan", "Tin cùng chuyên mục"),
    tags_label="Từ khóa",
    page_parameter="page",
    tracking_parameters=re.compile(r"^(utm_\w+|fbclid|gclid|zarsrc|_gl|ref|source)$"),
    selectors=Selectors(
        title="h1.title-detail, h1.article__title",
        time=".date-detail, .article__time",
        lede=".sapo-detail, .article__sapo",
        body=".content-detail, .article__body",
        byline=".author-detail, .article__author",
        related=".box-related, .related-box",
        tags=".article__tags a",
        next_page=".pagination a.next",
    ),
)

PROFILES = {BAOHAGIANG.name: BAOHAGIANG}


def get_profile(name: str) -> SiteProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(f"unknown site {name!r}; known: {', '.join(PROFILES)}") from None
