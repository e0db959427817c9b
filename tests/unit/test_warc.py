"""The WARC archive of what a run fetches, record by record."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request, Spider
from scrapy.http import HtmlResponse

from bhg_crawler.archive.warc import WarcMiddleware
from bhg_crawler.core.files import published
from bhg_crawler.runs.files import run_of
from bhg_crawler.state.binding import attach_state
from bhg_crawler.state.store import StateStore
from tests.helpers import project_crawler, warc_records


def test_a_capture_keeps_its_url_as_requested_query_and_all(tmp_path: Path) -> None:
    crawler = project_crawler(Spider, BHG_WARC=True, BHG_EXPORTS=str(tmp_path), BHG_RUN_ID="r1", BHG_STATE="")
    store = attach_state(crawler, StateStore(""))
    middleware = WarcMiddleware.from_crawler(crawler)
    urls = ["https://baohagiang.vn/english/news?page=2", "https://baohagiang.vn/xa-hoi/trang-2.html"]
    for url in urls:
        request = Request(url, headers={"User-Agent": "bhg-crawler"})
        middleware.process_response(request, HtmlResponse(url, body=f"<html>{url}</html>".encode(), request=request))
    [closer] = run_of(crawler).closers
    parts = dict(closer())
    path = tmp_path / "captures.warc.gz"
    parts["warc"].rename(path)
    captured = [(kind, headers["WARC-Target-URI"]) for kind, headers, _, _ in warc_records(path) if kind != "warcinfo"]
    assert captured == [("response", urls[0]), ("request", urls[0]), ("response", urls[1]), ("request", urls[1])]
    assert published(parts["cdxj"]).name == "index.cdxj"
    store.close()
