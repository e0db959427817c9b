"""Sister sites on the same CMS: the successor baotuyenquang.com.vn and a made-up baonuixanh.vn.

Each is a ``SisterSpec``: its hosts, name, sections, lede tag, until when it printed ``.html`` URLs with numbers,
how its listings are paged, and its markup: the template families of ``bhg_replica.families`` (the successor) or
a ``Theme`` of class names (the made-up site). The successor also holds the Hà Giang articles that moved at the
merger (``Catalog.moved``): same ids, same text, "BHG - " lede, in its ``khu-vuc`` section; baohagiang.vn answers
their old URLs with a permanent redirect here.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from bhg_replica.answers import STYLESHEET, Response, html_page, media, text
from bhg_replica.catalog import LAST_DAY, MIN_ARTICLES, VN_TZ, Catalog, Section, Slot, hex_id
from bhg_replica.chrome import Masthead
from bhg_replica.content import Writer
from bhg_replica.families import BTQ_CURRENT, BTQ_OLD, Family
from bhg_replica.families.base import block_html, choose, esc
from bhg_replica.families.btq_current import TUYEN_QUANG
from bhg_replica.render import Renderer
from bhg_replica.templates import dressed

ROBOTS = "User-agent: *\nDisallow: /tim-kiem\n"
ARTICLE_ID = re.compile(r"-(?P<id>[0-9a-f]{7}|\d{5,8})(?:\.html)?/?$")


@dataclass(frozen=True)
class Theme:
    """The class names of a made-up site's markup."""

    header: str
    nav: str
    crumbs: str
    title: str
    meta: str
    time: str
    lede: str
    body: str
    author: str
    tags: str
    related: str
    related_title: str
    related_item: str
    listing_title: str
    listing: str
    item: str
    item_time: str
    item_lede: str
    pagination: str
    next: str


@dataclass(frozen=True)
class SisterSpec:
    host: str
    brand: str
    sections: tuple[Section, ...]
    lede_tag: str | None  # the prefix of its own ledes, None for none
    first_day: datetime  # its archive starts here and ends with baohagiang.vn's, on LAST_DAY
    numbered_until: datetime  # articles until then have .html URLs with numbers from first_number, later ones hex ids
    first_number: int
    masthead: Masthead | None = None  # a site printed in the template families: who publishes it
    theme: Theme | None = None  # a site printed in a theme of class names
    sectioned: float = 0.0  # the share of its .html URLs with a section path
    page_parameter: str = "page"
    query_paged: tuple[str, ...] = ()  # the sections paged with ?<page_parameter>=N, not /trang-N.html
    parents: tuple[tuple[str, str], ...] = ()
    moved_into: str | None = None  # the section the Hà Giang articles moved into at the merger
    robots_missing: bool = False  # /robots.txt answers 404
    share: int = 4  # its own articles: the replica's size divided by this

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset({self.host, "www." + self.host})


OTHER_THEME = Theme(
    header="top-bar", nav="menu-main", crumbs="cat-path", title="detail-title", meta="detail-info",
    time="detail-time", lede="detail-summary", body="detail-content", author="detail-author",
    tags="detail-keywords", related="box-samecat", related_title="box-samecat__head", related_item="samecat-item",
    listing_title="box-cat__name", listing="list-news", item="news-item", item_time="news-time",
    item_lede="news-desc", pagination="paging", next="paging__next",
)  # fmt: skip
TUYEN_QUANG_MASTHEAD = Masthead(
    "https://baotuyenquang.com.vn", "Báo Tuyên Quang",
    ("Cơ quan của Đảng bộ tỉnh Tuyên Quang - Báo và Phát thanh, Truyền hình Tuyên Quang",
     "Giấy phép hoạt động báo chí số 05/GP-BVHTTDL. Tổng Biên tập: Trần Minh Hải",
     "Địa chỉ: Đường 17 tháng 8, phường Minh Xuân, tỉnh Tuyên Quang. Điện thoại: 0207.3822.367",
     "Email: baotuyenquang@gmail.com"),
    "G-TQ7K2M9X4P",
)  # fmt: skip

