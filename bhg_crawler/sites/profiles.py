"""Site profiles: everything the crawler knows about one site, declared in one TOML file."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import timedelta, timezone, tzinfo
from functools import cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from bhg_crawler.core.errors import ConfigError


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
    section: str = ""  # links to the article's section, the deepest last (breadcrumbs)


@dataclass(frozen=True)
class ErrorPageMarkers:
    """What the site's CMS prints in the title or a heading of its error pages, each served with a 200 answer:
    ``gone`` (the article does not exist, not to be asked for again) and ``maintenance`` (the site is down for a
    while, asked for again next run). Texts, matched without regard to case; ``extract.errorpage`` adds the
    markers every site's pages are read for."""

    gone: tuple[str, ...] = ()
    maintenance: tuple[str, ...] = ()


PAGE_TEMPLATE = re.compile(r"\?(?P<parameter>[A-Za-z_][\w-]*)=\{n\}|(?P<suffix>/[\w./-]*\{n\}[\w./-]*)")


@dataclass(frozen=True)
class Pagination:
    """How a section's listing URL asks for page N: what follows the section's own URL, as a template with
    ``{n}``: a query parameter (``?page={n}``, ``?trang={n}``) or a path suffix (``/trang-{n}.html``)."""

    template: str

    @cached_property
    def parameter(self) -> str | None:
        """The query parameter that carries the page number (``page``); None for a path suffix."""
        match = PAGE_TEMPLATE.fullmatch(self.template)
        return match["parameter"] if match else None

    @cached_property
    def suffix(self) -> re.Pattern[str] | None:
        """The path suffix as an expression with a group ``n`` (it ends the path, maybe with a slash); None for a
        query parameter."""
        if self.parameter is not None:
            return None
        before, _, after = self.template.partition("{n}")
        return re.compile(f"{re.escape(before)}(?P<n>\\d+){re.escape(after)}/?$")

    def page_url(self, section_url: str, number: int) -> str:
        """Page ``number`` of the section whose first page is ``section_url``; page 1 is that URL itself."""
        if number <= 1:
            return section_url
        written = self.template.replace("{n}", str(number))
        if self.parameter is not None:
            return section_url + ("&" if "?" in section_url else "?") + written[1:]
        return section_url.rstrip("/") + written


@dataclass(frozen=True)
class SiteProfile:
    """One site, as its profile declares it. The keys of a profile file are these fields.

    The built-in profiles are the TOML files of this package (``bhg_crawler/sites/*.toml``); ``BHG_PROFILES``
    adds folders of more: a sister paper on the same CMS needs a file, no code."""

    name: str
    canonical_host: str
    hosts: tuple[str, ...]
    # Other hosts that serve the same articles below a path of the canonical host.
    host_paths: dict[str, str]
    sections: dict[str, str]  # slug (with sub-section path) -> name; leaves are crawled
    parent_sections: dict[str, str]
    # Sections known (their listings, their names) but walked only when a crawl names them: sub-sections whose
    # parent's listing lists their articles too, and sections seen only by others.
    other_sections: dict[str, str]
    article_paths: tuple[re.Pattern[str], ...]  # groups: id, and section, month, slug where the URL has them
    lede_prefix: re.Pattern[str]  # group "tag": the lede's tag
    title_suffix: re.Pattern[str]  # the site's name after the title in <title>
    language_by_section: dict[str, str]
    default_language: str
    timezone: tzinfo
    related_headings: tuple[str, ...]
    tags_labels: tuple[str, ...]  # the labels printed before the tags, any one of them
    pagination: Pagination | None  # None: read either form from the pages' own links
    tracking_parameters: re.Pattern[str]
    selectors: Selectors = field(default_factory=Selectors)
    # How pages that are not valid UTF-8 are read when they say they are: the site's legacy code page.
    legacy_encoding: str = "cp1258"
    # Sites (profile names) the site's articles may redirect to, moved there for good: a crawl follows
    # the redirect and exports the article under its new home, with its old URL and record id as aliases.
    successors: tuple[str, ...] = ()
    # The site's own forms of a printed timestamp, beside those every page is read for (``extract.text``): each
    # with the groups d, m, y, H and M (and S, half: "SA"/"CH", zone: "GMT+7" when it prints them).
    timestamp_formats: tuple[re.Pattern[str], ...] = ()
    # The texts of the site's own error and maintenance pages served with a 200 answer.
    error_page_markers: ErrorPageMarkers = field(default_factory=ErrorPageMarkers)

    @property
    def start_url(self) -> str:
        """The home page: ``https://<canonical_host>/``."""
        return f"https://{self.canonical_host}/"

    def section_url(self, slug: str) -> str:
        """The first listing page of a section: ``https://<canonical_host>/<slug>``."""
        return f"https://{self.canonical_host}/{slug}"

    def section_name(self, slug: str) -> str | None:
        """The name of a section, parent section or other section; None for a slug the profile does not know."""
        return self.sections.get(slug) or self.parent_sections.get(slug) or self.other_sections.get(slug)

    def knows_section(self, slug: str) -> bool:
        """Whether a slug is one of the profile's sections, parent sections or other sections."""
        return slug in self.sections or slug in self.parent_sections or slug in self.other_sections

    def language_of(self, section: str) -> str:
        """The language of a section's articles (its top section's, from ``language_by_section``), ISO 639-1."""
        top = section.split("/", 1)[0]
        return self.language_by_section.get(top, self.default_language)

    def expand_sections(self, requested: list[str]) -> list[str]:
        """Leaf sections for a list of slugs; a parent stands for its children, and an other section is walked
        when named."""
        leaves: list[str] = []
        unknown = []
        for slug in requested:
            if slug in self.sections or slug in self.other_sections:
                leaves.append(slug)
            elif slug in self.parent_sections:
                leaves += [s for s in self.sections if s.startswith(slug + "/")]
            else:
                unknown.append(slug)
        if unknown:
            known = ", ".join(sorted([*self.sections, *self.parent_sections, *self.other_sections]))
            raise ConfigError(f"unknown section(s) {', '.join(unknown)}; known: {known}")
        return list(dict.fromkeys(leaves))


