"""``make demo`` (the replica served, crawled and exported) and ``make cluster-demo`` (the same with Redis workers)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bhg_crawler.app.crawl import replica_settings, summary
from bhg_crawler.app.runner import run_crawl
from bhg_crawler.core.errors import ConfigError
from bhg_crawler.runs.files import new_run_id
from bhg_crawler.runs.outcome import ExitCode
from bhg_crawler.state.redis import connect
from bhg_replica.process import running_replica

DEMO = "demo"  # the middle of a demo's run ids: <UTC time>-demo-<4 hex>


@dataclass(frozen=True)
class DemoReplica:
    """The replica a demo serves (``bhg_replica.cli.add_site_options``): its size, seed, day, template, faults."""

    articles: int = 300
    seed: int = 1
    day: int = 0
    template: str = "classic"
    faults: str = "none"

    @contextmanager
    def serving(self) -> Iterator[str]:
        """The replica served in a process of its own; its URL."""
        with running_replica(self.articles, self.seed, self.day, self.template, faults=self.faults) as url:
            yield url


def demo_exports(exports: Path) -> None:
    """Refuses (``ConfigError``) an exports folder that holds runs no demo made: a demo's records are the
    replica's, never to be mixed with a real crawl's."""
    for manifest in sorted((exports / "runs").glob("*.json")):
        if f"-{DEMO}-" not in manifest.stem:
            raise ConfigError(f"{exports} holds runs that no demo made ({manifest.name}): a demo exports into a "
                              "folder of its own (default demo/exports)")  # fmt: skip


def run_demo(replica: DemoReplica, exports: Path) -> int:
    """A whole crawl of a fresh replica, with a state of its own in memory, so every demo exports all; its log in
    ``<exports>/logs/``, and on the terminal a few lines of its own."""
    demo_exports(exports)
    with replica.serving() as url:
        print(f"Replica of {replica.articles} articles serving at {url}", flush=True)
        settings = {**replica_settings(url, replica.day), "BHG_EXPORTS": str(exports), "BHG_STATE": "",
                    "BHG_LOGS": str(exports / "logs"), "BHG_RUN_ID": new_run_id(DEMO)}  # fmt: skip
        result = run_crawl({}, settings)
    manifest = exports / "runs" / f"{result.run_id}.json"
    log = f"  {result.log_file.resolve()}  (log)" if result.log_file is not None else ""
    if not manifest.exists():
        print(f"The crawl failed (exit code {int(result.code)}) and wrote no manifest\n{log}", file=sys.stderr)
        return result.code or ExitCode.FAILED
    print("\n".join([*summary(exports, result.run_id), log]))
    return result.code


@contextmanager
def local_redis(folder: Path) -> Iterator[str]:
    """Debian's redis-server on a free loopback port, keeping nothing on disk; its URL; stopped after."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ConfigError("redis-server is not installed (make install sets it up: apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                               "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(200):
            try:
                connect(url).close()
                break
            except ConfigError:
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait()


def run_cluster_demo(replica: DemoReplica, workers: int, exports: Path) -> int:
    """A local Redis, the replica and ``workers`` workers sharing one crawl; the crawl's merged manifest."""
    for worker in sorted(exports.glob("worker-*")):
        demo_exports(worker)
    with (
        tempfile.TemporaryDirectory(prefix="bhg-cluster-") as folder,
        local_redis(Path(folder)) as redis_url,
        replica.serving() as url,
    ):
        print(f"Replica of {replica.articles} articles at {url}; Redis at {redis_url}; {workers} workers", flush=True)
        children = []
        for n in range(1, workers + 1):
            home = exports / f"worker-{n}"
            command = [sys.executable, "-m", "bhg_crawler", "run", "--redis", redis_url,
                       "--state", str(Path(folder) / f"state-{n}.sqlite3"), "--exports", str(home),
                       "--logs", str(home / "logs")]  # fmt: skip
            settings = {**replica_settings(url, replica.day), "BHG_RUN_ID": new_run_id(DEMO)}
            for name, value in settings.items():
                command += ["-s", f"{name}={value}"]
            children.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        codes = [child.wait() for child in children]
    crawls = sorted(exports.glob("worker-*/crawls/*.json"))
    if not crawls:
        print(f"The workers exited {codes} and wrote no crawl manifest", file=sys.stderr)
        return max(codes) or ExitCode.FAILED
    crawl = json.loads(crawls[-1].read_text(encoding="utf-8"))
    for worker in crawl["workers"]:
        records = sum(
            f["records"] for f in crawl["files"] if f["worker"] == worker["worker"] and f["kind"] == "articles"
        )
        print(f"  {worker['worker']}: run {worker['run_id']}, {records} articles, {worker['outcome']['name']}")
    ids = [json.loads(line)["record_id"] for f in crawl["files"] if f["kind"] == "articles"
           for line in (Path(f["exports"]) / f["path"]).read_text(encoding="utf-8").splitlines()]  # fmt: skip
    once = "each once" if len(ids) == len(set(ids)) else f"{len(ids) - len(set(ids))} exported twice"
    print(f"{len(set(ids))} articles exported by {len(crawl['workers'])} workers, {once}")
    print(f"  {crawls[-1].resolve()}  (the crawl's manifest: every worker's files)")
    return max(codes)
