"""The spider's bookkeeping of what it could not fetch."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.utils.test import get_crawler

from bhg_crawler.spiders.bhg import BhgSpider


def test_a_failure_at_the_new_home_is_the_old_records_reason_too(tmp_path: Path) -> None:
    crawler = get_crawler(BhgSpider, {"BHG_STATE": str(tmp_path / "state.sqlite3")})
    spider = BhgSpider.from_crawler(crawler)
    crawler.spider = spider
    old = "https://baohagiang.vn/kinh-te/202506/gia-le-tang-f6d06b9"
    new = "https://baotuyenquang.com.vn/khu-vuc/202506/gia-le-tang-f6d06b9"
    request = Request(new, meta={"bhg_kind": "ARTICLE", "redirect_urls": [old]})
    spider._not_exported(request, "HTTP 503", "error")
    failed = {row["record_id"]: row["reason"] for row in spider.state.file.db.execute("SELECT * FROM run_failed")}
    spider.state.close()
    assert failed == {
        "baotuyenquang.com.vn:f6d06b9": "HTTP 503",
        "baohagiang.vn:f6d06b9": f"HTTP 503 at {new}",
    }