BUILT_IN = files("bhg_crawler.sites")  # read through importlib: also from a zipped egg (Scrapyd)
STAMP_GROUPS = ("d", "m", "y", "H", "M")  # what a profile's timestamp form must capture
REQUIRED = ("name", "canonical_host", "hosts", "sections", "article_paths", "lede_prefix", "title_suffix")


def _pattern(text: Any, where: str, groups: tuple[str, ...] = ()) -> re.Pattern[str]:
    if not isinstance(text, str):
        raise ConfigError(f"{where}: a regular expression (a string), not {text!r}")
    try:
        pattern = re.compile(text)
    except re.error as error:
        raise ConfigError(f"{where}: not a regular expression: {error}") from None
    missing = [g for g in groups if g not in pattern.groupindex]
    if missing:
        raise ConfigError(f"{where}: the expression needs the group(s) {', '.join(missing)}")
    return pattern


def _timezone(text: Any, where: str) -> tzinfo:
    match = re.fullmatch(r"([+-])(\d\d):(\d\d)", str(text))
    if match is None:
        raise ConfigError(f"{where}: a UTC offset such as +07:00, not {text!r}")
    sign = 1 if match[1] == "+" else -1
    return timezone(sign * timedelta(hours=int(match[2]), minutes=int(match[3])), f"UTC{text}")


def _labels(given: Any, where: str) -> tuple[str, ...]:
    """A label, or a list of them, as a tuple of at least one; ``ConfigError`` for anything else."""
    labels = [given] if isinstance(given, str) else given
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) and x.strip() for x in labels):
        raise ConfigError(f"{where}: a label or a list of labels, not {given!r}")
    return tuple(labels)


def _error_page_markers(given: Any, source: str) -> ErrorPageMarkers:
    """The ``[error_page_markers]`` table: ``gone`` and ``maintenance``, each a list of texts."""
    where = f"{source}: error_page_markers"
    if not isinstance(given, dict) or set(given) - {"gone", "maintenance"}:
        raise ConfigError(f"{where}: a table of gone = [...] and maintenance = [...], not {given!r}")
    return ErrorPageMarkers(**{kind: _labels(texts, f"{where}.{kind}") for kind, texts in given.items()})


def _pagination(data: dict[str, Any], source: str) -> Pagination | None:
    """The profile's paging rule: ``pagination``, or ``page_parameter = "trang"``, short for ``?trang={n}``."""
    if "pagination" in data and "page_parameter" in data:
        raise ConfigError(f"{source}: pagination and page_parameter say the same thing: give one")
    if "page_parameter" in data:
        template: Any = f"?{data['page_parameter']}={{n}}"
    elif "pagination" in data:
        template = data["pagination"]
    else:
        return None
    if not isinstance(template, str) or template.count("{n}") != 1 or not PAGE_TEMPLATE.fullmatch(template):
        raise ConfigError(
            f"{source}: pagination: a query parameter such as ?page={{n}} or a path suffix such as "
            f"/trang-{{n}}.html, not {template!r}"
        )
    return Pagination(template)


