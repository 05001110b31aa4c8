"""Storage of each document's filing: the classifier's answers in, the inputs it reads out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlite_utils

CLASSIFICATION_FIELDS = ("category", "category_source", "category_raw", "category_reason", "genre")


def documents_to_classify(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """What the classifier reads of each document, with its stored classification."""
    yield from db.query(
        "SELECT id, site, title, body, column_name, category_label, breadcrumb, "
        + ", ".join(CLASSIFICATION_FIELDS)
        + " FROM documents"
    )


def update_classification(db: sqlite_utils.Database, updates: list[dict[str, Any]]) -> None:
    """Write new CLASSIFICATION_FIELDS for the documents in ``updates`` (each with its id)."""
    with db.atomic():
        db.conn.executemany(
            "UPDATE documents SET "
            + ", ".join(f"{f} = :{f}" for f in CLASSIFICATION_FIELDS)
            + " WHERE id = :id",
            updates,
        )
