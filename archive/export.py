"""Export documents as CSV (UTF-8 with BOM, for Excel/WPS on Chinese Windows), XLSX or JSONL.

Rows stream to the output in one pass (issue 14): one query lists the rows in export order
from search_facets (narrow rows; an index gives documents newest first without a sort), and
the documents are read by id, a few hundred at a time. Nothing is re-queried or re-sorted
per chunk, there is no row cap and never the whole result in memory. Without a BOM, Excel
reads UTF-8 CSV as the ANSI code page (GBK) and shows mojibake; the BOM is the one signal it
honours. The same rows back ``gongkai export`` and the export link of the search page (which
adds the search's source and matched attachment columns).
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from archive.db import ArchiveError, connect_readonly
from archive.find import Search, hits_sql

BOM = "\ufeff"
DOCUMENT_COLUMNS = (
    "id", "agency", "title", "published_at", "written_at", "index_no", "doc_no", "category",
    "genre", "column_name", "url", "canonical_url", "first_seen", "last_seen", "body",
)  # fmt: skip
SEARCH_COLUMNS = ("source", "attachment_name")
# Documents read by id at a time: enough to amortise the query, few enough to stream.
CHUNK = 500
# Excel refuses cells longer than this; XLSX cells are cut there and flagged (CSV keeps all).
XLSX_CELL_LIMIT = 32767
# Control characters other than tab/newline are illegal in XLSX (OOXML) cells.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ExportError(ValueError):
    """A bad export request (unknown agency/category, bad date); the message is one line."""


@dataclass(frozen=True)
class ExportFilters:
    agency: str = ""
    category: str = ""
    since: str = ""
    until: str = ""


def check_date(value: str, name: str) -> str:
    """``YYYY-MM-DD`` or raise ExportError naming the option."""
    if not value:
        return ""
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ExportError(f"{name} must be a date like 2021-12-31, got {value!r}") from None


def check_filters(conn: sqlite3.Connection, filters: ExportFilters) -> ExportFilters:
    """Validate the filters against the archive (an agency must exist, dates must parse)."""
    since = check_date(filters.since, "--since")
    until = check_date(filters.until, "--until")
    if since and until and since > until:
        raise ExportError(f"--since {since} is after --until {until}")
    for column, value in (("agency", filters.agency), ("category", filters.category)):
        if (
            value
            and not conn.execute(
                f"SELECT 1 FROM documents WHERE {column} = ? LIMIT 1", [value]
            ).fetchone()
        ):
            known = [r[0] for r in conn.execute(
                f"SELECT DISTINCT {column} FROM documents WHERE {column} IS NOT NULL ORDER BY 1"
            )]  # fmt: skip
            raise ExportError(f"unknown {column} {value!r}; known: {'、'.join(known) or 'none'}")
    return ExportFilters(filters.agency, filters.category, since, until)


def documents_sql(filters: ExportFilters) -> tuple[str, dict[str, str]]:
    """Ids of the documents matching the filters, newest first (undated last), and params."""
    where = []
    for name in ("agency", "category"):
        if getattr(filters, name):
            where.append(
                f"f.{name} = (SELECT code FROM facet_codes WHERE kind = '{name}' AND value = :{name})"
            )
    if filters.since:
        where.append("substr(f.day, 1, 10) >= :since")
    if filters.until:
        where.append("substr(f.day, 1, 10) <= :until")
    sql = f"""SELECT f.id FROM search_facets f
{"WHERE " + " AND ".join(where) if where else ""}
ORDER BY f.day DESC, f.id DESC"""
    params = {k: getattr(filters, k) for k in ("agency", "category", "since", "until")}
    return sql, params


def search_export_sql(search: Search) -> str:
    """Every hit of a search (one row per hit, as counted on the search page), newest first:
    document_id, source, attachment_name."""
    return f"""SELECT h.document_id, h.source, h.attachment_name FROM ({hits_sql(search)}) h
ORDER BY h.day DESC, h.document_id DESC, h.source DESC, coalesce(h.file_id, 0) DESC"""


def export_rows(
    conn: sqlite3.Connection, sql: str, params: dict[str, Any], chunk: int = CHUNK
) -> Iterator[tuple]:
    """Rows of DOCUMENT_COLUMNS (plus any columns ``sql`` gives after the document id), in
    the order of ``sql``, whose first column is a document id. One pass over ``sql``."""
    columns = ", ".join(DOCUMENT_COLUMNS)
    cursor = conn.execute(sql, params)
    while batch := cursor.fetchmany(chunk):
        ids = sorted({row[0] for row in batch})
        found = conn.execute(
            f"SELECT {columns} FROM documents WHERE id IN ({', '.join('?' * len(ids))})", ids
        )
        documents = {row[0]: row for row in found}
        for row in batch:
            yield documents[row[0]] + tuple(row[1:])


def write_csv(columns: Iterable[str], rows: Iterable[Iterable[Any]], out: IO[str], bom: bool = True) -> int:  # fmt: skip
    """Write a header and the rows to a text stream; returns the number of rows."""
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def write_jsonl(columns: Iterable[str], rows: Iterable[Iterable[Any]], out: IO[str]) -> int:
    names = list(columns)
    count = 0
    for row in rows:
        out.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) + "\n")
        count += 1
    return count


def _xlsx_cell(value: Any) -> tuple[Any, bool]:
    if not isinstance(value, str):
        return value, False
    value = XLSX_ILLEGAL.sub("", value)
    if len(value) > XLSX_CELL_LIMIT:
        return value[:XLSX_CELL_LIMIT], True
    return value, False


def write_xlsx(columns: Iterable[str], rows: Iterable[Iterable[Any]], out: IO[bytes]) -> int:
    """Write a one-sheet workbook (openpyxl write-only mode keeps memory flat)."""
    from openpyxl import Workbook

    columns = list(columns)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("documents")
    sheet.append([*columns, "truncated"])
    count = 0
    for row in rows:
        cells = [_xlsx_cell(v) for v in row]
        cut = [name for name, (_, was_cut) in zip(columns, cells, strict=True) if was_cut]
        sheet.append([v for v, _ in cells] + [",".join(cut) or None])
        count += 1
    book.save(out)
    return count


def iter_documents(conn: sqlite3.Connection, filters: ExportFilters) -> Iterator[tuple]:
    sql, params = documents_sql(filters)
    yield from export_rows(conn, sql, params)


def open_readonly(path: str | os.PathLike) -> sqlite3.Connection:
    """A read-only connection to an existing gongkai archive (never creates or migrates one)."""
    conn = connect_readonly(path)
    try:
        conn.execute("SELECT id, category FROM documents LIMIT 0")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveError(f"{Path(path).resolve()} is not a gongkai archive: {exc}") from None
    return conn
