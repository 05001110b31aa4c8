"""The reconciliation view (m0003) counted each claim's archived documents by reading every
document of the bureau's site with that category (3 s and an SQL time-limit error at 100,000
documents, issue 14). The same counts, each from one range of a covering index
(site, category, agency, published_at): a document of the bureau's agency or of no agency,
published in the report's year (published_at is ISO, so the year is a string range).
"""

from __future__ import annotations

import sqlite_utils

INDEX = """
CREATE INDEX IF NOT EXISTS documents_bureau_year
ON documents(site, category, agency, published_at)
"""

# Archived documents of one category for report r: same site; the report's agency (or none
# on the document); published in the report's year; not the report itself.
_YEAR = """d.published_at >= printf('%04d', r.year) AND d.published_at < printf('%04d', r.year + 1)
           AND d.id != r.document_id"""


def _count(category: str) -> str:
    return f"""CASE WHEN r.agency IS NULL THEN
        (SELECT count(*) FROM documents d
         WHERE d.site = r.site AND d.category = {category} AND {_YEAR})
    ELSE
        (SELECT count(*) FROM documents d
         WHERE d.site = r.site AND d.category = {category} AND d.agency = r.agency AND {_YEAR})
      + (SELECT count(*) FROM documents d
         WHERE d.site = r.site AND d.category = {category} AND d.agency IS NULL AND {_YEAR})
    END"""


VIEW = f"""
CREATE VIEW report_reconciliation AS
WITH claimed AS (
    SELECT r.id AS report_id, r.agency, r.year, c.position, c.category, c.label,
           c.count AS claimed, {_count("c.category")} AS archived
    FROM report_claims c JOIN reports r ON r.id = c.report_id
),
unclaimed AS (
    -- Categories the archive holds for that bureau and year that the report does not mention.
    SELECT r.id AS report_id, r.agency, r.year, k.category, {_count("k.category")} AS archived
    FROM reports r
    JOIN (SELECT DISTINCT site, category FROM documents WHERE category IS NOT NULL) k
      ON k.site = r.site
    WHERE EXISTS (SELECT 1 FROM report_claims x WHERE x.report_id = r.id)
      AND NOT EXISTS (SELECT 1 FROM report_claims x
                      WHERE x.report_id = r.id AND x.category = k.category)
)
SELECT report_id, agency, year, position, category, label, claimed, archived,
       archived - claimed AS difference
FROM claimed
UNION ALL
SELECT report_id, agency, year, NULL, category, NULL, NULL, archived, NULL
FROM unclaimed WHERE archived > 0
"""


def apply(db: sqlite_utils.Database) -> None:
    """Index documents by bureau and year and recreate the view over it."""
    db.execute(INDEX)
    db.execute("DROP VIEW IF EXISTS report_reconciliation")
    db.execute(VIEW)
