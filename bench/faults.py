"""``python -m bench.faults`` (``make faults``): the crawl under faults, kills and hostile input.

1. The replica serves with ``--faults mixed`` (every kind of fault on a share of the articles, a section
   disallowed by robots.txt). Runs are killed with SIGKILL at random points; after each kill, the exports
   and the state must be whole: every published manifest's files as listed, no visible file that no
   manifest lists, the SQLite state intact.
2. A run goes to its end under the faults: every article is exported or in the failures ledger; those the
   site said were gone (``faults.GONE``: a redirect home, a "page not found" page answered 200) are in it
   not to be retried; its accounting (the manifest's) is reported term by term.
3. The faults clear (the same site, served without them): one more run, and every article has been
   exported or is in the ledger (those the site said were gone, which an incremental run believes, and those
   the ledger backs off from); then a ``--full`` run (the weekly backfill: what the ledger backs off from or
   gave up is asked for again), after which every article has been exported exactly once.
4. Two workers share a crawl through a local Redis; one is killed with SIGKILL after a random number of
   taken requests: the other puts its work back and every article is exported exactly once between them.

Every manifest of every run must balance (``bhg_crawler.runs.accounting.balance_problems``).

Crawls go to the replica on loopback only, with secrets in their settings that must not reach any file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bhg_crawler.app.crawl import replica_settings
from bhg_crawler.app.demo import local_redis
from bhg_crawler.runs.accounting import balance_problems
from bhg_crawler.state.redis import connect
from bhg_replica.server import ReplicaServer
from bhg_replica.site import Site

SECRETS = {"BHG_SMTP_PASSWORD": "hunter2-smtp-secret", "BHG_NOTIFY_SLACK_WEBHOOK": "https://hooks.invalid/T0/TOKEN-42x"}
FOLDERS = ("exports", "logs", "state", "media")  # everything a run may write, under the work folder


@dataclass
class WorkerKill:
    """Workers sharing a crawl through Redis, one of them killed: what the crawl lost or exported twice."""

    workers: int = 2
    killed: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.killed == 1 and not (self.lost or self.duplicated or self.problems)

    def line(self) -> str:
        return (f"distributed: killed {self.killed} of {self.workers} workers, lost {len(self.lost)} (goal 0), "
                f"duplicated {len(self.duplicated)} (goal 0)")  # fmt: skip


@dataclass
class Report:
    articles: int
    served: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    exported_under_faults: int = 0
    in_ledger: int = 0
    said_gone: int = 0  # articles whose fault says they are gone: in the ledger, not retried
    lost: list[str] = field(default_factory=list)
    exported_once_cleared: int = 0  # after the incremental run with the faults cleared
    exported_at_end: int = 0  # after the --full run
    duplicated: list[str] = field(default_factory=list)
    kills: int = 0
    kills_survived: int = 0
    problems: list[str] = field(default_factory=list)  # what a check found wrong, in words
    offsite_requests: int = 0
    stray_files: list[str] = field(default_factory=list)
    secrets_written: list[str] = field(default_factory=list)
    distributed: WorkerKill = field(default_factory=WorkerKill)
    accounting: dict[str, Any] = field(default_factory=dict)  # the manifest's, of the run under faults

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.problems or self.offsite_requests or self.stray_files
                    or self.secrets_written) and self.kills_survived == self.kills and self.distributed.ok  # fmt: skip

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.injected.items()))
        return [
            f"pages served                 {self.served}",
            f"faults injected              {sum(self.injected.values())} ({kinds})",
            f"articles expected            {self.articles}",
            f"exported under faults        {self.exported_under_faults}",
            f"in the failures ledger       {self.in_ledger} ({self.said_gone} gone by the site's word)",
            f"lost                         {len(self.lost)} (goal 0)",
            f"exported once faults cleared {self.exported_once_cleared} of {self.articles} (the rest in the ledger)",
            f"exported after a --full run  {self.exported_at_end} of {self.articles}",
            f"duplicated                   {len(self.duplicated)} (goal 0)",
            f"kills survived               {self.kills_survived} of {self.kills}",
            f"requests to other hosts      {self.offsite_requests} (goal 0)",
            f"files outside its folders    {len(self.stray_files)} (goal 0)",
            f"secrets written down         {len(self.secrets_written)} (goal 0)",
            *accounting_lines(self.accounting),
            self.distributed.line(),
            *(f"PROBLEM: {problem}" for problem in [*self.problems, *self.distributed.problems]),
        ]


def accounting_lines(accounting: dict[str, Any]) -> list[str]:
    """A manifest's accounting, a term a line (the terms counted by reason with each reason)."""
    if not accounting:
        return []
    lines = [f"accounting of the run under faults: {accounting['discovered']} articles discovered"]
    for term, value in accounting.items():
        if term in ("discovered", "balanced"):
            continue
        if isinstance(value, dict):
            reasons = ", ".join(f"{why} {n}" for why, n in value.items())
            value = f"{sum(value.values())}" + (f" ({reasons})" if reasons else "")
        lines.append(f"  {term:<27}{value}")
    return [*lines, f"  {'balanced':<27}{'yes' if accounting['balanced'] else 'NO'}"]


