"""WARC pointers on captures; downloaded attachment files with their text, searchable.

- captures gain warc_file (relative to the database's directory), warc_offset and
  warc_length (one gzip member), warc_record_id, warc_type ("response" | "revisit"),
  warc_payload_digest (sha1 base32, as in the record) and warc_date: enough to re-read and
  check the evidence copy of every capture (``gongkai verify``) and to write revisits.
- attachment_files: one row per distinct file content (sha256), however many documents link
  it; the bytes live content-addressed under ``<db dir>/files/``. media_type is sniffed from
  the bytes; declared_type/extension are what the server and URL claimed; type_note says
  when they disagree. status is extracted | no text | failed | no extractor | empty file.
- attachment_files_fts: the same bigram index form and conventions as documents_fts.
- attachment_status (view): each linked attachment with its latest fetch and file, so a
  0-byte, lying or over-limit file is visible with its reason.
"""

from __future__ import annotations

import sqlite_utils

CAPTURE_COLUMNS = {
    "warc_file": str,
    "warc_offset": int,
    "warc_length": int,
    "warc_record_id": str,
    "warc_type": str,
    "warc_payload_digest": str,
    "warc_date": str,
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS attachment_files (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    media_type TEXT,
    declared_type TEXT,
    extension TEXT,
    type_note TEXT,
    stored_path TEXT NOT NULL,
    extractor TEXT,
    status TEXT NOT NULL,
    error TEXT,
    text TEXT,
    text_chars INTEGER,
    first_url TEXT NOT NULL,
    first_seen TEXT NOT NULL
);

CREATE VIRTUAL TABLE IF NOT EXISTS attachment_files_fts USING fts5(
    text, tokenize = 'unicode61'
);

CREATE INDEX IF NOT EXISTS captures_warc_record_id ON captures(warc_record_id);

CREATE VIEW IF NOT EXISTS attachment_status AS
SELECT a.id, a.document_id, a.url, a.name, a.ext,
       c.id AS capture_id, c.status AS http_status, c.error AS fetch_error, c.size AS bytes,
       f.id AS file_id, f.sha256, f.media_type, f.type_note, f.extractor,
       f.status AS text_status, f.error AS text_error, f.text_chars
FROM attachments a
LEFT JOIN captures c ON c.id = (
    SELECT max(id) FROM captures WHERE url = a.url AND kind IN ('attachment', 'failure')
)
LEFT JOIN attachment_files f ON f.sha256 = c.sha256 AND c.error IS NULL;
"""


def apply(db: sqlite_utils.Database) -> None:
    """Add the WARC pointer columns and the attachment file tables (idempotent)."""
    existing = db["captures"].columns_dict
    for name, kind in CAPTURE_COLUMNS.items():
        if name not in existing:
            db["captures"].add_column(name, kind)
    db.executescript(SCHEMA)
