"""What changed since a post-crawl step last ran: the post-crawl queue (m0008).

Triggers number every document inserted, or whose text, title or column changed, in
``postcrawl_queue``. A step asks :func:`changed_since` for the documents queued after the
point it recorded, does its work, and records the new point with :func:`mark_done` in the
same transaction as its results, so a killed step simply runs again. A step that never ran
on this archive gets ``None``: it must go over the whole archive once.
"""

from __future__ import annotations

import sqlite3

from archive.timestamps import utc_now


def changed_since(conn: sqlite3.Connection, step: str) -> tuple[list[int] | None, int]:
    """(ids of documents changed since ``step`` last ran, or None if it never ran; queue end)."""
    end = conn.execute("SELECT coalesce(max(seq), 0) FROM postcrawl_queue").fetchone()[0]
    done = conn.execute("SELECT seq FROM postcrawl_progress WHERE step = ?", [step]).fetchone()
    if done is None:
        return None, end
    ids = conn.execute(
        "SELECT DISTINCT document_id FROM postcrawl_queue WHERE seq > ? AND seq <= ?"
        " ORDER BY document_id",
        [done[0], end],
    )
    return [row[0] for row in ids], end


def mark_done(conn: sqlite3.Connection, step: str, end: int) -> None:
    """Record that ``step`` has handled the queue up to ``end``; drop what every step handled.

    Call inside the transaction that stores the step's results.
    """
    conn.execute(
        "INSERT OR REPLACE INTO postcrawl_progress (step, seq, updated_at) VALUES (?, ?, ?)",
        [step, end, utc_now()],
    )
    conn.execute(
        "DELETE FROM postcrawl_queue WHERE seq <= (SELECT min(seq) FROM postcrawl_progress)"
    )
