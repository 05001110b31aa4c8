"""One batch of pages into the archive's tables, inside ArchiveWriter's transaction.

Most of a batch is new or unchanged documents, whose rows (versions, sightings, captures,
search index) do not depend on each other: they are written statement by statement for the
whole batch with executemany. A changed document is written in place, after everything queued
before it, because its old text must be read back as it stands: the old text leaves the
contentless search index through FTS5's 'delete' with the tokens it was indexed as.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import dedupe, files
from archive.changes import ChangeTracker
from archive.rows import (
    INSERT_CAPTURE,
    INSERT_DOCUMENT,
    TOUCH_DOCUMENT,
    UPDATE_DOCUMENT,
    capture_row,
)
from archive.search import cjk_bigrams
from archive.timestamps import utc_now

DELETE_FROM_INDEX = (
    "INSERT INTO documents_fts (documents_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)"
)
INSERT_INTO_INDEX = "INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)"
# Captures whose body may be kept only in their WARC record (page_bodies = 'warc').
WARC_BODY_TYPES = ("response", "revisit")

# A queued page: (capture, documents row or None, status, known document or None).
Page = tuple[dict[str, Any], dict[str, Any] | None, str, Any]


@dataclass
class _Rows:
    """Rows of a batch that wait for one executemany each, in foreign-key order."""

    versions: list[tuple] = field(default_factory=list)
    touches: list[dict] = field(default_factory=list)
    sightings: list[dict] = field(default_factory=list)
    search: list[tuple] = field(default_factory=list)
    attachments: list[tuple] = field(default_factory=list)

    def write(self, conn: sqlite3.Connection) -> None:
        conn.executemany(dedupe.INSERT_VERSION, self.versions)
        conn.executemany(TOUCH_DOCUMENT, self.touches)
        conn.executemany(dedupe.UPSERT_SIGHTING, self.sightings)
        conn.executemany(
            INSERT_INTO_INDEX, [(i, cjk_bigrams(t), cjk_bigrams(b)) for i, t, b in self.search]
        )
        conn.executemany(
            "INSERT OR IGNORE INTO attachments (document_id, url, name, ext) VALUES (?, ?, ?, ?)",
            self.attachments,
        )
        for rows in (self.versions, self.touches, self.sightings, self.search, self.attachments):
            rows.clear()


def write_batch(
    conn: sqlite3.Connection,
    pending: list[Page],
    changes: ChangeTracker,
    bodies_in_warc: bool,
    base: Path,
) -> None:
    """Write ``pending`` pages; ``base`` is the database's directory (attachment files)."""
    # We hold the write lock (BEGIN IMMEDIATE), so max(id)+1 is what SQLite would assign;
    # choosing ids ourselves links captures and documents without a query per row.
    next_capture = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM captures").fetchone()[0]
    next_document = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0]
    capture_ids = list(range(next_capture, next_capture + len(pending)))
    new_documents = []
    for (capture, row, status, known), capture_id in zip(pending, capture_ids, strict=True):
        if status == "new":
            known.id, next_document = next_document, next_document + 1
            seen = capture.get("fetched_at") or utc_now()
            new_documents.append({**row, "id": known.id, "first_seen": seen, "last_seen": seen,
                                  "latest_capture_id": capture_id, "capture_count": 1})  # fmt: skip
    conn.executemany(INSERT_DOCUMENT, new_documents)
    rows, captures = _Rows(), []
    for (capture, row, status, known), capture_id in zip(pending, capture_ids, strict=True):
        seen = capture.get("fetched_at") or utc_now()
        document_id = known.id if known else None
        if status == "new":
            rows.versions.append(
                dedupe.version_row(known.id, 1, row, seen, seen, capture_id, keep_body=False)
            )
            rows.search.append((known.id, row["title"], row["body"]))
        elif status == "updated":
            rows.write(conn)  # everything queued before it is in the tables first
            replace_text(conn, known.id, row, seen, capture_id)
        elif status in ("unchanged", "duplicate"):
            rows.touches.append(
                {"last_seen": seen, "latest_capture_id": capture_id, "id": document_id}
            )
        if row is not None:
            rows.sightings.append(dedupe.sighting_row(document_id, row, seen, capture_id))
            rows.attachments.extend(
                (document_id, a["url"], a.get("name"), a.get("ext"))
                for a in row.get("attachment_rows") or ()
            )
        verdict = changes.observe(conn, capture, capture_id, document_id, status, row)
        keep = not (bodies_in_warc and _in_warc(capture))
        captures.append(
            {
                **capture_row(capture, capture_id, document_id, keep),
                "observation": verdict.outcome,
                "observation_reason": verdict.reason,
            }
        )
    rows.write(conn)
    conn.executemany(INSERT_CAPTURE, captures)
    files.write_attachment_files(conn, base, [c for c, *_ in pending])


def _in_warc(capture: dict[str, Any]) -> bool:
    """Whether the capture's WARC record holds its body (a response, or a revisit of one)."""
    pointer = capture.get("warc") or {}
    return bool(pointer.get("file")) and pointer.get("type") in WARC_BODY_TYPES


def replace_text(
    conn: sqlite3.Connection, document_id: int, row: dict[str, Any], seen: str, capture_id: int
) -> None:
    """A changed document: its old text out of the index, kept as a version, then replaced."""
    old = conn.execute("SELECT title, body FROM documents WHERE id = ?", [document_id]).fetchone()
    if old is not None:
        conn.execute(DELETE_FROM_INDEX, [document_id, cjk_bigrams(old[0]), cjk_bigrams(old[1])])
    # Before the UPDATE, so the text being replaced is already a version.
    dedupe.record_version(conn, document_id, row, seen, capture_id)
    conn.execute(
        UPDATE_DOCUMENT,
        {**row, "last_seen": seen, "latest_capture_id": capture_id, "id": document_id},
    )
    conn.execute(
        INSERT_INTO_INDEX, [document_id, cjk_bigrams(row["title"]), cjk_bigrams(row["body"])]
    )
