"""The whole-archive search page ``/-/search``: one box, ranked hits with readable snippets.

The SQL comes from archive.find and runs through Datasette's Database.execute, so the
sql_time_limit_ms setting applies and the connection stays read-only. Snippets are cut from
the real text in Python (archive.snippet) and escaped by the template; nothing archived is
ever marked safe.
"""

from __future__ import annotations

from urllib.parse import urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response

from archive.find import (
    CODES_SQL,
    SOURCES,
    Search,
    page_sql,
    pages,
    read_stats,
    sources_available,
    stats_sql,
)
from archive.serve import DATABASE_NAME
from archive.snippet import highlight, query_pieces, snippet

FILTERS = ("agency", "category", "year", "source", "similar")


async def table_names(datasette) -> frozenset[str]:
    db = datasette.get_database(DATABASE_NAME)
    return frozenset(await db.table_names()) | frozenset(await db.view_names())


def search_from_request(request, tables: frozenset[str]) -> Search:
    """A Search from the query string; a bad page number is page 1, never an error."""
    args = request.args
    try:
        page = max(1, int(args.get("page") or 1))
    except ValueError:
        page = 1
    source = args.get("source") or ""
    similar = args.get("similar") or ""
    return Search(
        q=(args.get("q") or "").strip(),
        agency=args.get("agency") or "",
        category=args.get("category") or "",
        year=args.get("year") or "",
        source=source if source in SOURCES else "",
        page=page,
        tables=tables,
        similar=int(similar) if similar.isdigit() else None,
    )


def link(search: Search, **changes) -> str:
    """Query string of this search with some parameters changed (empty ones dropped)."""
    values = {"q": search.q, **{name: getattr(search, name) for name in FILTERS}}
    values.update(changes)
    return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


async def run(datasette, search: Search) -> dict:
    """Count, facets and one page of results for a searchable query: two queries."""
    db = datasette.get_database(DATABASE_NAME)
    params = search.params()
    codes = {(r["kind"], r["code"]): r["value"] for r in await db.execute(CODES_SQL)}
    rows = await db.execute(stats_sql(search), params)
    stats = read_stats([tuple(row) for row in rows], codes)
    pieces = query_pieces(search.q)
    results = []
    for row in await db.execute(page_sql(search), params):
        result = dict(row)
        result["title_segments"] = highlight(row["title"] or "（无标题）Untitled", pieces)
        result["snippet"] = snippet(row["text"], pieces)
        del result["text"]
        results.append(result)
    return {"total": stats.total, "lines": stats.lines, "facets": stats.facets, "results": results}


async def search_page(datasette, request):
    tables = await table_names(datasette)
    search = search_from_request(request, tables)
    context = {
        "search": search,
        "sources": {k: SOURCES[k] for k in sources_available(tables)},
        "source_labels": SOURCES,
        "link": lambda **changes: link(search, **changes),
        "export_query": link(search, page=None),
        "error": None,
        "total": None,
    }
    if search.q and not search.searchable:
        context["error"] = (
            "查询中没有可搜索的文字 The query has nothing searchable (only punctuation)."
        )
    elif search.searchable:
        try:
            context.update(await run(datasette, search))
        except QueryInterrupted:
            context["error"] = (
                "查询超时，请缩小范围 The search took too long: add a filter or a longer term."
            )
    if context["total"] is not None:
        context["pages"] = pages(context["lines"], search.size)
        context["first"] = search.offset + 1
        context["last"] = search.offset + len(context["results"])
    html = await datasette.render_template("gongkai_search.html", context, request=request)
    return Response.html(html)


@hookimpl
def register_routes():
    return [(r"^/-/search$", search_page)]


@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.path("/-/search"), "label": "搜索 Search"},
        {"href": datasette.urls.path("/-/agencies"), "label": "机构概览 Agencies"},
    ]
