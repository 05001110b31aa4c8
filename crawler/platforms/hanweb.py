"""Hanweb JCMS (大汉): a column page's ``<datastore>`` rows and its jpage ``dataproxy.jsp`` pager.

A column page ``/col/col<id>/index.html`` embeds its first rows as CDATA records in
``<div id="<unitid>"><script type="text/xml"><datastore>…``; the rest come from the jpage
pager, a form POST to ``/module/web/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P``
with ``col=1&appid=1&webid=…&path=/&columnid=…&sourceContentType=…&unitid=…&webname=…&permissiontype=0``.
The values are read from the page itself: the datastore's ``<nextgroup>`` link (appid, webid,
columnid, unitid, webname) and the jpage call (``proxyUrl``, ``totalRecord``, ``perPage``,
``groupSize``, ``ajaxParam``); the profile's ``hanweb:`` settings fill what the page omits.
One call returns ``groupSize`` display pages (a browser asks 1..45 with perpage=15).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from crawler.platforms.lonsun import js_object
from crawler.platforms.page import ListPage, absolute_links, parse
from crawler.platforms.result import Discovered, FetchRequest
from crawler.platforms.spec import is_detail

DATASTORE = re.compile(r"<datastore\b.*?(?:</datastore>|$)", re.IGNORECASE | re.DOTALL)
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""")
TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.IGNORECASE)
JPAGE = {
    key: re.compile(key + r"""\s*:\s*["']?([^"',}\s]+)""")
    for key in ("proxyUrl", "totalRecord", "perPage", "groupSize")
}
AJAX_PARAM = re.compile(r"ajaxParam\s*:\s*\{([^}]*)\}")
DEFAULT_ENDPOINT = "/module/web/jpage/dataproxy.jsp"
# Constant in every public capture of the pager form; the rest must come from the page.
FORM_DEFAULTS = {"col": "1", "appid": "1", "path": "/", "permissiontype": "0"}
FORM_ORDER = "col appid webid path columnid sourceContentType unitid webname permissiontype".split()
REQUIRED = ("webid", "columnid", "unitid")
SETTING_KEYS = {"webid": "webid", "source_content_type": "sourceContentType"}
DEFAULT_PERPAGE, DEFAULT_GROUP = 15, 3


def record_links(text: str, base: str) -> list[str]:
    """The links of every CDATA record of the datastore(s) in ``text``."""
    hrefs = []
    for store in DATASTORE.findall(text):
        for record in RECORD.findall(store):
            hrefs += [a.get("href") or "" for a in parse(record, base).iter("a")]
    return absolute_links(hrefs, base)


def pager(page: ListPage, profile: Mapping, kind: str, limit: int, found: Discovered) -> None:
    """Rows embedded in a column page, and the pager calls for the rest."""
    rows = [u for u in record_links(page.scripts, page.url) if is_detail(u, profile)]
    found.detail_urls.extend((u, found.column) for u in rows)
    if "<datastore" not in page.scripts.lower():
        return
    settings = profile.get("hanweb") or {}
    form, endpoint = pager_form(page.scripts, page.url, settings)
    total = _int(JPAGE["totalRecord"], page.scripts) or _int(TOTAL_RECORD, page.scripts)
    missing = [k for k in REQUIRED if not form.get(k)]
    if total is None or total <= len(rows):
        return
    if missing:
        found.error = (
            f"Hanweb column page states {total} rows but not the pager's {', '.join(missing)}:"
            f" only its {len(rows)} embedded rows were read"
        )
        return
    perpage = _int(JPAGE["perPage"], page.scripts) or settings.get("perpage") or DEFAULT_PERPAGE
    group = _int(JPAGE["groupSize"], page.scripts) or settings.get("group_size") or DEFAULT_GROUP
    pages = found.cap(f"Hanweb pager of {page.url}", math.ceil(total / perpage), limit)
    total = min(total, pages * perpage)
    headers = (("X-Requested-With", "XMLHttpRequest"),)
    fields = tuple((k, form[k]) for k in FORM_ORDER if k in form)
    for start in range(1, total + 1, perpage * group):
        end = min(start + perpage * group - 1, total)
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": perpage})
        found.requests.append(FetchRequest(f"{endpoint}?{query}", "POST", fields, headers))


def pager_form(scripts: str, url: str, settings: Mapping) -> tuple[dict[str, str], str]:
    """The pager's form fields and endpoint URL, from the page (settings fill the gaps)."""
    form = dict(FORM_DEFAULTS)
    endpoint = DEFAULT_ENDPOINT
    next_group = NEXTGROUP.search(scripts)
    href = HREF.search(next_group.group(1)) if next_group else None
    if href:
        parts = urlsplit(href.group(1).replace("&amp;", "&"))
        endpoint = parts.path or endpoint
        form.update((k, v) for k, v in parse_qsl(parts.query) if k in FORM_ORDER)
    ajax = AJAX_PARAM.search(scripts)
    if ajax:
        form.update((k, v) for k, v in js_object(ajax.group(1)).items() if k in FORM_ORDER)
    proxy = JPAGE["proxyUrl"].search(scripts)
    if proxy:
        endpoint = proxy.group(1)
    for key, field in SETTING_KEYS.items():
        if settings.get(key) is not None and not form.get(field):
            form[field] = str(settings[key])
    form.setdefault("sourceContentType", "1")  # as every capture without one sends
    return form, urljoin(url, endpoint)


def read_answer(
    text: str, url: str, profile: Mapping, column: str | None, limit: int
) -> Discovered:
    """A pager answer: a bare ``<datastore>`` XML document whose records are the rows."""
    found = Discovered(column=column)
    if "<datastore" not in (text or "").lower():
        start = " ".join(re.sub(r"<[^>]+>", " ", text or "").split())[:80]
        found.error = f"Hanweb pager answer is not a <datastore> document: {start!r}"
        return found
    found.detail_urls = [(u, column) for u in record_links(text, url) if is_detail(u, profile)]
    return found


def _int(pattern: re.Pattern, text: str) -> int | None:
    match = pattern.search(text)
    return int(match.group(1)) if match and match.group(1).isdigit() else None
