"""End to end: an article URL that answers with a redirect to a page that is no article (a soft 404)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bhg_crawler.runs.outcome import ExitCode
from bhg_replica.answers import Response
from bhg_replica.server import ReplicaServer
from bhg_replica.site import Site
from tests.helpers import bhg_run, exported, manifests, stats


class SoftSite(Site):
    """The replica, with article paths of baohagiang.vn that redirect to ``target`` (the home page)."""

    def __init__(self, deleted: set[str], target: str) -> None:
        super().__init__(seed=5, articles=120)
        self.deleted, self.target = deleted, target

    def respond(self, host: str, path: str, query: str = "") -> Response:
        if host.removeprefix("www.") == "baohagiang.vn" and path.rstrip("/") in self.deleted:
            return Response(302, b"", headers={"Location": self.target})
        return super().respond(host, path, query)


def test_an_article_redirected_to_the_home_page_is_gone_not_a_record(tmp_path: Path) -> None:
    probe = Site(seed=5, articles=120)
    slot = probe.catalog.live[3]
    path, url = probe.writer.path(slot), probe.writer.canonical_url(slot)
    site = SoftSite({path}, "https://baohagiang.vn/")
    server = ReplicaServer(site, "127.0.0.1", 0)
    server.start_background()
    try:
        listing = tmp_path / "urls.txt"
        listing.write_text(url + "\n" + probe.writer.canonical_url(probe.catalog.live[4]) + "\n", encoding="utf-8")
        result = bhg_run(server.url, 0, tmp_path, "--urls-file", str(listing))
    finally:
        server.shutdown()
        server.server_close()
    [manifest] = manifests(tmp_path)
    records = exported(tmp_path, manifest)
    assert result.returncode == ExitCode.OK, result.stderr[-2000:]
    assert [r["article_id"] for r in records] == [probe.catalog.live[4].article_id]
    assert manifest["counts"]["rejects"] == 0
    assert stats(tmp_path, manifest)["bhg/failures/gone"] == 1
    ledger = subprocess.run([sys.executable, "-m", "bhg_crawler", "ledger", "--state", str(tmp_path / "state.sqlite3")],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    [entry] = [line.split("\t") for line in ledger.splitlines()[1:]]
    assert entry[0] == f"baohagiang.vn:{slot.article_id}" and entry[2] == "no"
    assert entry[4] == "redirected to https://baohagiang.vn/, a page that is no article" and entry[5] == url
