"""Post-crawl step: who cites whom. Find each document's 文号 references, resolve them
against the archive's own 文号 (``documents.doc_no``), store the edges.

Recomputed from scratch each run: a document archived today can resolve a reference that an
older document made, and a number is read the same way on both sides (normalise_doc_no).
A document never cites itself (its own 文号 is often printed at the top of its body).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

import sqlite_utils

from archive import citations as store
from pipeline.citations import find_references, normalise_doc_no

logger = logging.getLogger(__name__)


def citation_rows(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for the citations table from (id, doc_no, body) documents."""
    numbered: dict[str, list[int]] = defaultdict(list)
    for doc in documents:
        own = normalise_doc_no(doc["doc_no"])
        if own:
            numbered[own].append(doc["id"])
    rows = []
    for doc in documents:
        own = normalise_doc_no(doc["doc_no"])
        for ref in find_references(doc["body"]):
            if ref.doc_no == own:
                continue
            targets = [t for t in numbered.get(ref.doc_no, ()) if t != doc["id"]] or [None]
            rows += [{"document_id": doc["id"], "position": ref.position, "doc_no": ref.doc_no,
                      "title": ref.title, "raw": ref.raw, "cited_id": t} for t in targets]  # fmt: skip
    return rows


def link_citations(db: sqlite_utils.Database) -> dict[str, int]:
    """Recompute every citation; counts: references, resolved, unresolved, citing documents."""
    rows = citation_rows(list(store.documents_with_numbers(db)))
    store.replace_citations(db, rows)
    counts = {
        "references": len({(r["document_id"], r["doc_no"]) for r in rows}),
        "resolved": sum(1 for r in rows if r["cited_id"] is not None),
        "unresolved": sum(1 for r in rows if r["cited_id"] is None),
        "citing_documents": len({r["document_id"] for r in rows}),
    }
    logger.info("citations: %s", counts)
    return counts
