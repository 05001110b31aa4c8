"""The watchdog scorecard page ``/-/scorecard?year=Y`` and its CSV ``/-/scorecard.csv``.

The rows come from archive.scorecard (the same function as ``gongkai scorecard``), run on a
read-only connection. Sorting is a link per column header (no script); every figure links
to the rows behind it: the report's document and checks, the reconciliation, the removed or
changed documents and those missing a field (canned queries scorecard_changes and
scorecard_documents in metadata.yml).
"""

from __future__ import annotations

import csv
import io
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from archive import scorecard as sc
from archive.db import ArchiveError
from archive.serve import DATABASE_NAME

# Sortable columns: key -> how to compare (None sorts last whichever the direction).
SORT_KEYS = (
    "agency", "documents", "report_published_at", "days_late", "checks_failed", "claimed_total",
    "archived_total", "claims_matching", "removed", "changed", "missing_index_no_share",
    "missing_agency_share", "missing_published_at_share",
)  # fmt: skip
BOM = "\ufeff"


def parse_year(value: str | None) -> int | None:
    """A four-digit year from the query string, else None (the default year is used)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) == 4 else None


def sort_entries(entries: list[dict], key: str, descending: bool) -> list[dict]:
    """Entries sorted by ``key``; rows without a value last in both directions."""
    present = [e for e in entries if e.get(key) is not None]
    absent = [e for e in entries if e.get(key) is None]
    present.sort(key=lambda e: (e[key], e["agency"] or ""), reverse=descending)
    return present + absent


def row_links(entry: dict, urls) -> dict[str, str]:
    """URL of the rows behind each figure of one scorecard row."""
    bureau = {"agency": entry["agency"] or "", "site": entry["site"], "year": entry["year"]}
    documents = urls.path(f"/{DATABASE_NAME}/scorecard_documents")
    changes = urls.path(f"/{DATABASE_NAME}/scorecard_changes")
    links = {
        "agency": urls.path("/-/agency") + "?" + urlencode({"agency": bureau["agency"]}),
        "documents": documents + "?" + urlencode({**bureau, "field": ""}),
        "removed": changes + "?" + urlencode({**bureau, "type": "removed"}),
        "changed": changes + "?" + urlencode({**bureau, "type": "changed"}),
    }
    for field in ("index_no", "agency", "published_at"):
        links[f"missing_{field}"] = documents + "?" + urlencode({**bureau, "field": field})
    if entry["report_id"] is not None:
        checks = urls.table(DATABASE_NAME, "report_checks") + f"?report_id={entry['report_id']}"
        links.update(
            report=urls.row(DATABASE_NAME, "documents", entry["report_document_id"]),
            parsed=urls.row(DATABASE_NAME, "reports", entry["report_id"]),
            checks_passed=checks + "&ok=1",
            checks_failed=checks + "&ok=0",
            checks_undecided=checks + "&ok__isnull=1",
            claims=urls.table(DATABASE_NAME, "report_reconciliation")
            + f"?report_id={entry['report_id']}&claimed__notblank=1",
        )
    return links


async def load(datasette, request) -> tuple[int | None, list[int], list[dict]]:
    db = datasette.get_database(DATABASE_NAME)

    def read(conn):
        sc.check_archive(conn)
        year = parse_year(request.args.get("year")) or sc.default_year(conn)
        entries = sc.scorecard(conn, year) if year else []
        return year, sc.years(conn), entries

    return await db.execute_fn(read)


async def scorecard_page(datasette, request):
    try:
        year, years, entries = await load(datasette, request)
    except ArchiveError as exc:
        return Response.text(f"记分卡不可用 No scorecard: {exc}\n", status=404)
    sort = request.args.get("sort") or "agency"
    sort = sort if sort in SORT_KEYS else "agency"
    descending = request.args.get("desc") == "1"
    entries = sort_entries(entries, sort, descending)
    for entry in entries:
        entry["links"] = row_links(entry, datasette.urls)

    def sort_link(key: str) -> str:
        flip = "0" if key == sort and descending else "1" if key == sort else "0"
        return "?" + urlencode({"year": year or "", "sort": key, "desc": flip})

    context = {
        "year": year,
        "years": years,
        "entries": entries,
        "sort": sort,
        "descending": descending,
        "sort_link": sort_link,
        "status_labels": sc.STATUS_LABELS,
        "csv_url": datasette.urls.path("/-/scorecard.csv") + f"?year={year or ''}",
    }
    html = await datasette.render_template("gongkai_scorecard.html", context, request=request)
    return Response.html(html)


async def scorecard_csv(datasette, request):
    try:
        year, _, entries = await load(datasette, request)
    except ArchiveError as exc:
        return Response.text(f"记分卡不可用 No scorecard: {exc}\n", status=404)
    buffer = io.StringIO()
    if request.args.get("bom", "1") != "0":
        buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for _, label in sc.COLUMNS])
    writer.writerows(sc.flat_row(e) for e in entries)
    name = quote(f"gongkai-scorecard-{year}.csv")
    return Response(
        buffer.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@hookimpl
def register_routes():
    return [(r"^/-/scorecard$", scorecard_page), (r"^/-/scorecard\.csv$", scorecard_csv)]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/scorecard"), "label": "机构记分卡 Scorecard"}]