def check_balanced(work: Path) -> list[str]:
    """The manifests whose accounting does not balance, each with what does not add up."""
    problems = []
    for manifest in published(work):
        records = sum(entry["records"] for entry in manifest["files"] if entry["kind"] == "articles")
        problems += [f"run {manifest['run_id']}: {problem}" for problem in balance_problems(
            manifest["accounting"], records)]  # fmt: skip
    return problems


def crawl_command(url: str, work: Path, *extra: str) -> list[str]:
    settings = {**replica_settings(url), **SECRETS, "DOWNLOAD_TIMEOUT": "2", "BHG_BACKOFF_BASE": "0.5",
                "BHG_HEARTBEAT_SECONDS": "1", "BHG_WARC": "1", "BHG_MEDIA": str(work / "media")}  # fmt: skip
    via = url.replace("http://", "http://crawler:proxy-pass-1234@")  # credentials must not be written down
    settings["BHG_VIA"] = via
    line = [sys.executable, "-m", "bhg_crawler", "run", "--state", str(work / "state" / "bhg.sqlite3"),
            "--exports", str(work / "exports"), "--logs", str(work / "logs"), *extra]  # fmt: skip
    for name, value in settings.items():
        line += ["-s", f"{name}={value}"]
    return line


def published(work: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted((work / "exports" / "runs").glob("*.json"))]


def check_whole(work: Path) -> list[str]:
    """What is wrong with the exports and the state after a kill, in words (nothing when all is well)."""
    problems = []
    exports = work / "exports"
    listed = set()
    for manifest in published(work):
        if not (exports / manifest["schema"]).is_file():
            problems.append(f"{manifest['schema']}, the schema of {manifest['run_id']}, is missing")
        for entry in manifest["files"]:
            path = exports / entry["path"]
            listed.add(path)
            if not path.exists():
                problems.append(f"{entry['path']} is in a manifest but missing")
            elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
                problems.append(f"{entry['path']} does not match its manifest")
    for path in exports.glob("*/*"):
        shared = path.parent.name in ("runs", "crawls", "schema")  # manifests, and the schemas they name
        if not shared and not path.name.startswith(".") and path not in listed:
            problems.append(f"{path.relative_to(exports)} is visible but in no manifest")
    state = work / "state" / "bhg.sqlite3"
    if state.exists():
        with sqlite3.connect(state) as db:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            problems.append(f"the state is corrupt: {verdict}")
    return problems


def exported_versions(work: Path) -> Counter[tuple[str, int]]:
    found: Counter[tuple[str, int]] = Counter()
    for manifest in published(work):
        for entry in manifest["files"]:
            if entry["kind"] == "articles":
                for line in (work / "exports" / entry["path"]).read_text(encoding="utf-8").splitlines():
                    record = json.loads(line)
                    found[(record["article_id"], record["version"])] += 1
    return found


