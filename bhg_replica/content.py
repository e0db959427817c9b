"""What each replica article says: generated on demand, deterministic in (seed, article id)."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from bhg_replica import vocab
from bhg_replica.catalog import Catalog, Slot

ERA_B_FILE_HASH = "4028eaa4679b32c401679c0c74382a7e"


@dataclass(frozen=True)
class Image:
    src: str  # path on the site's host
    alt: str
    caption: str | None  # as printed in the caption cell, credit and " |" included
    true_caption: str | None  # what a reader means: no credit, no " |"
    credit: str | None


@dataclass(frozen=True)
class Block:
    kind: str  # "p", "h" (subheading), "image", "video"
    text: str = ""
    image: Image | None = None


@dataclass(frozen=True)
class Author:
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    slot: Slot
    title: str
    slug: str
    lede: str  # without its prefix
    lede_tag: str | None  # "BHG", "HGĐT" or None
    lede_prefix: str  # as printed: "BHG - ", "BHG -\xa0", "HGĐT- " or ""
    repeat_lede: bool  # 2014 pages repeat the lede as the first body paragraph
    blocks: tuple[Block, ...]
    byline: str | None
    authors: tuple[Author, ...]
    tags: tuple[str, ...]
    weekday_time: bool  # "Thứ Bảy, 17/10/2020, 14:34 (GMT+7)" instead of "14:34, 17/10/2020"
    head_meta: bool  # og: tags and canonical link
    byline_in_body: bool  # last body paragraph, or a block of its own
    nfd: bool  # the page is served in decomposed Unicode
    entities: bool  # the body is written with HTML character references
    related_html: dict[int, str] = field(default_factory=dict)  # pinned ledes as printed

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind in ("p", "h")]

    @property
    def images(self) -> list[Image]:
        return [b.image for b in self.blocks if b.image is not None]

    @property
    def printed_lede(self) -> str:
        return self.lede_prefix + self.lede

    def printed_time(self) -> str:
        moment = self.slot.published
        if self.weekday_time:
            weekday = vocab.WEEKDAYS[moment.weekday()]
            return f"{weekday}, {moment:%d/%m/%Y, %H:%M} (GMT+7)"
        return f"{moment:%H:%M, %d/%m/%Y}"


def folded(text: str) -> str:
    """Vietnamese text in lowercase ASCII letters: marks dropped, "đ" as "d"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def ascii_slug(text: str) -> str:
    """Fold a Vietnamese title to the site's URL slug: ASCII, lowercase, digits kept [seen]."""
    return re.sub(r"[^a-z0-9]+", "-", folded(text)).strip("-")


def cms_slug(title: str, hyphen_each: bool) -> str:
    """The slug the hex-id CMS makes of a title [seen-3p, config of Feb 2026]: a no-break space is dropped, so the
    words beside it run together ("chaomungdai-hoi"); with ``hyphen_each`` every other character becomes a hyphen,
    so ", " gives "--" ("cac-cap--nhiem-ky-2025-2030")."""
    text = folded(title.replace("\xa0", ""))
    return re.sub(r"[^a-z0-9]", "-", text).strip("-") if hyphen_each else ascii_slug(text)


def reader_text(text: str) -> str:
    """Text as a record holds it: every run of spaces (no-break ones too) one space, trimmed."""
    return " ".join(text.split())


