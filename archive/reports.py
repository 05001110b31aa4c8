"""Storage of parsed annual reports: candidates in, report rows out.

The parsing and the checks are the pipeline's (``pipeline.postcrawl.reports``); this module
lists the documents it may parse, replaces one report's rows, and stores checks it computed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlite_utils

from archive.read import capture_body

_LABELS = "SELECT id, title, column_name, category_label FROM documents"
_DOCUMENT = """
SELECT d.id, d.title, d.column_name, d.category_label, d.site, d.agency, d.url,
       d.published_at, d.body, d.content_sha256, d.latest_capture_id,
       c.body AS raw, c.size AS raw_size, c.warc_file, c.warc_offset, c.warc_length,
       c.used_encoding
FROM documents d LEFT JOIN captures c ON c.id = d.latest_capture_id
WHERE d.id = ?
"""
_TABLE2 = """
SELECT r.id, r.site, r.agency, r.year, c.row_label, c.column_label, c.value
FROM reports r JOIN report_cells c ON c.report_id = r.id
WHERE c.table_name = '二' AND r.year IS NOT NULL
  AND c.column_label IN ('本年制发件数', '本年废止件数', '现行有效件数')
"""


def document_labels(
    db: sqlite_utils.Database, ids: list[int] | None = None
) -> Iterator[tuple[int, str | None, str | None, str | None]]:
    """(id, title, column_name, category_label) of the documents ``ids`` (None: all of them):
    what tells a report from other documents."""
    if ids is None:
        yield from db.execute(_LABELS)
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield from db.execute(f"{_LABELS} WHERE id IN ({', '.join('?' * len(chunk))})", chunk)


def document_with_page(db: sqlite_utils.Database, document_id: int) -> dict[str, Any] | None:
    """A document with the raw bytes (``raw``) and encoding of its latest capture, read from
    its WARC record when the archive keeps bodies there."""
    rows = list(db.query(_DOCUMENT, [document_id]))
    if not rows:
        return None
    row = rows[0]
    pointer = (row.pop("warc_file"), row.pop("warc_offset"), row.pop("warc_length"))
    row["raw"] = capture_body(db.conn, row["raw"], row.pop("raw_size"), pointer)
    return row


def parsed_hashes(db: sqlite_utils.Database) -> dict[int, str]:
    """document id -> content_sha256 of the text its stored report was parsed from."""
    return {r["document_id"]: r["content_sha256"] for r in db.query("SELECT * FROM reports")}


def store_report(
    db: sqlite_utils.Database,
    record: dict[str, Any],
    cells: list[dict[str, Any]],
    claims: list[dict[str, Any]],
    checks: list[dict[str, Any]],
) -> int:
    """Replace the report rows of ``record["document_id"]``, in one transaction; return its id."""
    with db.atomic():
        existing = db.execute(
            "SELECT id FROM reports WHERE document_id = ?", [record["document_id"]]
        ).fetchone()
        if existing:
            report_id = existing[0]
            for table in ("report_cells", "report_claims", "report_checks"):
                db.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])
            db["reports"].update(report_id, record)
        else:
            report_id = db["reports"].insert(record).last_pk
        db["report_cells"].insert_all({"report_id": report_id, **c} for c in cells)
        db["report_claims"].insert_all({"report_id": report_id, **c} for c in claims)
        db["report_checks"].insert_all({"report_id": report_id, **c} for c in checks)
    return report_id


def table2_cells(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Table 二's 制发 / 废止 / 现行有效 cells of every report with a year."""
    yield from db.query(_TABLE2)


def replace_checks(db: sqlite_utils.Database, name_prefix: str, checks: list[dict]) -> None:
    """Replace every stored check whose name starts with ``name_prefix`` by ``checks``."""
    with db.atomic():
        db.execute("DELETE FROM report_checks WHERE name LIKE ?", [name_prefix + "%"])
        db["report_checks"].insert_all(checks)
