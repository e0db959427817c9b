"""The state store bound to a Scrapy crawler: opened (and locked) once a crawler, closed with its engine."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from bhg_crawler.core.errors import ConfigError
from bhg_crawler.state.redis import shared_knowledge
from bhg_crawler.state.store import StateStore

_stores: WeakKeyDictionary[Crawler, StateStore] = WeakKeyDictionary()


def open_state(settings: BaseSettings) -> StateStore:
    """The store of ``BHG_STATE`` (locked first: a second run leaves at once, touching nothing), sharing
    what is known through the Redis of ``BHG_REDIS_URL`` when set. Raises ``AlreadyRunning`` when another run
    holds the state, ``ConfigError`` when the state cannot be opened or Redis does not answer."""
    store = StateStore(settings.get("BHG_STATE"))
    if settings.get("BHG_REDIS_URL"):
        try:
            store.knowledge = shared_knowledge(settings)
        except ConfigError:
            store.close()
            raise
    return store


def state_of(crawler: Crawler) -> StateStore:
    """The crawler's state store, opened (and locked) from the settings on first use (``open_state``'s
    errors)."""
    store = _stores.get(crawler)
    if store is None:
        store = attach_state(crawler, open_state(crawler.settings))
    return store


def attach_state(crawler: Crawler, store: StateStore) -> StateStore:
    """Gives the crawler a store opened beforehand, and returns it; the store closes with the engine."""

    def engine_stopped() -> None:
        store.close()

    _stores[crawler] = store
    crawler.signals.connect(engine_stopped, signals.engine_stopped, weak=False)
    return store
