"""The URL rules of a site profile: canonical URLs, article URLs and their ids, section and page URLs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bhg_crawler.sites.profiles import SiteProfile


def record_id(site: str, article_id: str) -> str:
    """The id of an article's record: ``<site>:<article id>``, "baohagiang.vn:764199"."""
    return f"{site}:{article_id}"


class ArticleUrl(NamedTuple):
    """An article URL, understood: its canonical form (https, the canonical host, no query or trailing slash), the
    section and month the URL names (empty when it names none), the article's id, the site's profile name."""

    canonical: str
    section: str  # "" when the URL does not say (the page does)
    article_id: str
    month: str = ""  # YYYYMM, the month the URL was made in
    site: str = ""  # the profile's name

    @property
    def record_id(self) -> str:
        """The id of the article's record: ``<site>:<article_id>``."""
        return record_id(self.site, self.article_id)


def strip_tracking(url: str, profile: SiteProfile) -> str:
    """The URL without its tracking parameters (``utm_*``, ``fbclid``...) and fragment, else as given."""
    if not any(c in url for c in "?#\t\r\n"):  # nothing to strip (and nothing urlsplit would drop)
        return url.strip()
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not profile.tracking_parameters.match(k)]  # fmt: skip
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def canonical_url(url: str, profile: SiteProfile) -> str:
    """https, no ``www.``, no tracking parameters, no fragment; other hosts of the site mapped home."""
    parts = urlsplit(strip_tracking(url, profile))
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    if host in profile.host_paths:
        path = profile.host_paths[host] + path
        host = profile.canonical_host
    elif host == "www." + profile.canonical_host:
        host = profile.canonical_host
    scheme = "https" if host in profile.hosts else parts.scheme
    return urlunsplit((scheme, host, path, parts.query, ""))


def article_url(url: str, profile: SiteProfile) -> ArticleUrl | None:
    """The canonical form, section and id of an article URL of the site; None for any other URL."""
    canonical = canonical_url(url, profile)
    parts = urlsplit(canonical)
    if parts.hostname != profile.canonical_host:
        return None
    match = next((m for pattern in profile.article_paths if (m := pattern.match(parts.path))), None)
    if match is None:
        return None
    path = parts.path.rstrip("/")
    canonical = urlunsplit(("https", profile.canonical_host, path, "", ""))
    found = match.groupdict()
    return ArticleUrl(canonical, found.get("section") or "", match["id"], found.get("month") or "", profile.name)


def article_of(url: str, sites: Iterable[SiteProfile]) -> ArticleUrl | None:
    """The article a URL names on the first of ``sites`` whose rules it fits (a site, then the sites its
    articles moved to); None for any other URL."""
    return next((found for site in sites if (found := article_url(url, site)) is not None), None)


def moved_from(redirect_urls: Iterable[str], own: str | None, sites: Iterable[SiteProfile]) -> list[ArticleUrl]:
    """The article URLs of records other than ``own`` (a record id) among the URLs that redirected to its page,
    in the order followed: the old homes of an article that moved, as after a merger of sites; none when
    ``own`` is None (a page off an article URL)."""
    if own is None:
        return []
    sites = tuple(sites)
    olds = (article_of(url, sites) for url in redirect_urls)
    return [old for old in olds if old is not None and old.record_id != own]


def site_of(url: str, sites: Iterable[SiteProfile]) -> SiteProfile | None:
    """The first of ``sites`` whose hosts serve ``url``; None for a URL of another host."""
    host = (urlsplit(url.strip()).hostname or "").lower()
    return next((site for site in sites if host in site.hosts), None)


def listing_id(url: str, profile: SiteProfile) -> str:
    """The failures ledger's id of a listing page (a page a walk missed): ``<site>:listing:<path>[?<query>]`` of
    its canonical URL, e.g. ``baotuyenquang.com.vn:listing:/khu-vuc/trang-2.html``."""
    parts = urlsplit(canonical_url(url, profile))
    return f"{profile.name}:listing:{parts.path}" + (f"?{parts.query}" if parts.query else "")


def section_of(url: str, profile: SiteProfile) -> str | None:
    """The section slug a listing URL belongs to (any page of it), or None."""
    parts = urlsplit(canonical_url(url, profile))
    slug = parts.path.strip("/")
    if parts.hostname == profile.canonical_host and (slug in profile.sections or slug in profile.parent_sections):
        return slug
    return None


def page_number(url: str, profile: SiteProfile) -> int:
    """The page number a listing URL asks for (the profile's ``page_parameter``); 1 when it asks for none."""
    for key, value in parse_qsl(urlsplit(url).query):
        if key == profile.page_parameter and value.isdigit():
            return int(value)
    return 1
