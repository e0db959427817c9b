"""The replica's redesigned template changes the markup, never the content."""

from __future__ import annotations

from bhg_replica.site import Site
from bhg_replica.templates import jsonld_only


def test_the_redesign_changes_markup_not_content() -> None:
    classic, redesigned = Site(seed=5, articles=100), Site(seed=5, articles=100, template="redesigned")
    slot = next(s for s in classic.catalog.live if jsonld_only(s.article_id))
    old = classic.respond("baohagiang.vn", classic.writer.path(slot)).body.decode()
    new = redesigned.respond("baohagiang.vn", redesigned.writer.path(slot)).body.decode()
    assert "title-detail" in old or "article__title" in old
    assert "title-detail" not in new
    assert "article__title" not in new
    assert '"@type": "NewsArticle"' in new
    assert slot.published.strftime("%H:%M, %d/%m/%Y") not in new  # the time is in JSON-LD only
    assert classic.writer.title(slot) in new
