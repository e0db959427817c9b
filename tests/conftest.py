"""Fixtures of every test: the replica of seed 1, on loopback; Redis servers; state stores of both kinds."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from bhg_crawler.app.demo import local_redis
from bhg_crawler.state.redis import RedisKnowledge, connect
from bhg_crawler.state.store import StateStore
from bhg_replica.server import ReplicaServer
from bhg_replica.site import Site

# Property tests explore new inputs on each run, and the same ones every time where CI is set in the environment.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def site() -> Site:
    return Site(seed=1, articles=300)


@pytest.fixture(scope="session")
def replica_server(site: Site) -> Iterator[ReplicaServer]:
    server = ReplicaServer(site, "127.0.0.1", 0)
    server.start_background()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A Redis of the test's own on a free loopback port (Debian's redis-server, which make install sets up)."""
    with local_redis(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def session_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with local_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(params=["sqlite", "redis"])
def open_store(request: pytest.FixtureRequest) -> Iterator[Callable[..., StateStore]]:
    """Opens a state store whose knowledge of past runs is in its own SQLite file, or shared in Redis: the
    same tests hold for both."""
    if request.param == "sqlite":
        yield StateStore
        return
    client = connect(request.getfixturevalue("session_redis"))
    client.flushdb()

    def shared(path: str, worker: str = "tester:1") -> StateStore:
        return StateStore(path, knowledge=RedisKnowledge(client, "bhg:test", worker, 86400))

    yield shared
    client.close()
