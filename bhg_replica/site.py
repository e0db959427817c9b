"""The replica as a function from (host, path, query) to a response, apart from any server."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import replace
from datetime import datetime
from functools import cached_property
from urllib.parse import parse_qs

from bhg_replica import faults
from bhg_replica.answers import STYLESHEET, Response, html_page, media
from bhg_replica.catalog import VN_TZ, Catalog, Slot
from bhg_replica.chrome import Masthead
from bhg_replica.content import Writer
from bhg_replica.errors import ReplicaError
from bhg_replica.families import BHG_ERA_A, BHG_ERA_B, Family
from bhg_replica.render import ENGLISH, MAIN, Renderer
from bhg_replica.sisters import SISTER_HOSTS, SISTERS, SisterSite
from bhg_replica.templates import TEMPLATES, dressed

MAIN_HOSTS = frozenset({"baohagiang.vn", "www.baohagiang.vn"})
ENGLISH_HOST = "en.baohagiang.vn"
SITE_HOSTS = MAIN_HOSTS | {ENGLISH_HOST} | SISTER_HOSTS.keys()
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})

ARTICLE_PATH = re.compile(
    r"^/(?P<section>[A-Za-z0-9/-]+?)/(?P<month>\d{6})/(?P<slug>[a-z0-9-]+)-(?P<id>[0-9a-f]{7}|\d{6})/?$"
)
__all__ = ["SITE_HOSTS", "Response", "Site"]

HA_GIANG_MASTHEAD = Masthead(
    MAIN, "Báo Hà Giang",
    ("Cơ quan của Đảng bộ tỉnh Hà Giang", "Giấy phép số 432/GP-BTTTT. Tổng Biên tập: Hoàng Văn Tâm",
     "Địa chỉ: Tổ 19, phường Nguyễn Trãi, thành phố Hà Giang. Điện thoại: 0219.3866.555",
     "Email: baohagiang@gmail.com"),
    "G-HG4R8T2L6N",
)  # fmt: skip


def family_of(slot: Slot) -> Family:
    """The template family of a baohagiang.vn article: era A until the end of 2021, then era B."""
    return BHG_ERA_A if slot.era == "A" else BHG_ERA_B


class Site:
    """Answers for baohagiang.vn, www.baohagiang.vn and en.baohagiang.vn, and for the sister sites."""

    def __init__(
        self, seed: int = 1, articles: int = 300, day: int = 0, template: str = "classic", fault_profile: str = "none"
    ):
        if template not in TEMPLATES:
            raise ReplicaError(f"template must be one of {', '.join(TEMPLATES)}, not {template!r}")
        self.template = template
        self.faults = faults.profile_named(fault_profile)
        self.injected: Counter[str] = Counter()  # faults acted out, by kind
        self._answers: Counter[str] = Counter()  # answers to each faulty URL so far
        self._lock = threading.Lock()
        self.catalog = Catalog(seed, articles, day)
        self.writer = Writer(self.catalog)
        self.renderer = Renderer(self.catalog, self.writer, HA_GIANG_MASTHEAD, family_of, ENGLISH)
        self.moved = {slot.article_id for slot in self.catalog.moved}

    @cached_property
    def sisters(self) -> dict[str, SisterSite]:
        """The sister sites by their main host, built when first asked for."""
        seed, size, day = self.catalog.seed, self.catalog.size, self.catalog.day
        return {
            spec.host: SisterSite(spec, seed, size, day, self.template, self.catalog, self.writer) for spec in SISTERS
        }

    @property
    def successor(self) -> SisterSite:
        return self.sisters["baotuyenquang.com.vn"]

    def expected_record(self, slot: Slot) -> dict[str, object]:
        """What a perfect crawl of baohagiang.vn exports for an article: from its new home if it moved (and
        then ``moved_from``, its old URL)."""
        if slot.article_id in self.moved:
            moved = self.successor.catalog.by_id[slot.article_id]
            return {
                **self.successor.writer.expected_record(moved),
                "record_id": f"baotuyenquang.com.vn:{slot.article_id}",
                "record_id_aliases": [f"baohagiang.vn:{slot.article_id}"],
                "moved_from": self.writer.canonical_url(slot),
            }
        return {
            **self.writer.expected_record(slot),
            "record_id": f"baohagiang.vn:{slot.article_id}",
            "record_id_aliases": [],
        }

    @cached_property
    def fault_plan(self) -> dict[str, faults.Fault]:
        """The fault of each faulty article path of baohagiang.vn (``faults.dealt``), the moved ones left out."""
        paths = [self.writer.path(slot) for slot in self.catalog.live if slot.article_id not in self.moved]
        return faults.dealt(self.catalog.seed, self.faults, paths)

    def fault_of(self, path: str) -> faults.Fault | None:
        """The fault of an article path (with or without its trailing slash), if it has one."""
        return self.fault_plan.get(path.rstrip("/"))

    def said_gone(self) -> set[str]:
        """The ids of the live articles whose fault lasts and says they are gone (``faults.GONE``: a redirect to the
        home page, a "page not found" page): a crawl under the faults believes it, and asks for them again only
        when it ignores what it knows (``--full``)."""
        return {
            slot.article_id
            for slot in self.catalog.live
            if (fault := self.fault_of(self.writer.path(slot))) is not None and fault.kind in faults.GONE
        }

    @staticmethod
    def family(slot: Slot) -> Family:
        """The template family a baohagiang.vn article's page is printed in."""
        return family_of(slot)

    def serves(self, host: str) -> bool:
        return host in SITE_HOSTS or host in LOCAL_HOSTS

    def respond(self, host: str, path: str, query: str = "") -> Response:
        host = host.lower()
        if host == ENGLISH_HOST:
            return self._english(path, query)
        if host in MAIN_HOSTS or host in LOCAL_HOSTS:
            return self._main(path, query)
        if host in SISTER_HOSTS:
            return self.sisters[SISTER_HOSTS[host].host].respond(path, query)
        return Response(502, f"The replica does not serve {host}.\n".encode(), "text/plain; charset=utf-8")

    def not_found(self) -> Response:
        return html_page(self.renderer.not_found(), 404)

    def _main(self, path: str, query: str) -> Response:
        params = parse_qs(query)
        if path == "/":
            return html_page(self.renderer.home())
        if path == "/robots.txt":
            return self._robots("".join(f"Disallow: /{slug}/\n" for slug in self.faults.disallowed))
        if path == "/rss/home.rss":
            return Response(200, self.renderer.rss().encode(), "application/rss+xml; charset=utf-8")
        if path == "/tim-kiem":
            return html_page(self.renderer.search(params.get("q", [""])[0]))
        if path == "/css/style.css":
            return Response(200, STYLESHEET, "text/css")
        if path.startswith(("/images/", "/dataimages/", "/file/", "/media/")):
            return media(path)
        asked = self.catalog.listing_asked(path, params, endless=bool(self.faults.listings))
        if asked is not None:
            return self._listing(*asked, params, english_host=False)
        return self._article(path)

    def _english(self, path: str, query: str) -> Response:
        if path == "/":
            return html_page(self.renderer.english_home())
        if path == "/robots.txt":
            return self._robots("")
        params = parse_qs(query)
        endless = bool(self.faults.listings)
        asked = self.catalog.listing_asked("/english" + path, params, endless) if path.strip("/") else None
        if asked is not None:
            return self._listing(*asked, params, english_host=True)
        return self._article("/english" + path)

    def _listing(self, slug: str, page: int, params: dict[str, list[str]], english_host: bool) -> Response:
        if "date" in params:
            try:
                day = datetime.strptime(params["date"][0], "%Y-%m-%d").replace(tzinfo=VN_TZ)
            except ValueError:
                return self.not_found()
            return html_page(self.renderer.listing(slug, 1, english_host, day))
        if not page:
            return self.not_found()
        endless = self.faults.listings
        if endless and page > self.catalog.page_count(slug):
            self._injected(f"{endless}_pages")
        return html_page(self.renderer.listing(slug, page, english_host, endless=endless))

    def _robots(self, disallowed: str) -> Response:
        """robots.txt: the site's rules and ``disallowed`` (lines), with the fault profile's ``Crawl-delay``, or the
        profile's other answer to it (``faults.ROBOTS``): a 503, a 404, or none (the connection reset unanswered)."""
        answer = self.faults.robots
        if answer != "rules":
            self._injected(f"robots_{answer}")
        if answer == "503":
            body = b"<html><body><h1>503 Service Temporarily Unavailable</h1><hr><center>nginx</center></body></html>"
            return Response(503, body)
        if answer == "404":
            return self.not_found()
        if answer == "unreachable":
            return Response(200, b"", cut="unanswered")
        rules = self.renderer.robots() + disallowed
        if self.faults.crawl_delay:
            self._injected("crawl_delay")
            rules += f"Crawl-delay: {self.faults.crawl_delay:g}\n"
        return Response(200, rules.encode(), "text/plain; charset=utf-8")

    def _injected(self, kind: str) -> None:
        with self._lock:
            self.injected[kind] += 1

    def _article(self, path: str) -> Response:
        match = ARTICLE_PATH.match(path)
        slot = self.catalog.by_id.get(match.group("id")) if match else None
        if slot is None or slot.deleted or path.rstrip("/") != self.writer.path(slot):
            return self.not_found()
        if slot.article_id in self.moved:  # its new home, since the merger
            moved = self.successor.catalog.by_id[slot.article_id]
            return Response(301, b"", headers={"Location": self.successor.writer.canonical_url(moved)})
        modified = self.catalog.modified(slot)
        version = f"{self.catalog.seed}:{self.template}:{slot.article_id}:{modified.isoformat()}"
        family = family_of(slot)
        page = dressed(
            self.renderer.article(slot), self.template, self.writer, slot, modified, family.time_css, family.body_css
        )
        return self._faulty(path, html_page(page, version=version, modified=modified))

    def _faulty(self, path: str, response: Response) -> Response:
        """The article's answer with its fault acted out, if it has one and it has not passed."""
        fault = self.fault_of(path)
        if fault is None:
            return response
        with self._lock:
            self._answers[path] += 1
            if fault.times and self._answers[path] > fault.times:
                return response
            self.injected[fault.kind] += 1
        body, kind = response.body, fault.kind
        html_only = {"Content-Type": "text/html; charset=utf-8"}
        if kind == "server_error":
            return Response(500 + 2 * (len(path) % 3), b"<h1>Server error</h1>", headers=html_only)
        if kind == "rate_limited":
            return Response(429, b"Too many requests\n", "text/plain", {"Retry-After": "1"})
        if kind == "timeout":
            return replace(response, delay=faults.TIMEOUT_SECONDS)
        if kind == "slow":
            return replace(response, trickle=faults.SLOW_SECONDS)
        if kind in ("reset", "truncated"):
            return replace(response, cut="reset" if kind == "reset" else "truncate")
        if kind == "empty":
            return Response(200, b"")
        if kind == "garbage":
            return Response(200, faults.garbage(path))
        if kind == "cp1258_as_utf8":
            return replace(response, body=faults.windows_1258(body.decode()))
        if kind == "utf8_as_cp1258":
            return replace(response, content_type="text/html; charset=windows-1258")
        if kind == "redirect_loop":
            return Response(302, b"", headers={"Location": path})
        if kind == "offsite_redirect":
            return Response(302, b"", headers={"Location": faults.OFFSITE + path.lstrip("/")})
        if kind == "huge":
            return replace(response, body=faults.huge_page(body))
        if kind == "gzip_bomb":
            return replace(response, body=faults.gzip_bomb(), headers={"Content-Encoding": "gzip"})
        if kind == "not_html":
            return Response(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n", "application/pdf")
        if kind == "meta_refresh_offsite":
            return html_page(faults.refresh_page(faults.OFFSITE + path.lstrip("/")).decode())
        if kind == "meta_refresh_self":
            return html_page(faults.refresh_page(path).decode())
        if kind == "redirect_home":
            return Response(302, b"", headers={"Location": self.renderer.masthead.origin + "/"})
        if kind == "not_found_200":
            return replace(self.not_found(), status=200)
        if kind == "maintenance_200":
            return html_page(faults.maintenance_page(self.renderer.masthead.brand).decode())
        return replace(response, body=faults.malformed(body))  # malformed
