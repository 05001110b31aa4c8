"""A real browser for JavaScript challenges (crawler.render), and the challenge sample host.

The unit tests need no browser. The crawl tests run ``gongkai crawl`` on the sample bureau
behind a 加速乐-style challenge (fgw.lanshan.sample.test): with Chromium (tests/tools.py skips
or, under CI, fails without it) its documents come through the browser; with Chromium hidden
($GONGKAI_CHROMIUM pointing nowhere) they stay blocked with the reason, on every machine.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from scrapy.http import HtmlResponse, Request
from scrapy.http.cookies import CookieJar

from crawler.render import (
    AGAIN,
    HANDED,
    NEEDS_BROWSER,
    NOWHERE,
    STATE,
    RenderPolicy,
    _cookie,
    browser_response,
    fence_pac,
    find_chromium,
)  # fmt: skip
from crawler.samplesites.challenge import BEACON, Challenges
from crawler.samplesites.server import SampleServer
from tests.tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
HOST = "fgw.lanshan.sample.test"
LIST = f"http://{HOST}/xxgk/tzgg/"
MANIFEST = json.loads((ROOT / "crawler/samplesites/manifest.json").read_text())
DOCUMENTS = {d["url"] for d in MANIFEST["profiles"]["sample-lanshan-fgw"]["documents"]}


def challenged(url: str = LIST, status: int = 521, clearance: int = 0) -> HtmlResponse:
    body = Challenges(seed=1).gate("jiasule", {}).body
    request = Request(url, meta={"kind": "list", "clearance": clearance})
    return HtmlResponse(url, status=status, body=body, request=request,
                        headers={"X-Via-Jsl": "1,-"})  # fmt: skip


def policy(**kwargs) -> RenderPolicy:
    return RenderPolicy(**{"mode": "on_challenge", "available": True,
                           "allowed_domains": [HOST], **kwargs})  # fmt: skip


def test_find_chromium_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GONGKAI_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert find_chromium() is None
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("GONGKAI_CHROMIUM", str(fake))
    assert find_chromium() == str(fake)


def test_the_pac_fence_lets_only_allowed_domains_out():
    pac = fence_pac(["a.sample.test"], "http://127.0.0.1:8080")
    script = base64.b64decode(pac.split(",", 1)[1]).decode()
    assert '["a.sample.test"]' in script and "PROXY 127.0.0.1:8080" in script
    assert script.rstrip().endswith(f'return "PROXY {NOWHERE}"; }}')
    assert "DIRECT" in base64.b64decode(fence_pac(["a.test"]).split(",", 1)[1]).decode()


def test_a_challenge_without_a_browser_is_named_and_counted():
    decision = policy(available=False).after(challenged())
    assert decision == (None, NEEDS_BROWSER)


def test_a_challenge_goes_to_the_browser_once_per_host_and_challenge():
    render = policy()
    follow, note = render.after(challenged())
    assert follow.meta["playwright"] and STATE in follow.meta and follow.dont_filter
    assert follow.meta[STATE]["allowed_domains"] == [HOST] and note == HANDED
    # Meanwhile another page of the host is challenged too: it waits for the browser.
    assert render.after(challenged(LIST + "index_1.html")) == (None, AGAIN)
    waiting = render.release(follow, passed=True)
    assert [r.url for r in waiting] == [LIST + "index_1.html"]
    # A request that left before the clearance was earned goes again plainly, not to a browser.
    again, _ = render.after(challenged(LIST + "index_2.html", clearance=0))
    assert "playwright" not in again.meta


def test_when_the_browser_fails_what_waited_comes_back_marked():
    render = policy()
    follow, _ = render.after(challenged())
    render.after(challenged(LIST + "index_1.html"))
    held = render.release(follow, passed=False, why="timeout")
    assert held[0].meta["render_gave_up"] == "timeout"
    response = challenged(LIST + "index_1.html")
    response.request.meta.update(held[0].meta)
    assert render.after(response) == (None, "not passed in the browser: timeout")


@pytest.mark.parametrize("mode", ["never"])
def test_render_never_leaves_the_challenge_alone(mode):
    assert policy(mode=mode).after(challenged()) == (None, None)


def test_a_page_that_is_no_challenge_is_left_alone():
    page = HtmlResponse(LIST, body=b"<title>t</title><p>x</p>", request=Request(LIST))
    assert policy().after(page) == (None, None)


def test_the_browser_response_describes_the_decoded_body_it_holds():
    entry = {"url": LIST, "status": 200, "body": b"<html>ok</html>",
             "headers": {"content-encoding": "gzip", "content-length": "10", "x-a": "1"}}  # fmt: skip
    response = browser_response(entry, Request(LIST))
    assert response.status == 200 and response.body == b"<html>ok</html>"
    assert "browser" in response.flags and response.headers.get("X-A") == b"1"
    assert not response.headers.get("Content-Encoding") and not response.headers.get(
        "Content-Length"
    )


def test_cookies_earned_in_the_browser_go_into_the_crawl_jar():
    jar = CookieJar()
    request = Request(LIST)
    for cookie in ({"name": "__jsl_clearance_s", "value": "1.2", "domain": HOST, "path": "/",
                    "expires": 4102444800, "httpOnly": False, "secure": False},
                   {"name": "session", "value": "s", "domain": HOST, "path": "/", "expires": -1}):  # fmt: skip
        jar.set_cookie_if_ok(_cookie(cookie), request)
    later = Request(f"http://{HOST}/xxgk/ghjh/")
    jar.add_cookie_header(later)
    assert later.headers.get("Cookie") == b"__jsl_clearance_s=1.2; session=s"
    other = Request("http://other.sample.test/")
    jar.add_cookie_header(other)
    assert other.headers.get("Cookie") is None


def test_the_challenge_server_lets_in_only_the_computed_cookie():
    challenges = Challenges(seed=7)
    first = challenges.gate("jiasule", {})
    assert first.status == 521 and first.headers["X-Via-Jsl"]
    assert b"__jsl_clearance_s" not in first.body  # spelt one character at a time
    assert challenges.gate("jiasule", {"__jsl_clearance_s": challenges.expected("jiasule")}) is None
    assert challenges.gate("jiasule", {"__jsl_clearance_s": "0.0"}).status == 521
    assert challenges.gate("ruishu", {"FSSBBIl1UgzbN7N80T": "anything"}).status == 412


# --- crawls of the challenge sample host -------------------------------------------------


def crawl(tmp_path: Path, server: SampleServer, env: dict | None = None) -> tuple:
    db = tmp_path / "gongkai.db"
    result = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", "--profile", "sample-lanshan-fgw",
         "--proxy", server.url, "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    return result, sqlite3.connect(db)


@pytest.fixture
def server():
    server = SampleServer(port=0).start_in_thread()
    yield server
    server.stop()


def test_without_chromium_the_challenge_stays_blocked_with_the_reason(tmp_path, server):
    result, conn = crawl(tmp_path, server, {"GONGKAI_CHROMIUM": str(tmp_path / "none")})
    assert result.returncode == 1
    assert "2 blocked: needs a browser: install chromium" in result.stdout
    rows = conn.execute("select status, observation, observation_reason, fetched_via"
                        " from captures where kind = 'list'").fetchall()  # fmt: skip
    assert rows and set(rows) == {(521, "blocked", NEEDS_BROWSER, None)}
    assert conn.execute("select count(*) from documents").fetchone()[0] == 0


def test_with_chromium_the_documents_come_through_one_browser_fetch(tmp_path, server):
    require_tool("chromium", "chromium-browser", package="chromium")
    result, conn = crawl(tmp_path, server)
    assert result.returncode == 0, result.stderr
    assert "1 fetched through the browser" in result.stdout
    archived = {r[0] for r in conn.execute("select url from documents")}
    assert archived == DOCUMENTS
    # The browser's capture is evidence like any other, with its WARC record.
    browser = conn.execute(
        "select status, sha256, warc_type, observation from captures where fetched_via = 'browser'"
    ).fetchall()
    assert [(s, w, o) for s, _, w, o in browser] == [(200, "response", "ok")]
    # The challenge before it is kept too, named, and no removal or document came of it.
    challenge = conn.execute(
        "select observation, observation_reason, warc_type from captures where status = 521"
    ).fetchall()
    assert challenge and all(o == "blocked" and w == "response" for o, _, w in challenge)
    assert conn.execute("select count(*) from events where type = 'removed'").fetchone()[0] == 0
    # Every later page was a plain request carrying the earned cookie.
    plain = conn.execute("select count(*) from captures where kind = 'detail' and fetched_via is"
                         " null and status = 200").fetchone()[0]  # fmt: skip
    assert plain == len(DOCUMENTS)
    # The browser never asked for anything outside the profile's domain (its beacon, its
    # own update checks), and gongkai verify is clean.
    assert server.requested_hosts() == {HOST}, BEACON
    stats = json.loads(conn.execute("select stats from crawls").fetchone()[0])
    assert stats["render/offsite_aborted"] >= 1  # the beacon, aborted before it left
    verify = subprocess.run([sys.executable, "-m", "crawler.cli", "verify", "--db",
                             str(tmp_path / "gongkai.db")], cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_render_always_fetches_every_page_in_the_browser(tmp_path, server):
    require_tool("chromium", "chromium-browser", package="chromium")
    data = yaml.safe_load((ROOT / "crawler/profiles/sample-lanshan-fgw.yml").read_text("utf-8"))
    profile = tmp_path / "sample-lanshan-fgw.yml"
    profile.write_text(yaml.safe_dump({**data, "render": "always"}, allow_unicode=True), "utf-8")
    db = tmp_path / "gongkai.db"
    result = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", "--profile", str(profile), "--proxy",
         server.url, "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    assert {r[0] for r in conn.execute("select url from documents")} == DOCUMENTS
    vias = {r for r in conn.execute("select kind, fetched_via from captures where status = 200")}
    assert vias == {("list", "browser"), ("detail", "browser")}
    # The challenge the browser was shown first is kept too, when Chromium still had its body.
    assert conn.execute("select count(*) from captures where status = 521").fetchone()[0] <= 1


def test_an_expired_clearance_is_not_sent_so_the_next_challenge_goes_to_the_browser():
    jar = CookieJar()
    request = Request(LIST)
    expired = {"name": "__jsl_clearance_s", "value": "1.2", "domain": HOST, "path": "/",
               "expires": 1_000_000_000}  # 2001: the cookie's lifetime is over  # fmt: skip
    jar.set_cookie_if_ok(_cookie(expired), request)
    later = Request(f"http://{HOST}/xxgk/ghjh/")
    jar.add_cookie_header(later)
    assert later.headers.get("Cookie") is None
    render = policy()
    first, _ = render.after(challenged())
    render.release(first, passed=True)
    again, note = render.after(challenged(clearance=1))  # sent after the clearance, challenged
    assert again.meta.get("playwright") and note == HANDED
