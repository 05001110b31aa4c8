"""ArchiveWriter: batched, crash-safe writes of crawl results.

Why batches: a commit per page would dominate a 400 pages/s crawl. Pages are buffered and
written ``batch_size`` at a time in one ``BEGIN IMMEDIATE`` transaction, so a killed process
leaves whole batches or nothing. ``add_page`` must say at once whether a document is new,
updated or unchanged: it looks the canonical URL up (one indexed query; an archive of a
million documents is never loaded into memory) and remembers the pages it queued until they
are written. That is only right while this writer is the database's sole writer: callers
hold archive.lock's crawl lock and share one writer per database per process.

Why executemany: most of a batch is new or unchanged documents, whose rows (versions,
sightings, captures, search index) do not depend on each other; they are written statement
by statement for the whole batch. A changed document is written in place, after everything
queued before it, because its old text must be read back as it stands.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from archive import dedupe, files
from archive.changes import ChangeTracker
from archive.db import ArchiveError, archive_option, open_archive
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

WARC_BODY_TYPES = ("response", "revisit")
DEFAULT_BATCH_SIZE = 500
FIND_BY_URL = (
    "SELECT id, content_sha256, dedupe_key, canonical_url FROM documents WHERE canonical_url = ?"
)
# Several documents may share a key (written before folding existed): the oldest holds it.
FIND_BY_KEY = (
    "SELECT id, content_sha256, dedupe_key, canonical_url FROM documents"
    " WHERE dedupe_key = ? ORDER BY id LIMIT 4"
)
DELETE_FROM_INDEX = (
    "INSERT INTO documents_fts (documents_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)"
)
INSERT_INTO_INDEX = "INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)"


@dataclass
class KnownDocument:
    """What the writer knows of a document: its row id (None until flushed), hash, key, URL."""

    id: int | None
    content_sha256: str
    dedupe_key: str | None = None
    canonical_url: str | None = None


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
        self.changes = ChangeTracker(self.db.conn)
        # New archives keep page bodies only in WARC (archive_options, m0008).
        self.bodies_in_warc = archive_option(self.db.conn, "page_bodies") == "warc"
        self._pending: list[tuple[dict, dict | None, str, KnownDocument | None]] = []
        # Documents classified since the last flush, by canonical URL and by dedupe key: what
        # the database does not show yet.
        self._queued: dict[str, KnownDocument] = {}
        self._queued_keys: dict[str, KnownDocument] = {}
        self._looked_up: tuple[str | None, KnownDocument | None] = (None, None)

    def _lookup(self, url: str) -> KnownDocument | None:
        known = self._queued.get(url)
        if known is not None:
            return known
        if self._looked_up[0] == url:  # replaced_version() just asked for the same page
            return self._looked_up[1]
        found = self.db.conn.execute(FIND_BY_URL, [url]).fetchone()
        known = KnownDocument(*found) if found else None
        self._looked_up = (url, known)
        return known

    def _holder(self, key: str | None) -> KnownDocument | None:
        """The document that holds ``key``'s text (exact duplicates fold into it), if any."""
        if not key:
            return None
        known = self._queued_keys.get(key)
        if known is not None:
            return known
        for found in self.db.conn.execute(FIND_BY_KEY, [key]):
            queued = self._queued.get(found[3])
            if queued is not None and queued.dedupe_key != key:
                continue  # a change queued in this batch gave it another text
            return queued or KnownDocument(*found)
        return None

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
        event listed them (None when unknown: archived before events existed). One indexed
        lookup for the common case (new or unchanged); more queries only for a real change.
        """
        known = self._lookup(row["canonical_url"])
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
        url, key = row["canonical_url"], row["dedupe_key"]
        known = self._lookup(url)
        if known is None:
            folded = self._holder(key)
            if folded is not None:  # same text under another URL: a sighting, not a document
                return "duplicate", folded
            known = KnownDocument(None, row["content_sha256"], key, url)
            self._queued[url] = known
            if key:
                self._queued_keys[key] = known
            return "new", known
        self._queued[url] = known
        if known.content_sha256 == row["content_sha256"]:
            return "unchanged", known
        if known.dedupe_key and self._queued_keys.get(known.dedupe_key) is known:
            del self._queued_keys[known.dedupe_key]
        known.content_sha256, known.dedupe_key = row["content_sha256"], key
        if key and self._holder(key) is None:
            self._queued_keys[key] = known
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
            self.changes.reload(conn)
            if isinstance(exc, sqlite3.Error):
                raise ArchiveError(f"cannot write to archive {self.path}: {exc}") from exc
            raise
        finally:
            # Written (or rolled back, ids and all): from now on the database is the truth.
            self._queued.clear()
            self._queued_keys.clear()
            self._looked_up = (None, None)

    def _write_batch(self, conn: sqlite3.Connection, pending: list) -> None:
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
                self._replace_text(conn, known.id, row, seen, capture_id)
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
            verdict = self.changes.observe(conn, capture, capture_id, document_id, status, row)
            captures.append(
                {
                    **capture_row(capture, capture_id, document_id, self._keeps_body(capture)),
                    "observation": verdict.outcome,
                    "observation_reason": verdict.reason,
                }
            )
        rows.write(conn)
        conn.executemany(INSERT_CAPTURE, captures)
        files.write_attachment_files(conn, self.path.parent, [c for c, *_ in pending])

    def _replace_text(self, conn, document_id: int, row: dict, seen: str, capture_id: int) -> None:
        """A changed document: its old text out of the index, kept as a version, then replaced."""
        old = conn.execute(
            "SELECT title, body FROM documents WHERE id = ?", [document_id]
        ).fetchone()
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

    def _keeps_body(self, capture: dict) -> bool:
        """False when the body may live only in WARC: this archive says so, and the capture
        has a record holding it (a response, or a revisit of an identical response)."""
        pointer = capture.get("warc") or {}
        return not (
            self.bodies_in_warc and pointer.get("file") and pointer.get("type") in WARC_BODY_TYPES
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
