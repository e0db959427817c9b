"""Signals the project's components send one another (Scrapy's signal manager carries them)."""

# A record failed validation: record=dict, reason=str.
record_rejected = object()
# More URLs are known for an exported or coming record: record_id=str, urls=list[str].
aliases_found = object()
# A page could not be fetched: url=str, kind=str ("article", "listing", "home"), reason=str.
fetch_failed = object()
# Discover mode: an article a run would fetch: url=str, reason=str ("new", "revisit", "listed").
article_planned = object()
