"""URL normalisation: one canonical form per document, whichever link led to it."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that never change what a page shows: analytics tags and session ids.
TRACKING_PARAMS = frozenset(
    {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
     "spm", "from", "jsessionid", "phpsessid", "sid", "_t", "timestamp"}
)
INDEX_FILES = ("index.html", "index.htm", "index.shtml", "index.jsp", "default.htm", "default.html")


def canonical_url(url: str, ignored_params: Iterable[str] = ()) -> str:
    """Return the canonical form of ``url`` used as a document's identity.

    Lower-cases scheme and host, drops default ports, fragments, ``;jsessionid=`` path
    parameters, tracking parameters, the profile's ``ignored_params`` and a trailing
    ``index.html``; sorts the query; treats http and https as the same document (https).

    >>> canonical_url("HTTP://WWW.Sxx.gov.cn:80/a/index.html?utm_source=x#top")
    'https://www.sxx.gov.cn/a/'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in DEFAULT_PORTS:
        scheme = "https"
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and port not in DEFAULT_PORTS.values():
        host = f"{host}:{port}"
    path = parts.path.split(";", 1)[0] or "/"
    for index in INDEX_FILES:
        if path.endswith("/" + index):
            path = path[: -len(index)]
            break
    drop = TRACKING_PARAMS | {p.lower() for p in ignored_params}
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in drop
    )
    return urlunsplit((scheme, host, path, urlencode(query), ""))
