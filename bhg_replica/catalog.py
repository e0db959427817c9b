"""The replica's index of articles: ids, dates, sections and listings, derived from (seed, size)."""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from importlib import resources
from typing import Any

from bhg_replica.errors import ReplicaError

VN_TZ = timezone(timedelta(hours=7))
FIRST_DAY = datetime(2014, 1, 1, tzinfo=VN_TZ)
LAST_DAY = datetime(2025, 6, 30, tzinfo=VN_TZ)
ERA_B_START = datetime(2022, 1, 1, tzinfo=VN_TZ)
MOVED_SINCE = datetime(2025, 6, 1, tzinfo=VN_TZ)  # Hà Giang's articles of its last month moved at the merger
MIN_MOVED = 3
MAX_DAYS = 3650
MAX_ARTICLES = 120_000
MIN_ARTICLES = 10
PER_PAGE = 20
TRANG_PAGE = re.compile(r"^/(?P<slug>.+?)/trang-(?P<page>\d+)\.html$")

# Era-A ids grow by about 1,300 a month and stood near 766676 in October 2020.
ERA_A_ID_STEP = 1300
ERA_A_ID_OCT_2020 = 766_000
ERA_A_IDS_PER_DAY = 40


@dataclass(frozen=True)
class Section:
    slug: str  # path below the host, sub-sections included: "multimedia/truyen-hinh"
    name: str
    topic: str  # key into vocab.TITLES
    weight: float
    first_year: int = 2014
    last_year: int = 2025
    language: str = "vi"
    video: bool = False

    @property
    def parent(self) -> str | None:
        return self.slug.rsplit("/", 1)[0] if "/" in self.slug else None


SECTIONS: tuple[Section, ...] = (
    Section("thoi-su-chinh-tri", "Thời sự - Chính trị", "politics", 3.0),
    Section("xay-dung-dang", "Xây dựng Đảng", "party", 2.0),
    Section("kinh-te", "Kinh tế", "economy", 2.4),
    Section("kinh-te/cong-nghiep", "Công nghiệp", "industry", 0.6),  # [seen-3p, config of 2019-2020]
    Section("xa-hoi", "Xã hội", "society", 3.0),
    Section("van-hoa", "Văn hóa", "culture", 2.0),
    Section("quoc-phong-an-ninh", "Quốc phòng - An ninh", "defense", 1.5),
    Section("du-lich", "Du lịch", "tourism", 1.5),
    Section("the-thao", "Thể thao", "sport", 0.8),
    Section("phap-luat", "Pháp luật", "law", 0.8),
    Section("ve-bao-ha-giang/thong-tin-toa-soan", "Thông tin tòa soạn", "newsroom", 0.3),
    Section("media-bhg", "Media BHG", "media", 2.0, 2020, 2020, video=True),
    Section("multimedia/truyen-hinh", "Truyền hình", "media", 0.8, 2022, video=True),
    Section("multimedia/emagazine", "E-magazine", "emagazine", 0.4, 2022),
    Section("multimedia/anh", "Ảnh", "photo", 0.4, 2022),
    Section("multimedia/infographic", "Infographic", "infographic", 0.3, 2022),
    Section("thong-tin-quang-ba", "Thông tin quảng bá", "advert", 0.4, 2022),
    Section("english/news", "News", "english", 0.15, 2019, language="en"),
    Section("english/Culture", "Culture", "english", 0.1, 2019, language="en"),
    Section("english/Society", "Society", "english", 0.1, 2019, language="en"),
)
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}
PARENT_SECTIONS = {
    "ve-bao-ha-giang": "Về Báo Hà Giang",
    "multimedia": "Multimedia",
    "english": "English",
}


@dataclass(frozen=True, slots=True)
class Slot:
    """One article of the replica, as the catalog knows it (content is generated on demand)."""

    index: int  # position in publication order, 0 = oldest
    published: datetime
    section: Section
    article_id: str
    also_in: Section | None = None  # an article listed in a second section
    deleted: bool = False  # linked from old related blocks, answers 404
    pinned: int | None = None  # 0 = the seed article, 1..4 = its related items

    @property
    def era(self) -> str:
        return "A" if self.published < ERA_B_START else "B"

    @property
    def month(self) -> str:
        return self.published.strftime("%Y%m")