def ledger(work: Path, retry_only: bool = False) -> dict[str, str]:
    """The failures ledger's articles (those to retry only, or all) and their reasons."""
    query = "SELECT record_id, reason FROM ledger" + (" WHERE retry" if retry_only else "")
    with sqlite3.connect(work / "state" / "bhg.sqlite3") as db:
        return {row[0].split(":", 1)[1]: row[1] for row in db.execute(query)}


def cleared_run(site: Site, work: Path, *extra: str, out: Any) -> tuple[int, int]:
    """A run of ``work``'s crawl against ``site`` served on loopback: its exit code, and what the server counted as
    (pages served, requests for other hosts)."""
    server = ReplicaServer(site, "127.0.0.1", 0)
    server.start_background()
    try:
        done = subprocess.run(crawl_command(server.url, work, *extra), capture_output=True, text=True, check=False)
        print(f"run with the faults cleared{' ' + ' '.join(extra) if extra else ''}: exit {done.returncode}",
              file=out, flush=True)  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    return sum(server.served.values()), server.offsite


def run_suite(articles: int, kills: int, seed: int, work: Path, out: Any = sys.stdout) -> Report:
    report = Report(articles=articles)
    rng = random.Random(seed)
    faulty = Site(seed=seed, articles=articles, fault_profile="mixed")
    live = {slot.article_id for slot in faulty.catalog.live}
    report.articles = len(live)
    server = ReplicaServer(faulty, "127.0.0.1", 0)
    server.start_background()
    try:
        tries = 0
        while report.kills < kills and tries < 3 * kills:
            tries += 1  # --full: every run walks and fetches it all, so there is a run to kill
            child = subprocess.Popen(crawl_command(server.url, work, "--full"), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)  # fmt: skip
            time.sleep(rng.uniform(0.5, 10.0))
            if child.poll() is not None:
                print("a run ended before its kill", file=out, flush=True)
                continue
            child.send_signal(signal.SIGKILL)
            child.wait()
            report.kills += 1
            problems = check_whole(work)
            report.problems += [f"after kill {report.kills}: {problem}" for problem in problems]
            report.kills_survived += not problems
            print(f"kill {report.kills} of {kills}: {'whole' if not problems else 'BROKEN'}", file=out, flush=True)
        done = subprocess.run(crawl_command(server.url, work), capture_output=True, text=True, check=False)
        print(f"run under faults: exit {done.returncode}", file=out, flush=True)
        if done.returncode not in (0, 3, 4, 5):
            report.problems.append(f"the run under faults exited {done.returncode}: {done.stderr[-500:]}")
        runs = published(work)
        report.accounting = runs[-1]["accounting"] if runs else {}
    finally:
        server.shutdown()
        server.server_close()
    report.served = sum(server.served.values())
    report.injected = faulty.injected
    report.offsite_requests = server.offsite
    exported = {article_id for article_id, _ in exported_versions(work)}
    report.exported_under_faults = len(exported & live)
    waiting = ledger(work)
    report.in_ledger = len(set(waiting) & live)
    report.lost = sorted(live - exported - set(waiting))
    gone = faulty.said_gone() - exported  # exported before the fault said so: a killed --full run got it
    report.said_gone = len(gone)
    retried = sorted(gone & set(ledger(work, retry_only=True)))
    if retried or not gone <= set(waiting):
        report.problems.append(f"said gone, yet to be retried or not in the ledger: {retried[:5]}")

    clear = Site(seed=seed, articles=articles)
    for extra in ((), ("--full",)):
        served, offsite = cleared_run(clear, work, *extra, out=out)
        report.served += served
        report.offsite_requests += offsite
        found = {article_id for article_id, _ in exported_versions(work)} & live
        if not extra:
            report.exported_once_cleared = len(found)
            unseen = sorted(live - found - set(ledger(work)))
            if unseen:
                report.problems.append(f"neither exported nor in the ledger once the faults cleared: {unseen[:5]}")
    versions = exported_versions(work)
    report.exported_at_end = len({article_id for article_id, _ in versions} & live)
    report.duplicated = sorted(f"{article_id} v{version}" for (article_id, version), n in versions.items() if n > 1)
    if report.exported_at_end != len(live):
        missing = sorted(live - {article_id for article_id, _ in versions})
        report.problems.append(f"not exported after a --full run: {missing[:5]} ({ledger(work)})")
    report.problems += check_whole(work)
    report.problems += check_balanced(work)
    report.stray_files = sorted(
        str(path.relative_to(work))
        for path in work.rglob("*")
        if path.is_file() and path.relative_to(work).parts[0] not in FOLDERS
    )
    secrets = [*SECRETS.values(), "proxy-pass-1234"]
    for path in work.rglob("*"):
        if path.is_file() and path.relative_to(work).parts[0] != "media":
            data = path.read_bytes()
            report.secrets_written += [f"{path.relative_to(work)}: {s}" for s in secrets if s.encode() in data]
    report.distributed = kill_a_worker(articles, seed, rng, out)
    return report


