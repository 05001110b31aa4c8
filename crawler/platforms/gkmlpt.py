"""Guangdong's 政府信息公开目录平台 (gkmlpt): lists exist only in its JSON API.

The index page ``<site>/gkmlpt/index`` renders nothing without JavaScript; its script holds
``window._CONFIG = {SID: '…', TREE: [{id, name, children, jump_url…}], …}`` (a public
crawler, hulelan/china-governance ``crawlers/gkmlpt.py``, reads both). The page's front end
asks ``<site>/gkmlpt/api/all/<column>?page=N&sid=<SID>`` for every leaf column, and gets
``{"classify": {"id", "name", "post_count", …}, "articles": [{"id", "title", "url", "date",
…}]}`` (no top-level total: the count is ``classify.post_count``). ``sid`` is the site's
NFCMS_SITE_ID; the profile's ``gkmlpt: {sid, columns}`` settings stand in when the page
omits them. Every answer is a capture; one that is not that JSON keeps its error.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from crawler.platforms.page import ListPage
from crawler.platforms.result import Discovered
from crawler.platforms.spec import is_detail

SID = re.compile(r"""\bSID\s*:\s*["']?(\d+)""")
NFCMS_SITE_ID = re.compile(r"NFCMS_SITE_ID\s*=\s*[\"']?(\d+)")
TREE = re.compile(r"\bTREE\s*:\s*\[")


def api_url(page_url: str, column: int | str, page: int, sid: int | str) -> str:
    base = page_url.split("/gkmlpt/", 1)[0]
    return f"{base}/gkmlpt/api/all/{column}?" + urlencode({"page": page, "sid": sid})


def pager(page: ListPage, profile: Mapping, kind: str, limit: int, found: Discovered) -> None:
    """The first API page of every column the index page's TREE lists (or the profile names)."""
    if "/gkmlpt/" not in page.url:
        return
    settings = profile.get("gkmlpt") or {}
    scripts = page.scripts
    sid = _first(SID, scripts) or settings.get("sid") or _first(NFCMS_SITE_ID, scripts)
    tree = config_tree(scripts)
    wanted = settings.get("columns") or _start_columns(profile, page.url)
    columns = leaf_columns(tree, wanted) if tree else list(wanted or [])
    problems = []
    if not sid:
        problems.append("no SID in its script and no gkmlpt.sid in the profile")
    if not columns:
        problems.append("no TREE of columns and no gkmlpt.columns in the profile")
    if problems:
        found.error = "gkmlpt index page: " + "; ".join(problems)
        return
    found.fragment_urls.extend(api_url(page.url, c, 1, sid) for c in columns)


def config_tree(scripts: str) -> list[dict[str, Any]]:
    """The ``TREE: [...]`` array of the page's ``window._CONFIG``, or [] when absent/unreadable."""
    match = TREE.search(scripts)
    if not match:
        return []
    try:
        tree, _ = json.JSONDecoder().raw_decode(scripts, match.end() - 1)
    except ValueError:
        return []
    return tree if isinstance(tree, list) else []


def leaf_columns(tree: list[dict[str, Any]], wanted: list[int] | None = None) -> list[int]:
    """Ids of the leaf columns under ``wanted`` (every leaf when None); links (jump_url) skipped."""
    out: list[int] = []

    def walk(nodes: list, inside: bool) -> None:
        for node in nodes:
            if not isinstance(node, dict) or node.get("jump_url"):
                continue
            here = inside or not wanted or node.get("id") in wanted
            children = node.get("children") or []
            if children:
                walk(children, here)
            elif here and isinstance(node.get("id"), int):
                out.append(node["id"])

    walk(tree, False)
    return out


def read_answer(
    text: str, url: str, profile: Mapping, column: str | None, limit: int
) -> Discovered:
    """One API answer: its articles' pages, and (from page 1) the column's other pages."""
    found = Discovered(column=column)
    try:
        data = json.loads(text)
    except ValueError as exc:
        start = " ".join((text or "").split())[:60]
        found.error = f"gkmlpt API answer is not JSON ({exc}): {start!r}"
        return found
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list):
        found.error = "gkmlpt API answer has no 'articles' list"
        return found
    classify = data.get("classify") if isinstance(data.get("classify"), dict) else {}
    found.column = classify.get("name") or column
    # "url" in every public answer seen; "post_url" is the name the issue remembered.
    links = [a.get("url") or a.get("post_url") for a in articles if isinstance(a, dict)]
    found.detail_urls = [
        (u, found.column) for u in links if isinstance(u, str) and is_detail(u, profile)
    ]
    _more_pages(found, url, data, classify, len(articles), limit)
    return found


def _more_pages(
    found: Discovered, url: str, data: dict, classify: dict, size: int, limit: int
) -> None:
    query = dict(parse_qsl(urlsplit(url).query))
    page = int(query["page"]) if query.get("page", "").isdigit() else 1
    column = urlsplit(url).path.rsplit("/", 1)[-1]
    total = classify.get("post_count", data.get("total"))
    if not size:
        return
    if isinstance(total, int):  # the count is known: every page at once, from page 1
        if page == 1:
            pages = found.cap(f"gkmlpt column {column}", math.ceil(total / size), limit)
            found.fragment_urls += [
                api_url(url, column, n, query.get("sid", "")) for n in range(2, pages + 1)
            ]
    elif page < limit:  # unknown count: the next page, until one comes back empty
        found.fragment_urls.append(api_url(url, column, page + 1, query.get("sid", "")))
    else:
        found.capped.append(
            f"gkmlpt column {column}: more than {limit} pages, {limit} taken (max_pages)"
        )


def _start_columns(profile: Mapping, url: str) -> list[int]:
    """Column ids given as ``…/gkmlpt/index#<id>`` start URLs for this index page."""
    path = urlsplit(url).path
    ids = []
    for start in profile.get("start_urls") or []:
        parts = urlsplit(start)
        if parts.path == path and parts.fragment.isdigit():
            ids.append(int(parts.fragment))
    return ids


def _first(pattern: re.Pattern, text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None