SISTERS = (
    SisterSpec(
        host="baotuyenquang.com.vn",
        brand="Báo Tuyên Quang",
        # The sections its crawler accepted in 2026, nested ones too, and khu-vuc, where Hà Giang's June 2025
        # articles went [seen-3p, config of Feb 2026]; kinh-te/nong-nghiep-nong-thon an old-CMS section [seen-3p];
        # multimedia seen, denied by that crawler as not articles; which years each holds: a guess.
        sections=tuple(
            Section(slug, name, topic, weight, first, last)
            for slug, name, topic, weight, first, last in (
                ("thoi-su-chinh-tri", "Thời sự - Chính trị", "politics", 1.5, 2014, 2025),
                ("thoi-su-chinh-tri/tin-tuc", "Tin tức", "politics", 1.0, 2024, 2025),
                ("kinh-te", "Kinh tế", "economy", 1.5, 2014, 2025),
                ("kinh-te/nong-nghiep-nong-thon", "Nông nghiệp - Nông thôn", "economy", 0.8, 2014, 2024),
                ("xa-hoi", "Xã hội", "society", 2.0, 2014, 2025),
                ("van-hoa", "Văn hóa", "culture", 1.2, 2014, 2025),
                ("an-ninh-quoc-phong", "An ninh - Quốc phòng", "defense", 0.8, 2014, 2025),
                ("khoa-hoc-cong-nghe", "Khoa học - Công nghệ", "science", 0.5, 2014, 2025),
                ("quoc-te", "Quốc tế", "world", 0.4, 2014, 2025),
                ("phap-luat", "Pháp luật", "law", 0.6, 2014, 2025),
                ("the-thao-giai-tri", "Thể thao - Giải trí", "sport", 0.5, 2014, 2025),
                ("goc-nhin", "Góc nhìn", "opinion", 0.4, 2014, 2025),
                ("thong-tin-quang-ba", "Thông tin quảng bá", "advert", 0.3, 2014, 2025),
                ("hoc-tap-theo-bac", "Học tập theo Bác", "uncle_ho", 0.3, 2014, 2025),
                ("khu-vuc", "Khu vực", "society", 0.5, 2025, 2025),
                ("multimedia", "Multimedia", "photo", 0.3, 2014, 2025),
            )
        ),
        lede_tag=None,
        first_day=datetime(2023, 1, 1, tzinfo=VN_TZ),
        numbered_until=datetime(2024, 7, 1, tzinfo=VN_TZ),
        first_number=172_000,
        masthead=TUYEN_QUANG_MASTHEAD,
        sectioned=0.8,
        moved_into="khu-vuc",
        robots_missing=True,
    ),
    SisterSpec(
        host="baonuixanh.vn",
        brand="Báo Núi Xanh",
        sections=(
            Section("chinh-tri", "Chính trị", "politics", 2.0),
            Section("kinh-te", "Kinh tế", "economy", 2.0),
            Section("doi-song/van-hoa", "Văn hóa", "culture", 1.5),
            Section("doi-song/du-lich", "Du lịch", "tourism", 1.0),
        ),
        lede_tag="BNX",
        first_day=datetime(2023, 1, 1, tzinfo=VN_TZ),
        numbered_until=LAST_DAY + timedelta(days=1),
        first_number=1_040_000,
        theme=OTHER_THEME,
        page_parameter="trang",
        query_paged=("chinh-tri", "kinh-te", "doi-song"),
        parents=(("doi-song", "Đời sống"),),
    ),
)
SISTER_HOSTS = {host: spec for spec in SISTERS for host in spec.hosts}


