from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bhg_crawler.demo import local_redis
from bhg_crawler.distributed import connect
from bhg_crawler.redis_state import RedisState
from bhg_crawler.replica.server import ReplicaServer
from bhg_crawler.replica.site import Site
from bhg_crawler.state import StateStore

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


def exported_records(exports: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of a run's article files, as its manifest lists them."""
    return [
        json.loads(line)
        for entry in manifest["files"]
        if entry["kind"] == "articles"
        for line in (exports / entry["path"]).read_text(encoding="utf-8").splitlines()
    ]


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
        return StateStore(path, shared=RedisState(client, "bhg:test", worker, 86400))

    yield shared
    client.close()
