"""The URL rules of a site profile: canonical URLs, article URLs and their ids, section and page URLs."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import idna
from w3lib.url import safe_url_string

from bhg_crawler.sites.profiles import SiteProfile

# How a listing URL names its page when the profile gives no ``pagination``: ``?page=2``, ``?trang=2`` ("trang":
# page), ``?p=2``, or a path ending ``/trang-2.html``, ``/page-2``, ``/page/2/``.
PAGE_WORDS = "page|trang|p"
PAGE_WORD = re.compile(f"(?:{PAGE_WORDS})", re.IGNORECASE)
PAGE_IN_PATH = re.compile(rf"/(?:{PAGE_WORDS})[-/](?P<n>\d+)(?:\.html?)?/?$", re.IGNORECASE)
SLUG_PATH = re.compile(r"[A-Za-z0-9-]+(?:/[A-Za-z0-9-]+)*")  # "kinh-te/cong-nghiep", "english/Culture"
# An absolute http(s) URL that percent-encoding leaves as it is (a lower-case host, no port past 9999, a path,
# only characters a URL keeps): taken as given, the common case, without parsing it.
SAFE_ABSOLUTE = re.compile(r"https?://(?P<host>[a-z0-9.-]+)(?::\d{1,4})?/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%#]*")
WEB_SCHEMES = frozenset(["http", "https"])
HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")  # a domain name's label, as a URL holds it


def resolve_url(given: str | None, base: str) -> str | None:
    """The URL a browser requests for a URL a page gives (a link's ``href``, an image's ``src``, a canonical link):
    resolved against ``base`` (the page's base URL, ``<base href>`` or its own URL), surrounding whitespace and
    tabs or line breaks in it dropped, a backslash before the query read as a slash (``https:\\\\host\\a`` is
    ``https://host/a``, as in the WHATWG URL standard), an empty path written ``/``, characters a URL cannot hold
    percent-encoded (``w3lib.url.safe_url_string``: "/ảnh đẹp.jpg" is "/%E1%BA%A3nh%20%C4%91%E1%BA%B9p.jpg"). None
    for an unusable URL: empty, of another scheme than http(s) (``javascript:``, ``mailto:``, ``data:``), without
    a usable host (``usable_host``: "ex ample.com", "exa%mple.com", "-a-.vn"), or unparsable (``http://[::1``, a
    port out of range); never an error. A URL it gives always fits the record's URL pattern."""
    link = (given or "").strip()
    if not link:
        return None
    safe = SAFE_ABSOLUTE.fullmatch(link)
    if safe and usable_host(safe["host"]):
        return link
    path_end = min((i for i in (link.find("?"), link.find("#")) if i >= 0), default=len(link))
    link = link[:path_end].replace("\\", "/") + link[path_end:]
    try:
        given_parts = urlsplit(link)
        if given_parts.scheme.lower() in WEB_SCHEMES and not given_parts.netloc:  # "https://", "http:///a"
            return None
        parts = urlsplit(safe_url_string(urljoin(base, link)))
        _ = parts.port  # a port out of range is an error only when read
    except ValueError:
        return None
    host = parts.netloc.rpartition("@")[2]
    host = host.rpartition(":")[0] if parts.port is not None or host.endswith(":") else host
    if parts.scheme not in WEB_SCHEMES or not usable_host(host):
        return None
    return urlunsplit(parts._replace(path=parts.path or "/"))


@cache
def usable_host(host: str) -> bool:
    """Whether a URL's host as written (``[::1]``, ``127.0.0.1``, ``xn--bo-mia.vn``; no user or port) is one a
    browser can request: an IPv4 address, a bracketed IPv6 address (no zone), or a domain name of labels of
    letters, digits, hyphens and underscores, 1 to 63 characters, no hyphen first or last, an ``xn--`` label
    valid Punycode (IDNA)."""
    if host.startswith("[") and host.endswith("]"):
        try:
            return "%" not in host and bool(ipaddress.IPv6Address(host[1:-1]))
        except ValueError:
            return False
    labels = host.lower().removesuffix(".").split(".")
    if all(label.isdigit() for label in labels):
        try:
            return bool(ipaddress.IPv4Address(host.removesuffix(".")))
        except ValueError:
            return False
    return all(_usable_label(label) for label in labels)


def _usable_label(label: str) -> bool:
    """Whether a domain name's label (lower case) is a usable one (``usable_host``)."""
    if not HOST_LABEL.fullmatch(label):
        return False
    if not label.startswith("xn--"):
        return True
    try:
        return bool(idna.decode(label))
    except idna.IDNAError:
        return False


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


class ListingUrl(NamedTuple):
    """A URL of a section's listing, understood: the section's slug and the page number it asks for."""

    section: str  # with its parent's path, as the URL writes it: "kinh-te/cong-nghiep"
    page: int  # 1 when the URL asks for none


def _page_in_path(path: str, profile: SiteProfile) -> tuple[str, int] | None:
    """The path without its page suffix, and the page number the suffix gives; None without one."""
    rule = profile.pagination.suffix if profile.pagination else None
    for pattern in (rule, PAGE_IN_PATH) if rule else (PAGE_IN_PATH,):
        match = pattern.search(path)
        if match:
            return path[: match.start()], int(match["n"])
    return None


def _page_in_query(query: str, profile: SiteProfile) -> int | None:
    """The page number a query asks for: the profile's parameter first, else one of ``PAGE_WORDS``."""
    values = [(key, value) for key, value in parse_qsl(query) if value.isdigit()]
    rule = profile.pagination.parameter if profile.pagination else None
    found = [int(value) for key, value in values if key == rule]
    found += [int(value) for key, value in values if PAGE_WORD.fullmatch(key)]
    return found[0] if found else None


def with_page(url: str, page: int, profile: SiteProfile) -> str | None:
    """The URL of page ``page`` of the listing ``url`` is a page of, in the form ``url`` gives its number
    (``/xa-hoi/trang-3.html`` -> ``/xa-hoi/trang-2.html``, ``/xa-hoi?page=3`` -> ``/xa-hoi?page=2``); None when
    ``url`` gives no page number (page 1 says nothing of the form of the others)."""
    parts = urlsplit(url.strip())
    rule = profile.pagination.suffix if profile.pagination else None
    for pattern in (rule, PAGE_IN_PATH) if rule else (PAGE_IN_PATH,):
        match = pattern.search(parts.path)
        if match:
            path = f"{parts.path[: match.start('n')]}{page}{parts.path[match.end('n') :]}"
            return urlunsplit(parts._replace(path=path))
    values = parse_qsl(parts.query, keep_blank_values=True)
    rule_word = profile.pagination.parameter if profile.pagination else None
    keys = [key for key, value in values if value.isdigit() and (key == rule_word or PAGE_WORD.fullmatch(key))]
    if not keys:
        return None
    query = urlencode([(key, str(page) if key == keys[0] else value) for key, value in values])
    return urlunsplit(parts._replace(query=query))


def page_number(url: str, profile: SiteProfile) -> int:
    """The page number a listing URL asks for, 1 when it asks for none: read in the form of the profile's
    ``pagination`` first, else as ``?page=N``, ``?trang=N`` or ``?p=N``, or a path ending ``/trang-N.html``,
    ``/page-N`` or ``/page/N`` (``PAGE_WORDS``, any case, a trailing slash or ``.html`` allowed)."""
    parts = urlsplit(url.strip())
    in_path = _page_in_path(parts.path, profile)
    if in_path is not None:
        return in_path[1]
    in_query = _page_in_query(parts.query, profile)
    return 1 if in_query is None else in_query


def listing_url(url: str, profile: SiteProfile) -> ListingUrl | None:
    """The section (known to the profile or not) and the page number of a URL that can be a page of a section's
    listing on the site: its path less any page suffix is a path of slugs (``/khu-vuc/trang-2.html``,
    ``/kinh-te/cong-nghiep/``, ``/xa-hoi?page=3``); None for the home page, another host, and paths with a dot
    or other characters. An article URL of slugs alone fits too: ``section_of`` asks for a section the profile
    knows."""
    parts = urlsplit(canonical_url(url, profile))
    if parts.hostname != profile.canonical_host:
        return None
    path, page = _page_in_path(parts.path, profile) or (parts.path, None)
    slug = path.strip("/")
    if not SLUG_PATH.fullmatch(slug):
        return None
    if page is None:
        page = _page_in_query(parts.query, profile) or 1
    return ListingUrl(slug, page)


def within_sections(section: str, sections: Iterable[str]) -> bool:
    """Whether an article's section is one of ``sections`` or under one (``kinh-te/cong-nghiep`` is under
    ``kinh-te``, whose listing lists its articles too); slugs compare whole, as the profile spells them."""
    return any(section == slug or section.startswith(f"{slug}/") for slug in sections)


def section_of(url: str, profile: SiteProfile) -> str | None:
    """The slug of the section a listing URL is a page of (any page: ``/khu-vuc/trang-2.html``, ``/xa-hoi?page=2``,
    ``/kinh-te/cong-nghiep/``), if the profile knows the section (``SiteProfile.knows_section``); else None."""
    listing = listing_url(url, profile)
    return listing.section if listing is not None and profile.knows_section(listing.section) else None
