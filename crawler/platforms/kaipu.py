"""Kaipu (开普云) / UCAP sites: ``.shtml`` lists paged by a six-argument ``createPageHTML``.

``createPageHTML('page_div', 10, 1, 'zwgklist', 'shtml', 200)``: element id, page count,
current page (from 1), file name, extension, row count (jyt.gansu.gov.cn). Page 1 is
``zwgklist.shtml``, page n is ``zwgklist_n.shtml`` (a public crawler of sqmzj.suqian.gov.cn
pages ``xxgk_list.shtml``, ``xxgk_list_2.shtml`` …). The call, and sometimes the whole list,
can sit inside an HTML comment, so comments are read too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urljoin

from crawler.platforms.page import ListPage, js_int
from crawler.platforms.result import Discovered

KAIPU_PAGER = re.compile(
    r"createPageHTML\(\s*[\"'][\w-]+[\"']\s*,\s*([\w.]+)\s*,\s*([\w.]+)\s*,"
    r"\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']\s*,\s*[\w.]+\s*\)"
)


def pager(page: ListPage, profile: Mapping, kind: str, limit: int, found: Discovered) -> None:
    found.list_urls.extend(
        kaipu_page_urls(page.scripts + "\n" + page.comments, page.url, limit, found)
    )


def kaipu_page_urls(
    text: str, url: str, limit: int = 200, found: Discovered | None = None
) -> list[str]:
    """Pages 2..count of a list, from its first page only (later pages repeat the series)."""
    match = KAIPU_PAGER.search(text)
    if not match:
        return []
    count, current = (js_int(text, arg) for arg in match.group(1, 2))
    name, ext = match.group(3, 4)
    if count is None or current not in (1, None):
        return []
    if found is not None:
        count = found.cap(f"Kaipu pager of {url}", count, limit)
    return [urljoin(url, f"{name}_{n}.{ext}") for n in range(2, min(count, limit) + 1)]