def vn_number(value: float, decimals: int = 0) -> str:
    """1726.8 -> "1.726,8": dots for thousands, a comma for decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


class Writer:
    """Writes the articles of one catalog; ``article()`` is cached per id."""

    origin = "https://baohagiang.vn"

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.article = lru_cache(maxsize=4096)(self._article)

    def _rng(self, slot: Slot, part: str) -> random.Random:
        return random.Random(f"{self.catalog.seed}:{slot.article_id}:{part}")

    # -- slots and phrases --------------------------------------------------------------------

    @staticmethod
    def _fill(template: str, rng: random.Random, year: int) -> str:
        district = rng.choice(vocab.DISTRICTS)
        values = {
            "d": district,
            "c": rng.choice(vocab.COMMUNES[district]),
            "e": rng.choice(vocab.ETHNIC_GROUPS),
            "crop": rng.choice(vocab.CROPS),
            "fest": rng.choice(vocab.FESTIVALS),
            "place": rng.choice(vocab.PLACES),
            "place_en": rng.choice(vocab.ENGLISH_PLACES),
            "org": rng.choice(vocab.ORGANISATIONS),
            "person": rng.choice(vocab.PEOPLE),
            "n": str(rng.randint(2, 95)),
            "y": str(year),
            "m": str(rng.randint(1, 12)),
            "pct": vn_number(rng.uniform(1, 30), 1),
            "when": rng.choice(("Sáng", "Chiều", "Tối")),
            "date": f"{rng.randint(1, 28)}.{rng.randint(1, 12)}",
            "full_date": f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(1945, 1990)}",
            "month_year": f"{rng.randint(1, 12)}.{year}",
            "ha": vn_number(rng.uniform(100, 5000), 1),
            "tons": vn_number(rng.randint(1000, 60000)),
        }
        return template.format(**values)

    def _sentences(self, rng: random.Random, year: int, count: int, english: bool) -> str:
        pool = vocab.ENGLISH_SENTENCES if english else vocab.SENTENCES
        return " ".join(self._fill(rng.choice(pool), rng, year) for _ in range(count))

    def title(self, slot: Slot) -> str:
        if slot.pinned is not None:
            seed = self.catalog.seed_article
            return str(seed["title"] if slot.pinned == 0 else seed["related"][slot.pinned - 1]["title"])
        rng = self._rng(slot, "title")
        templates = vocab.ENGLISH_TITLES if slot.section.language == "en" else vocab.TITLES[slot.section.topic]
        return self._with_no_break_space(slot, self._fill(rng.choice(templates), rng, slot.published.year))

    def on_hex_cms(self, slot: Slot) -> bool:
        """Whether the article was written in the hex-id CMS (baohagiang.vn's era B)."""
        return slot.era == "B"

    def _with_no_break_space(self, slot: Slot, title: str) -> str:
        """On the hex-id CMS one title in twelve was typed with a no-break space between two words [seen-3p, config
        of Feb 2026: the slugs that run words together]."""
        rng = self._rng(slot, "no-break space")
        words = title.split(" ")
        if not self.on_hex_cms(slot) or len(words) < 3 or rng.random() >= 1 / 12:
            return title
        at = rng.randrange(len(words) - 1)
        return " ".join([*words[:at], words[at] + "\xa0" + words[at + 1], *words[at + 2 :]])

    def slug(self, slot: Slot) -> str:
        """The URL slug: the title folded to ASCII; on the hex-id CMS one slug in six with a hyphen for each other
        character (``cms_slug``)."""
        hyphen_each = self.on_hex_cms(slot) and self._rng(slot, "slug").random() < 1 / 6
        return cms_slug(self.title(slot), hyphen_each)

    def lede(self, slot: Slot) -> tuple[str, str | None, str]:
        """(lede without prefix, tag, prefix as printed)."""
        if slot.pinned is not None:
            seed = self.catalog.seed_article
            printed = seed["lede"] if slot.pinned == 0 else seed["related"][slot.pinned - 1]["lede"]
            prefix = re.match(r"BHG -\s", printed)
            assert prefix is not None
            return printed[prefix.end() :], "BHG", prefix.group()
        rng = self._rng(slot, "lede")
        english = slot.section.language == "en"
        text = self._sentences(rng, slot.published.year, rng.randint(1, 3), english)
        year = slot.published.year
        if english or rng.random() < 0.06:  # syndicated and history pieces carry no prefix
            return text, None, ""
        if year <= 2016 or (year == 2017 and rng.random() < 0.5):
            return text, "HGĐT", "HGĐT- "
        return text, "BHG", "BHG -\xa0" if rng.random() < 0.1 else "BHG - "

    # -- whole articles ---------------------------------------------------------------------

    def _article(self, article_id: str) -> Article:
        slot = self.catalog.by_id[article_id]
        lede, tag, prefix = self.lede(slot)
        rng = self._rng(slot, "body")
        era_b = slot.era == "B"
        byline: str | None
        if slot.pinned == 0:
            blocks, byline = self._seed_blocks(slot)
        else:
            blocks = self._blocks(slot, rng)
            byline = self._byline(rng)
        blocks += self._corrections(slot)
        return Article(
            slot=slot,
            title=self.title(slot),
            slug=self.slug(slot),
            lede=lede,
            lede_tag=tag,
            lede_prefix=prefix,
            repeat_lede=tag == "HGĐT" and slot.published.year <= 2014,
            blocks=tuple(blocks),
            byline=byline,
            authors=parse_authors(byline),
            tags=tuple(rng.sample(vocab.TAGS, rng.randint(2, 4))) if era_b and rng.random() < 0.7 else (),
            weekday_time=slot.section.video or (slot.pinned is None and rng.random() < 0.05),
            head_meta=slot.pinned is None and rng.random() < (0.8 if era_b else 0.3),
            byline_in_body=rng.random() < 0.7,
            nfd=slot.pinned is None and rng.random() < 0.05,
            entities=slot.pinned is None and rng.random() < 0.08,
        )

    def _corrections(self, slot: Slot) -> list[Block]:
        """A paragraph at the end of the body for each edit of the article."""
        english = slot.section.language == "en"
        blocks = []
        for n, at in enumerate(self.catalog.edits.get(slot.article_id, ())):
            sentence = self._sentences(self._rng(slot, f"edit:{n}"), at.year, 1, english)
            label = f"Updated {at:%H:%M %d/%m/%Y}" if english else f"Cập nhật lúc {at:%H:%M} ngày {at:%d/%m/%Y}"
            blocks.append(Block("p", f"{label}: {sentence}"))
        return blocks

    def _seed_blocks(self, slot: Slot) -> tuple[list[Block], str]:
        seed = self.catalog.seed_article
        blocks = []
        for raw in seed["blocks"]:
            if "p" in raw:
                blocks.append(Block("p", raw["p"]))
            else:
                caption = raw["image"]["caption"]
                src = f"/dataimages/{slot.month}/original/{raw['image']['file']}"
                blocks.append(Block("image", image=Image(src, caption, caption, caption, None)))
        return blocks, seed["byline"]

    def _blocks(self, slot: Slot, rng: random.Random) -> list[Block]:
        year = slot.published.year
        english = slot.section.language == "en"
        paragraphs = [self._sentences(rng, year, rng.randint(2, 5), english) for _ in range(rng.randint(3, 9))]
        blocks = [Block("p", text) for text in paragraphs]
        roll = rng.random()
        if not english and roll < 0.05 and len(blocks) >= 4:  # a series piece in parts
            parts = rng.sample(vocab.SERIES_PARTS, 2)
            blocks.insert(0, Block("h", f"Kỳ 1: {parts[0]}"))
            blocks.insert(len(blocks) // 2 + 1, Block("h", f"Kỳ 2: {parts[1]}"))
        elif not english and roll < 0.2 and len(blocks) >= 4:
            blocks.insert(len(blocks) // 2, Block("h", rng.choice(vocab.SUBHEADINGS)))
        if slot.section.video:
            video = f"/file/{ERA_B_FILE_HASH}/{slot.published:%m%Y}/video_{slot.published:%Y%m%d%H%M%S}.mp4"
            blocks.insert(0, Block("video", video))
            del blocks[3:]
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            at = rng.randint(0, len(blocks))
            blocks.insert(at, Block("image", image=self._image(slot, rng, len(blocks))))
        return blocks

    def _image(self, slot: Slot, rng: random.Random, n: int) -> Image:
        year = slot.published.year
        caption = self._fill(rng.choice(vocab.CAPTIONS), rng, year)
        src = self.image_src(slot, rng, "_".join(ascii_slug(caption).split("-")[:6]).title())
        roll = rng.random()
        if roll < 0.1:  # no caption: the file name stands as alt
            return Image(src, f"{n + 1}.png", None, None, None)
        credit = None
        printed = caption
        if roll < 0.2:
            credit = "CTV"
            printed = f"{caption} (Ảnh CTV)"
        elif roll < 0.3:
            credit = rng.choice(vocab.PHOTO_CREDITS)
            printed = f"{caption} Ảnh: {credit}"
        if year == 2018:
            printed += " |"
        return Image(src, printed, printed, caption, credit)

    def image_src(self, slot: Slot, rng: random.Random, name: str) -> str:
        """Where an image of the article is stored [seen]: era A under ``/dataimages/<YYYYMM>/original/`` (a quarter
        as the new CMS serves them, ``/file//dataimages/...``, names sometimes cut with "...."), era B under
        ``/file/<storage folder>/[<second folder>/]<MMYYYY>/``."""
        stamp = slot.published.strftime("%Y%m%d%H%M%S")
        if slot.era == "A":
            number = rng.randint(1_000_000, 9_999_999)
            if rng.random() < 0.25:  # served by the new CMS, names sometimes cut
                shown = name[:20] + "...." if len(name) > 20 and rng.random() < 0.5 else name
                return f"/file//dataimages/{slot.month}/original/images{number}_{shown}.jpg"
            return f"/dataimages/{slot.month}/original/images{number}_{name}.jpg"
        folder = f"{rng.getrandbits(128):032x}/" if rng.random() < 0.2 else ""
        ext = rng.choice(("jpg", "jpg", "jpeg", "png"))
        return f"/file/{ERA_B_FILE_HASH}/{folder}{slot.published:%m%Y}/{name.lower()}_{stamp}.{ext}"

    @staticmethod
    def _byline(rng: random.Random) -> str | None:
        first, second = rng.sample(vocab.REPORTERS, 2)
        forms = (
            f"Bài, ảnh: {first} - {second}",
            f"Bài và ảnh: {first}",
            f"Bài: {first} - Ảnh: {second}",
            f"Bài, ảnh: {first}",
            first,
            f"{first} - {second}",
            None,
        )
        return rng.choice(forms)

    def expected_record(self, slot: Slot) -> dict[str, object]:
        """What a perfect extraction of this article gives (schema 1 fields that do not vary by run)."""
        article = self.article(slot.article_id)
        related = []
        for other in self.catalog.related(slot, 4 if slot.pinned == 0 else 5):
            other_lede, _, _ = self.lede(other)
            related.append(
                {
                    "url": self.canonical_url(other),
                    "title": reader_text(self.title(other)),
                    "lede": reader_text(other_lede),
                    "published_date": other.published.date().isoformat(),
                }
            )
        return {
            "article_id": slot.article_id,
            "url": self.canonical_url(slot),
            "section": {"slug": slot.section.slug, "name": slot.section.name},
            "title": reader_text(article.title),
            "lede": reader_text(article.lede),
            "lede_tag": article.lede_tag,
            "published_at": slot.published.isoformat(),
            "published_time_known": True,  # every page prints its time of day
            "language": slot.section.language,
            "paragraphs": article.paragraphs,
            "images": [
                {"url": self.origin + i.src, "caption": i.true_caption, "credit": i.credit} for i in article.images
            ],
            "byline": article.byline,
            "authors": [{"name": a.name, "roles": list(a.roles)} for a in article.authors],
            "related": related,
            "tags": list(article.tags),
        }

    def path(self, slot: Slot) -> str:
        return f"/{slot.section.slug}/{slot.month}/{self.slug(slot)}-{slot.article_id}"

    def canonical_url(self, slot: Slot) -> str:
        return self.origin + self.path(slot)


def parse_authors(byline: str | None) -> tuple[Author, ...]:
    """The replica's own reading of its bylines (the truth the crawler is checked against)."""
    if not byline:
        return ()
    both = re.match(r"Bài(?:, | và )ảnh: (.+)$", byline)
    if both:
        return tuple(Author(name, ("text", "photo")) for name in both.group(1).split(" - "))
    split = re.match(r"Bài: (.+) - Ảnh: (.+)$", byline)
    if split:
        return (Author(split.group(1), ("text",)), Author(split.group(2), ("photo",)))
    return tuple(Author(name, ("text",)) for name in byline.split(" - "))
