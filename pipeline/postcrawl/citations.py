"""Post-crawl step: who cites whom. Find each document's 文号 references, resolve them
against the archive's own 文号 (``documents.doc_no``), store the edges.

The first run on an archive reads every document. After that only what changed is read (the
post-crawl queue, archive.progress; a document's 文号 is part of its content hash, so a new
number queues it too): a changed or new document's own references are parsed again, and every stored reference to a number that a changed or removed document carries,
or carried, is resolved again, so a document archived today resolves a reference that an
older document made. An unchanged crawl costs two small queries. A number is read the same
way on both sides (normalise_doc_no); a document never cites itself (its own 文号 is often
printed at the top of its body).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import sqlite_utils

from archive import citations as store
from archive import progress
from pipeline.citations import find_references, normalise_doc_no

logger = logging.getLogger(__name__)

STEP = "citations"


def numbered(documents: Iterable[tuple[int, str | None]]) -> dict[str, list[int]]:
    """Archived document ids by normalised own 文号."""
    found: dict[str, list[int]] = defaultdict(list)
    for doc_id, doc_no in documents:
        own = normalise_doc_no(doc_no)
        if own:
            found[own].append(doc_id)
    return found


def resolved(reference: Mapping[str, Any], numbers: Mapping[str, list[int]]) -> list[dict]:
    """One row per archived document the reference names (one unresolved row if none)."""
    targets = [t for t in numbers.get(reference["doc_no"], ()) if t != reference["document_id"]]
    return [{**reference, "cited_id": t} for t in targets or [None]]


def references(documents: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The references each (id, doc_no, body) document makes, other than to its own 文号."""
    found = []
    for doc in documents:
        own = normalise_doc_no(doc["doc_no"])
        for ref in find_references(doc["body"]):
            if ref.doc_no != own:
                found.append({"document_id": doc["id"], "position": ref.position,
                              "doc_no": ref.doc_no, "title": ref.title, "raw": ref.raw})  # fmt: skip
    return found


def citation_rows(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for the citations table from (id, doc_no, body) documents."""
    numbers = numbered((doc["id"], doc["doc_no"]) for doc in documents)
    return [row for ref in references(documents) for row in resolved(ref, numbers)]


def link_citations(db: sqlite_utils.Database) -> dict[str, int]:
    """Bring citations up to date; counts over the whole archive: references, resolved,
    unresolved, citing documents."""
    changed, end = progress.changed_since(db.conn, STEP)
    removed, numbers_gone = store.gone(db)
    with db.atomic():
        if changed is None:
            store.replace_citations(db, citation_rows(list(store.documents_with_numbers(db))))
        elif changed or removed or numbers_gone:
            update(db, changed, removed, numbers_gone)
        progress.mark_done(db.conn, STEP, end)
    counts = store.citation_counts(db)
    logger.info("citations: %s", counts)
    return counts


def update(
    db: sqlite_utils.Database, changed: list[int], removed: list[int], numbers_gone: set[str]
) -> None:
    """Re-parse the changed documents; re-resolve every reference their numbers touch."""
    documents = list(store.documents_with_numbers(db, changed))
    touched = set(numbers_gone) | store.numbers_resolved_to(db, changed)
    touched |= {n for n in (normalise_doc_no(d["doc_no"]) for d in documents) if n}
    again = [r for r in store.references_to(db, touched) if r["document_id"] not in set(changed)]
    numbers = numbered(store.own_numbers(db))
    fresh = references(documents) + again
    rows = [row for ref in fresh for row in resolved(ref, numbers)]
    store.replace_for(db, [*changed, *removed], again, rows)
