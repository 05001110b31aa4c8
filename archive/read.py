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
    """Body and headers of a capture that kept a body, else None."""
    row = conn.execute("SELECT body, headers FROM captures WHERE id = ?", [capture_id]).fetchone()
    if row is None or not row[0]:
        return None
    return row[0], json.loads(row[1]) if row[1] else {}


def latest_responses(conn: sqlite3.Connection) -> dict[str, tuple[str, str, str]]:
    """url -> (payload digest, WARC date, record id) of its latest WARC response record."""
    rows = conn.execute(
        "SELECT final_url, url, warc_payload_digest, warc_date, warc_record_id FROM captures"
        " WHERE warc_type = 'response' AND coalesce(size, 0) > 0 ORDER BY id"
    )
    return {final or url: (digest, date, rid) for final, url, digest, date, rid in rows}


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
