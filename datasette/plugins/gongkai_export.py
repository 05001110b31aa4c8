"""``/-/export.csv``: the same CSV as ``gongkai export`` (UTF-8 with BOM), from a browser.

Datasette's own CSV has no BOM, so Excel/WPS on Chinese Windows shows it as mojibake.
With ``q`` it exports every hit of that search (as counted on the search page, with the
source column); without, the documents matching agency/category/year/since/until.

One pass, no row cap (issue 14): the rows come from one query (archive.export) on a
read-only connection of the export's own, in a thread of its own, without Datasette's SQL
time limit, which would cut a long file. The first rows are read before the response
starts, so a query that fails answers an error, not a 200 with a header row. If the client
goes away (ASGI http.disconnect), the running query is interrupted and the export stops; a
failure after the start drops the connection without ending the chunked body, so the client
sees an incomplete download, never a complete-looking short file.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from archive import export as ex
from archive.db import connect_readonly
from archive.find import SOURCES, Search
from archive.serve import DATABASE_NAME

logger = logging.getLogger(__name__)
# Documents read per batch, and bytes of CSV per chunk sent.
CHUNK = ex.CHUNK
SEND_BYTES = 256 * 1024


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


async def export_csv(datasette, request, receive):
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
        similar = request.args.get("similar") or ""
        search = Search(
            q=q,
            agency=filters.agency,
            category=filters.category,
            year=year,
            source=source if source in SOURCES else "",
            tables=tables,
            similar=int(similar) if similar.isdigit() else None,
        )
        sql, params = ex.search_export_sql(search), search.params()
        columns = ex.DOCUMENT_COLUMNS + ex.SEARCH_COLUMNS
    else:
        sql, params = ex.documents_sql(filters)
        columns = ex.DOCUMENT_COLUMNS
    name = quote("gongkai-" + (q or filters.agency or "documents") + ".csv")
    headers = {"content-disposition": f"attachment; filename*=UTF-8''{name}"}
    return CsvExport(db.path, sql, params, columns, bom, headers, receive)


class CsvExport:
    """An ASGI response streaming one export query as CSV from a thread of its own."""

    def __init__(self, path, sql, params, columns, bom, headers, receive) -> None:
        self.path, self.sql, self.params = path, sql, params
        self.columns, self.bom, self.headers, self.receive = columns, bom, headers, receive
        self.conn = None
        self.rows = None

    def _open(self) -> None:
        self.conn = connect_readonly(self.path)
        self.rows = ex.export_rows(self.conn, self.sql, self.params, CHUNK)

    def _chunk(self, first: bool = False) -> bytes:
        """The next SEND_BYTES or so of CSV (b"" at the end); runs in the export's thread."""
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\r\n")
        if first:
            buffer.write(ex.BOM if self.bom else "")
            out.writerow(self.columns)
        for row in self.rows:
            out.writerow(row)
            if buffer.tell() >= SEND_BYTES:
                break
        return buffer.getvalue().encode("utf-8")

    def _close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    async def asgi_send(self, send) -> None:
        loop = asyncio.get_running_loop()
        thread = ThreadPoolExecutor(1, thread_name_prefix="gongkai-export")
        try:
            try:
                await loop.run_in_executor(thread, self._open)
                chunk = await loop.run_in_executor(thread, self._chunk, True)
            except Exception as exc:  # before the response starts: say so, with a status
                logger.exception("export failed before its first row")
                await Response.text(f"导出失败 Export failed: {exc}\n", status=500).asgi_send(send)
                return
            await self._stream(send, loop, thread, chunk)
        finally:
            await loop.run_in_executor(thread, self._close)
            thread.shutdown(wait=False)

    async def _stream(self, send, loop, thread, chunk: bytes) -> None:
        headers = {**self.headers, "content-type": "text/csv; charset=utf-8"}
        await send({"type": "http.response.start", "status": 200,
                    "headers": [[k.encode(), v.encode()] for k, v in headers.items()]})  # fmt: skip
        gone = asyncio.ensure_future(self._disconnected())
        try:
            while chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                future = loop.run_in_executor(thread, self._chunk)
                await asyncio.wait([future, gone], return_when=asyncio.FIRST_COMPLETED)
                if gone.done():  # the client left: stop the query where it is
                    self.conn.interrupt()
                    await asyncio.wait([future])
                    return
                chunk = future.result()  # an error here drops the connection mid-body
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            gone.cancel()

    async def _disconnected(self) -> None:
        while (await self.receive())["type"] != "http.disconnect":
            pass


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
