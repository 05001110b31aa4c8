"""Downloader middlewares of our own."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request


class ForwardProxyMiddleware:
    """Send every request, robots.txt included, through ``GONGKAI_PROXY``.

    Used to reach the bundled sample sites, which one local server answers as a forward proxy
    under their own host names; a real crawl leaves the setting empty and this is not loaded.
    """

    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ForwardProxyMiddleware:
        proxy = crawler.settings.get("GONGKAI_PROXY")
        if not proxy:
            raise NotConfigured("GONGKAI_PROXY is empty")
        return cls(proxy)

    def process_request(self, request: Request) -> None:
        request.meta.setdefault("proxy", self.proxy)
