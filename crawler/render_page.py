"""Inside the browser page: watch its document responses, wait past the challenge, stop it.

Runs on Playwright's side of a browser fetch (``crawler.render``): ``init_page`` is
scrapy-playwright's page init callback, ``settle`` its page method. What they learn goes into
the request's ``meta["gongkai_browser"]`` as plain data, for ``BrowserCaptureMiddleware``.
"""

from __future__ import annotations

import asyncio
import itertools
import weakref
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request

from crawler.render import STATE
from pipeline.encoding import decode_html, header_charset
from pipeline.soft404 import challenge_of
from pipeline.urls import within_domains


@dataclass
class _Watch:
    """One page's main-frame document responses, as they arrive (runtime only, not in meta)."""

    responses: list[tuple[dict, asyncio.Task]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def response(self, index: int, deadline: float) -> dict | None:
        """The ``index``-th response, read as far as it could be by ``deadline``; else None."""
        loop = asyncio.get_running_loop()
        while index >= len(self.responses):
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), max(deadline - loop.time(), 0))
            except TimeoutError:
                return None
        entry, reading = self.responses[index]
        try:
            await asyncio.wait_for(reading, max(deadline - loop.time(), 0.1))
        except TimeoutError:
            entry.setdefault("headers", {})
            entry.setdefault("body", None)
        return entry


# Per page, while it is open: its responses and the request's state (weak: pages close).
# Resources a page needs only to look right: never fetched by the browser, so a browser fetch
# asks the bureau's server for the page and the scripts its challenge runs, nothing more.
UNNEEDED = frozenset({"image", "media", "font", "stylesheet"})
_WATCHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_STATE_OF: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def init_page(page: Any, request: Request) -> None:
    """Before navigation: keep the browser on the profile's domains; watch document responses."""
    state = request.meta[STATE]
    allowed = state["allowed_domains"]
    watch = _WATCHES[page] = _Watch()
    _STATE_OF[page] = state

    async def route(route: Any, browser_request: Any) -> None:
        if not within_domains(browser_request.url, allowed):
            state["aborted"].append(browser_request.url)
            await route.abort("blockedbyclient")
        elif browser_request.resource_type in UNNEEDED:  # polite; no challenge needs them
            await route.abort("blockedbyclient")
        else:
            await route.fallback()

    def on_response(response: Any) -> None:
        if response.frame != page.main_frame or response.request.resource_type != "document":
            return
        if 300 <= response.status < 400:  # a hop of a redirect chain, not an answer
            return
        entry = {"url": response.url, "status": response.status}
        watch.responses.append((entry, asyncio.ensure_future(_read(response, entry))))
        watch.arrived.set()

    await page.route("**/*", route)
    page.on("response", on_response)


async def _read(response: Any, entry: dict) -> None:
    entry["headers"], entry["body"] = {}, None
    try:
        entry["headers"] = await response.all_headers()
        entry["body"] = await response.body()
    except Exception:  # the page moved on before Chromium handed it over: keep what we have
        pass


async def settle(page: Any) -> None:
    """Page method: wait until the page answers with something that is not a challenge.

    Each main-frame document response is judged by ``pipeline.soft404.challenge_of``; the first
    that is not a challenge is the answer. The challenges before it are kept. The browser gives
    up after ``max_challenges`` challenges or ``timeout`` seconds; then the page is stopped, so
    no script keeps reloading it while scrapy-playwright closes it.
    """
    watch, state = _WATCHES[page], _STATE_OF[page]
    deadline = asyncio.get_running_loop().time() + state["timeout"]
    why = None
    for index in itertools.count():
        entry = await watch.response(index, deadline)
        if entry is None:
            why = f"no answer past the challenge within {state['timeout']:g}s"
            break
        if entry["body"] is not None and not _is_challenge(entry):
            state["final"], state["passed"] = entry, True
            break
        state["challenges"].append(entry)
        if len(state["challenges"]) > state["max_challenges"]:
            why = "answered the challenge again after the browser ran it"
            break
    if why:  # the last challenge whose body the browser still had is the answer on record
        state["passed"], state["why"] = False, why
        kept = [c for c in state["challenges"] if c.get("body")] or state["challenges"]
        state["final"] = kept[-1] if kept else None
        if kept:
            state["challenges"].remove(kept[-1])
    state["cookies"] = await page.context.cookies()
    await _stop(page)


def _is_challenge(entry: dict) -> bool:
    text = decode_html(entry["body"], header_charset(entry["headers"]), None).text
    return challenge_of(entry["status"], entry["headers"], text) is not None


async def _stop(page: Any) -> None:
    """No more navigation: a challenge script may go on reloading the page. Every request is
    aborted from now on, and the page is parked on about:blank (retried: a reload already
    under way can interrupt the first try)."""

    async def abort(route: Any, _request: Any) -> None:
        await route.abort("blockedbyclient")

    await page.route("**/*", abort)
    for _ in range(3):
        try:
            await page.goto("about:blank")
            return
        except Exception:  # interrupted by a navigation the script started: try again
            await asyncio.sleep(0.05)
