"""Annual disclosure reports as data: reports, their table cells, prose claims and checks.

- reports: one row per archived document detected as an annual report (政府信息公开工作年度报告,
  政务公开工作总结, …年报), with year, agency, table format and the 主动公开 total.
- report_cells: tidy table cells (table 二/三/四/统计表, row and column label paths, value, raw text).
- report_claims: per-category 主动公开 counts stated in the prose, mapped to taxonomy names.
- report_checks: internal consistency checks, ok 1/0, or NULL when the report states too little.
- report_reconciliation (view): per report, each claimed category count beside the number of
  archived documents of that category the same bureau published that year, and the difference.
  It needs documents.category (m0002); without it the archived side is NULL.
"""

from __future__ import annotations

import sqlite_utils

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id),
    capture_id INTEGER REFERENCES captures(id),
    site TEXT,
    agency TEXT,
    year INTEGER,
    title TEXT,
    url TEXT,
    published_at TEXT,
    format TEXT,
    proactive_total INTEGER,
    claims_total INTEGER,
    cells_count INTEGER NOT NULL DEFAULT 0,
    checks_failed INTEGER NOT NULL DEFAULT 0,
    prose_counts TEXT,
    warnings TEXT,
    content_sha256 TEXT,
    parsed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_agency_year ON reports(agency, year);
CREATE INDEX IF NOT EXISTS reports_site_year ON reports(site, year);
CREATE INDEX IF NOT EXISTS reports_capture ON reports(capture_id);

CREATE TABLE IF NOT EXISTS report_cells (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    position INTEGER NOT NULL,
    table_name TEXT NOT NULL,
    row_label TEXT NOT NULL,
    column_label TEXT NOT NULL,
    value NUMERIC,
    unit TEXT,
    raw TEXT
);
CREATE INDEX IF NOT EXISTS report_cells_report ON report_cells(report_id, table_name);

CREATE TABLE IF NOT EXISTS report_claims (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    position INTEGER NOT NULL,
    category TEXT NOT NULL,
    label TEXT NOT NULL,
    count INTEGER
);
CREATE INDEX IF NOT EXISTS report_claims_report ON report_claims(report_id);

CREATE TABLE IF NOT EXISTS report_checks (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    name TEXT NOT NULL,
    ok INTEGER,
    expected NUMERIC,
    actual NUMERIC,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS report_checks_report ON report_checks(report_id);
"""

# Archived documents "of the same bureau": same site profile, and the same agency when both
# name one. Year is the calendar year of published_at (as written, Asia/Shanghai).
_SAME_BUREAU_YEAR = """
    d.site = r.site
    AND (r.agency IS NULL OR d.agency IS NULL OR d.agency = r.agency)
    AND CAST(substr(d.published_at, 1, 4) AS INTEGER) = r.year
    AND d.id != r.document_id
"""

RECONCILIATION_VIEW = f"""
CREATE VIEW report_reconciliation AS
WITH claimed AS (
    SELECT r.id AS report_id, r.agency, r.year, c.position, c.category, c.label,
           c.count AS claimed,
           (SELECT count(*) FROM documents d
            WHERE d.category = c.category AND {_SAME_BUREAU_YEAR}) AS archived
    FROM report_claims c JOIN reports r ON r.id = c.report_id
),
unclaimed AS (
    -- Categories the archive holds for that bureau and year that the report does not mention.
    SELECT r.id AS report_id, r.agency, r.year, d.category, count(*) AS archived
    FROM reports r JOIN documents d ON {_SAME_BUREAU_YEAR}
    WHERE d.category IS NOT NULL
      AND EXISTS (SELECT 1 FROM report_claims x WHERE x.report_id = r.id)
      AND NOT EXISTS (SELECT 1 FROM report_claims x
                      WHERE x.report_id = r.id AND x.category = d.category)
    GROUP BY r.id, d.category
)
SELECT report_id, agency, year, position, category, label, claimed, archived,
       archived - claimed AS difference
FROM claimed
UNION ALL
SELECT report_id, agency, year, NULL, category, NULL, NULL, archived, NULL
FROM unclaimed
"""

# Without documents.category the archived side is unknown: NULL, not zero.
RECONCILIATION_VIEW_NO_CATEGORY = """
CREATE VIEW report_reconciliation AS
SELECT r.id AS report_id, r.agency, r.year, c.position, c.category, c.label,
       c.count AS claimed, NULL AS archived, NULL AS difference
FROM report_claims c JOIN reports r ON r.id = c.report_id
"""


def apply(db: sqlite_utils.Database) -> None:
    """Create the report tables and the reconciliation view (recreated, so it tracks columns)."""
    db.executescript(SCHEMA)
    has_category = "category" in db["documents"].columns_dict
    db.execute("DROP VIEW IF EXISTS report_reconciliation")
    db.execute(RECONCILIATION_VIEW if has_category else RECONCILIATION_VIEW_NO_CATEGORY)
    if has_category:
        db.execute(
            "CREATE INDEX IF NOT EXISTS documents_site_category ON documents(site, category)"
        )
