"""Who is crawling: the User-Agent, with the contact of ``BHG_CONTACT`` in it."""

from __future__ import annotations

from scrapy.settings import BaseSettings

NO_CONTACT = "no contact given"  # what the User-Agent says when BHG_CONTACT is empty


def user_agent(settings: BaseSettings) -> str:
    """``USER_AGENT`` with its ``{contact}`` replaced by ``BHG_CONTACT`` (``NO_CONTACT`` when that is empty)."""
    return str(settings.get("USER_AGENT")).replace("{contact}", settings.get("BHG_CONTACT") or NO_CONTACT)
