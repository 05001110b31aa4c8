"""What one fetch of a known page says about it: there, gone, or not evidence either way.

A bureau rarely answers a deleted page with a clean 404: it serves 200 with 您访问的页面不存在,
redirects to the home page, or leaves the template with an empty body. Equally, a WAF
challenge (HTTP 412 with ``__jsl_clearance``, ``acw_sc__v2``, 创宇盾/加速乐), a 403, a 5xx or a
timeout says nothing about the page. Outcomes:

- ``ok`` / ``not_modified``: the page is there (304 answers a conditional GET);
- ``missing``: evidence of removal (404/410, soft-404 text, redirect or meta refresh to the
  home or parent page, an empty body container);
- ``blocked``: a challenge or refusal (412, 403, 429, WAF pages) — never a removal;
- ``unreachable``: 5xx, timeouts, DNS and connection errors — never a removal;
- ``error``: anything else that kept us from reading the page (e.g. extraction failed).

Pure functions over strings and bytes, called once per capture by ``pipeline.page``; the archive
stores the outcome and keeps each URL's state from it (``archive.changes``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

OK, NOT_MODIFIED, MISSING, BLOCKED, UNREACHABLE, ERROR = (
    "ok", "not_modified", "missing", "blocked", "unreachable", "error",
)  # fmt: skip
PRESENT = frozenset({OK, NOT_MODIFIED})

# Phrases bureau CMSs put on "deleted" pages they still answer with 200.
SOFT_404_PHRASES = (
    "您访问的页面不存在", "您要访问的页面不存在", "页面不存在", "该信息已删除", "信息已删除",
    "信息已撤回", "该信息已撤回", "信息已被删除", "该页面已删除", "文章不存在", "信息不存在",
    "页面找不到", "找不到您要访问的页面",
)  # fmt: skip
# Challenge / WAF fingerprints: Jiasule (加速乐), Aliyun (acw_sc__v2), Knownsec (创宇盾), Yunsuo.
WAF_MARKERS = (
    "__jsl_clearance", "jsl_clearance_s", "acw_sc__v2", "acw_tc", "创宇盾", "加速乐",
    "yunsuo_session_verify", "安全狗", "网站防火墙",
)  # fmt: skip
# A page with more visible text than this is a document, whatever phrase it quotes.
SOFT_404_MAX_TEXT = 1500
BODY_CONTAINERS = ("TRS_Editor", "trs_editor_view", "newscontnet", "zoom", "j-fontContent")
_EMPTY_CONTAINER = re.compile(
    r"<div\b[^>]*\b(?:class|id)\s*=\s*[\"'][^\"']*\b(?:"
    + "|".join(BODY_CONTAINERS)
    + r")\b[^\"']*[\"'][^>]*>(?:\s|&nbsp;|&#160;|<br\s*/?>|<p[^>]*>(?:\s|&nbsp;)*</p>)*</div>",
    re.IGNORECASE,
)
_META_REFRESH = re.compile(
    r"<meta[^>]+http-equiv\s*=\s*[\"']?refresh[\"']?[^>]*content\s*=\s*[\"']\s*\d*\s*;?\s*url\s*=\s*([^\"'>\s]+)",
    re.IGNORECASE,
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.IGNORECASE | re.DOTALL)
_HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/default.html"}
BLOCKED_STATUSES = frozenset({401, 403, 412, 429, 451})
MISSING_STATUSES = frozenset({404, 410})


@dataclass(frozen=True)
class Verdict:
    outcome: str
    reason: str | None = None


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


def page_verdict(html: str, url: str, final_url: str | None = None) -> Verdict:
    """Classify a page that came back 200: a document, a soft-404, or a challenge page."""
    head = html[:200_000]
    for marker in WAF_MARKERS:
        if marker in head:
            return Verdict(BLOCKED, f"challenge page ({marker})")
    if is_home_or_parent(url, final_url):
        return Verdict(MISSING, f"soft-404: redirected to {final_url}")
    refresh = _META_REFRESH.search(head)
    if refresh and is_home_or_parent(url, urljoin(url, refresh.group(1))):
        return Verdict(MISSING, f"soft-404: meta refresh to {refresh.group(1)}")
    title = _TITLE.search(head)
    title_text = title.group(1) if title else ""
    phrase = next((p for p in SOFT_404_PHRASES if p in title_text), None)
    if phrase is None and any(p in head for p in SOFT_404_PHRASES):
        text = " ".join(_TAGS.sub(" ", head).split())
        if len(text) <= SOFT_404_MAX_TEXT:
            phrase = next((p for p in SOFT_404_PHRASES if p in text), None)
    if phrase:
        return Verdict(MISSING, f"soft-404: {phrase}")
    if _EMPTY_CONTAINER.search(head):
        return Verdict(MISSING, "soft-404: empty body container")
    return Verdict(OK)


def failure_verdict(status: int | None, error: str | None) -> Verdict:
    """Classify a fetch from its HTTP status (None: no response at all) and error text."""
    if status is None:
        text = (error or "").lower()
        if "dns" in text or "lookup" in text:
            return Verdict(UNREACHABLE, "DNS error")
        if "timeout" in text or "timed out" in text:
            return Verdict(UNREACHABLE, "timeout")
        return Verdict(UNREACHABLE, (error or "no response")[:200])
    if status == 304:
        return Verdict(NOT_MODIFIED)
    if status in MISSING_STATUSES:
        return Verdict(MISSING, f"HTTP {status}")
    if status in BLOCKED_STATUSES:
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
) -> Verdict:
    """The outcome of one fetch of a document page, as evidence about that page."""
    verdict = failure_verdict(status, error)
    if verdict.outcome in (BLOCKED, UNREACHABLE) and status is not None and body_text:
        # WAFs answer challenges with 412, 403 or even 5xx (加速乐's 521): name the challenge.
        marker = next((m for m in WAF_MARKERS if m in body_text[:200_000]), None)
        if marker:
            return Verdict(BLOCKED, f"HTTP {status} challenge page ({marker})")
    if verdict.outcome != OK:
        return verdict
    if body_text is not None:
        page = page_verdict(body_text, url, final_url)
        if page.outcome != OK:
            return page
    if has_document:
        return Verdict(OK)
    return Verdict(ERROR, (error or "no document extracted")[:200])
