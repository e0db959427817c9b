"""``make demo`` end to end: a replica served, crawled whole, exported, and the replica stopped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bhg_crawler.runs.outcome import ExitCode


def test_the_demo_crawls_the_replica_whole_and_says_where_the_exports_are(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    line = [sys.executable, "-m", "bhg_crawler", "demo", "--articles", "80", "--exports", str(exports)]
    for _ in range(2):  # a second demo exports everything again: its state is its own
        result = subprocess.run(line, capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300)
        assert result.returncode == ExitCode.OK, result.stderr[-3000:]
    found = [json.loads(p.read_text(encoding="utf-8")) for p in (exports / "runs").glob("*.json")]
    manifests = sorted(found, key=lambda m: m["started_at"])
    assert [m["counts"]["articles"] for m in manifests] == [80, 80]
    last = manifests[-1]
    assert f"{exports.resolve()}/runs/{last['run_id']}.json  (manifest)" in result.stdout
    assert "(articles, 80 records)" in result.stdout
    assert not (tmp_path / "state").exists()  # the demo's state lives in memory
