"""ArchiveWriter: batched, crash-safe writes of crawl results.

Why batches: a commit per page would dominate a 400 pages/s crawl. Pages are buffered and
written ``batch_size`` at a time in one ``BEGIN IMMEDIATE`` transaction (archive.batch), so a
killed process leaves whole batches or nothing. ``add_page`` must say at once whether a
document is new, updated or unchanged: it looks the canonical URL up (one indexed query; an
archive of a million documents is never loaded into memory) and remembers the pages it queued
until they are written. That is only right while this writer is the database's sole writer:
callers hold archive.lock's crawl lock and share one writer per database per process.

``background=True`` (the crawl's writer) writes each full batch in a thread of its own while
pages keep coming: SQLite does most of that work (the search index above all) with Python's
GIL released, so it runs beside the crawl instead of stopping it. Lookups then go through a
read-only connection, and the batch being written stays remembered until it is committed.
An explicit flush(), and every other method, waits for it: callers see the same archive.
"""

from __future__ import annotations

import json
import os
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from archive.batch import Page, write_batch
from archive.changes import ChangeTracker
from archive.db import ArchiveError, archive_option, connect_readonly, open_archive
from archive.rows import VERSION_FIELDS
from archive.timestamps import utc_now

DEFAULT_BATCH_SIZE = 500
FIND_BY_URL = (
    "SELECT id, content_sha256, dedupe_key, canonical_url FROM documents WHERE canonical_url = ?"
)
# Several documents may share a key (written before folding existed): the oldest holds it.
FIND_BY_KEY = (
    "SELECT id, content_sha256, dedupe_key, canonical_url FROM documents"
    " WHERE dedupe_key = ? ORDER BY id LIMIT 4"
)


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


class ArchiveWriter:
    """Write crawls, captures and documents to the archive at ``db_path`` in batches.

    >>> writer = ArchiveWriter("var/gongkai.db")
    >>> crawl_id = writer.start_crawl("sample-suixi-jyj")
    >>> writer.add_page(capture, row)   # row: pipeline.record.document_row(...) or None
    "new"                               # | "updated" | "unchanged" | "duplicate" | ...
    >>> writer.finish_crawl(crawl_id, "finished", {"pages_fetched": 1}, {"scrapy": "stats"})
    >>> writer.close()
    """

    def __init__(
        self,
        db_path: str | os.PathLike,
        batch_size: int = DEFAULT_BATCH_SIZE,
        background: bool = False,
    ):
        self.path = Path(db_path)
        self.batch_size = max(1, batch_size)
        self.db = open_archive(self.path, threads=background)
        self._closed = False
        self.changes = ChangeTracker(self.db.conn)
        # New archives keep page bodies only in WARC (archive_options, m0008).
        self.bodies_in_warc = archive_option(self.db.conn, "page_bodies") == "warc"
        self._pending: list[Page] = []
        # Documents classified since the last flush, by canonical URL and by dedupe key: what
        # the database does not show yet.
        self._queued: dict[str, KnownDocument] = {}
        self._queued_keys: dict[str, KnownDocument] = {}
        self._looked_up: tuple[str | None, KnownDocument | None] = (None, None)
        # The batch a background thread is writing: its pages, URLs and keys, until committed.
        self._flight: tuple[list[Page], dict, dict] = ([], {}, {})
        self._writing: Future | None = None
        self._thread = ThreadPoolExecutor(1, "gongkai-writer") if background else None
        self._reads = connect_readonly(self.path) if background else self.db.conn

    def _lookup(self, url: str) -> KnownDocument | None:
        known = self._queued.get(url) or self._flight[1].get(url)
        if known is not None:
            return known
        if self._looked_up[0] == url:  # replaced_version() just asked for the same page
            return self._looked_up[1]
        found = self._reads.execute(FIND_BY_URL, [url]).fetchone()
        known = KnownDocument(*found) if found else None
        self._looked_up = (url, known)
        return known

    def _holder(self, key: str | None) -> KnownDocument | None:
        """The document that holds ``key``'s text (exact duplicates fold into it), if any."""
        if not key:
            return None
        known = self._queued_keys.get(key) or self._flight[2].get(key)
        if known is not None:
            return known
        for found in self._reads.execute(FIND_BY_KEY, [key]):
            queued = self._queued.get(found[3]) or self._flight[1].get(found[3])
            if queued is not None and queued.dedupe_key != key:
                continue  # a change queued since gave it another text
            return queued or KnownDocument(*found)
        return None

    def start_crawl(self, profile: str) -> int:
        """Record a new crawl (committed at once) and return its id."""
        self._wait()
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
            if self._thread is None:
                self.flush()
            else:
                self._flush_in_background()
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
        for _, queued, status, _ in reversed(self._flight[0] + self._pending):
            if queued is not None and queued["canonical_url"] == row["canonical_url"]:
                if status in ("new", "updated"):
                    stored = {k: queued.get(k) for k in (*VERSION_FIELDS, "content_sha256")}
                    return {**stored, "attachments": queued["attachments"]}
        if known.id is None:
            return None
        return self.changes.stored_version(self._reads, known.id)

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
        self._wait()
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        try:
            self._commit(pending)
        finally:
            self._forget_queued()

    def _flush_in_background(self) -> None:
        self._wait()  # one batch at a time: the next waits for the last to commit
        self._flight = (self._pending, self._queued, self._queued_keys)
        self._pending, self._queued, self._queued_keys = [], {}, {}
        self._writing = self._thread.submit(self._commit, self._flight[0])

    def _wait(self) -> None:
        """Wait for the batch being written in the background; raise its error, if any."""
        writing, self._writing = self._writing, None
        if writing is None:
            return
        try:
            writing.result()
        except BaseException:
            self._forget_queued()  # ids handed out for that batch no longer exist
            raise
        finally:
            self._flight = ([], {}, {})

    def _forget_queued(self) -> None:
        """Written (or rolled back, ids and all): from now on the database is the truth."""
        self._queued, self._queued_keys = {}, {}
        self._looked_up = (None, None)

    def _commit(self, pending: list[Page]) -> None:
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            write_batch(conn, pending, self.changes, self.bodies_in_warc, self.path.parent)
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self.changes.reload(conn)
            if isinstance(exc, sqlite3.Error):
                raise ArchiveError(f"cannot write to archive {self.path}: {exc}") from exc
            raise

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
            if self._thread is not None:
                self._thread.shutdown()
                self._reads.close()
            self.db.close()

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
