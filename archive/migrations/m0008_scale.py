"""A million documents on one machine (issue 14): a lean search index, search facets, a post-crawl queue.

- documents_fts becomes *contentless* (``content=''``): it keeps the index, not a second copy
  of every document as bigram text (about 2.8 characters of index text per character of body,
  the largest single item of the old file). Queries, bm25 and Datasette's ``_search`` work as
  before; a row is removed with FTS5's 'delete' command and the bigram text of the title and
  body it was indexed with, which the writer recomputes from the stored document
  (archive.search.cjk_bigrams must therefore never change without a migration that rebuilds
  the index). An existing index is rebuilt from documents once.
- search_facets: one narrow row per document with what search filters, counts and orders by
  (agency, category, year, source, publication day, near-duplicate group), kept by triggers on
  documents and reports, so search reads 40 bytes per hit instead of a document row. ``year``
  is the year a report reports on (reports.year), else the publication year; ``source`` is
  'report' for a document with a reports row.
- postcrawl_queue: every document inserted, or whose text, title or column changed, gets a
  sequence number (triggers); each post-crawl step records in postcrawl_progress how far it
  has read, so an unchanged crawl costs the steps nothing.
- near_dup_lsh: the near-duplicate LSH index (band key, document) kept in the archive, so a
  post-crawl run finds a changed document's candidates with one query (archive.near_dups).
- archive_options: ``page_bodies`` is 'warc' for a new archive (a capture's body is kept only
  in its WARC record; the row points at it) and 'sqlite' for an archive that already stored
  bodies (nothing changes for it); ``last_full_check`` is when PRAGMA quick_check last passed.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from archive.search import cjk_bigrams

CONTENTLESS_FTS = (
    "CREATE VIRTUAL TABLE documents_fts USING fts5(title, body, content='', tokenize = 'unicode61')"
)
# FTS5 flushes its in-memory index to a new segment whenever it exceeds 1 MB (about 100
# documents), then merges those segments: a 16 MB budget lets one batch of the writer become
# one segment (measured 1,310 -> 1,990 documents/s of FTS inserts at 500 per batch).
FTS_HASHSIZE = 16 * 1024 * 1024

SEARCH_YEAR = """coalesce(
    (SELECT CAST(r.year AS TEXT) FROM reports r WHERE r.document_id = {doc}.id AND r.year IS NOT NULL),
    substr({doc}.published_at, 1, 4))"""
SEARCH_SOURCE = (
    "CASE WHEN EXISTS (SELECT 1 FROM reports r WHERE r.document_id = {doc}.id)"
    " THEN 'report' ELSE 'document' END"
)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS search_facets (
    id INTEGER PRIMARY KEY,
    agency TEXT,
    category TEXT,
    year TEXT,
    source TEXT NOT NULL,
    day TEXT NOT NULL,
    fold INTEGER
);
CREATE INDEX IF NOT EXISTS search_facets_agency ON search_facets(agency, day);
CREATE INDEX IF NOT EXISTS search_facets_category ON search_facets(category, day);
CREATE INDEX IF NOT EXISTS search_facets_year ON search_facets(year, day);
CREATE INDEX IF NOT EXISTS search_facets_fold ON search_facets(fold) WHERE fold IS NOT NULL;

CREATE TRIGGER IF NOT EXISTS search_facets_insert AFTER INSERT ON documents BEGIN
    INSERT OR REPLACE INTO search_facets (id, agency, category, year, source, day, fold)
    VALUES (NEW.id, NEW.agency, NEW.category, {SEARCH_YEAR.format(doc="NEW")},
            {SEARCH_SOURCE.format(doc="NEW")}, coalesce(NEW.published_at, ''), NEW.near_dup_group);
END;
CREATE TRIGGER IF NOT EXISTS search_facets_update
AFTER UPDATE OF agency, category, published_at, near_dup_group ON documents BEGIN
    UPDATE search_facets SET agency = NEW.agency, category = NEW.category,
        year = {SEARCH_YEAR.format(doc="NEW")}, day = coalesce(NEW.published_at, ''),
        fold = NEW.near_dup_group
    WHERE id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS search_facets_delete AFTER DELETE ON documents BEGIN
    DELETE FROM search_facets WHERE id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS search_facets_report_insert AFTER INSERT ON reports BEGIN
    UPDATE search_facets SET source = 'report',
        year = coalesce(CAST(NEW.year AS TEXT), year) WHERE id = NEW.document_id;
END;
CREATE TRIGGER IF NOT EXISTS search_facets_report_update
AFTER UPDATE OF year, document_id ON reports BEGIN
    UPDATE search_facets SET source = {SEARCH_SOURCE.format(doc="d")},
        year = {SEARCH_YEAR.format(doc="d")}
    FROM (SELECT id, published_at FROM documents WHERE id IN (OLD.document_id, NEW.document_id)) d
    WHERE search_facets.id = d.id;
END;
CREATE TRIGGER IF NOT EXISTS search_facets_report_delete AFTER DELETE ON reports BEGIN
    UPDATE search_facets SET source = 'document',
        year = (SELECT substr(published_at, 1, 4) FROM documents WHERE id = OLD.document_id)
    WHERE id = OLD.document_id;
END;

-- AUTOINCREMENT: numbers are never reused after the queue is emptied.
CREATE TABLE IF NOT EXISTS postcrawl_queue (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS postcrawl_progress (
    step TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    updated_at TEXT
);
CREATE TRIGGER IF NOT EXISTS postcrawl_queue_insert AFTER INSERT ON documents BEGIN
    INSERT INTO postcrawl_queue (document_id) VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS postcrawl_queue_update
AFTER UPDATE OF content_sha256, title, column_name, category_label ON documents
WHEN OLD.content_sha256 IS NOT NEW.content_sha256 OR OLD.title IS NOT NEW.title
  OR OLD.column_name IS NOT NEW.column_name OR OLD.category_label IS NOT NEW.category_label
BEGIN
    INSERT INTO postcrawl_queue (document_id) VALUES (NEW.id);
END;

CREATE TABLE IF NOT EXISTS near_dup_lsh (
    key INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    PRIMARY KEY (key, document_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS archive_options (
    name TEXT PRIMARY KEY,
    value TEXT
);
"""

