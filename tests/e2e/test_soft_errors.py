"""End to end: an article URL that answers with a redirect to a page that is no article (a soft 404)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bhg_crawler.runs.outcome import ExitCode
from bhg_replica.answers import Response
from bhg_replica.site import Site
from tests.helpers import bhg_run, exported, manifests, serving, stats


class SoftSite(Site):
    """The replica, with article paths of baohagiang.vn that send the reader to ``target``: with a 302, or with
    a ``<meta http-equiv="refresh">`` page (``meta``)."""

    def __init__(self, deleted: set[str], target: str, meta: bool = False) -> None:
        super().__init__(seed=5, articles=120)
        self.deleted, self.target, self.meta = deleted, target, meta

    def respond(self, host: str, path: str, query: str = "") -> Response:
        if host.removeprefix("www.") == "baohagiang.vn" and path.rstrip("/") in self.deleted:
            if self.meta:
                page = f'<html><head><meta http-equiv="refresh" content="0; url={self.target}"></head></html>'
                return Response(200, page.encode())
            return Response(302, b"", headers={"Location": self.target})
        return super().respond(host, path, query)


@pytest.mark.parametrize(
    ("target", "meta", "reason", "code", "outcome"),
    [
        ("https://baohagiang.vn/", False, "redirected to https://baohagiang.vn/, a page that is no article",
         ExitCode.OK, "gone"),
        ("https://baohagiang.vn/", True, "redirected to https://baohagiang.vn/, a page that is no article",
         ExitCode.OK, "gone"),
        ("https://elsewhere.example/", True,
         "RefusedRedirect: a meta refresh to another host: https://elsewhere.example/", ExitCode.CRAWL_ERRORS,
         "refused/redirect"),
        ("SELF", True, "RefusedRedirect: a meta refresh loop: {url} -> {url}", ExitCode.CRAWL_ERRORS,
         "refused/redirect"),
    ],
)  # fmt: skip
def test_an_article_sent_elsewhere_is_no_record_and_says_why(
    tmp_path: Path, target: str, meta: bool, reason: str, code: ExitCode, outcome: str
) -> None:
    probe = Site(seed=5, articles=120)
    slot = probe.catalog.live[3]
    path, url = probe.writer.path(slot), probe.writer.canonical_url(slot)
    site = SoftSite({path}, url if target == "SELF" else target, meta)
    listing = tmp_path / "urls.txt"
    listing.write_text(url + "\n" + probe.writer.canonical_url(probe.catalog.live[4]) + "\n", encoding="utf-8")
    with serving(site) as proxy:
        result = bhg_run(proxy, 0, tmp_path, "--urls-file", str(listing))
    [manifest] = manifests(tmp_path)
    records = exported(tmp_path, manifest)
    assert result.returncode == code, result.stdout[-2000:] + result.stderr[-2000:]
    assert [r["article_id"] for r in records] == [probe.catalog.live[4].article_id]
    assert manifest["counts"]["rejects"] == 0
    assert stats(tmp_path, manifest)[f"bhg/failures/{outcome}"] == 1
    term, _, kind = outcome.partition("/")
    accounting = manifest["accounting"]
    assert (accounting["discovered"], accounting["exported"], accounting[term]) == (2, 1, {kind: 1} if kind else 1)
    ledger = subprocess.run([sys.executable, "-m", "bhg_crawler", "ledger", "--state", str(tmp_path / "state.sqlite3")],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    [entry] = [line.split("\t") for line in ledger.splitlines()[1:]]
    assert entry[0] == f"baohagiang.vn:{slot.article_id}" and entry[2] == ("yes" if kind else "no")  # refused: later
    assert entry[4] == reason.format(url=url) and entry[5] == url