def kill_a_worker(articles: int, seed: int, rng: random.Random, out: Any) -> WorkerKill:
    """Two workers crawl the replica (without faults) through a local Redis; one, picked at random, is killed
    with SIGKILL once it has taken a random number of requests (up to an eighth of the articles, so the
    crawl still has work). The survivor must put its work back: every article exported once between them."""
    result = WorkerKill()
    site = Site(seed=seed, articles=articles)
    server = ReplicaServer(site, "127.0.0.1", 0)
    server.start_background()
    with tempfile.TemporaryDirectory(prefix="bhg-faults-redis-") as folder, local_redis(Path(folder)) as redis_url:
        homes = [Path(folder) / f"worker-{n}" for n in range(1, result.workers + 1)]
        fast = ("--redis", redis_url, "-s", "BHG_REDIS_DEAD_SECONDS=4", "-s", "BHG_REDIS_IDLE_SECONDS=1")
        children = []
        for home in homes:
            (home / "state").mkdir(parents=True)
            children.append(subprocess.Popen(crawl_command(server.url, home, *fast), stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL))  # fmt: skip
        doomed, after = rng.randrange(result.workers), rng.randint(1, max(1, articles // 8))
        client = connect(redis_url)
        taken = f"bhg:bhg:taken:{socket.gethostname()}:{children[doomed].pid}"
        while children[doomed].poll() is None and client.zcard(taken) < after:
            time.sleep(0.02)
        if children[doomed].poll() is None:
            children[doomed].send_signal(signal.SIGKILL)
            result.killed += 1
        print(f"distributed: worker {doomed + 1} killed after {client.zcard(taken)} requests taken", file=out,
              flush=True)  # fmt: skip
        for n, child in enumerate(children):
            code = child.wait(timeout=600)
            if n != doomed and code not in (0, 3):
                result.problems.append(f"the surviving worker exited {code}")
        client.close()
        server.shutdown()
        server.server_close()
        versions: Counter[tuple[str, int]] = sum((exported_versions(home) for home in homes), Counter())
        result.problems += [problem for home in homes for problem in check_whole(home)]
    live = {slot.article_id for slot in site.catalog.live}
    result.lost = sorted(live - {article_id for article_id, _ in versions})
    result.duplicated = sorted(f"{article_id} v{version}" for (article_id, version), n in versions.items() if n > 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--articles", type=int, default=300, help="articles of the replica (default 300)")
    parser.add_argument("--kills", type=int, default=20, help="runs killed at random points (default 20)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the site, its faults and the kills")
    parser.add_argument("--quick", action="store_true", help="120 articles and 3 kills (part of make test)")
    args = parser.parse_args(argv)
    articles, kills = (120, 3) if args.quick else (args.articles, args.kills)
    with tempfile.TemporaryDirectory(prefix="bhg-faults-", dir=None) as folder:
        work = Path(folder)
        for name in FOLDERS:
            (work / name).mkdir()
        report = run_suite(articles, kills, args.seed, work)
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