FILL_FACETS = f"""
INSERT OR REPLACE INTO search_facets (id, agency, category, year, source, day, fold)
SELECT d.id, d.agency, d.category, {SEARCH_YEAR.format(doc="d")}, {SEARCH_SOURCE.format(doc="d")},
       coalesce(d.published_at, ''), d.near_dup_group
FROM documents d WHERE d.id NOT IN (SELECT id FROM search_facets)
"""


def is_contentless(db: sqlite_utils.Database) -> bool:
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'").fetchone()
    return bool(sql) and "content=''" in sql[0].replace(" ", "")


def rebuild_search_index(db: sqlite_utils.Database, chunk: int = 2000) -> None:
    """Replace documents_fts by a contentless index of every document's bigram text."""
    db.execute("DROP TABLE IF EXISTS documents_fts")
    db.execute(CONTENTLESS_FTS)
    configure_search_index(db)
    last = 0
    while True:
        rows = db.execute(
            "SELECT id, title, body FROM documents WHERE id > ? ORDER BY id LIMIT ?", [last, chunk]
        ).fetchall()
        if not rows:
            return
        db.conn.executemany(
            "INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)",
            [(i, cjk_bigrams(t), cjk_bigrams(b)) for i, t, b in rows],
        )
        last = rows[-1][0]


def configure_search_index(db: sqlite_utils.Database) -> None:
    try:
        db.execute(
            "INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', ?)", [FTS_HASHSIZE]
        )
    except sqlite3.OperationalError:  # an SQLite without the option keeps its default
        pass


def apply(db: sqlite_utils.Database) -> None:
    """Contentless documents_fts, search_facets, the post-crawl queue and archive options."""
    if not is_contentless(db):
        rebuild_search_index(db)
    db.executescript(SCHEMA)
    db.execute(FILL_FACETS)
    keeps_bodies = db.execute("SELECT 1 FROM captures WHERE body IS NOT NULL LIMIT 1").fetchone()
    db.execute(
        "INSERT OR IGNORE INTO archive_options (name, value) VALUES ('page_bodies', ?)",
        ["sqlite" if keeps_bodies else "warc"],
    )
