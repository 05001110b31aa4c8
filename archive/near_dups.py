"""Storage of near-duplicate grouping: signatures, their LSH band keys, and the groups.

``pipeline.postcrawl.neardups`` computes; this module keeps what it needs between runs so that
a run only looks at documents that changed:

- near_dup_signatures: each document's MinHash values (bytes) with the content hash they were
  computed from; loaded as arrays, never rebuilt into objects;
- near_dup_lsh (m0008): one row per (band key, document): the LSH index itself, so the
  candidates of a changed document are found with one indexed query instead of an index
  rebuilt in memory from every signature;
- near_dup_groups / near_dup_members and documents.near_dup_group: groups whose members
  changed are replaced, the others are left as they are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from archive.timestamps import utc_now

CHUNK = 500


def _chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def document_ids(conn: sqlite3.Connection) -> list[int]:
    return [row[0] for row in conn.execute("SELECT id FROM documents ORDER BY id")]


def document_texts(
    conn: sqlite3.Connection, ids: list[int]
) -> Iterator[tuple[int, str, str | None, str | None]]:
    """(id, content_sha256, title, body) of the documents ``ids``, in chunks."""
    for chunk in _chunks(ids):
        yield from conn.execute(
            f"SELECT id, content_sha256, title, body FROM documents WHERE id IN ({_marks(len(chunk))})",
            chunk,
        )


def load_signatures(
    conn: sqlite3.Connection, ids: Iterable[int], shingle_size: int, num_perm: int
) -> dict[int, tuple[str, str, bytes]]:
    """document id -> (content_sha256, scheme, signature bytes) stored for these parameters."""
    found = {}
    for chunk in _chunks(list(ids)):
        rows = conn.execute(
            "SELECT document_id, content_sha256, scheme, signature FROM near_dup_signatures"
            f" WHERE shingle_size = ? AND num_perm = ? AND document_id IN ({_marks(len(chunk))})",
            [shingle_size, num_perm, *chunk],
        )
        found.update({doc_id: (sha, scheme, blob) for doc_id, sha, scheme, blob in rows})
    return found


def save_signatures(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Store (document_id, content_sha256, shingle_size, num_perm, scheme, signature) rows."""
    conn.executemany(
        "INSERT OR REPLACE INTO near_dup_signatures (document_id, content_sha256,"
        " shingle_size, num_perm, scheme, signature) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def forget_signatures(conn: sqlite3.Connection, ids: list[int]) -> None:
    conn.executemany("DELETE FROM near_dup_signatures WHERE document_id = ?", [(i,) for i in ids])


def clear_band_keys(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM near_dup_lsh")


def replace_band_keys(
    conn: sqlite3.Connection, removed: list[tuple[int, int]], added: list[tuple[int, int]]
) -> None:
    """Remove and add (key, document_id) rows of the LSH index."""
    conn.executemany("DELETE FROM near_dup_lsh WHERE key = ? AND document_id = ?", removed)
    conn.executemany("INSERT OR IGNORE INTO near_dup_lsh (key, document_id) VALUES (?, ?)", added)


def documents_with_keys(conn: sqlite3.Connection, keys: list[int]) -> list[tuple[int, int]]:
    """(key, document_id) of every document filed under one of ``keys``."""
    found = []
    for chunk in _chunks(keys, 5000):
        found += conn.execute(
            f"SELECT key, document_id FROM near_dup_lsh WHERE key IN ({_marks(len(chunk))})", chunk
        ).fetchall()
    return found


def group_members(conn: sqlite3.Connection, ids: Iterable[int]) -> set[int]:
    """Every member of the groups any of ``ids`` belongs to (the ids themselves included)."""
    members = set(ids)
    for chunk in _chunks(list(members)):
        members.update(
            row[0]
            for row in conn.execute(
                "SELECT m.document_id FROM near_dup_members m WHERE m.group_id IN"
                " (SELECT group_id FROM near_dup_members"
                f"  WHERE document_id IN ({_marks(len(chunk))}))",
                chunk,
            )
        )
    return members


def replace_groups(
    conn: sqlite3.Connection,
    affected: set[int] | None,
    groups: list[tuple[int, dict[int, float]]],
    settings: tuple[float, int, int],
) -> None:
    """Replace the groups of the ``affected`` documents (None: every group) with ``groups``.

    ``groups`` are (representative id, {document id: similarity}); a group's id is its
    representative's id, so an unchanged archive keeps identical rows. ``settings`` are
    (threshold, shingle_size, num_perm). Documents are never merged or deleted.
    """
    if affected is None:
        conn.execute("UPDATE documents SET near_dup_group = NULL WHERE near_dup_group IS NOT NULL")
        conn.execute("DELETE FROM near_dup_members")
        conn.execute("DELETE FROM near_dup_groups")
    else:
        old = set()
        for chunk in _chunks(list(affected)):
            old.update(
                row[0]
                for row in conn.execute(
                    "SELECT DISTINCT group_id FROM near_dup_members"
                    f" WHERE document_id IN ({_marks(len(chunk))})",
                    chunk,
                )
            )
        conn.executemany(
            "UPDATE documents SET near_dup_group = NULL WHERE near_dup_group = ?",
            [(g,) for g in old],
        )
        conn.executemany("DELETE FROM near_dup_members WHERE group_id = ?", [(g,) for g in old])
        conn.executemany("DELETE FROM near_dup_groups WHERE id = ?", [(g,) for g in old])
    now = utc_now()
    conn.executemany(
        "INSERT INTO near_dup_groups (id, representative_id, size, min_similarity,"
        " threshold, shingle_size, num_perm, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(rep, rep, len(sim), min(sim.values()), *settings, now) for rep, sim in groups],
    )
    conn.executemany(
        "INSERT INTO near_dup_members (group_id, document_id, similarity) VALUES (?, ?, ?)",
        [(rep, doc, s) for rep, sim in groups for doc, s in sim.items()],
    )
    conn.executemany(
        "UPDATE documents SET near_dup_group = ? WHERE id = ?",
        [(rep, doc) for rep, sim in groups for doc in sim],
    )


def group_totals(conn: sqlite3.Connection) -> tuple[int, int]:
    """(number of groups, documents in groups) in the archive."""
    return conn.execute(
        "SELECT (SELECT count(*) FROM near_dup_groups), (SELECT count(*) FROM near_dup_members)"
    ).fetchone()
