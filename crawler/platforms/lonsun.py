"""Anhui 集约化 (Lonsun): column pages whose rows come from the ``/site/label/8888`` fragments.

The parameters come from the page's ``publicInfoList`` label object, as the site's own script
sends them; without that object, from the column URL (organId, catId, type).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode, urljoin, urlsplit

from crawler.platforms.page import ListPage
from crawler.platforms.result import Discovered

LONSUN_PAGE_COUNT = re.compile(r"pageCount\s*:\s*[\"']?(\d+)")
LONSUN_LABEL_URL = re.compile(r"[\"']([^\"'\s]*/site/label/\d+)[\"']")
JS_PAIR = re.compile(r"(\w+)\s*:\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[\w.\-]+)")


def pager(page: ListPage, profile: Mapping, kind: str, limit: int, found: Discovered) -> None:
    if kind != "fragment":  # a fragment's own links are rows; the column page paged them
        found.fragment_urls.extend(lonsun_fragment_urls(page.scripts, page.url, limit, found))


def lonsun_fragment_urls(
    scripts: str, url: str, limit: int = 200, found: Discovered | None = None
) -> list[str]:
    """AJAX list fragments of a Lonsun column page, pageIndex 1..pageCount."""
    count_match = LONSUN_PAGE_COUNT.search(scripts)
    if not count_match:
        return []
    params = lonsun_label_params(scripts) or _params_from_column_url(url)
    if not params:
        return []
    endpoint_match = LONSUN_LABEL_URL.search(scripts)
    endpoint = urljoin(url, endpoint_match.group(1) if endpoint_match else "/site/label/8888")
    pages = int(count_match.group(1))
    if found is not None:
        pages = found.cap(f"Lonsun pager of {url}", pages, limit)
    pages = min(pages, limit)
    return [lonsun_fragment_url(endpoint, params, n) for n in range(1, pages + 1)]


def lonsun_fragment_url(endpoint: str, params: Mapping[str, str], page: int) -> str:
    """One fragment URL: ``IsAjax=1&dataType=html`` first, then the label params in order."""
    query = {"IsAjax": "1", "dataType": "html"}
    query.update({k: v for k, v in params.items() if k not in query})
    query["pageIndex"] = str(page)
    return endpoint + "?" + urlencode(query)


def lonsun_label_params(scripts: str) -> dict[str, str]:
    """The ``{labelName: "publicInfoList", ...}`` object literal as an ordered dict of strings."""
    start = scripts.find("labelName")
    if start < 0:
        return {}
    opening = scripts.rfind("{", 0, start)
    closing = scripts.find("}", start)
    if opening < 0 or closing < 0:
        return {}
    params = js_object(scripts[opening + 1 : closing])
    return params if params.get("labelName") == "publicInfoList" else {}


def js_object(text: str) -> dict[str, str]:
    """``key: value`` pairs of a flat JavaScript object literal, values as strings."""
    return {k: (v[1:-1] if v[:1] in "\"'" else v) for k, v in JS_PAIR.findall(text)}


def _params_from_column_url(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    organ = re.search(r"/public/column/(\d+)", parts.path)
    query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
    if not organ or not query.get("catId"):
        return {}
    return {
        "labelName": "publicInfoList",
        "organId": organ.group(1),
        "type": query.get("type", "4"),
        "catId": query["catId"],
        "action": "list",
    }
