"""Downloader middlewares of our own."""

from __future__ import annotations

from urllib.parse import urljoin

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from pipeline.urls import within_domains


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


class RedirectGuardMiddleware:
    """Keep the redirects that must not be followed, and record every one that is.

    Not followed (the 3xx reaches the spider and is archived with its ``Location`` and an error
    that says why): a redirect to a host outside the profile's allowed domains (the one check
    is ``pipeline.urls.within_domains``), and a redirect back to a URL already in its chain (a
    loop). Every redirect that is followed is exempt from the duplicate filter, so a chain that
    ends at an already-crawled URL is still archived under the URL that started it.
    Priority 610: its ``process_response`` runs before RedirectMiddleware's (600), which then
    leaves the response alone (``dont_redirect``) or copies ``dont_filter`` into the new request.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in (301, 302, 303, 307, 308) or request.meta.get("dont_redirect"):
            return response
        location = response.headers.get("Location")
        allowed = getattr(self.crawler.spider, "allowed_domains", None)
        if not location or not allowed:
            return response
        target = urljoin(response.url, location.decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if not within_domains(target, allowed):
            self._keep(request, f"redirect off the allowed domains to {target}: not followed")
        elif target in chain:
            self._keep(request, f"redirect loop back to {target}: not followed")
        else:
            request.dont_filter = True
        return response

    def _keep(self, request: Request, why: str) -> None:
        request.meta["dont_redirect"] = True
        request.meta["redirect_refused"] = why
        self.crawler.stats.inc_value("gongkai/redirects_refused")
