"""Storage of citations between documents (m0009): texts out, resolved references in.

Parsing the references and resolving them is the pipeline's
(``pipeline.postcrawl.citations``); this module lists what it reads and replaces what it wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlite_utils

# The columns of one reference as written; a row adds the archived document it resolves to.
REFERENCE = ("document_id", "position", "doc_no", "title", "raw")


def documents_with_numbers(
    db: sqlite_utils.Database, ids: Sequence[int] | None = None
) -> Iterator[dict[str, Any]]:
    """Id, own 文号 and body text of the documents ``ids`` (every document when None)."""
    if ids is None:
        yield from db.query("SELECT id, doc_no, body FROM documents ORDER BY id")
        return
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        yield from db.query(
            f"SELECT id, doc_no, body FROM documents WHERE id IN ({marks}) ORDER BY id", chunk
        )


def own_numbers(db: sqlite_utils.Database) -> Iterator[tuple[int, str]]:
    """(id, 文号 as stored) of every document that has one (a pass over an index-sized column)."""
    yield from db.execute(
        "SELECT id, doc_no FROM documents WHERE doc_no IS NOT NULL AND doc_no != ''"
    ).fetchall()


def numbers_resolved_to(db: sqlite_utils.Database, ids: Sequence[int]) -> set[str]:
    """The cited numbers that currently resolve to one of ``ids``."""
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT DISTINCT doc_no FROM citations WHERE cited_id IN ({marks})"
        found |= {row[0] for row in db.execute(sql, chunk).fetchall()}
    return found


def references_to(db: sqlite_utils.Database, numbers: Iterable[str]) -> list[dict[str, Any]]:
    """Each stored reference (one per citing document and position) to one of ``numbers``."""
    numbers = sorted(set(numbers))
    found: list[dict[str, Any]] = []
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found += db.query(
            f"SELECT DISTINCT {', '.join(REFERENCE)} FROM citations WHERE doc_no IN ({marks})",
            chunk,
        )
    return found


def gone(db: sqlite_utils.Database) -> tuple[list[int], set[str]]:
    """Citing documents no longer in the archive, and numbers that resolved to one that is gone."""
    citing = db.execute(
        "SELECT DISTINCT document_id FROM citations"
        " WHERE document_id NOT IN (SELECT id FROM documents)"
    ).fetchall()
    cited = db.execute(
        "SELECT DISTINCT doc_no FROM citations WHERE cited_id IS NOT NULL"
        " AND cited_id NOT IN (SELECT id FROM documents)"
    ).fetchall()
    return [row[0] for row in citing], {row[0] for row in cited}


def replace_citations(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> int:
    """Replace every stored citation by ``rows``, in one transaction; return how many."""
    rows = list(rows)
    with db.atomic():
        db.execute("DELETE FROM citations")
        db["citations"].insert_all(rows)
    return len(rows)


def replace_for(
    db: sqlite_utils.Database,
    documents: Iterable[int],
    references: Iterable[dict[str, Any]],
    rows: Iterable[dict[str, Any]],
) -> None:
    """Drop the citations of ``documents`` and the rows of ``references``, then insert ``rows``.

    Call inside the caller's transaction.
    """
    for doc in set(documents):
        db.execute("DELETE FROM citations WHERE document_id = ?", [doc])
    for ref in references:
        db.execute(
            "DELETE FROM citations WHERE document_id = ? AND position = ? AND doc_no = ?",
            [ref["document_id"], ref["position"], ref["doc_no"]],
        )
    rows = list(rows)
    if rows:
        db["citations"].insert_all(rows)


def citation_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """references, resolved, unresolved and citing_documents over the whole table."""
    row = db.execute(
        "SELECT (SELECT count(*) FROM (SELECT DISTINCT document_id, doc_no FROM citations)),"
        " count(cited_id), count(*) - count(cited_id), count(DISTINCT document_id)"
        " FROM citations"
    ).fetchone()
    return dict(zip(("references", "resolved", "unresolved", "citing_documents"), row, strict=True))
