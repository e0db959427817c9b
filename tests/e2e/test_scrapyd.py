"""On demand through a real Scrapyd on loopback: deploy with scrapyd-deploy, schedule, read the exports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapyd_client.pyclient import ScrapydClient

from bhg_crawler.app.crawl import replica_settings
from tests.helpers import ROOT, exported, free_port, manifests, replica

BIN = Path(sys.executable).parent


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\nitems_dir =\ndbs_dir = {home / 'dbs'}\nmax_proc = 1\npoll_interval = 0.5\n"
    )
    with (home / "scrapyd.out").open("wb") as out:
        server = subprocess.Popen([BIN / "scrapyd"], cwd=home, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ScrapydClient(url).daemonstatus()
                break
            except Exception:  # not listening yet
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError((home / "scrapyd.out").read_text()[-3000:]) from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_deploy_schedule_and_read_the_exports(scrapyd: str, tmp_path: Path) -> None:
    deploy = subprocess.run([BIN / "scrapyd-deploy", "env", "--version", "r1"], cwd=ROOT,
                            env=dict(os.environ, SCRAPYD_URL=scrapyd + "/"), capture_output=True, text=True, check=False)  # fmt: skip
    assert deploy.returncode == 0, deploy.stderr[-3000:]
    assert '"status": "ok"' in deploy.stdout
    client = ScrapydClient(scrapyd)
    assert client.spiders("bhg_crawler") == ["bhg", "recover"]
    with replica(0, 100) as (url, site):
        settings = {**replica_settings(url), "BHG_EXPORTS": str(tmp_path / "exports"),
                    "BHG_STATE": str(tmp_path / "state.sqlite3")}  # fmt: skip
        job = client.schedule("bhg_crawler", "bhg", [("setting", f"{k}={v}") for k, v in settings.items()]
                              + [("sections", "xa-hoi,van-hoa")])  # fmt: skip
        deadline = time.monotonic() + 180
        while client.status(job)["currstate"] != "finished":
            assert time.monotonic() < deadline, client.status(job)
            time.sleep(0.5)
    [manifest] = manifests(tmp_path)
    assert manifest["status"] == "complete"
    assert manifest["arguments"]["sections"] == "xa-hoi,van-hoa"
    listed = {s.article_id for s in site.catalog.live if s.section.slug in ("xa-hoi", "van-hoa")}
    assert listed <= {r["article_id"] for r in exported(tmp_path, manifest)}


def test_the_egg_holds_the_crawler_and_not_the_replica(tmp_path: Path) -> None:
    """What scrapyd-deploy uploads: every module of bhg_crawler with its data files but the command line's, and
    none of bhg_replica."""
    source = tmp_path / "source"  # the project's files, as a clone has them: no build folder left from before
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\n")  # fmt: skip
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    egg = tmp_path / "bhg_crawler.egg"
    built = subprocess.run([BIN / "scrapyd-deploy", "--build-egg", str(egg)], cwd=source, capture_output=True,
                           text=True, check=False)  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    names = zipfile.ZipFile(egg).namelist()
    package = ROOT / "bhg_crawler"
    shipped = {str(path.relative_to(ROOT)) for path in package.rglob("*") if path.suffix in (".py", ".toml", ".json")}
    app = {name for name in shipped if name.startswith("bhg_crawler/app/")}
    assert app and shipped - app <= set(names), sorted(shipped - app - set(names))
    assert not [name for name in names if name.startswith(("bhg_replica", "bhg_crawler/app/"))]
    assert "bhg_crawler/sites/baohagiang.vn.toml" in names and "bhg_crawler/extract/schema/article-5.json" in names
    assert "settings = bhg_crawler.settings" in zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode()
