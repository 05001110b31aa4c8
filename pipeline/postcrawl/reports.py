"""Post-crawl step: parse archived annual reports into report tables.

``parse_reports(db)`` looks at the documents inserted or changed since it last ran (the
archive's post-crawl queue; every document the first time), keeps those detected as reports
(title or column), parses the raw HTML of their latest capture (tables survive there, not in
the plain-text body; read from WARC when the archive keeps bodies there) and replaces that
report's rows. A report whose content has not changed since it was parsed is skipped. When a
report was parsed, the year-over-year 现行有效件数 check is recomputed for every bureau with
consecutive years.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import sqlite_utils

from archive import progress
from archive import reports as store
from archive.timestamps import utc_now
from pipeline.encoding import decode_html
from pipeline.reports import category_lookup, is_report, parse_report

logger = logging.getLogger(__name__)

YOY_PREFIX = "二 现行有效件数 YoY"


def _page_text(row: dict[str, Any]) -> str:
    """The captured HTML when we have it; else the extracted body (prose claims still parse)."""
    if row["raw"]:
        return decode_html(row["raw"], None, row["used_encoding"]).text
    return "\n".join(filter(None, [row["title"], row["body"]]))


def _is_candidate(title: str | None, column: str | None, label: str | None) -> bool:
    return is_report(title, column) or is_report(None, label)


STEP = "reports"


def _ok(value: bool | None) -> int | None:
    return None if value is None else int(value)


def report_rows(row: dict[str, Any], parsed: dict[str, Any]) -> tuple[dict, list, list, list]:
    """The reports row and its cells, claims and checks rows for one parsed document."""
    counts = [c["count"] for c in parsed["claims"]]
    record = {
        "document_id": row["id"],
        "capture_id": row["latest_capture_id"],
        "site": row["site"],
        "agency": parsed["agency"],
        "year": parsed["year"],
        "title": parsed["title"],
        "url": row["url"],
        "published_at": row["published_at"],
        "format": parsed["format"],
        "proactive_total": parsed["proactive_total"],
        "claims_total": sum(counts) if counts and None not in counts else None,
        "cells_count": len(parsed["cells"]),
        "checks_failed": sum(1 for c in parsed["checks"] if c["ok"] is False),
        "prose_counts": json.dumps(parsed["prose_counts"], ensure_ascii=False),
        "warnings": json.dumps(parsed["warnings"], ensure_ascii=False),
        "content_sha256": row["content_sha256"],
        "parsed_at": utc_now(),
    }
    cells = [
        {"position": i, "table_name": c["table"], "row_label": c["row"],
         "column_label": c["column"], "value": c["value"], "unit": c["unit"], "raw": c["raw"]}
        for i, c in enumerate(parsed["cells"])
    ]  # fmt: skip
    claims = [{"position": i, **c} for i, c in enumerate(parsed["claims"])]
    checks = [{**c, "ok": _ok(c["ok"])} for c in parsed["checks"]]
    return record, cells, claims, checks


def parse_reports(db: sqlite_utils.Database, force: bool = False) -> dict[str, int]:
    """Parse the report documents that are new or changed (``force``: all); return counts.

    Counts: candidates (changed documents detected as reports), parsed, unchanged (skipped),
    cells, claims, checks_failed (in the reports parsed now), yoy_checks (recomputed).
    """
    changed, end = progress.changed_since(db.conn, STEP)
    done = store.parsed_hashes(db)
    counts = dict.fromkeys(("candidates", "parsed", "unchanged", "cells", "claims"), 0)
    counts["checks_failed"] = counts["yoy_checks"] = 0
    lookup = category_lookup()
    labels = store.document_labels(db, None if force else changed)
    for doc_id, *_ in [row for row in labels if _is_candidate(*row[1:])]:
        row = store.document_with_page(db, doc_id)
        counts["candidates"] += 1
        if not force and done.get(row["id"]) == row["content_sha256"]:
            counts["unchanged"] += 1
            continue
        extracted = {k: row[k] for k in ("title", "agency", "published_at", "url")}
        parsed = parse_report(_page_text(row), row["url"], extracted, lookup)
        store.store_report(db, *report_rows(row, parsed))
        counts["parsed"] += 1
        counts["cells"] += len(parsed["cells"])
        counts["claims"] += len(parsed["claims"])
        counts["checks_failed"] += sum(1 for c in parsed["checks"] if c["ok"] is False)
    if counts["parsed"]:
        counts["yoy_checks"] = year_over_year(db)
    with db.atomic():
        progress.mark_done(db.conn, STEP, end)
    logger.info("reports: %s", counts)
    return counts


def year_over_year(db: sqlite_utils.Database) -> int:
    """现行有效件数(y) = 现行有效件数(y−1) + 本年制发件数(y) − 本年废止件数(y), per bureau and row.

    Stored on the later year's report; recomputed from scratch each run. Returns checks written.
    """
    table: dict[tuple, dict[str, Any]] = {}
    reports: dict[tuple, int] = {}
    for r in store.table2_cells(db):
        bureau = (r["site"], r["agency"])
        reports[(bureau, r["year"])] = r["id"]
        table.setdefault((bureau, r["year"], r["row_label"]), {})[r["column_label"]] = r["value"]
    checks = []
    for (bureau, year, row_label), now in table.items():
        before = table.get((bureau, year - 1, row_label))
        if before is None:
            continue
        made, repealed = now.get("本年制发件数"), now.get("本年废止件数")
        parts = [before.get("现行有效件数"), made, repealed]
        expected, actual = now.get("现行有效件数"), None
        if None not in parts:
            actual = parts[0] + parts[1] - parts[2]
        ok = None if expected is None or actual is None else int(expected == actual)
        checks.append(
            {
                "report_id": reports[(bureau, year)],
                "name": f"{YOY_PREFIX} [{row_label}]",
                "ok": ok,
                "expected": expected,
                "actual": actual,
                "detail": f"{year - 1} 现行有效 {parts[0]} + 制发 {made} − 废止 {repealed}",
            }
        )
    store.replace_checks(db, YOY_PREFIX, checks)
    return len(checks)
