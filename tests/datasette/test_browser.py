"""Real-browser check: headless Chromium against a running `gongkai serve` on the demo archive.

Searches 教育 from the search page's form URL, asserts results in the DOM Chromium rendered,
and saves screenshots (search, document, agency overview, scorecard, and the search page on a
390-px phone, whose layout is measured through the DevTools protocol). They go to a temporary
directory, or to $GONGKAI_SCREENSHOTS (the README's are in tests/datasette/screenshots/).
Skipped only when no Chromium binary is installed (tests/tools.py; .ci/run installs the
Debian package and makes a missing one a failure).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.tools import require_tool

GONGKAI = [sys.executable, "-m", "crawler.cli"]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--lang=zh-CN"]  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def browser() -> str:
    """The Chromium binary (skips the module, before the demo crawl, when there is none)."""
    return require_tool("chromium", "chromium-browser", package="chromium")


def chromium(browser: str, tmp_path: Path, *args: str) -> str:
    profile = Path(os.path.join(tmp_path, f"profile-{time.monotonic_ns()}"))
    result = subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def served(browser, demo_archive):
    """`gongkai demo --no-serve` then `gongkai serve` on a free port; yields (url, db path)."""
    db = demo_archive
    port = free_port()
    server = subprocess.Popen(
        [*GONGKAI, "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/-/search", timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.1)
        yield url, db
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    target = os.environ.get("GONGKAI_SCREENSHOTS")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def screenshot(browser, tmp_path, shots: Path, name: str, url: str, height: int = 1100) -> None:
    out = shots / f"{name}.png"
    out.unlink(missing_ok=True)
    chromium(browser, tmp_path, f"--screenshot={out}", f"--window-size=1280,{height}", url)
    assert out.read_bytes().startswith(PNG) and out.stat().st_size > 10_000


def test_search_in_a_real_browser(browser, served, shots, tmp_path):
    url, _ = served
    home = chromium(browser, tmp_path, "--dump-dom", url + "/")
    assert 'action="/-/search"' in home  # the home page's search box submits here
    search = f"{url}/-/search?q={quote('教育')}"
    dom = chromium(browser, tmp_path, "--dump-dom", search)
    assert dom.count('class="gongkai-result"') == 20  # a full first page
    assert "<mark>教育</mark>" in dom
    assert "条结果" in dom
    screenshot(browser, tmp_path, shots, "search", search)


def test_document_and_agency_pages_in_a_real_browser(browser, served, shots, tmp_path):
    url, db = served
    with sqlite3.connect(db) as conn:
        seed = conn.execute(
            "select id from documents where title = '濉溪县教育局2021年政务公开工作总结'"
        ).fetchone()[0]
        xss = conn.execute("select id from documents where title like '%<script>%'").fetchone()
    document = f"{url}/gongkai/documents/{seed}"
    dom = chromium(browser, tmp_path, "--dump-dom", document)
    assert "<h1>濉溪县教育局2021年政务公开工作总结</h1>" in dom
    screenshot(browser, tmp_path, shots, "document", document)
    if xss:  # the sample page with <script> in title and body: text, never run
        dom = chromium(browser, tmp_path, "--dump-dom", f"{url}/gongkai/documents/{xss[0]}")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    agency = f"{url}/-/agency?agency={quote('濉溪县教育局')}"
    dom = chromium(browser, tmp_path, "--dump-dom", agency)
    assert '<g class="month"' in dom and "最近新增" in dom
    screenshot(browser, tmp_path, shots, "agency", agency, height=1300)


def test_scorecard_in_a_real_browser(browser, served, shots, tmp_path):
    url, _ = served
    page = f"{url}/-/scorecard?year=2021"
    dom = chromium(browser, tmp_path, "--dump-dom", page)
    assert "濉溪县教育局2021年政务公开工作总结" in dom and "逾期 late" in dom
    screenshot(browser, tmp_path, shots, "scorecard", page, height=900)


PHONE = {"width": 390, "height": 1200, "deviceScaleFactor": 1, "mobile": True}
LAYOUT = """JSON.stringify(Object.fromEntries(['.gongkai-results', '.gongkai-facets'].map(s => {
  const r = document.querySelector(s).getBoundingClientRect();
  return [s, {left: r.left, top: r.top, width: r.width, bottom: r.bottom}];
}).concat([['page', {width: document.documentElement.scrollWidth}]])))"""


async def phone_layout(browser: str, profile: Path, url: str, screenshot: Path) -> dict:
    """Open ``url`` in Chromium emulating a 390-px phone (DevTools protocol over aiohttp's
    websocket); return the result list's and the facets' boxes, and save a screenshot."""
    import asyncio
    import base64
    import json
    import re

    import aiohttp

    chrome = await asyncio.create_subprocess_exec(
        browser, *FLAGS, "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank",
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        while not (match := re.search(rb"DevTools listening on ws://[^/]+:(\d+)/",
                                      await asyncio.wait_for(chrome.stderr.readline(), 60))):  # fmt: skip
            pass
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{match[1].decode()}/json/list") as r:
                page = next(t for t in await r.json() if t["type"] == "page")
            async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                ids = iter(range(1, 100))

                async def call(method: str, **params) -> dict:
                    await ws.send_json({"id": (n := next(ids)), "method": method, "params": params})
                    while (message := await asyncio.wait_for(ws.receive_json(), 60)).get("id") != n:
                        pass
                    return message["result"]

                await call("Page.enable")
                await call("Emulation.setDeviceMetricsOverride", **PHONE)
                await call("Page.navigate", url=url)
                while (await asyncio.wait_for(ws.receive_json(), 60)).get("method") != (
                    "Page.loadEventFired"
                ):
                    pass
                layout = await call("Runtime.evaluate", expression=LAYOUT, returnByValue=True)
                shot = await call("Page.captureScreenshot", format="png")
                screenshot.write_bytes(base64.b64decode(shot["data"]))
                return json.loads(layout["result"]["value"])
    finally:
        chrome.terminate()
        await chrome.wait()


def test_search_on_a_phone_puts_the_facets_under_the_results(browser, served, shots, tmp_path):
    import asyncio

    url, _ = served
    out = shots / "search-phone.png"
    out.unlink(missing_ok=True)
    layout = asyncio.run(
        phone_layout(browser, tmp_path / "phone", f"{url}/-/search?q={quote('教育')}", out)
    )
    results, facets = layout[".gongkai-results"], layout[".gongkai-facets"]
    assert results["width"] >= 340  # not three characters wide: the whole screen, less margins
    assert facets["top"] >= results["bottom"]  # folded under the results
    assert layout["page"]["width"] <= 390  # nothing scrolls sideways
    assert out.read_bytes().startswith(PNG) and out.stat().st_size > 10_000
