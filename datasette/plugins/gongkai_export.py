"""``/-/export.csv``: the same CSV as ``gongkai export`` (UTF-8 with BOM), from a browser.

Datasette's own CSV has no BOM, so Excel/WPS on Chinese Windows shows it as mojibake.
With ``q`` it exports every hit of that search (as counted on the search page, with the
source column); without, the documents matching agency/category/year/since/until. Rows are
streamed in keyset-paged chunks, each query under the SQL time limit: no row cap.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils.asgi import AsgiStream, Response

from archive import export as ex
from archive.find import SOURCES, Search
from archive.serve import DATABASE_NAME

CHUNK = 2000


def filters_from_request(request) -> tuple[str, str, ex.ExportFilters]:
    """(q, year, document filters); for documents ``year`` means since/until that year."""
    args = request.args
    year = (args.get("year") or "").strip()
    since, until = args.get("since") or "", args.get("until") or ""
    if year:
        if not (year.isdigit() and len(year) == 4):
            raise ex.ExportError(f"year must be four digits, got {year!r}")
        since, until = f"{year}-01-01", f"{year}-12-31"
    filters = ex.ExportFilters(args.get("agency") or "", args.get("category") or "", since, until)
    q = (args.get("q") or args.get("_search") or "").strip()
    return q, year, filters


async def export_csv(datasette, request):
    db = datasette.get_database(DATABASE_NAME)
    try:
        q, year, filters = filters_from_request(request)
        filters = await db.execute_fn(lambda conn: ex.check_filters(conn, filters))
    except ex.ExportError as exc:
        return Response.text(f"导出参数有误 Bad export request: {exc}\n", status=400)
    bom = request.args.get("bom", "1") != "0"
    if q:
        tables = frozenset(await db.table_names())
        source = request.args.get("source") or ""
        search = Search(
            q=q,
            agency=filters.agency,
            category=filters.category,
            year=year,
            source=source if source in SOURCES else "",
            tables=tables,
        )
        sql, params = ex.search_export_sql(search), search.params()
        columns = ex.DOCUMENT_COLUMNS + ex.SEARCH_COLUMNS
    else:
        sql, params = ex.documents_sql(filters, paged=True)
        columns = ex.DOCUMENT_COLUMNS

    async def stream(writer):
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\r\n")
        out.writerow(columns)
        await writer.write((ex.BOM if bom else "") + buffer.getvalue())
        key = {"k_date": None, "k_id": None, "k_source": None, "k_file": None}
        while True:
            rows = list(await db.execute(sql, {**params, **key, "limit": CHUNK}))
            if not rows:
                return
            buffer.seek(0)
            buffer.truncate()
            for row in rows:
                out.writerow([row[c] for c in columns])
            await writer.write(buffer.getvalue())
            key = {k: rows[-1][k] if k in rows[-1].keys() else None for k in key}
            if len(rows) < CHUNK:
                return

    name = quote("gongkai-" + (q or filters.agency or "documents") + ".csv")
    headers = {"content-disposition": f"attachment; filename*=UTF-8''{name}"}
    return AsgiStream(stream, headers=headers, content_type="text/csv; charset=utf-8")


# Table-page filters the export understands: Datasette argument -> export argument.
TABLE_FILTERS = {
    "agency": "agency", "agency__exact": "agency",
    "category": "category", "category__exact": "category",
    "published_year": "year", "published_year__exact": "year",
    "_search": "q",
}  # fmt: skip
# Arguments that change only how the table page looks, not which rows it holds.
DISPLAY_ARGS = {"_sort", "_sort_desc", "_size", "_next", "_facet", "_col", "_nocol", "_labels"}


def table_export_link(request) -> tuple[str, list[str]]:
    """The export URL for a documents table page, and the filters it cannot carry over."""
    params, ignored = {}, []
    for key in request.args.keys():
        value = request.args.get(key)
        if key in TABLE_FILTERS and value:
            params[TABLE_FILTERS[key]] = value
        elif key not in DISPLAY_ARGS and not key.startswith("_facet"):
            ignored.append(key)
    return "/-/export.csv?" + urlencode(params), ignored


@hookimpl
def extra_template_vars(view_name, table, request, datasette):
    if view_name != "table" or table != "documents" or request is None:
        return {}
    url, ignored = table_export_link(request)
    return {"gongkai_export_url": datasette.urls.path(url), "gongkai_export_ignored": ignored}


@hookimpl
def register_routes():
    return [(r"^/-/export\.csv$", export_csv)]
