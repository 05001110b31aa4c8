"""Re-file the archive after a taxonomy or profile-mapping edit (``gongkai classify``).

The classifier is pure (``pipeline.classify``); this step only reads documents back into
the dict shape it expects and has the archive store the answers that changed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

import sqlite_utils

from archive.classification import CLASSIFICATION_FIELDS as FIELDS
from archive.classification import documents_to_classify, update_classification
from pipeline.classify import check_columns, classify_fields
from pipeline.taxonomy import Taxonomy


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
    updates = []
    for row in documents_to_classify(db):
        total += 1
        doc = document_from_row(row)
        new = classify_fields(doc, columns_by_site.get(row["site"]), taxonomy)
        by_category[new["category"]] += 1
        by_source[new["category_source"]] += 1
        if any(new[f] != row[f] for f in FIELDS):
            updates.append({**new, "id": row["id"]})
    update_classification(db, updates)
    changed = len(updates)
    return {
        "documents": total,
        "changed": changed,
        "by_category": dict(by_category.most_common()),
        "by_source": dict(by_source.most_common()),
    }
