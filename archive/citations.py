"""Storage of citations between documents (m0009): texts out, resolved references in.

Parsing the references and resolving them is the pipeline's
(``pipeline.postcrawl.citations``); this module lists what it reads and replaces what it wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils


def documents_with_numbers(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Every document's id, its own 文号 and its body text."""
    yield from db.query("SELECT id, doc_no, body FROM documents ORDER BY id")


def replace_citations(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> int:
    """Replace every stored citation by ``rows``, in one transaction; return how many."""
    rows = list(rows)
    with db.atomic():
        db.execute("DELETE FROM citations")
        db["citations"].insert_all(rows)
    return len(rows)
