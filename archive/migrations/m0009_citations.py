"""Citations between documents: each 文号 a document cites, and the archived document it is.

- citations: one row per (citing document, cited 文号, archived match). ``doc_no`` is the
  normalised number as cited, ``title`` the 《title》 written before it, ``raw`` the text as
  written; ``cited_id`` is the archived document with that 文号, NULL when the archive holds
  none (the reference stays listed as text). A number several archived documents carry gives
  one row per document. Written by pipeline.postcrawl.citations after each crawl (only what changed).
"""

from __future__ import annotations

import sqlite_utils

SCHEMA = """
CREATE TABLE IF NOT EXISTS citations (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    position INTEGER NOT NULL,
    doc_no TEXT NOT NULL,
    title TEXT,
    raw TEXT NOT NULL,
    cited_id INTEGER REFERENCES documents(id)
);
CREATE INDEX IF NOT EXISTS citations_document ON citations(document_id);
CREATE INDEX IF NOT EXISTS citations_cited ON citations(cited_id);
CREATE INDEX IF NOT EXISTS citations_doc_no ON citations(doc_no);
"""


def apply(db: sqlite_utils.Database) -> None:
    """Create the citations table and its indexes, if missing."""
    db.executescript(SCHEMA)
