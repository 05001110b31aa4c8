"""What one fetch of a known page says about it: there, gone, or not evidence either way.

A bureau rarely answers a deleted page with a clean 404: it serves 200 (or even 500) with
您访问的页面不存在, redirects to the home page, or leaves the template with an empty body.
Equally, a WAF challenge (加速乐's 521 cookie script, Aliyun's ``acw_sc__v2`` or its 405 block
page, 瑞数's 412), a captcha, a rate limit, a 5xx or a timeout says nothing about the page.
Outcomes:

- ``ok`` / ``not_modified``: the page is there (304 answers a conditional GET);
- ``missing``: evidence of removal (404/410, soft-404 text in the title, a headline or a short
  page, a CDN's own 404 page, redirect or meta refresh to the home or parent page, an empty
  body container);
- ``blocked``: a challenge or refusal (412, 403, 429, WAF and captcha pages) — never a removal;
- ``unreachable``: 5xx, timeouts, DNS and connection errors, redirect loops — never a removal;
- ``error``: anything else that kept us from reading the page (extraction failed, binary
  served as HTML, a body over the size limit, a redirect off the allowed domains).

The signatures are data (``pipeline/signatures.yml``). Pure functions over strings, called once
per capture by ``pipeline.page``; the archive keeps each URL's state from the outcome
(``archive.changes``), and ``crawler.render`` asks :func:`challenge_of` whether a real browser
could get past a response.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

OK, NOT_MODIFIED, MISSING, BLOCKED, UNREACHABLE, ERROR = (
    "ok", "not_modified", "missing", "blocked", "unreachable", "error",
)  # fmt: skip
PRESENT = frozenset({OK, NOT_MODIFIED})
SIGNATURES = Path(__file__).with_name("signatures.yml")
NEEDS_BROWSER = "needs a browser: install chromium"
HEAD = 200_000  # characters of a body that are searched
_META_REFRESH = re.compile(
    r"<meta[^>]+http-equiv\s*=\s*[\"']?refresh[\"']?[^>]*content\s*=\s*[\"']\s*\d*\s*;?\s*url\s*=\s*([^\"'>\s]+)",
    re.IGNORECASE,
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HEADLINE = re.compile(r"<h[1-3]\b[^>]*>(.*?)</h[1-3]>", re.IGNORECASE | re.DOTALL)
_SCRIPT_OR_STYLE = re.compile(r"<script\b.*?</script>|<style\b.*?</style>", re.I | re.DOTALL)
_TAG = re.compile(r"<[^>]+>|<!--.*?-->", re.DOTALL)
_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
# Block-level tags end a line of text; inline ones (a, span, font, b) do not.
_BLOCK = re.compile(
    r"<(?:/?(?:p|div|td|th|tr|li|h[1-6]|br|table|section|article|title|body))\b[^>]*>", re.I
)
_SEGMENTS = re.compile(r"\s*[-_|｜—–·]+\s*")
# ('_')+('_')+('j') or '_'+'_'+'j': one character at a time, so no token is ever spelled out.
_PIECES = re.compile(r"""\(?\s*(['"])(.{1,3}?)\1\s*\)?\s*\+?""")
_HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/default.html"}


@dataclass(frozen=True)
class Verdict:
    outcome: str
    reason: str | None = None


@dataclass(frozen=True)
class Challenge:
    """A recognised challenge or refusal; ``browser``: a real browser may get past it."""

    name: str
    browser: bool = False


@lru_cache(maxsize=4)
def signatures(path: Path = SIGNATURES) -> dict[str, Any]:
    """The verdict signatures (``pipeline/signatures.yml``), read and compiled once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["challenges"]:
        for key in ("patterns", "empty_patterns", "phrases"):
            entry[key] = [re.compile(p, re.IGNORECASE) for p in entry.get(key, [])]
    soft = data["soft_404"]
    soft["headline_patterns"] = [re.compile(p, re.I) for p in soft["headline_patterns"]]
    soft["empty_container"] = re.compile(
        r"<div\b[^>]*\b(?:class|id)\s*=\s*[\"'][^\"']*\b(?:"
        + "|".join(re.escape(c) for c in soft["empty_containers"])
        + r")\b[^\"']*[\"'][^>]*>(?:\s|&nbsp;|&#160;|<br\s*/?>|<p[^>]*>(?:\s|&nbsp;)*</p>)*</div>",
        re.IGNORECASE,
    )
    for failure in data["failures"]:
        failure["pattern"] = re.compile(failure["pattern"], re.IGNORECASE)
    return data


@dataclass
class _Page:
    """One body, read once: its head, the head with concatenations undone, its visible text."""

    head: str
    joined: str
    text: str
    title: str
    headlines: list[str]
    scripts: bool
    blocks: list[str]

    @classmethod
    def read(cls, html: str) -> _Page:
        head = html[:HEAD]
        title = _TITLE.search(head)
        headlines = [_visible(h) for h in _HEADLINE.findall(head)]
        body = _SCRIPT_OR_STYLE.sub(" ", head)
        return cls(
            head=head,
            joined=_PIECES.sub(r"\2", head) if "+" in head else head,
            text=_visible(body),
            title=_visible(title.group(1)) if title else "",
            headlines=[h for h in headlines if h],
            scripts=bool(_SCRIPT.search(head)),
            blocks=[b for b in (_visible(t) for t in _BLOCK.split(body)) if b],
        )


def _visible(html: str) -> str:
    return " ".join(_TAG.sub(" ", html).replace("&nbsp;", " ").split())


def _cookie_names(headers: Mapping[str, str]) -> list[str]:
    cookies = [v for k, v in headers.items() if k.lower() == "set-cookie"]
    return [c.split("=", 1)[0].strip() for value in cookies for c in value.split(", ") if "=" in c]


def challenge_of(
    status: int | None, headers: Mapping[str, str] | None, html: str | None
) -> Challenge | None:
    """The challenge or refusal a response is, or None (``signatures.yml``, ``challenges``)."""
    if not html and not status:
        return None
    return _challenge(status, headers or {}, _Page.read(html or ""))


def _challenge(status: int | None, headers: Mapping[str, str], page: _Page) -> Challenge | None:
    data = signatures()
    names = {k.lower() for k in headers}
    cookies = _cookie_names(headers)
    short = len(page.text) <= data["short_text"]
    script_only = page.scripts and len(page.text) <= data["script_only_text"]
    for entry in data["challenges"]:
        found = Challenge(entry["name"], bool(entry.get("browser")))
        if any(t in page.head or t in page.joined for t in entry.get("tokens", ())):
            return found
        if status in entry.get("statuses", ()) and (
            names & set(entry.get("headers", ()))
            or any(c.startswith(tuple(entry.get("cookies", ()))) for c in cookies if entry.get("cookies"))
            or any(p.search(page.head) for p in entry["patterns"])
            or (entry.get("script_only") and script_only)
        ):  # fmt: skip
            return found
        if (script_only or not page.text) and any(
            p.search(page.head) for p in entry["empty_patterns"]
        ):
            return found
        if short and _has_phrase(page, entry["phrases"]):
            return found
    return None


def _has_phrase(page: _Page, phrases: Any) -> bool:
    lines = [b for b in page.blocks if len(b) <= signatures()["message_max"]]
    script = page.head if page.scripts and not page.text else ""  # alert('请输入验证码')
    return any(p.search(w) for p in phrases for w in (page.title, script, *lines))


def _edge_page(page: _Page) -> str | None:
    for entry in signatures()["edge_pages"]:
        if any(t in page.head for t in entry["tokens"]):
            return entry["name"]
    return None


def _soft_404_phrase(page: _Page) -> str | None:
    soft = signatures()["soft_404"]
    for headline in (page.title, *page.headlines):
        for segment in _SEGMENTS.split(headline):
            if any(p.search(segment) for p in soft["headline_patterns"]):
                return segment
    if len(page.text) > soft["max_text"]:
        return None
    # A message is a line of its own (对不起，您访问的页面不存在！); the same words inside a
    # paragraph of a short document (经查询，该信息不存在于…) are not one.
    for block in page.blocks:
        if len(block) <= signatures()["message_max"]:
            phrase = next((p for p in soft["phrases"] if p in block), None)
            if phrase:
                return phrase
    return None


def is_home_or_parent(url: str, final_url: str | None) -> bool:
    """True when ``final_url`` is the site's home page or a directory page above ``url``."""
    if not final_url or final_url == url:
        return False
    old, new = urlsplit(url), urlsplit(final_url)
    if new.path in _HOME_PATHS:
        return True
    name = new.path.rsplit("/", 1)[-1]
    if name and not name.startswith(("index.", "default.")):
        return False  # a page, not a directory: e.g. http -> https of the same document
    directory = new.path[: len(new.path) - len(name)]
    return old.path != new.path and old.path.startswith(directory)


def _http(status: int | None) -> str:
    """``HTTP 521: `` before a reason, nothing for a 200."""
    return f"HTTP {status}: " if status and status != 200 else ""


def page_verdict(
    html: str,
    url: str,
    final_url: str | None = None,
    status: int | None = 200,
    headers: Mapping[str, str] | None = None,
) -> Verdict:
    """Classify a page by its body: a document (ok), a soft-404, an edge 404 or a challenge.

    Steps, first match wins: 1. a CDN's own 404 page; 2. a challenge or refusal; 3. a redirect
    or meta refresh to the home or parent page; 4. soft-404 words in the title, a headline or a
    short page; 5. an empty body container.
    """
    page = _Page.read(html)
    edge = _edge_page(page)
    if edge:
        return Verdict(MISSING, f"soft-404: {edge}")
    found = _challenge(status, headers or {}, page)
    if found:
        return Verdict(BLOCKED, _http(status) + found.name)
    if is_home_or_parent(url, final_url):
        return Verdict(MISSING, f"soft-404: redirected to {final_url}")
    refresh = _META_REFRESH.search(page.head)
    if refresh and is_home_or_parent(url, urljoin(url, refresh.group(1))):
        return Verdict(MISSING, f"soft-404: meta refresh to {refresh.group(1)}")
    phrase = _soft_404_phrase(page)
    if phrase:
        return Verdict(MISSING, f"{_http(status)}soft-404: {phrase}")
    if signatures()["soft_404"]["empty_container"].search(page.head):
        return Verdict(MISSING, "soft-404: empty body container")
    return Verdict(OK)


def failure_verdict(status: int | None, error: str | None) -> Verdict:
    """Classify a fetch from its HTTP status (None: no response at all) and error text."""
    data = signatures()
    if status is None:
        text = error or "no response"
        for failure in data["failures"]:
            if failure["pattern"].search(text):
                return Verdict(failure["outcome"], failure["reason"])
        return Verdict(UNREACHABLE, text[:200])
    if status == 304:
        return Verdict(NOT_MODIFIED)
    if 300 <= status < 400:  # a redirect not followed: off the allowed domains, a loop…
        reason = (error or f"HTTP {status} redirect not followed")[:200]
        named = next((f for f in data["failures"] if f["pattern"].search(reason)), None)
        return Verdict(named["outcome"] if named else ERROR, reason)
    if status in data["statuses"]["missing"]:
        return Verdict(MISSING, f"HTTP {status}")
    if status in data["statuses"]["blocked"]:
        return Verdict(BLOCKED, f"HTTP {status}")
    if status >= 500:
        return Verdict(UNREACHABLE, f"HTTP {status}")
    if status >= 400:
        return Verdict(ERROR, f"HTTP {status}")
    return Verdict(OK)


def observe(
    status: int | None,
    error: str | None,
    body_text: str | None,
    url: str,
    final_url: str | None = None,
    has_document: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Verdict:
    """The outcome of one fetch of a document page, as evidence about that page."""
    verdict = failure_verdict(status, error)
    if (body_text or headers) and status is not None and verdict.outcome != MISSING:
        # The body names what the status cannot: 加速乐's 521, Aliyun's 405, a 500 that says
        # the page was deleted. A 404/410 stays what it says; a 403 is not read as a removal.
        page = page_verdict(body_text or "", url, final_url, status, headers)
        if page.outcome == BLOCKED and verdict.outcome != NOT_MODIFIED:
            return page
        if page.outcome == MISSING and (verdict.outcome == OK or status >= 500):
            return page
    if verdict.outcome != OK:
        return verdict
    if has_document:
        return Verdict(OK)
    return Verdict(ERROR, (error or "no document extracted")[:200])
