"""Re-classify the archive after a taxonomy or profile-mapping edit.

The classifier is pure (``pipeline.classify``); this module only reads documents back into
the dict shape it expects and writes the answers, touching rows whose answer changed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

import sqlite_utils

from pipeline.classify import check_columns, classify_fields
from pipeline.taxonomy import Taxonomy

FIELDS = ("category", "category_source", "category_raw", "category_reason", "genre")


def document_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The extraction-dict view of a documents row (breadcrumb back from its JSON text)."""
    breadcrumb = row.get("breadcrumb")
    try:
        crumbs = json.loads(breadcrumb) if breadcrumb else []
    except ValueError:
        crumbs = [breadcrumb]
    return {
        "title": row.get("title"),
        "body": row.get("body"),
        "column": row.get("column_name"),
        "category_label": row.get("category_label"),
        "breadcrumb": crumbs if isinstance(crumbs, list) else [],
    }


def reclassify(
    db: sqlite_utils.Database,
    taxonomy: Taxonomy,
    columns_by_site: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """Classify every document again; return counts (documents, changed, by category/source).

    ``columns_by_site`` maps a profile name (documents.site) to its ``columns`` mapping; every
    mapping is checked against the taxonomy first, so a bad edit fails before any write.
    """
    columns_by_site = columns_by_site or {}
    for site, columns in columns_by_site.items():
        check_columns(taxonomy, columns, where=f"profile {site} columns")
    changed, by_category, by_source, total = 0, Counter(), Counter(), 0
    rows = db.query(
        "SELECT id, site, title, body, column_name, category_label, breadcrumb, "
        + ", ".join(FIELDS)
        + " FROM documents"
    )
    updates = []
    for row in rows:
        total += 1
        doc = document_from_row(row)
        new = classify_fields(doc, columns_by_site.get(row["site"]), taxonomy)
        by_category[new["category"]] += 1
        by_source[new["category_source"]] += 1
        if any(new[f] != row[f] for f in FIELDS):
            updates.append({**new, "id": row["id"]})
    with db.atomic():
        db.conn.executemany(
            "UPDATE documents SET " + ", ".join(f"{f} = :{f}" for f in FIELDS) + " WHERE id = :id",
            updates,
        )
    changed = len(updates)
    return {
        "documents": total,
        "changed": changed,
        "by_category": dict(by_category.most_common()),
        "by_source": dict(by_source.most_common()),
    }
