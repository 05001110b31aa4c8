"""A UTF-8 byte order mark on every CSV Datasette serves, so no CSV link gives mojibake.

Excel and WPS on Chinese Windows read a CSV without a BOM in the ANSI code page (GBK), and
every Chinese character comes out garbled. Datasette's own CSV (a table, any SQL query, a
canned query; ``_stream=1`` and ``_dl=1`` too) has none, and no setting adds one, so this
ASGI middleware puts the three bytes in front of the first body chunk of a successful CSV
response. Our own exports (``/-/export.csv``, the scorecard) write their BOM themselves and
honour ``bom=0``, so they pass untouched.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from datasette import hookimpl

BOM = "\ufeff".encode()
# Routes of ours that decide about the BOM themselves.
OWN_CSV = ("/-/",)
CSV_TYPES = (b"text/csv", b"text/plain")


def is_datasette_csv(scope: dict) -> bool:
    """A request for Datasette's CSV rendering: ``….csv`` or ``?_format=csv``."""
    path = scope.get("path", "")
    if path.startswith(OWN_CSV):
        return False
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return path.endswith(".csv") or query.get("_format") == ["csv"]


def with_bom(start: dict) -> dict | None:
    """The response start with its Content-Length grown by the BOM; None when not a CSV."""
    headers = start.get("headers") or []
    content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
    if start["status"] != 200 or not content_type.startswith(CSV_TYPES):
        return None
    grown = [
        (k, str(int(v) + len(BOM)).encode()) if k.lower() == b"content-length" else (k, v)
        for k, v in headers
    ]
    return {**start, "headers": grown}


def add_bom(app):
    async def middleware(scope, receive, send):
        if scope["type"] != "http" or not is_datasette_csv(scope):
            return await app(scope, receive, send)
        state = {"bom": False}

        async def send_with_bom(message):
            if message["type"] == "http.response.start":
                changed = with_bom(message)
                state["bom"] = changed is not None
                message = changed or message
            elif message["type"] == "http.response.body" and state["bom"]:
                state["bom"] = False
                message = {**message, "body": BOM + message.get("body", b"")}
            await send(message)

        return await app(scope, receive, send_with_bom)

    return middleware


@hookimpl
def asgi_wrapper(datasette):
    return add_bom
