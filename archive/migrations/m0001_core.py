"""Core schema: crawls, captures, documents, attachments and the bigram search index.

Timestamps are UTC ISO 8601 text ("2024-05-01T08:00:00Z"); JSON columns hold text that
Datasette renders as JSON. documents_fts holds *bigram text* (see archive.search), written
by the store, so stock SQLite can both query and write the database without our functions.
"""

from __future__ import annotations

import sqlite_utils

SCHEMA = """
CREATE TABLE IF NOT EXISTS crawls (
    id INTEGER PRIMARY KEY,
    profile TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    documents_new INTEGER NOT NULL DEFAULT 0,
    documents_updated INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    bytes_downloaded INTEGER NOT NULL DEFAULT 0,
    stats TEXT
);

CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    canonical_url TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    site TEXT NOT NULL,
    agency TEXT,
    title TEXT,
    published_at TEXT,
    written_at TEXT,
    index_no TEXT,
    doc_no TEXT,
    column_name TEXT,
    keywords TEXT,
    validity TEXT,
    category_label TEXT,
    breadcrumb TEXT,
    body TEXT,
    field_sources TEXT,
    warnings TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    latest_capture_id INTEGER,
    capture_count INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY,
    crawl_id INTEGER REFERENCES crawls(id),
    profile TEXT NOT NULL,
    url TEXT NOT NULL,
    final_url TEXT,
    status INTEGER,
    headers TEXT,
    fetched_at TEXT NOT NULL,
    body BLOB,
    size INTEGER,
    sha256 TEXT,
    declared_encoding TEXT,
    used_encoding TEXT,
    kind TEXT NOT NULL,
    error TEXT,
    document_id INTEGER REFERENCES documents(id)
);

CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    url TEXT NOT NULL,
    name TEXT,
    ext TEXT,
    UNIQUE (document_id, url)
);

CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
    title, body, tokenize = 'unicode61'
);

CREATE INDEX IF NOT EXISTS documents_site ON documents(site);
CREATE INDEX IF NOT EXISTS documents_agency ON documents(agency);
CREATE INDEX IF NOT EXISTS documents_published_at ON documents(published_at);
CREATE INDEX IF NOT EXISTS captures_url ON captures(url);
CREATE INDEX IF NOT EXISTS captures_crawl_id ON captures(crawl_id);
CREATE INDEX IF NOT EXISTS captures_document_id ON captures(document_id);
CREATE INDEX IF NOT EXISTS captures_sha256 ON captures(sha256);
CREATE INDEX IF NOT EXISTS attachments_url ON attachments(url);
CREATE INDEX IF NOT EXISTS crawls_profile ON crawls(profile);
"""


def apply(db: sqlite_utils.Database) -> None:
    """Create the core tables and indexes if they do not exist."""
    db.executescript(SCHEMA)
