"""Signals the project's components send one another (Scrapy's signal manager carries them)."""

# A record failed validation: record=dict, reason=str.
record_rejected = object()
# More URLs are known for an exported or coming record: record_id=str, urls=list[str].
aliases_found = object()
# A page gave no record: request=Request (its meta's ``bhg_kind``: "ARTICLE", "LISTING", "HOME"), reason=str,
# status=int | None (the HTTP status, when it answered one), retry=bool (worth another go on a later run),
# outcome=str (the spider's ``bhg/failures/<outcome>``: "gone", "error", "refused/<kind>").
fetch_failed = object()
# An article the spider left unrequested in this run, told once: record_id=str, url=str, why=str ("backoff"
# and "given_up": the failures ledger holds it back; "max_articles"), reason=str (the ledger's, or "").
article_held = object()
# A run followed a section's listing pages to the last one: site=str (a profile's name), slug=str.
section_walked = object()
# A section's walk ended without listing pages its pagination showed: urls=list[str], reason=str.
listing_missed = object()
# Discover mode: an article a run would fetch: url=str, reason=str ("new", "revisit", "listed").
article_planned = object()
