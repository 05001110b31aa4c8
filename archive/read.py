"""The archive's small read API: what the crawler and the post-crawl steps ask of it.

Every function takes an open connection (``archive.db.connect_readonly`` for a reader,
the writer's own for a writer) and returns plain tuples and dicts, so no caller outside
``archive/`` writes SQL against the schema.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from archive.warc_read import warc_body

# One row per URL of a site the archive has fetched: (url, kind, state, document_id,
# last_observed_at, etag, last_modified, content_capture_id, published_at, column_name,
# listed). A list page's content capture counts only when it kept a body to re-read.
_KNOWN_PAGES = """
SELECT s.url, s.kind, s.state, s.document_id, s.last_observed_at, s.etag, s.last_modified,
       CASE WHEN s.kind = 'detail' OR c.size > 0 THEN s.content_capture_id END,
       d.published_at, d.column_name, s.listed
FROM url_states s
LEFT JOIN documents d ON d.id = s.document_id
LEFT JOIN captures c ON c.id = s.content_capture_id AND s.kind != 'detail'
WHERE s.site = ?
"""


def known_pages(conn: sqlite3.Connection, site: str) -> list[tuple]:
    """Every URL of ``site`` fetched before, with its state and validators (see _KNOWN_PAGES)."""
    return conn.execute(_KNOWN_PAGES, [site]).fetchall()


def capture_page(conn: sqlite3.Connection, capture_id: int) -> tuple[bytes, dict[str, str]] | None:
    """Body and headers of a capture that has a body (in SQLite or in its WARC record), else None."""
    row = conn.execute(
        "SELECT body, headers, size, warc_file, warc_offset, warc_length FROM captures WHERE id = ?",
        [capture_id],
    ).fetchone()
    if row is None:
        return None
    body = capture_body(conn, row[0], row[2], row[3:])
    if not body:
        return None
    return body, json.loads(row[1]) if row[1] else {}


def capture_body(
    conn: sqlite3.Connection, body: bytes | None, size: int | None, pointer: tuple
) -> bytes | None:
    """A capture's body: the stored one, else read from its WARC record; None if it has none.

    A body that was dropped (page_bodies = 'warc') but cannot be read back raises
    warc_read.RecordError or OSError: evidence is missing, and ``gongkai verify`` says which.
    """
    if body is not None:
        return bytes(body)
    if not size or None in pointer:
        return None
    return warc_body(conn, *pointer)


_LATEST_RESPONSE = """
SELECT id, warc_payload_digest, warc_date, warc_record_id FROM captures
WHERE url = :url AND coalesce(final_url, url) = :url
  AND warc_type = 'response' AND coalesce(size, 0) > 0
UNION ALL
SELECT id, warc_payload_digest, warc_date, warc_record_id FROM captures
WHERE final_url = :url AND final_url != url
  AND warc_type = 'response' AND coalesce(size, 0) > 0
ORDER BY id DESC LIMIT 1
"""


def latest_response(conn: sqlite3.Connection, url: str) -> tuple[str, str, str] | None:
    """(payload digest, WARC date, record id) of the latest WARC response record whose
    target is ``url`` (the final URL of its fetch), or None. Two index lookups."""
    row = conn.execute(_LATEST_RESPONSE, {"url": url}).fetchone()
    return tuple(row[1:]) if row else None


def capture_stored(conn: sqlite3.Connection, url: str, fetched_at: str) -> bool:
    """Whether a capture of ``url`` fetched at ``fetched_at`` is stored (a replayed message)."""
    row = conn.execute(
        "SELECT 1 FROM captures WHERE url = ? AND fetched_at = ? LIMIT 1", [url, fetched_at]
    ).fetchone()
    return row is not None


def rows(conn: sqlite3.Connection, sql: str, params: list[Any] | None = None) -> Iterator[dict]:
    """Rows of ``sql`` as dicts (for the archive's own query modules)."""
    cursor = conn.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))
