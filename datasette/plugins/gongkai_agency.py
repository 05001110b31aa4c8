"""Per-agency overviews: ``/-/agencies`` (all agencies) and ``/-/agency?agency=<name>``.

The documents-per-month chart is inline SVG drawn on the server. Why not a chart plugin
(checked against the pinned Datasette 0.65.5): datasette-plot 0.1.0 requires Datasette
1.0a (pip would upgrade the pinned version); datasette-vega 0.6.2 runs on 0.65.5 but only
adds a column-picker chart to table/query pages, not a page per agency; datasette-dashboards
0.8.0 runs on 0.65.5 with vega bundled locally, but brings datasette-leaflet and
datasette-render-markdown along, draws only in the browser (~1 MB of JS) and would make the
chart untestable through Datasette's client. SVG works offline, without scripts, and its bars
and counts are in the HTML the tests read.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response

from archive.serve import DATABASE_NAME

CHART_HEIGHT = 160
LATEST = 20


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from first to last inclusive (months without documents included)."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_chart(counts: dict[str, int], bar: int = 14) -> dict:
    """Geometry of a bar chart: one bar per month, zero months kept so gaps show."""
    if not counts:
        return {"bars": [], "width": 0, "height": CHART_HEIGHT, "max": 0}
    months = month_range(min(counts), max(counts))
    top = max(counts.values())
    bars = []
    for i, month in enumerate(months):
        n = counts.get(month, 0)
        height = round((CHART_HEIGHT - 30) * n / top)
        bars.append({"month": month, "n": n, "x": 30 + i * bar, "width": bar - 2,
                     "y": CHART_HEIGHT - 20 - height, "height": height,
                     "label": month if month.endswith("-01") or i == 0 else ""})  # fmt: skip
    return {"bars": bars, "width": 40 + len(months) * bar, "height": CHART_HEIGHT, "max": top}


async def agencies_page(datasette, request):
    db = datasette.get_database(DATABASE_NAME)
    # agency_stats is kept by triggers as the writer commits (m0008): no pass over documents.
    rows = await db.execute(
        "SELECT nullif(agency, '') AS agency, documents AS n, first_published AS first,"
        " last_published AS last, last_added AS added FROM agency_stats"
        " WHERE documents > 0 ORDER BY n DESC, agency"
    )
    html = await datasette.render_template(
        "gongkai_agencies.html", {"agencies": [dict(r) for r in rows]}, request=request
    )
    return Response.html(html)


async def agency_page(datasette, request):
    agency = (request.args.get("agency") or "").strip()
    db = datasette.get_database(DATABASE_NAME)
    params = {"agency": agency}
    total = (
        await db.execute("SELECT count(*) FROM documents WHERE agency = :agency", params)
    ).first()[0]
    if not agency or not total:
        return Response.html(
            await datasette.render_template(
                "gongkai_agency.html", {"agency": agency, "total": 0}, request=request
            ),
            status=404,
        )
    months = await db.execute(
        "SELECT substr(published_at, 1, 7) AS month, count(*) AS n FROM documents"
        " WHERE agency = :agency AND published_at GLOB '[12][0-9][0-9][0-9]-[01][0-9]*'"
        " GROUP BY month",
        params,
    )
    counts = {r["month"]: r["n"] for r in months}
    categories = await db.execute(
        "SELECT category, count(*) AS n FROM documents WHERE agency = :agency"
        " GROUP BY category ORDER BY n DESC, category",
        params,
    )
    latest = await db.execute(
        "SELECT id, title, published_at, category, first_seen FROM documents"
        " WHERE agency = :agency ORDER BY first_seen DESC, id DESC LIMIT :n",
        {**params, "n": LATEST},
    )
    context = {
        "agency": agency,
        "total": total,
        "undated": total - sum(counts.values()),
        "chart": month_chart(counts),
        "categories": [dict(r) for r in categories],
        "latest": [dict(r) for r in latest],
    }
    html = await datasette.render_template("gongkai_agency.html", context, request=request)
    return Response.html(html)


@hookimpl
def register_routes():
    return [(r"^/-/agencies$", agencies_page), (r"^/-/agency$", agency_page)]
