"""The replica's redesigned and broken templates reach every template family: the markup changes, never the
content."""

from __future__ import annotations

from typing import cast

import pytest
from lxml import html as lxml_html

from bhg_replica.content import reader_text
from bhg_replica.families import FAMILIES
from bhg_replica.site import Site
from bhg_replica.templates import jsonld_only
from tests.helpers import FamilyPage, family_pages, page_text


@pytest.fixture(scope="module")
def sites() -> dict[str, Site]:
    return {template: Site(seed=5, articles=200, template=template) for template in ("classic", "redesigned", "broken")}


def pages_of(site: Site, family: str) -> list[FamilyPage]:
    found = [page for page in family_pages(site) if page.family.name == family]
    assert found, family
    return found


@pytest.mark.parametrize("family", FAMILIES)
def test_the_redesign_changes_markup_not_content(sites: dict[str, Site], family: str) -> None:
    classic, redesigned = sites["classic"], sites["redesigned"]
    checked = {True: 0, False: 0}
    for page in (
        pages_of(classic, family)[:12] + [p for p in pages_of(classic, family) if jsonld_only(p.slot.article_id)][:2]
    ):
        old, new = page.html(classic), page.html(redesigned)
        assert lxml_html.fromstring(old).cssselect(page.family.body_css)
        assert not lxml_html.fromstring(new).cssselect(page.family.body_css)  # every class and id renamed
        assert reader_text(page.writer.title(page.slot)) in page_text(new)
        only = jsonld_only(page.slot.article_id)
        assert ('"@type": "NewsArticle"' in new) == only
        printed = page.writer.article(page.slot.article_id).printed_time()
        assert [e.text for e in lxml_html.fromstring(old).cssselect(page.family.time_css)] == [printed]
        assert old.count(printed) - new.count(printed) == only  # the page's time in JSON-LD only
        checked[only] += 1
    assert checked[True] and checked[False]


@pytest.mark.parametrize("family", FAMILIES)
def test_the_broken_template_drops_the_body(sites: dict[str, Site], family: str) -> None:
    classic, broken = sites["classic"], sites["broken"]
    for page in pages_of(classic, family)[:12]:
        html = page.html(broken)
        assert not lxml_html.fromstring(html).cssselect(page.family.body_css)
        paragraphs = cast(list[str], page.writer.expected_record(page.slot)["paragraphs"])
        body = [p for p in paragraphs if "Cập nhật" not in p]
        assert body and not any(paragraph in page_text(html) for paragraph in body)
        assert reader_text(page.writer.title(page.slot)) in page_text(html)
