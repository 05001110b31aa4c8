"""Classification and duplicate evidence: category columns, sightings, versions, near-dup groups.

- documents gain published_year (generated from published_at, for the year facet) and
  category, category_source, category_raw, category_reason, genre (written by
  the store from the pipeline's classifier; rewritten by ``gongkai classify``), dedupe_key
  (exact-duplicate key of the normalised text) and near_dup_group (set after a crawl).
- sightings: every (document, canonical URL, column) under which a document was seen, with
  first/last seen: folding an exact duplicate into one document never loses where it was.
- document_versions: one row per distinct content of a document; a changed page adds a row,
  the old text stays.
- near_dup_groups / near_dup_members: MinHash LSH groups with each member's similarity to
  the group's representative; documents are grouped, never merged.
- near_dup_signatures: cached MinHash signatures, recomputed only when content changes.
"""

from __future__ import annotations

import sqlite_utils

DOCUMENT_COLUMNS = {
    "category": str,
    "category_source": str,
    "category_raw": str,
    "category_reason": str,
    "genre": str,
    "dedupe_key": str,
    "near_dup_group": int,
}

# Capture ids are chosen by the store and their rows written at the end of its batch
# transaction, so references to captures are checked at COMMIT.
SCHEMA = """
CREATE TABLE IF NOT EXISTS sightings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    site TEXT,
    column_name TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    first_capture_id INTEGER REFERENCES captures(id) DEFERRABLE INITIALLY DEFERRED,
    last_capture_id INTEGER REFERENCES captures(id) DEFERRABLE INITIALLY DEFERRED,
    times_seen INTEGER NOT NULL DEFAULT 1
);
-- A missing column is NULL (nothing invented); coalesce makes NULL columns collide as one.
CREATE UNIQUE INDEX IF NOT EXISTS sightings_key
    ON sightings(document_id, canonical_url, coalesce(column_name, ''));
CREATE INDEX IF NOT EXISTS sightings_canonical_url ON sightings(canonical_url);
-- Every REFERENCES column is indexed: an unindexed child column makes each parent insert scan it.
CREATE INDEX IF NOT EXISTS sightings_first_capture ON sightings(first_capture_id);
CREATE INDEX IF NOT EXISTS sightings_last_capture ON sightings(last_capture_id);

CREATE TABLE IF NOT EXISTS document_versions (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    version INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    title TEXT,
    body TEXT,
    published_at TEXT,
    metadata TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    capture_id INTEGER REFERENCES captures(id) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (document_id, version)
);
CREATE INDEX IF NOT EXISTS document_versions_capture ON document_versions(capture_id);

CREATE TABLE IF NOT EXISTS near_dup_groups (
    id INTEGER PRIMARY KEY,
    representative_id INTEGER NOT NULL REFERENCES documents(id),
    size INTEGER NOT NULL,
    min_similarity REAL NOT NULL,
    threshold REAL NOT NULL,
    shingle_size INTEGER NOT NULL,
    num_perm INTEGER NOT NULL,
    computed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS near_dup_groups_representative ON near_dup_groups(representative_id);

CREATE TABLE IF NOT EXISTS near_dup_members (
    group_id INTEGER NOT NULL REFERENCES near_dup_groups(id),
    document_id INTEGER NOT NULL REFERENCES documents(id),
    similarity REAL NOT NULL,
    PRIMARY KEY (group_id, document_id)
);
CREATE INDEX IF NOT EXISTS near_dup_members_document ON near_dup_members(document_id);

CREATE TABLE IF NOT EXISTS near_dup_signatures (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    content_sha256 TEXT NOT NULL,
    shingle_size INTEGER NOT NULL,
    num_perm INTEGER NOT NULL,
    scheme TEXT NOT NULL,
    signature BLOB NOT NULL
);
"""

INDEXES = """
CREATE INDEX IF NOT EXISTS documents_category ON documents(category);
CREATE INDEX IF NOT EXISTS documents_genre ON documents(genre);
CREATE INDEX IF NOT EXISTS documents_dedupe_key ON documents(dedupe_key);
CREATE INDEX IF NOT EXISTS documents_near_dup_group ON documents(near_dup_group);
"""


# Datasette facets on a column, not an expression: the year a document was published, computed
# by SQLite (VIRTUAL: nothing stored, nothing for the store to write).
PUBLISHED_YEAR = (
    "ALTER TABLE documents ADD COLUMN published_year TEXT"
    " GENERATED ALWAYS AS (substr(published_at, 1, 4)) VIRTUAL"
)


def apply(db: sqlite_utils.Database) -> None:
    """Add the classification columns and create the dedupe tables, if missing."""
    # table_xinfo, not table_info: generated columns are hidden from the latter.
    existing = {row[1] for row in db.execute("PRAGMA table_xinfo(documents)").fetchall()}
    if "published_year" not in existing:
        db.execute(PUBLISHED_YEAR)
    for name, kind in DOCUMENT_COLUMNS.items():
        if name not in existing:
            db.execute(
                f"ALTER TABLE documents ADD COLUMN {name} {'INTEGER' if kind is int else 'TEXT'}"
            )
    db.executescript(SCHEMA + INDEXES)
