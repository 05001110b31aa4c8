"""Link discovery for the CMS platforms bureau sites run: what to fetch next from a page.

Pure functions (no Scrapy): the generic spider hands over the page text, its URL and the
profile dict and gets back detail, list and AJAX-fragment URLs, already filtered to the
profile's allowed domains. Knowledge of each platform is data (patterns) plus two small
readers: TRS WCM's ``createPageHTML(...)`` pager and Lonsun's publicInfoList label script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import lxml.html

from pipeline.urls import within_domains

DEFAULT_MAX_PAGES = 200
# Default URL shapes per platform; a profile's list/detail_url_patterns replace them.
PLATFORM_PATTERNS: dict[str, dict[str, list[str]]] = {
    "trs_wcm": {
        "detail": [r"/\d{6}/t\d{8}_\d+\.s?html?$"],
        "list": [r"/$", r"/(index|list)(_\d+)?\.s?html?$"],
        "fragment": [],
    },
    "lonsun": {
        "detail": [r"/public/\d+/\d+\.html$"],
        "list": [r"/public/column/\d+"],
        "fragment": [r"/site/label/\d+\?"],
    },
    "generic": {"detail": [], "list": [], "fragment": []},
}
TRS_PAGER = re.compile(
    r"createPageHTML\(\s*([\w.]+)\s*,\s*([\w.]+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']\s*\)"
)
LONSUN_PAGE_COUNT = re.compile(r"pageCount\s*:\s*[\"']?(\d+)")
LONSUN_LABEL_URL = re.compile(r"[\"']([^\"'\s]*/site/label/\d+)[\"']")
JS_PAIR = re.compile(r"(\w+)\s*:\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[\w.\-]+)")


@dataclass
class Discovered:
    """What a page links to. ``column`` is this page's own column name, when it states one."""

    detail_urls: list[tuple[str, str | None]] = field(default_factory=list)
    list_urls: list[str] = field(default_factory=list)
    fragment_urls: list[str] = field(default_factory=list)
    column: str | None = None


def patterns(profile: Mapping) -> dict[str, list[re.Pattern]]:
    """Compiled detail/list/fragment patterns: the profile's own, else the platform's."""
    defaults = PLATFORM_PATTERNS.get(
        profile.get("platform", "generic"), PLATFORM_PATTERNS["generic"]
    )
    return {
        "detail": [re.compile(p) for p in profile.get("detail_url_patterns") or defaults["detail"]],
        "list": [re.compile(p) for p in profile.get("list_url_patterns") or defaults["list"]],
        "fragment": [re.compile(p) for p in defaults["fragment"]],
    }


def page_kind(url: str, profile: Mapping) -> str:
    """'fragment', 'detail', 'list' or 'other' for a URL under this profile."""
    pats = patterns(profile)
    for kind in ("fragment", "detail", "list"):
        if any(p.search(url) for p in pats[kind]):
            return kind
    return "other"


def max_pages(profile: Mapping) -> int:
    return int((profile.get("pagination") or {}).get("max_pages") or DEFAULT_MAX_PAGES)


def discover(html: str, url: str, profile: Mapping, column: str | None = None) -> Discovered:
    """Everything worth fetching from one page. ``column`` is inherited (e.g. by a fragment)."""
    kind = page_kind(url, profile)
    if kind == "detail":
        return Discovered(column=column)
    doc = _parse(html, url)
    found = Discovered(column=_column_name(doc) or column)
    pats = patterns(profile)
    for link in _links(doc, url):
        if any(p.search(link) for p in pats["detail"]):
            found.detail_urls.append((link, found.column))
        elif any(p.search(link) for p in pats["list"]) and link != url:
            found.list_urls.append(link)
    limit = max_pages(profile)
    scripts = _scripts(doc)
    if profile.get("platform") == "trs_wcm":
        found.list_urls.extend(trs_page_urls(scripts, url, limit))
    elif profile.get("platform") == "lonsun" and kind != "fragment":
        found.fragment_urls.extend(lonsun_fragment_urls(scripts, url, limit))
    return _filtered(found, profile.get("allowed_domains") or [])


def trs_page_urls(scripts: str, url: str, limit: int = DEFAULT_MAX_PAGES) -> list[str]:
    """Other pages of a TRS list from ``createPageHTML(count, current, "index", "html")``.

    Page 0 is ``index.html``, page n is ``index_n.html``; only the first page expands the
    series (later pages would repeat it). Numbers may be literals or ``var x = N`` names.
    """
    match = TRS_PAGER.search(scripts)
    if not match:
        return []
    count, current = (_js_int(scripts, arg) for arg in match.group(1, 2))
    name, ext = match.group(3, 4)
    if count is None or current not in (0, None):
        return []
    return [urljoin(url, f"{name}_{n}.{ext}") for n in range(1, min(count, limit))]


def lonsun_fragment_urls(scripts: str, url: str, limit: int = DEFAULT_MAX_PAGES) -> list[str]:
    """AJAX list fragments of a Lonsun column page, pageIndex 1..pageCount.

    The parameters come from the page's publicInfoList label object, as the site's own
    script sends them; without that object, from the column URL (organId, catId, type).
    """
    count_match = LONSUN_PAGE_COUNT.search(scripts)
    if not count_match:
        return []
    params = lonsun_label_params(scripts) or _params_from_column_url(url)
    if not params:
        return []
    endpoint_match = LONSUN_LABEL_URL.search(scripts)
    endpoint = urljoin(url, endpoint_match.group(1) if endpoint_match else "/site/label/8888")
    pages = min(int(count_match.group(1)), limit)
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
    params = {}
    for key, raw in JS_PAIR.findall(scripts[opening + 1 : closing]):
        params[key] = raw[1:-1] if raw[:1] in "\"'" else raw
    return params if params.get("labelName") == "publicInfoList" else {}


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


def _js_int(scripts: str, token: str) -> int | None:
    if token.isdigit():
        return int(token)
    found = re.search(r"\b(?:var\s+)?" + re.escape(token) + r"\s*=\s*(\d+)", scripts)
    return int(found.group(1)) if found else None


# huge_tree: past 256 levels of nesting libxml2 silently drops the rest of the page's links.
_PARSER = lxml.html.HTMLParser(huge_tree=True)


def _parse(html: str, url: str) -> lxml.html.HtmlElement:
    try:
        return lxml.html.document_fromstring(html or "<html></html>", parser=_PARSER, base_url=url)
    except (lxml.etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html></html>", base_url=url)


def _scripts(doc: lxml.html.HtmlElement) -> str:
    return "\n".join(s.text or "" for s in doc.iter("script"))


def _column_name(doc: lxml.html.HtmlElement) -> str | None:
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").lower() == "columnname" and (meta.get("content") or "").strip():
            return meta.get("content").strip()
    return None


def _links(doc: lxml.html.HtmlElement, base: str) -> list[str]:
    out = []
    for a in doc.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        parts = urlsplit(urljoin(base, href))
        out.append(
            urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))
        )
    return out


def _filtered(found: Discovered, allowed: list[str]) -> Discovered:
    def keep(urls: Iterable[str]) -> list[str]:
        return list(dict.fromkeys(u for u in urls if within_domains(u, allowed)))

    seen: dict[str, str | None] = {}
    for link, col in found.detail_urls:
        if within_domains(link, allowed):
            seen.setdefault(link, col)
    found.detail_urls = list(seen.items())
    found.list_urls = keep(found.list_urls)
    found.fragment_urls = keep(found.fragment_urls)
    return found
