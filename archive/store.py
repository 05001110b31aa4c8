"""ArchiveWriter: batched, crash-safe writes of crawl results.

Why batches: a commit per page would dominate a 400 pages/s crawl. Pages are buffered and
written ``batch_size`` at a time in one ``BEGIN IMMEDIATE`` transaction, so a killed process
leaves whole batches or nothing. Why an in-memory map: ``add_page`` must say whether a
document is new, updated or unchanged at once, without a SELECT per page; the writer loads
canonical_url -> (id, content_sha256) once and keeps it current. That map is only right
while this writer is the database's sole writer: callers hold archive.lock's crawl lock and
share one writer per database per process.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from archive import dedupe, files
from archive.changes import ChangeTracker
from archive.db import ArchiveError, open_archive
from archive.rows import (
    INSERT_CAPTURE,
    INSERT_DOCUMENT,
    TOUCH_DOCUMENT,
    UPDATE_DOCUMENT,
    VERSION_FIELDS,
    capture_row,
)
from archive.search import cjk_bigrams
from archive.timestamps import utc_now

DEFAULT_BATCH_SIZE = 500


@dataclass
class KnownDocument:
    """What the writer remembers about a document: its row id (None until flushed) and hash."""

    id: int | None
    content_sha256: str
    dedupe_key: str | None = None


# What a crawl's row records about it (filled by the caller that counted them).
CRAWL_COUNTS = ("pages_fetched", "documents_new", "documents_updated", "errors", "bytes_downloaded")


def mark_interrupted_crawls(db: sqlite_utils.Database) -> int:
    """Mark crawls still 'running' as 'interrupted'; return how many.

    Call only while holding the archive's crawl lock: then no crawl is running, and a row
    still 'running' belongs to a crawl that was killed before it could finish.
    """
    with db.conn:
        cursor = db.conn.execute(
            "UPDATE crawls SET status = 'interrupted' WHERE status = 'running'"
        )
    return cursor.rowcount


class ArchiveWriter:
    """Write crawls, captures and documents to the archive at ``db_path`` in batches.

    >>> writer = ArchiveWriter("var/gongkai.db")
    >>> crawl_id = writer.start_crawl("sample-suixi-jyj")
    >>> writer.add_page(capture, row)   # row: pipeline.record.document_row(...) or None
    "new"                               # | "updated" | "unchanged" | "duplicate" | ...
    >>> writer.finish_crawl(crawl_id, "finished", {"pages_fetched": 1}, {"scrapy": "stats"})
    >>> writer.close()
    """

    def __init__(self, db_path: str | os.PathLike, batch_size: int = DEFAULT_BATCH_SIZE):
        self.path = Path(db_path)
        self.batch_size = max(1, batch_size)
        self.db = open_archive(self.path)
        self._closed = False
        self._known = self._load_known()
        self.changes = ChangeTracker(self.db.conn)
        self._pending: list[tuple[dict, dict | None, str, KnownDocument | None]] = []

    def _load_known(self) -> dict[str, KnownDocument]:
        rows = self.db.execute(
            "SELECT canonical_url, id, content_sha256, dedupe_key FROM documents"
        )
        known = {url: KnownDocument(doc_id, sha, key) for url, doc_id, sha, key in rows}
        # Exact duplicates under other URLs fold into the document that holds their text.
        by_id = {k.id: k for k in known.values()}
        self._by_key = {
            key: by_id[doc_id] for key, doc_id in dedupe.load_dedupe_keys(self.db.conn).items()
        }
        return known

    def start_crawl(self, profile: str) -> int:
        """Record a new crawl (committed at once) and return its id."""
        cursor = self.db.execute(
            "INSERT INTO crawls (profile, started_at, status) VALUES (?, ?, 'running')",
            [profile, utc_now()],
        )
        return cursor.lastrowid

    def add_page(self, capture: dict, row: dict | None) -> str:
        """Queue one capture (and its document row, if any); return what it was.

        ``row`` is a documents row as ``pipeline.record.document_row`` builds it; the
        capture carries the pipeline's ``observation`` ({outcome, reason}). Returns "new" /
        "updated" / "unchanged" for a document, "duplicate" for the same text under another
        URL (a sighting of the document that holds it), "error" for a capture with an error
        and no document (fetch or extraction failure), "capture" for anything else (list
        pages, fragments, attachments).
        """
        known = None
        if row is None:
            status = "error" if capture.get("error") else "capture"
        else:
            status, known = self._classify(row)
        self._pending.append((capture, row, status, known))
        if len(self._pending) >= self.batch_size:
            self.flush()
        return status

    def replaced_version(self, row: dict) -> dict | None:
        """The text ``row`` would replace, if it changes a stored (or queued) document; else None.

        Its VERSION_FIELDS and content_sha256, plus ``attachments`` as the last new/changed
        event listed them (None when unknown: archived before events existed). A lookup in
        memory for the common case (new or unchanged); a query only for a real change.
        """
        known = self._known.get(row["canonical_url"])
        if known is None or known.content_sha256 == row["content_sha256"]:
            return None
        for _, queued, status, _ in reversed(self._pending):
            if queued is not None and queued["canonical_url"] == row["canonical_url"]:
                if status in ("new", "updated"):
                    stored = {k: queued.get(k) for k in (*VERSION_FIELDS, "content_sha256")}
                    return {**stored, "attachments": queued["attachments"]}
        if known.id is None:
            return None
        return self.changes.stored_version(self.db.conn, known.id)

    def _classify(self, row: dict) -> tuple[str, KnownDocument]:
        known = self._known.get(row["canonical_url"])
        key = row["dedupe_key"]
        if known is None:
            folded = self._by_key.get(key) if key else None
            if folded is not None:  # same text under another URL: a sighting, not a document
                return "duplicate", folded
            known = KnownDocument(None, row["content_sha256"], key)
            self._known[row["canonical_url"]] = known
            if key:
                self._by_key.setdefault(key, known)
            return "new", known
        if known.content_sha256 == row["content_sha256"]:
            return "unchanged", known
        if self._by_key.get(known.dedupe_key) is known:
            del self._by_key[known.dedupe_key]
        known.content_sha256, known.dedupe_key = row["content_sha256"], key
        if key:
            self._by_key.setdefault(key, known)
        return "updated", known

    def flush(self) -> None:
        """Write queued pages in one transaction; on failure nothing of the batch is kept."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            self._write_batch(conn, pending)
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            # Ids handed out for this batch no longer exist: re-read the truth.
            self._known = self._load_known()
            self.changes.reload(conn)
            if isinstance(exc, sqlite3.Error):
                raise ArchiveError(f"cannot write to archive {self.path}: {exc}") from exc
            raise

    def _write_batch(self, conn: sqlite3.Connection, pending: list) -> None:
        # We hold the write lock (BEGIN IMMEDIATE), so max(id)+1 is what SQLite would assign;
        # choosing ids ourselves links captures and documents without a query per row.
        next_capture = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM captures").fetchone()[0]
        next_document = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0]
        captures, search_rows, attachments = [], {}, []
        for capture, row, status, known in pending:
            capture_id, next_capture = next_capture, next_capture + 1
            seen = {
                "last_seen": capture.get("fetched_at") or utc_now(),
                "latest_capture_id": capture_id,
            }
            if status == "new":
                known.id, next_document = next_document, next_document + 1
                conn.execute(
                    INSERT_DOCUMENT,
                    {
                        **row,
                        **seen,
                        "id": known.id,
                        "first_seen": seen["last_seen"],
                        "capture_count": 1,
                    },
                )
                dedupe.record_version(conn, known.id, row, seen["last_seen"], capture_id)
            elif status == "updated":
                # Before the UPDATE, so the text being replaced is already a version.
                dedupe.record_version(conn, known.id, row, seen["last_seen"], capture_id)
                conn.execute(UPDATE_DOCUMENT, {**row, **seen, "id": known.id})
            elif status in ("unchanged", "duplicate"):
                conn.execute(TOUCH_DOCUMENT, {**seen, "id": known.id})
            document_id = known.id if known else None
            if row is not None:
                dedupe.record_sighting(conn, document_id, row, seen["last_seen"], capture_id)
            if status in ("new", "updated"):
                search_rows[document_id] = (cjk_bigrams(row["title"]), cjk_bigrams(row["body"]))
            if row is not None:
                attachments.extend(
                    (document_id, a["url"], a.get("name"), a.get("ext"))
                    for a in row.get("attachment_rows") or ()
                )
            verdict = self.changes.observe(conn, capture, capture_id, document_id, status, row)
            captures.append(
                {
                    **capture_row(capture, capture_id, document_id),
                    "observation": verdict.outcome,
                    "observation_reason": verdict.reason,
                }
            )
        conn.executemany(INSERT_CAPTURE, captures)
        files.write_attachment_files(conn, self.path.parent, [c for c, *_ in pending])
        conn.executemany("DELETE FROM documents_fts WHERE rowid = ?", [(i,) for i in search_rows])
        conn.executemany(
            "INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)",
            [(i, title, body) for i, (title, body) in search_rows.items()],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO attachments (document_id, url, name, ext) VALUES (?, ?, ?, ?)",
            attachments,
        )

    def record_listing(self, crawl_id: int, site: str, listed: set[str], complete: bool) -> int:
        """Flush, then record which document URLs the crawl's list pages linked (delistings)."""
        self.flush()
        with self.db.conn:
            return self.changes.record_listing(
                self.db.conn, crawl_id, site, listed, complete, utc_now()
            )

    def finish_crawl(
        self,
        crawl_id: int,
        status: str,
        counts: dict[str, int] | None = None,
        stats: dict | None = None,
    ) -> None:
        """Flush, then record the crawl's end, status, ``counts`` (CRAWL_COUNTS) and ``stats``."""
        self.flush()
        counts = {name: int((counts or {}).get(name) or 0) for name in CRAWL_COUNTS}
        self.db.execute(
            "UPDATE crawls SET finished_at = :finished_at, status = :status, stats = :stats,"
            " pages_fetched = :pages_fetched, documents_new = :documents_new,"
            " documents_updated = :documents_updated, errors = :errors,"
            " bytes_downloaded = :bytes_downloaded WHERE id = :id",
            {
                **counts,
                "id": crawl_id,
                "finished_at": utc_now(),
                "status": status,
                "stats": json.dumps(stats or {}, ensure_ascii=False, sort_keys=True, default=str),
            },
        )

    def close(self) -> None:
        """Flush and close. The WAL is checkpointed so the file alone holds every row (copies, -i)."""
        if self._closed:
            return
        self._closed = True
        try:
            self.flush()
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.db.close()

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
