"""Duplicate evidence in the archive: sightings, versions, near-duplicate groups.

Per page, inside the store's write transaction (``conn`` is its sqlite3 connection):

- :func:`record_sighting` after the document row exists, for every detail page with a
  document, including one folded into an existing document as an exact duplicate;
- :func:`record_version` *after* inserting a new document and *before* overwriting a changed
  one, so the text being replaced is already kept.

Near-duplicate groups are computed by ``pipeline.postcrawl.neardups`` and stored by
``archive.near_dups``. :func:`dedupe_counts` summarises all of it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import sqlite_utils

from archive.rows import VERSION_METADATA

UPSERT_SIGHTING = """
INSERT INTO sightings (document_id, url, canonical_url, site, column_name, first_seen, last_seen,
                       first_capture_id, last_capture_id, times_seen)
VALUES (:document_id, :url, :canonical_url, :site, :column_name, :seen, :seen,
        :capture_id, :capture_id, 1)
ON CONFLICT (document_id, canonical_url, coalesce(column_name, '')) DO UPDATE SET
    last_seen = max(last_seen, excluded.last_seen),
    last_capture_id = excluded.last_capture_id,
    times_seen = times_seen + 1
"""


def sighting_row(
    document_id: int, row: dict[str, Any], seen_at: str, capture_id: int | None = None
) -> dict[str, Any]:
    """Parameters of UPSERT_SIGHTING: ``document_id`` seen at ``row``'s URL and column."""
    return {
        "document_id": document_id,
        "url": row["url"],
        "canonical_url": row.get("canonical_url") or row["url"],
        "site": row.get("site"),
        "column_name": row.get("column_name"),
        "seen": seen_at,
        "capture_id": capture_id,
    }


def record_sighting(
    conn: sqlite3.Connection,
    document_id: int,
    row: dict[str, Any],
    seen_at: str,
    capture_id: int | None = None,
) -> None:
    """Record that ``document_id`` was seen at ``row``'s URL and column at ``seen_at``.

    ``row`` is the store's documents row (url, canonical_url, site, column_name) of the page
    that was fetched, which may be another URL than the document's own.
    """
    conn.execute(UPSERT_SIGHTING, sighting_row(document_id, row, seen_at, capture_id))


def record_version(
    conn: sqlite3.Connection,
    document_id: int,
    row: dict[str, Any],
    seen_at: str,
    capture_id: int | None = None,
) -> int:
    """Keep ``row``'s content as a version of ``document_id``; return its version number.

    Call before updating a changed document: a document that predates versions first gets
    its current text saved as version 1. The same content seen again only moves the latest
    version's last_seen. The current version's body is the document's own (NULL in its row,
    see version_row); the text being replaced is copied into its version row here.
    """
    latest = conn.execute(
        "SELECT version, content_sha256 FROM document_versions WHERE document_id = ?"
        " ORDER BY version DESC LIMIT 1",
        [document_id],
    ).fetchone()
    if latest is None:
        latest = _snapshot_current(conn, document_id)
    if latest is not None and latest[1] == row["content_sha256"]:
        conn.execute(
            "UPDATE document_versions SET last_seen = max(last_seen, ?)"
            " WHERE document_id = ? AND version = ?",
            [seen_at, document_id, latest[0]],
        )
        return latest[0]
    version = (latest[0] if latest else 0) + 1
    if latest is not None:
        conn.execute(
            "UPDATE document_versions SET body = (SELECT body FROM documents WHERE id = ?)"
            " WHERE document_id = ? AND version = ? AND body IS NULL",
            [document_id, document_id, latest[0]],
        )
    conn.execute(
        INSERT_VERSION, version_row(document_id, version, row, seen_at, seen_at, capture_id, False)
    )
    return version


def _snapshot_current(conn: sqlite3.Connection, document_id: int) -> tuple[int, str] | None:
    """Save the document's stored text as version 1 if it differs from what replaces it."""
    conn.row_factory, old_factory = sqlite3.Row, conn.row_factory
    try:
        current = conn.execute("SELECT * FROM documents WHERE id = ?", [document_id]).fetchone()
    finally:
        conn.row_factory = old_factory
    if current is None:
        return None
    current = dict(current)
    _insert_version(
        conn, document_id, 1, current, current["first_seen"], current["last_seen"],
        current.get("latest_capture_id"),
    )  # fmt: skip
    return 1, current["content_sha256"]


INSERT_VERSION = (
    "INSERT INTO document_versions (document_id, version, content_sha256, title, body,"
    " published_at, metadata, first_seen, last_seen, capture_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def version_row(
    document_id: int,
    version: int,
    row: dict[str, Any],
    first_seen: str,
    last_seen: str,
    capture_id: int | None,
    keep_body: bool = True,
) -> tuple:
    """Parameters of INSERT_VERSION: ``row``'s text and metadata as version ``version``.

    ``keep_body=False`` for the document's current text: its body is the documents row's
    (one copy of every body, not two: a quarter of a lean archive, issue 14).
    """
    metadata = {k: row.get(k) for k in VERSION_METADATA if row.get(k) is not None}
    return (
        document_id, version, row["content_sha256"], row.get("title"),
        row.get("body") if keep_body else None,
        row.get("published_at"), json.dumps(metadata, ensure_ascii=False, sort_keys=True),
        first_seen, last_seen, capture_id,
    )  # fmt: skip


def _insert_version(
    conn: sqlite3.Connection,
    document_id: int,
    version: int,
    row: dict[str, Any],
    first_seen: str,
    last_seen: str,
    capture_id: int | None,
) -> None:
    conn.execute(
        INSERT_VERSION, version_row(document_id, version, row, first_seen, last_seen, capture_id)
    )


def dedupe_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """What deduplication kept: documents, sightings, URLs folded, versions, near-dup groups."""

    def one(sql: str) -> int:
        return db.execute(sql).fetchone()[0] or 0

    return {
        "documents": one("SELECT count(*) FROM documents"),
        "sightings": one("SELECT count(*) FROM sightings"),
        "urls_folded_into_other_documents": one(
            "SELECT count(DISTINCT s.canonical_url) FROM sightings s JOIN documents d"
            " ON d.id = s.document_id WHERE s.canonical_url != d.canonical_url"
        ),
        "documents_with_several_urls": one(
            "SELECT count(*) FROM (SELECT document_id FROM sightings GROUP BY document_id"
            " HAVING count(DISTINCT canonical_url) > 1)"
        ),
        "document_versions": one("SELECT count(*) FROM document_versions"),
        "documents_changed": one(
            "SELECT count(*) FROM (SELECT document_id FROM document_versions GROUP BY document_id"
            " HAVING count(*) > 1)"
        ),
        "near_dup_groups": one("SELECT count(*) FROM near_dup_groups"),
        "documents_in_near_dup_groups": one("SELECT count(*) FROM near_dup_members"),
    }
