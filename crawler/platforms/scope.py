"""Which list pages a crawl may follow: the columns it was started on, not the whole site.

A list page links to the home page, to other top-level sections and to sibling columns; a
platform's list pattern (TRS's ``/$``) matches all of them. Unless the profile states its
own ``list_url_patterns`` (which then decide alone), a list link is followed only when it
lies in a start URL's column: the start URL's directory (``/xxgk/tzgg/`` for
``/xxgk/tzgg/index.html``) or, for a route without a file name (``/public/column/11521``,
``/gkmlpt/index``), that route itself. Detail links are not scoped: a column lists
documents stored elsewhere on the same site (``/gkml/<organ>/…`` on gk.tj.gov.cn).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit


def column_prefix(url: str) -> tuple[str, str]:
    """(host, path prefix) of the column a start URL opens."""
    parts = urlsplit(url)
    path = parts.path or "/"
    last = path.rsplit("/", 1)[1]
    prefix = path if path.endswith("/") or "." not in last else path[: len(path) - len(last)]
    return (parts.hostname or "").lower(), prefix


def in_scope(url: str, start_urls: Iterable[str]) -> bool:
    """True when ``url`` lies in the column of one of ``start_urls``."""
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path or "/"
    for start_host, prefix in map(column_prefix, start_urls):
        if host != start_host:
            continue
        if prefix.endswith("/") and path.startswith(prefix):
            return True
        if path == prefix or path.startswith(prefix + "/"):
            return True
    return False