def profile_from(data: dict[str, Any], source: str) -> SiteProfile:
    """A profile from its declaration (a profile file's contents); ``ConfigError`` names what is wrong."""
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise ConfigError(f"{source}: missing {', '.join(missing)}")
    known = {f.name for f in fields(SiteProfile)} | {"page_parameter"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    try:
        selectors = Selectors(**data.get("selectors", {}))
    except TypeError as error:
        raise ConfigError(f"{source}: selectors: {error}") from None
    if not all(isinstance(name, str) for name in data.get("successors", [])):
        raise ConfigError(f"{source}: successors: a list of site names")
    stamps = data.get("timestamp_formats", [])
    if not isinstance(stamps, list):
        raise ConfigError(f"{source}: timestamp_formats: a list of regular expressions with the groups d, m, y, H, M")
    paths = data["article_paths"]
    if not isinstance(paths, list) or not paths:
        raise ConfigError(f"{source}: article_paths: a list of regular expressions, at least one")
    return SiteProfile(
        name=str(data["name"]),
        canonical_host=str(data["canonical_host"]),
        hosts=tuple(data["hosts"]),
        host_paths=dict(data.get("host_paths", {})),
        sections=dict(data["sections"]),
        parent_sections=dict(data.get("parent_sections", {})),
        other_sections=dict(data.get("other_sections", {})),
        article_paths=tuple(_pattern(p, f"{source}: article_paths[{n}]", ("id",)) for n, p in enumerate(paths)),
        lede_prefix=_pattern(data["lede_prefix"], f"{source}: lede_prefix", ("tag",)),
        title_suffix=_pattern(data["title_suffix"], f"{source}: title_suffix"),
        language_by_section=dict(data.get("language_by_section", {})),
        default_language=str(data.get("default_language", "vi")),
        timezone=_timezone(data.get("timezone", "+07:00"), f"{source}: timezone"),
        related_headings=tuple(data.get("related_headings", ("Cùng chuyên mục", "Tin liên quan"))),
        tags_labels=_labels(data.get("tags_labels", "Từ khóa"), f"{source}: tags_labels"),
        pagination=_pagination(data, source),
        tracking_parameters=_pattern(
            data.get("tracking_parameters", r"^(utm_\w+|fbclid|gclid)$"), f"{source}: tracking_parameters"
        ),
        selectors=selectors,
        legacy_encoding=str(data.get("legacy_encoding", SiteProfile.legacy_encoding)),
        successors=tuple(data.get("successors", ())),
        timestamp_formats=tuple(
            _pattern(p, f"{source}: timestamp_formats[{n}]", STAMP_GROUPS) for n, p in enumerate(stamps)
        ),
        error_page_markers=_error_page_markers(data.get("error_page_markers", {}), source),
    )


def load_profile(path: Path | Traversable) -> SiteProfile:
    """The profile in a TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read the site profile {path}: {error}") from None
    return profile_from(data, str(path))


def load_profiles(folders: Iterable[str | Path] = ()) -> dict[str, SiteProfile]:
    """The built-in profiles, then those in ``folders`` (``BHG_PROFILES``): ``*.toml``, one site a file; a
    profile of the same name replaces the built-in one."""
    files: list[Path | Traversable] = sorted(
        (entry for entry in BUILT_IN.iterdir() if entry.name.endswith(".toml")), key=lambda entry: entry.name
    )
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise ConfigError(f"no folder of site profiles at {folder} (BHG_PROFILES)")
        files += sorted(folder.glob("*.toml"))
    found: dict[str, SiteProfile] = {}
    for path in files:
        profile = load_profile(path)
        found[profile.name] = profile
    return found


PROFILES = load_profiles()
DEFAULT_SITE = "baohagiang.vn"  # the site a crawl is of when none is named
BAOHAGIANG = PROFILES[DEFAULT_SITE]


def get_profile(name: str, folders: Iterable[str | Path] = ()) -> SiteProfile:
    """The profile of a site, built in or in one of ``folders``."""
    profiles = load_profiles(folders) if folders else PROFILES
    if name not in profiles:
        raise ConfigError(f"unknown site {name!r}; known: {', '.join(sorted(profiles))}")
    missing = [successor for successor in profiles[name].successors if successor not in profiles]
    if missing:
        raise ConfigError(f"{name}: successors: unknown site(s) {', '.join(missing)}")
    return profiles[name]


def with_successors(profile: SiteProfile, folders: Iterable[str | Path] = ()) -> tuple[SiteProfile, ...]:
    """The profile, then the profiles of the sites its articles moved to."""
    return (profile, *(get_profile(name, folders) for name in profile.successors))
