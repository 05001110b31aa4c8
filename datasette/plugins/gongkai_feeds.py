"""Atom feeds of new, changed and removed documents: ``/-/feeds/agency/<agency>.atom`` and
``/-/feeds/category/<category>.atom`` (archive.feeds builds them).

A route of our own rather than datasette-atom 0.9 with canned queries: that plugin answers
500 ("max() arg is an empty sequence") for a feed with no entries yet, which every new
agency's feed is, and it would add feedgen and bleach for what ElementTree does here.
"""

from __future__ import annotations

from urllib.parse import unquote

from datasette import hookimpl
from datasette.utils.asgi import Response

from archive.feeds import DEFAULT_LIMIT, atom_feed, feed_sql
from archive.serve import DATABASE_NAME
from archive.timestamps import utc_now

TITLES = {
    "agency": "政府信息公开变动 Changes — 机构 agency: {}",
    "category": "政府信息公开变动 Changes — 类别 category: {}",
}


async def feed(datasette, request):
    key = request.url_vars["key"]
    value = unquote(request.url_vars["value"])
    db = datasette.get_database(DATABASE_NAME)
    if "events" not in await db.table_names():
        return Response.text("this archive has no events table yet\n", status=404)
    rows = await db.execute(feed_sql(key), {"value": value, "limit": DEFAULT_LIMIT})
    events = [dict(row) for row in rows.rows]
    now = utc_now()
    body = atom_feed(TITLES[key].format(value), request.url, events, now)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/-/feeds/(?P<key>agency|category)/(?P<value>[^/]+)\.atom$", feed)]