class SisterCatalog(Catalog):
    """A sister site's articles: its own, spread from ``first_day`` to ``LAST_DAY``, and those ``moved`` into
    it. Its archive is fixed: later days of the replica's clock publish nothing new on it."""

    def __init__(self, spec: SisterSpec, seed: int, size: int, day: int, home: Catalog | None = None):
        self.spec = spec
        self.sections = spec.sections
        self.parents = dict(spec.parents)
        self.query_paged = spec.query_paged
        self.page_parameter = spec.page_parameter
        self.home = home
        self.moved_from = {slot.article_id: slot for slot in home.moved} if home else {}
        super().__init__(seed, max(MIN_ARTICLES, size // spec.share) + len(self.moved_from), day)

    def _build(self) -> list[Slot]:
        spec = self.spec
        rng = random.Random(f"sister:{spec.host}:{self.seed}:{self.size}")
        salt = int(hashlib.sha256(f"hex:{spec.host}:{self.seed}".encode()).hexdigest()[:7], 16)
        own = self.size - len(self.moved_from)
        days = (LAST_DAY - spec.first_day).days + 1
        placed: list[tuple[datetime, Section, str]] = []
        for i in range(own):
            position = (i + rng.random()) * days / own
            moment = spec.first_day + timedelta(days=int(position), minutes=6 * 60 + int(position % 1 * 16 * 60))
            if moment < spec.numbered_until:
                article_id = str(spec.first_number + i)
            else:
                article_id = next(
                    found for k in range(4) if (found := hex_id(i + k * 2**26, salt)) not in self.moved_from
                )
            placed.append((moment, self._pick_section(rng, moment.year), article_id))
        if spec.moved_into is not None:
            into = self.section(spec.moved_into)
            placed += [(slot.published, into, slot.article_id) for slot in self.moved_from.values()]
        placed.sort(key=lambda entry: (entry[0], entry[2]))
        return [Slot(index, moment, section, article_id) for index, (moment, section, article_id) in enumerate(placed)]

    def _publish_days(self) -> None:
        pass

    def _edit_days(self) -> dict[str, tuple[datetime, ...]]:
        """Its own articles' edits; a moved article is edited as its old home says."""
        home = self.home.edits if self.home else {}
        own = {key: times for key, times in super()._edit_days().items() if key not in self.moved_from}
        return own | {key: home[key] for key in self.moved_from if key in home}


class SisterWriter(Writer):
    """A sister site's articles; those moved from baohagiang.vn say what they said there."""

    def __init__(self, catalog: SisterCatalog, home: Writer | None):
        super().__init__(catalog)
        self.sister = catalog
        self.home = home
        self.origin = f"https://{catalog.spec.host}"

    def numbered(self, slot: Slot) -> bool:
        """Whether the article has a ``.html`` URL with a number (the old CMS on the successor)."""
        return slot.published < self.sister.spec.numbered_until and slot.article_id not in self.sister.moved_from

    def on_hex_cms(self, slot: Slot) -> bool:
        return not self.numbered(slot)

    def title(self, slot: Slot) -> str:
        original = self.sister.moved_from.get(slot.article_id)
        return self.home.title(original) if self.home and original else super().title(slot)

    def slug(self, slot: Slot) -> str:
        original = self.sister.moved_from.get(slot.article_id)
        return self.home.slug(original) if self.home and original else super().slug(slot)

    def lede(self, slot: Slot) -> tuple[str, str | None, str]:
        original = self.sister.moved_from.get(slot.article_id)
        if self.home and original:
            return self.home.lede(original)
        rng = self._rng(slot, "lede")
        lede = self._sentences(rng, slot.published.year, rng.randint(1, 3), english=False)
        tag = self.sister.spec.lede_tag
        if rng.random() < 0.06 or tag is None:  # Tuyên Quang's own ledes carry no prefix [seen-3p]
            return lede, None, ""
        return lede, tag, f"{tag} - "

    def image_src(self, slot: Slot, rng: random.Random, name: str) -> str:
        """The old Tuyên Quang CMS kept its images under ``/media/images/YYYY/MM/img_<timestamp>.jpg`` [seen-3p];
        others as baohagiang.vn's era B."""
        if not (self.numbered(slot) and self.sister.spec.masthead):
            return super().image_src(slot, rng, name)
        taken = slot.published + timedelta(seconds=rng.randrange(86_400))
        return f"/media/images/{taken:%Y/%m}/img_{taken:%Y%m%d%H%M%S}{rng.randrange(1000):03d}.jpg"

    def path(self, slot: Slot) -> str:
        """``/<section>[/<sub>]/<slug>-<number>.html`` on the old CMS, for a share of them ``/<slug>-<number>.html``
        [seen-3p]; else baohagiang.vn's shape."""
        if not self.numbered(slot):
            return super().path(slot)
        sectioned = choose(slot.article_id, "sectioned", 1000) < self.sister.spec.sectioned * 1000
        return f"{'/' + slot.section.slug if sectioned else ''}/{self.slug(slot)}-{slot.article_id}.html"

    def family(self, slot: Slot) -> Family:
        """The template family of the article's page."""
        return BTQ_OLD if self.numbered(slot) else BTQ_CURRENT


class SisterRenderer:
    """A sister site's pages, in the markup of its theme."""

    def __init__(self, catalog: SisterCatalog, writer: SisterWriter, theme: Theme):
        self.catalog = catalog
        self.writer = writer
        self.spec = catalog.spec
        self.theme = theme
        self.origin = writer.origin

    def _menu(self) -> list[tuple[str, str]]:
        tops = dict.fromkeys(section.parent or section.slug for section in self.spec.sections)
        return [(slug, self.catalog.section_name(slug)) for slug in tops]

    def _page(self, title: str, body: str, active: str | None = None, meta: str = "") -> str:
        t, brand = self.theme, esc(self.spec.brand)
        items = "".join(
            f"<li{' class=active' if active and active.split('/')[0] == slug else ''}>"
            f'<a href="{self.origin}/{slug}">{esc(name)}</a></li>'
            for slug, name in self._menu()
        )
        return (
            '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{esc(title)}</title>\n{meta}<link rel="stylesheet" href="/css/style.css">\n</head>\n<body>\n'
            f'<header class="{t.header}"><a class="logo" href="{self.origin}/"><img src="/images/logo.png" '
            f'alt="{brand}"></a>\n<nav class="{t.nav}"><ul>{items}</ul></nav></header>\n{body}'
            f"<footer><p>{brand}</p></footer>\n</body>\n</html>\n"
        )

    def article(self, slot: Slot) -> str:
        t = self.theme
        article = self.writer.article(slot.article_id)
        url = self.writer.canonical_url(slot)
        meta = (
            f'<meta property="og:type" content="article">\n<meta property="og:url" content="{url}">\n'
            f'<link rel="canonical" href="{url}">\n'
        )
        crumbs = [slot.section.parent, slot.section.slug] if slot.section.parent else [slot.section.slug]
        links = " ".join(
            f'<a href="{self.origin}/{slug}">{esc(self.catalog.section_name(slug).upper())}</a>' for slug in crumbs
        )
        blocks = [f"<p>{esc(article.printed_lede)}</p>"] if article.repeat_lede else []
        blocks += [block_html(TUYEN_QUANG, block, self.origin) for block in article.blocks]
        byline = esc(article.byline) if article.byline else ""
        if byline and article.byline_in_body:
            blocks.append(f'<p style="text-align: right;"><strong>{byline}</strong></p>')
        author = f'<div class="{t.author}">{byline}</div>\n' if byline and not article.byline_in_body else ""
        tags = ""
        if article.tags:
            tag_links = ", ".join(f'<a href="/tim-kiem?q={esc(tag)}">{esc(tag)}</a>' for tag in article.tags)
            tags = f'<div class="{t.tags}">Từ khóa: {tag_links}</div>\n'
        main = (
            f'<main class="container">\n<div class="{t.crumbs}">{links}</div>\n<article>\n'
            f'<h1 class="{t.title}">{esc(article.title)}</h1>\n'
            f'<div class="{t.meta}"><span class="{t.time}">{article.printed_time()}</span></div>\n'
            f'<div class="{t.lede}">{esc(article.printed_lede)}</div>\n'
            f'<div class="{t.body}">\n{chr(10).join(blocks)}\n</div>\n{author}{tags}</article>\n'
            f"{self._related(slot)}{self._newest()}</main>\n"
        )
        return self._page(f"{article.title} - {self.spec.brand}", main, slot.section.slug, meta)

    def _related(self, slot: Slot) -> str:
        t = self.theme
        items = []
        for other in self.catalog.related(slot, 5):
            lede, _, prefix = self.writer.lede(other)
            items.append(
                f'<div class="{t.related_item}"><h3><a href="{self.writer.canonical_url(other)}">'
                f"{esc(self.writer.title(other))}</a></h3><div>{esc(prefix + lede)}</div>"
                f"<time>{other.published:%d/%m/%Y}</time></div>"
            )
        if not items:
            return ""
        heading = f'<div class="{t.related_title}">Cùng chuyên mục</div>'
        return f'<section class="{t.related}">{heading}\n{chr(10).join(items)}\n</section>\n'

    def _newest(self) -> str:
        links = "".join(
            f'<li><a href="{self.writer.canonical_url(s)}">{esc(self.writer.title(s))}</a></li>'
            for s in self.catalog.newest(5)
        )
        return f'<aside class="sidebar"><div>Tin mới</div><ul>{links}</ul></aside>\n'

    def listing(self, slug: str, page: int) -> str:
        t = self.theme
        own = f"{self.origin}/{slug}"
        items = []
        for slot in self.catalog.listing_page(slug, page):
            lede, _, prefix = self.writer.lede(slot)
            items.append(
                f'<li class="{t.item}"><h3><a href="{self.writer.canonical_url(slot)}">'
                f'{esc(self.writer.title(slot))}</a></h3><span class="{t.item_time}">'
                f'{slot.published:%H:%M, %d/%m/%Y}</span><p class="{t.item_lede}">{esc(prefix + lede)}</p></li>'
            )
        last = self.catalog.page_count(slug)
        paging = []
        for n in range(max(1, page - 2), min(last, page + 2) + 1):
            paging.append(f"<span>{n}</span>" if n == page else f'<a href="{self._page_url(own, n)}">{n}</a>')
        if page < last:
            paging.append(f'<a class="{t.next}" href="{self._page_url(own, page + 1)}">Trang sau</a>')
        body = (
            f'<main class="container">\n<h1 class="{t.listing_title}">{esc(self.catalog.section_name(slug))}</h1>\n'
            f'<ul class="{t.listing}">\n{chr(10).join(items)}\n</ul>\n'
            f'<div class="{t.pagination}">{" ".join(paging)}</div>\n</main>\n'
        )
        return self._page(f"{self.catalog.section_name(slug)} - {self.spec.brand}", body, slug)

    def _page_url(self, own: str, page: int) -> str:
        return own + (f"?{self.spec.page_parameter}={page}" if page > 1 else "")

    def home(self) -> str:
        links = "".join(
            f'<li><a href="{self.writer.canonical_url(s)}">{esc(self.writer.title(s))}</a></li>'
            for s in self.catalog.newest(8)
        )
        return self._page(self.spec.brand, f'<main class="container">\n<ul>{links}</ul>\n</main>\n')

    def not_found(self) -> str:
        return self._page(f"404 - {self.spec.brand}", "<main><h1>Không tìm thấy trang</h1></main>\n")


class SisterSite:
    """Answers for one sister site's hosts."""

    def __init__(
        self, spec: SisterSpec, seed: int, size: int, day: int, template: str, home: Catalog, home_writer: Writer
    ):
        self.template = template  # a redesign or a breakage of the CMS reaches every site on it
        self.spec = spec
        self.catalog = SisterCatalog(spec, seed, size, day, home if spec.moved_into else None)
        self.writer = SisterWriter(self.catalog, home_writer if spec.moved_into else None)
        self.renderer: Renderer | SisterRenderer
        if spec.theme is not None:
            self.renderer = SisterRenderer(self.catalog, self.writer, spec.theme)
        else:
            assert spec.masthead is not None, spec.host  # a spec names a theme or a masthead
            self.renderer = Renderer(self.catalog, self.writer, spec.masthead, self.writer.family)

    def family(self, slot: Slot) -> Family | None:
        """The template family the article's page is printed in; None on a site printed in a theme."""
        return None if self.spec.theme is not None else self.writer.family(slot)

    def marks_of(self, slot: Slot) -> tuple[str, str]:
        """Where the article's page prints its time and its body (CSS), for the redesigned and broken templates."""
        if self.spec.theme is not None:
            return f".{self.spec.theme.time}", f".{self.spec.theme.body}"
        family = self.writer.family(slot)
        return family.time_css, family.body_css

    def respond(self, path: str, query: str) -> Response:
        if path == "/":
            return html_page(self.renderer.home())
        if path == "/robots.txt":
            # One host of the family answers 404 (a guess which; a sister paper's did in Oct 2026 [seen]).
            return html_page(self.renderer.not_found(), 404) if self.spec.robots_missing else text(ROBOTS)
        if path == "/css/style.css":
            return Response(200, STYLESHEET, "text/css")
        if path.startswith(("/images/", "/file/", "/media/")):
            return media(path)
        asked = self.catalog.listing_asked(path, parse_qs(query))
        if asked is not None:
            slug, page = asked
            return html_page(self.renderer.listing(slug, page)) if page else html_page(self.renderer.not_found(), 404)
        match = ARTICLE_ID.search(path)
        slot = self.catalog.by_id.get(match["id"]) if match else None
        if slot is None or path.rstrip("/") != self.writer.path(slot):
            return html_page(self.renderer.not_found(), 404)
        modified = self.catalog.modified(slot)
        version = f"{self.spec.host}:{self.catalog.seed}:{self.template}:{slot.article_id}:{modified.isoformat()}"
        time_css, body_css = self.marks_of(slot)
        dressed_page = dressed(
            self.renderer.article(slot), self.template, self.writer, slot, modified, time_css, body_css
        )
        return html_page(dressed_page, version=version, modified=modified)
