"""A real browser for sites that demand one: scrapy-playwright driving Debian's Chromium.

Many bureau sites answer the first request with a JavaScript challenge (加速乐's 521 cookie
script, Aliyun's ``acw_sc__v2``, 瑞数's 412) that only a browser can pass. Per profile,
``render: never | on_challenge | always`` (default ``on_challenge``):

- ``on_challenge``: a response that ``pipeline.soft404.challenge_of`` recognises as a challenge
  a browser can pass is archived as it came (blocked), and its URL is fetched once more in
  Chromium. The cookies the browser earns go into the crawl's cookie jar for that host, so the
  following pages are plain requests again until the cookie expires: one browser fetch per host
  per cookie lifetime, not one per page.
- ``always``: every page is fetched in the browser.
- Without Chromium (``RENDER_CHROMIUM``, ``$GONGKAI_CHROMIUM`` or ``chromium`` on PATH) the
  challenge stays blocked with the reason "needs a browser: install chromium".

A browser fetch is evidence like any other: the capture holds the final document response as
Chromium received it (status, headers, body; marked ``fetched_via = browser``), it gets a WARC
record, and every challenge the browser was shown on the way is kept as a capture of its own.
The browser never fetches outside the profile's allowed domains (``pipeline.urls.within_domains``
on every request it makes; the rest are aborted and counted in ``render/offsite_aborted``).

Chromium is launched by Playwright from its ``executable_path`` with a fresh temporary profile
(Playwright makes one per launch); ``playwright install`` is never needed.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from http.cookiejar import Cookie
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.responsetypes import responsetypes

from pipeline.soft404 import NEEDS_BROWSER, challenge_of

logger = logging.getLogger(__name__)

MODES = ("never", "on_challenge", "always")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# Headers that describe the bytes on the wire, not the decoded body Chromium hands over.
WIRE_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}
NOWHERE = "127.0.0.1:9"  # the discard port, closed: where the PAC sends every other host
STATE = "gongkai_browser"  # request.meta key: what the browser fetch saw (plain data)
# request.meta key of every request the challenge handling sends (the browser fetch, and the
# plain requests sent again with the cookie it earned): they belong to the worker whose
# browser and cookie jar they need (crawler.distributed keeps them out of the shared frontier).
FOLLOW_UP = "gongkai_render_follow_up"
# Render notes on a challenge that was followed up (pipeline.page adds them to the reason).
HANDED = "handed to the browser"
AGAIN = "sent again with the cookie the browser earns"
FOLLOWED_UP = (HANDED, AGAIN)


def find_chromium(configured: str = "") -> str | None:
    """The Chromium binary to drive: a configured path, ``$GONGKAI_CHROMIUM``, else PATH."""
    wanted = configured or os.environ.get("GONGKAI_CHROMIUM", "")
    if wanted:
        return shutil.which(wanted)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def fence_pac(domains: list[str], proxy: str = "") -> str:
    """A PAC script for Chromium: the allowed domains go out (through ``proxy`` if set); every
    other host, the browser's own update and telemetry requests included, goes to a closed
    port and fails. Same rule as ``pipeline.urls.within_domains`` (the host or a subdomain).
    """
    way = f"PROXY {urlsplit(proxy).netloc}" if proxy else "DIRECT"
    script = (
        "function FindProxyForURL(url, host) { host = host.toLowerCase();"
        f" var allowed = {json.dumps([d.lower() for d in domains])};"
        " for (var i = 0; i < allowed.length; i++) {"
        ' if (host == allowed[i] || dnsDomainIs(host, "." + allowed[i]))'
        f' return "{way}"; }}'
        f' return "PROXY {NOWHERE}"; }}'
    )
    encoded = base64.b64encode(script.encode()).decode()
    return f"data:application/x-ns-proxy-autoconfig;base64,{encoded}"


def playwright_settings(chromium: str, user_agent: str, timeout: float) -> dict:
    """Settings that hand browser fetches to scrapy-playwright (plain ones stay on HTTP/1.1).

    The proxy (GONGKAI_PROXY) and the allowed domains reach Chromium as a PAC script
    (``fence_pac``), added per crawler when its browser starts (crawler.render_handler).
    """
    launch: dict[str, Any] = {
        "executable_path": chromium, "headless": True, "args": LAUNCH_ARGS,
        "timeout": int(timeout * 1000),
    }  # fmt: skip
    handler = "crawler.render_handler.BrowserDownloadHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        "PLAYWRIGHT_CONTEXTS": {"default": {"user_agent": user_agent, "locale": "zh-CN"}},
        # The browser keeps its own headers and cookies: Scrapy's would override the cookie a
        # challenge script has just set, and the reload would be challenged again.
        "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": None,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout * 1000,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,
    }


@dataclass
class RenderPolicy:
    """Whether and how one spider uses the browser; clearances earned per host."""

    mode: str
    available: bool
    allowed_domains: list[str]
    timeout: float = 30.0
    max_challenges: int = 2
    crawler: Any = None  # for its stats, read when counting (not set before the crawl starts)
    clearances: dict[str, int] = field(default_factory=dict)
    # (host, challenge name) the browser is passing now, and what was challenged meanwhile.
    in_flight: set[tuple[str, str]] = field(default_factory=set)
    waiting: dict[tuple[str, str], list[Request]] = field(default_factory=dict)

    def _inc(self, key: str) -> None:
        if self.crawler is not None:
            self.crawler.stats.inc_value(f"render/{key}")

    @property
    def always(self) -> bool:
        return self.mode == "always" and self.available

    def browser_meta(self) -> dict:
        """Request meta for a fetch through the browser (plain data but for the PageMethod)."""
        from scrapy_playwright.page import PageMethod

        from crawler.render_page import settle

        return {
            "playwright": True,
            "playwright_page_goto_kwargs": {"wait_until": "commit", "timeout": self.timeout * 1000},
            "playwright_page_init_callback": "crawler.render_page.init_page",
            "playwright_page_methods": [PageMethod(settle)],
            STATE: {
                "allowed_domains": list(self.allowed_domains), "timeout": self.timeout,
                "max_challenges": self.max_challenges, "challenges": [], "aborted": [],
            },
        }  # fmt: skip

    def browser_request(self, request: Request, again: bool = True) -> Request:
        """``request`` through the browser; ``again``: its URL was fetched already (a challenge),
        so it must pass the duplicate filter, and it goes first."""
        meta = {k: v for k, v in request.meta.items() if k in ("kind", "column")}
        return request.replace(
            meta={**meta, **self.browser_meta()}, dont_filter=again or request.dont_filter,
            priority=request.priority + (10 if again else 0),
        )  # fmt: skip

    def after(self, response: Response) -> tuple[Request | None, str | None]:
        """What to do after a response: (a request to send next or None, a render note)."""
        if self.mode == "never" or STATE in response.meta:
            return None, None  # a browser fetch is never sent to the browser again
        if response.meta.get("render_gave_up"):  # the browser failed on this challenge here
            return None, f"not passed in the browser: {response.meta['render_gave_up']}"
        text = response.text if isinstance(response, TextResponse) else None
        headers = {
            k.decode("latin-1"): ", ".join(v.decode("latin-1") for v in values)
            for k, values in response.headers.items()
        }
        found = challenge_of(response.status, headers, text)
        if found is None or not found.browser:
            return None, None
        if not self.available:
            self._inc("needs_browser")
            return None, NEEDS_BROWSER
        host = urlsplit(response.request.url).hostname or ""
        key = (host, found.name)
        again = response.request.replace(dont_filter=True)
        again.meta[FOLLOW_UP] = True
        if key in self.in_flight:  # the browser is on it: go again, plainly, when it is done
            self.waiting.setdefault(key, []).append(again)
            return None, AGAIN
        if response.meta.get("clearance", 0) < self.clearances.get(host, 0):
            # The browser passed this host after the request left: try once more, plainly.
            return again, AGAIN
        self.in_flight.add(key)
        request = self.browser_request(response.request)
        request.meta[STATE]["challenge"] = found.name
        request.meta[FOLLOW_UP] = True
        return request, HANDED

    def release(self, request: Request, passed: bool, why: str = "") -> list[Request]:
        """The browser is done with a challenge: the requests it held back, to send again.

        When it passed, they go again as plain requests with the earned cookies. When it did
        not, they go again too, marked, so their answer is archived as the challenge left
        standing rather than handed to the browser once more.
        """
        host = urlsplit(request.url).hostname or ""
        key = (host, request.meta.get(STATE, {}).get("challenge", ""))
        self.in_flight.discard(key)
        waiting = self.waiting.pop(key, [])
        if passed:
            self.clearances[host] = self.clearances.get(host, 0) + 1
        else:
            for held in waiting:
                held.meta["render_gave_up"] = why or "the browser fetch failed"
        return waiting


class BrowserCaptureMiddleware:
    """Downloader middleware: a browser fetch becomes a Response of what the browser received.

    scrapy-playwright reports the status of the first navigation (the challenge) with the DOM
    of the last; this puts back the final document response as Chromium received it, writes
    the challenges the browser was shown to WARC, and moves the browser's cookies into the
    crawl's cookie jar. Priority 960: above ``crawler.warc.WarcCaptureMiddleware`` (950), so
    the WARC record is of this response. Also stamps every request with the host's clearance
    count, so a challenge to a request sent before the browser passed is retried plainly.
    Setting: ``RENDER_ENABLED``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserCaptureMiddleware:
        if not crawler.settings.getbool("RENDER_ENABLED"):
            raise NotConfigured("RENDER_ENABLED is off")
        return cls(crawler)

    def _policy(self) -> RenderPolicy | None:
        return getattr(self.crawler.spider, "render", None)

    def process_request(self, request: Request) -> None:
        policy = self._policy()
        if policy is not None:
            host = urlsplit(request.url).hostname or ""
            request.meta["clearance"] = policy.clearances.get(host, 0)

    def process_response(self, request: Request, response: Response) -> Response:
        state = request.meta.get(STATE)
        if not state or not state.get("final"):
            return response
        policy = self._policy()
        stats = self.crawler.stats
        stats.inc_value("render/browser_fetches")
        stats.inc_value("render/passed" if state.get("passed") else "render/not_passed")
        stats.inc_value("render/offsite_aborted", len(state.get("aborted", [])))
        if state.get("passed") and state.get("cookies"):
            self._earn_cookies(request, state["cookies"])
        if policy is not None:
            for waiting in policy.release(request, bool(state.get("passed")), state.get("why")):
                self.crawler.engine.crawl(waiting)
        if not state.get("passed"):
            request.meta["render_note"] = f"not passed in the browser: {state.get('why')}"
        # A challenge whose body Chromium no longer had (its script navigated at once) left
        # nothing but a status: counted, not archived as a capture without evidence.
        shown = state.get("challenges", [])
        stats.inc_value("render/challenges_shown", len(shown))
        state["challenge_captures"] = [
            self._challenge_capture(request, entry) for entry in shown if entry.get("body")
        ]
        return browser_response(state["final"], request)

    def _challenge_capture(self, request: Request, entry: dict) -> dict:
        """A challenge the browser was shown, with its WARC record when it has a body."""
        capture = {k: entry.get(k) for k in ("url", "status", "headers", "body")}
        warc = _warc_writer(self.crawler)
        if warc is not None and entry.get("body") is not None:
            capture["warc"] = warc.write_exchange(request, browser_response(entry, request))
        return capture

    def _earn_cookies(self, request: Request, cookies: list[dict]) -> None:
        from scrapy.downloadermiddlewares.cookies import CookiesMiddleware

        for middleware in self.crawler.engine.downloader.middleware.middlewares:
            if isinstance(middleware, CookiesMiddleware):
                jar = middleware.jars[request.meta.get("cookiejar")]
                for cookie in cookies:
                    jar.set_cookie_if_ok(_cookie(cookie), request)
        self.crawler.stats.inc_value("render/cookies_earned", len(cookies))


def browser_response(entry: dict, request: Request) -> Response:
    """A Scrapy Response of one document response as the browser received it (body decoded)."""
    headers = {
        k: v for k, v in (entry.get("headers") or {}).items() if k.lower() not in WIRE_HEADERS
    }
    body = entry.get("body") or b""
    cls = responsetypes.from_args(headers=headers, url=entry["url"], body=body)
    return cls(
        url=entry["url"], status=entry["status"], headers=headers, body=body, request=request,
        flags=["browser"],
    )  # fmt: skip


def _cookie(data: dict) -> Cookie:
    domain = data.get("domain") or ""
    expires = data.get("expires")
    session = expires is None or expires < 0
    return Cookie(
        0, data["name"], data.get("value", ""), None, False, domain, domain.startswith("."),
        domain.startswith("."), data.get("path") or "/", True, bool(data.get("secure")),
        None if session else int(expires), session, None, None,
        {"HttpOnly": None} if data.get("httpOnly") else {},
    )  # fmt: skip


def _warc_writer(crawler: Crawler) -> Any:
    from crawler.warc import WarcCaptureMiddleware

    for middleware in crawler.engine.downloader.middleware.middlewares:
        if isinstance(middleware, WarcCaptureMiddleware):
            return middleware.writer
    return None