def load_seed_article() -> dict[str, Any]:
    text = resources.files("bhg_replica").joinpath("data/seed_article.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _pinned_times(seed_article: dict[str, Any]) -> list[datetime]:
    hm, dmy = seed_article["time"].split(", ")
    times = [datetime.strptime(f"{dmy} {hm}", "%d/%m/%Y %H:%M").replace(tzinfo=VN_TZ)]
    for item in seed_article["related"]:
        stamp = datetime.strptime(f"{item['date']} {item['time']}", "%d/%m/%Y %H:%M")
        times.append(stamp.replace(tzinfo=VN_TZ))
    return times


# The replica's clock ("now" on its day, ISO 8601), asked of the replica at its own address: a crawl through it
# takes it as its BHG_NOW, so that revisits fall in the refresh window as on the live site.
CLOCK_PATH = "/.well-known/bhg-replica-clock"


def site_now(day: int) -> datetime:
    """The replica's clock on ``day``: 23:00, site time, ``day`` days after its last archived day."""
    return LAST_DAY + timedelta(days=day, hours=23)


def _month_number(moment: datetime) -> int:
    return moment.year * 12 + moment.month - 1


def hex_id(n: int, salt: int) -> str:
    # Multiplying by an odd constant modulo 2**28 is a bijection: 7 hex digits, no collisions.
    return format((n * 0x9E3779B1 + salt) & 0xFFFFFFF, "07x")


def listing_path(slug: str, page: int, query_paged: bool) -> str:
    """The path of a section's listing page: ``/<slug>`` (a sub-section ``/<parent>/<sub>/``, with the trailing slash
    [seen-3p, config of 2019-2020]); later pages ``/<slug>/trang-N.html`` [seen-3p, a 2025 listing], or ``?page=N``
    where ``query_paged`` (a guess)."""
    first = f"/{slug}/" if "/" in slug else f"/{slug}"
    if page == 1:
        return first
    return f"{first}?page={page}" if query_paged else f"/{slug}/trang-{page}.html"


class Catalog:
    """Every article slot of a replica of ``size`` live articles, built by ``seed``, on ``day``.

    The slots are spread evenly over 2014-01 .. 2025-06 in publication order; the seed article
    and its four related items are pinned to their real dates in ``xay-dung-dang``. Each day after
    that (the replica's clock, ``day`` 1, 2, ...) publishes 1% more articles and edits about a tenth
    of the articles of the week before; ``now`` is 23:00 of the day.
    """

    sections: tuple[Section, ...] = SECTIONS
    parents: dict[str, str] = PARENT_SECTIONS
    # The sections (with their sub-sections) whose listings are paged with ?page=N: a guess, the English edition
    # and the 2020 video section; every other listing is paged /trang-N.html.
    query_paged: tuple[str, ...] = ("english", "media-bhg")
    page_parameter = "page"

    def __init__(self, seed: int = 1, size: int = 300, day: int = 0):
        if not MIN_ARTICLES <= size <= MAX_ARTICLES:
            raise ReplicaError(f"articles must be between {MIN_ARTICLES} and {MAX_ARTICLES}, not {size}")
        if not 0 <= day <= MAX_DAYS:
            raise ReplicaError(f"day must be between 0 and {MAX_DAYS}, not {day}")
        self.seed = seed
        self.size = size
        self.day = day
        self.now = site_now(day)
        self.seed_article = load_seed_article()
        self.slots: list[Slot] = self._build()
        self._publish_days()
        self.by_id = {slot.article_id: slot for slot in self.slots}
        if len(self.by_id) != len(self.slots):
            raise RuntimeError("article ids collide")  # the id scheme's invariant, not user input
        self.live = [slot for slot in self.slots if not slot.deleted]
        self.edits: dict[str, tuple[datetime, ...]] = self._edit_days()

    def _build(self) -> list[Slot]:
        rng = random.Random(f"catalog:{self.seed}:{self.size}")
        pinned_times = _pinned_times(self.seed_article)
        deleted_count = max(1, self.size // 100)
        generated = self.size - len(pinned_times) + deleted_count
        span_minutes_per_day = 16 * 60  # articles appear between 06:00 and 22:00
        days = (LAST_DAY - FIRST_DAY).days + 1
        raw: list[tuple[datetime, int | None]] = []
        for i in range(generated):
            position = (i + rng.random()) * days / generated
            day = int(position)
            minute = int((position - day) * span_minutes_per_day)
            raw.append((FIRST_DAY + timedelta(days=day, minutes=6 * 60 + minute), None))
        raw.extend((moment, k) for k, moment in enumerate(pinned_times))
        raw.sort(key=lambda pair: pair[0])

        # Choose which generated slots are deleted, never a pinned one.
        free = [i for i, (_, pin) in enumerate(raw) if pin is None]
        deleted = set(rng.sample(free, deleted_count))

        salt = int(hashlib.sha256(f"hex:{self.seed}".encode()).hexdigest()[:7], 16)
        per_day: dict[tuple[int, int], int] = {}
        slots: list[Slot] = []
        pinned_section = SECTION_BY_SLUG[self.seed_article["section"]]
        for index, (moment, pin) in enumerate(raw):
            month = _month_number(moment)
            rank = per_day.get((month, moment.day), 0)
            per_day[(month, moment.day)] = rank + 1
            if moment < ERA_B_START:
                # 40 ids a day, the last kept for pinned articles: their ids do not move with the size.
                base = ERA_A_ID_OCT_2020 + ERA_A_ID_STEP * (month - _month_number(datetime(2020, 10, 1)))
                offset = ERA_A_IDS_PER_DAY - 1 if pin is not None else min(rank, ERA_A_IDS_PER_DAY - 2)
                article_id = str(base + (moment.day - 1) * ERA_A_IDS_PER_DAY + offset)
            else:
                article_id = hex_id(index, salt)
            if pin is not None:
                section, also_in = pinned_section, None
            else:
                section = self._pick_section(rng, moment.year)
                also_in = self._pick_section(rng, moment.year) if rng.random() < 0.05 else None
                if also_in is section or (also_in and also_in.language != section.language):
                    also_in = None
            slots.append(Slot(index, moment, section, article_id, also_in, index in deleted, pin))
        return self._ensure_english(slots)

    def _publish_days(self) -> None:
        """The articles of days 1 .. ``day``: 1% of the size a day, between 06:00 and 22:00."""
        salt = int(hashlib.sha256(f"hex:{self.seed}".encode()).hexdigest()[:7], 16)
        for day in range(1, self.day + 1):
            rng = random.Random(f"day:{self.seed}:{self.size}:{day}")
            midnight = LAST_DAY + timedelta(days=day)
            for minute in sorted(rng.randrange(16 * 60) for _ in range(max(1, self.size // 100))):
                index = len(self.slots)
                section = self._pick_section(rng, midnight.year)
                published = midnight + timedelta(minutes=6 * 60 + minute)
                self.slots.append(Slot(index, published, section, hex_id(index, salt)))

    def _edit_days(self) -> dict[str, tuple[datetime, ...]]:
        """When each edited article was edited: on each day, a tenth of the week before's articles."""
        edits: dict[str, list[datetime]] = {}
        for day in range(1, self.day + 1):
            midnight = LAST_DAY + timedelta(days=day)
            week = [s for s in self.live if midnight - timedelta(days=7) <= s.published < midnight and s.pinned is None]
            rng = random.Random(f"edits:{self.seed}:{self.size}:{day}")
            for slot in rng.sample(week, max(1, len(week) // 10) if week else 0):
                at = midnight + timedelta(hours=rng.randint(7, 21), minutes=rng.randrange(60))
                edits.setdefault(slot.article_id, []).append(at)
        return {article_id: tuple(times) for article_id, times in edits.items()}

    @cached_property
    def moved(self) -> list[Slot]:
        """The articles the successor site took over at the merger, oldest first: the text articles of the
        Vietnamese edition from ``MOVED_SINCE`` to the last archived day, at least ``MIN_MOVED``."""
        candidates = [
            slot for slot in reversed(self.live)
            if slot.published < LAST_DAY + timedelta(days=1) and slot.pinned is None
            and slot.section.language == "vi" and not slot.section.video
        ]  # fmt: skip
        recent = [slot for slot in candidates if slot.published >= MOVED_SINCE]
        return sorted(recent if len(recent) >= MIN_MOVED else candidates[:MIN_MOVED], key=lambda slot: slot.index)

    def modified(self, slot: Slot) -> datetime:
        """When the article last changed: its last edit, else its publication."""
        return max((slot.published, *self.edits.get(slot.article_id, ())))

    def _pick_section(self, rng: random.Random, year: int) -> Section:
        active = [s for s in self.sections if s.first_year <= year <= s.last_year]
        return rng.choices(active, weights=[s.weight for s in active])[0]

    @staticmethod
    def _ensure_english(slots: list[Slot]) -> list[Slot]:
        """Every replica, however small, has at least two English-edition articles."""
        english = [s for s in slots if s.section.language == "en" and not s.deleted]
        candidates = [s for s in reversed(slots) if s.pinned is None and not s.deleted and s.section.language == "vi"]
        targets = ("english/Culture", "english/Society")
        for slot, target in zip(candidates[: max(0, 2 - len(english))], targets, strict=False):
            slots[slot.index] = Slot(
                slot.index, slot.published, SECTION_BY_SLUG[target], slot.article_id, None, False, None
            )
        return slots

    def section(self, slug: str) -> Section:
        return self._section_by_slug[slug]

    @cached_property
    def _section_by_slug(self) -> dict[str, Section]:
        return {s.slug: s for s in self.sections}

    def section_name(self, slug: str) -> str:
        return self.parents.get(slug) or self.section(slug).name

    # -- listings ---------------------------------------------------------------------------

    @cached_property
    def listings(self) -> dict[str, list[Slot]]:
        """Live slots per section slug (parents include their children), newest first."""
        result: dict[str, list[Slot]] = {s.slug: [] for s in self.sections}
        result.update({parent: [] for parent in self.parents})
        for slot in reversed(self.live):
            homes = {slot.section.slug}
            if slot.also_in is not None:
                homes.add(slot.also_in.slug)
            for slug in sorted(homes):
                result[slug].append(slot)
                parent = self.section(slug).parent
                if parent is not None and slot not in result[parent][-1:]:
                    result[parent].append(slot)
        return result

    def paged_by_query(self, slug: str) -> bool:
        """Whether the section's listing is paged with ``?page=N`` rather than ``/trang-N.html``."""
        return slug.split("/", 1)[0] in self.query_paged

    def listing_path(self, slug: str, page: int) -> str:
        """The path of a listing page of this catalog's site (``listing_path``)."""
        return listing_path(slug, page, self.paged_by_query(slug))

    def listing_asked(self, path: str, params: dict[str, list[str]], endless: bool = False) -> tuple[str, int] | None:
        """The (section slug, page number) a request path and query name, page 0 for a page the section lacks (a
        page past the end is one unless ``endless``); None when the path is no listing."""
        paged = TRANG_PAGE.match(path)
        if paged and paged["slug"] in self.listings and not self.paged_by_query(paged["slug"]):
            slug, text = paged["slug"], paged["page"]
        else:
            slug = path.strip("/")
            if slug not in self.listings:
                return None
            text = params.get(self.page_parameter, ["1"])[0] if self.paged_by_query(slug) else "1"
        page = int(text) if text.isdigit() else 0
        return slug, page if page >= 1 and (endless or page <= self.page_count(slug)) else 0

    def page_count(self, slug: str) -> int:
        return max(1, -(-len(self.listings[slug]) // PER_PAGE))

    def listing_page(self, slug: str, page: int) -> list[Slot]:
        items = self.listings[slug]
        return items[(page - 1) * PER_PAGE : page * PER_PAGE]

    def listing_day(self, slug: str, day: datetime) -> list[Slot]:
        """The "Xem theo ngày" filter: a section's articles of one day, newest first."""
        end = day + timedelta(days=1)
        return [slot for slot in self.listings[slug] if day <= slot.published < end]

    def newest(self, count: int, language: str = "vi") -> list[Slot]:
        found: list[Slot] = []
        for slot in reversed(self.live):
            if slot.section.language == language:
                found.append(slot)
                if len(found) == count:
                    break
        return found

    def related(self, slot: Slot, count: int) -> list[Slot]:
        """ "Cùng chuyên mục": older neighbours in the same section (deleted ones too), shuffled."""
        if slot.pinned == 0:
            return sorted((s for s in self.slots if s.pinned), key=lambda s: s.pinned or 0)
        pool = self._section_slots[slot.section.slug]
        at = self._section_position[slot.index]
        older = pool[max(0, at - count) : at]
        newer = pool[at + 1 : at + 1 + count - len(older)]
        chosen = older + newer
        random.Random(f"related:{self.seed}:{slot.article_id}").shuffle(chosen)
        return chosen

    @cached_property
    def _section_slots(self) -> dict[str, list[Slot]]:
        result: dict[str, list[Slot]] = {s.slug: [] for s in self.sections}
        for slot in self.slots:
            result[slot.section.slug].append(slot)
        return result

    @cached_property
    def _section_position(self) -> dict[int, int]:
        return {slot.index: at for pool in self._section_slots.values() for at, slot in enumerate(pool)}
