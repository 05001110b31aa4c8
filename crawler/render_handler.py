"""scrapy-playwright's download handler, started lazily (see ``crawler.render``).

Its own module so that a crawl without a browser never imports Playwright.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.render import fence_pac


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """Starts Playwright (a Node driver) at the first browser fetch, not when the crawl starts.

    Most crawls meet no challenge: they should not start a driver per site for nothing.
    Requests without ``meta["playwright"]`` go to Scrapy's HTTP/1.1 handler as always.
    """

    async def _maybe_launch_in_thread(self) -> None:  # engine_started: not yet
        return None

    async def _launch(self) -> None:
        """Fence the browser in first: this crawler's allowed domains, through its proxy."""
        spider = self._crawler.spider
        pac = fence_pac(list(spider.allowed_domains), self._crawler.settings.get("GONGKAI_PROXY"))
        options = dict(self.config.launch_options)
        options["args"] = [*options.get("args", []), f"--proxy-pac-url={pac}"]
        self.config.launch_options = options
        await super()._launch()

    async def _download_request(self, request: Request, spider: Any = None) -> Response:
        # Every request waits for the one start: browser_provider exists before it has started.
        if not hasattr(self, "_gongkai_start"):
            self._gongkai_start = asyncio.ensure_future(self._launch())
        await asyncio.shield(self._gongkai_start)
        return await super()._download_request(request, spider)
