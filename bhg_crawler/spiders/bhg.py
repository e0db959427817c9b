"""The ``bhg`` spider: the home page, every section, its pages, and every article."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response

ARTICLE_URL = re.compile(r"/\d{6}/[a-z0-9-]+-(?:\d{6}|[0-9a-f]{7})/?(?:\?|$)")


class BhgSpider(scrapy.Spider):
    name = "bhg"
    allowed_domains = ["baohagiang.vn"]  # noqa: RUF012 - Scrapy declares these as lists
    start_urls = ["https://baohagiang.vn/"]  # noqa: RUF012

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if ARTICLE_URL.search(url):
                yield scrapy.Request(url, callback=self.parse_article)
            else:
                yield scrapy.Request(url, callback=self.parse)

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        yield {"url": response.url, "title": response.css("h1::text").get()}
