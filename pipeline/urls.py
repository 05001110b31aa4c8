"""URL normalisation: one canonical form per document, whichever link led to it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, unquote, unquote_to_bytes, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that never change what a page shows: analytics tags, click ids, cache busters
# and session ids (CMS platforms append these to every link of a visit).
TRACKING_PARAMS = frozenset(
    {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
     "gclid", "fbclid", "msclkid", "spm", "from", "isappinstalled", "scene", "clicktime",
     "enterid", "share_token", "_", "_t", "timestamp", "random", "rnd",
     "jsessionid", "phpsessid", "aspsessionid", "sessionid", "sessid", "sid", "cfid", "cftoken"}
)  # fmt: skip
INDEX_FILES = ("index.html", "index.htm", "index.shtml", "index.jsp", "default.htm", "default.html")
# Characters kept literally in a path; everything else is percent-encoded (upper-case hex), so
# %e6%95%99, %E6%95%99 and 教 all give one form.
_PATH_SAFE = "-._~!$&'()*+,;=:@"
_QUERY_SAFE = "-._~!$'()*,/:@"
_SLASHES = re.compile(r"/{2,}")


def canonical_url(url: str, ignored_params: Iterable[str] = ()) -> str:
    """Return the canonical form of ``url`` used as a document's identity.

    Lower-cases scheme and host (and drops a trailing dot), drops default ports, fragments,
    ``;jsessionid=`` path parameters, tracking and session parameters, the profile's
    ``ignored_params``, a trailing ``index.html`` and trailing slash; collapses ``//`` and
    ``./``/``../`` in the path; normalises percent-encoding; sorts the query; treats http and
    https as the same document (https).

    >>> canonical_url("HTTP://WWW.Sxx.gov.cn.:80/a//b/../c/index.html?utm_source=x&b=2&a=1#top")
    'https://www.sxx.gov.cn/a/c?a=1&b=2'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in DEFAULT_PORTS:
        scheme = "https"
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    if port and port not in DEFAULT_PORTS.values():
        host = f"{host}:{port}"
    query = canonical_query(parts.query, ignored_params)
    return urlunsplit((scheme, host, canonical_path(parts.path), query, ""))


def canonical_query(query: str, ignored_params: Iterable[str] = ()) -> str:
    """Sorted query without tracking/ignored parameters; bytes kept even when not UTF-8."""
    drop = TRACKING_PARAMS | {p.lower() for p in ignored_params}
    pairs = []
    for field in query.replace(";", "&").split("&"):
        if not field:
            continue
        key, sep, value = field.partition("=")
        if unquote(key.replace("+", " ")).strip().lower() in drop:
            continue
        pairs.append(_query_part(key) + sep + _query_part(value))
    return "&".join(sorted(pairs))


def _query_part(text: str) -> str:
    return quote_plus(unquote_to_bytes(text.replace("+", " ")), safe=_QUERY_SAFE)


def canonical_path(path: str) -> str:
    """Path part of :func:`canonical_url`: ``/a//b/./c/index.html;jsessionid=1`` -> ``/a/b/c``."""
    path = _SLASHES.sub("/", path.split(";", 1)[0] or "/")
    for index in INDEX_FILES:
        if path.lower().endswith("/" + index):
            path = path[: -len(index)]
            break
    path = _remove_dot_segments(path)
    # Segment by segment, so an encoded %2F stays inside its segment.
    path = "/".join(quote(unquote_to_bytes(s), safe=_PATH_SAFE) for s in path.split("/"))
    return path.rstrip("/") or "/"


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(out) > 1:
                out.pop()
        elif segment != ".":
            out.append(segment)
    joined = "/".join(out)
    if path.endswith(("/.", "/..")):
        joined += "/"
    return joined if joined.startswith("/") else "/" + joined


def within_domains(url: str, domains: Iterable[str]) -> bool:
    """True for an http(s) URL whose host is one of ``domains`` or a subdomain of one.

    The one allowed-domain check: link discovery, attachments and profile validation use it.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or not host:
        return False
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in domains)
