"""TRS WCM (拓尔思): list pages ``index.html``, ``index_1.html`` … from ``createPageHTML``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urljoin

from crawler.platforms.page import ListPage, js_int
from crawler.platforms.result import Discovered

# createPageHTML(count, current, "index", "html"): four arguments. Kaipu's six-argument call
# (createPageHTML('page_div', 10, 1, 'zwgklist', 'shtml', 200)) does not match, on purpose.
TRS_PAGER = re.compile(
    r"createPageHTML\(\s*([\w.]+)\s*,\s*([\w.]+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']\s*\)"
)


def pager(page: ListPage, profile: Mapping, kind: str, limit: int, found: Discovered) -> None:
    found.list_urls.extend(trs_page_urls(page.scripts, page.url, limit, found))


def trs_page_urls(
    scripts: str, url: str, limit: int = 200, found: Discovered | None = None
) -> list[str]:
    """Other pages of a TRS list from ``createPageHTML(count, current, "index", "html")``.

    Page 0 is ``index.html``, page n is ``index_n.html``; only the first page expands the
    series (later pages would repeat it). Numbers may be literals or ``var x = N`` names.
    """
    match = TRS_PAGER.search(scripts)
    if not match:
        return []
    count, current = (js_int(scripts, arg) for arg in match.group(1, 2))
    name, ext = match.group(3, 4)
    if count is None or current not in (0, None):
        return []
    if found is not None:
        count = found.cap(f"TRS pager of {url}", count, limit)
    return [urljoin(url, f"{name}_{n}.{ext}") for n in range(1, min(count, limit))]
