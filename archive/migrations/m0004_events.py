"""Change history: what each fetch of a known URL showed, per-URL state, and events.

- captures gain ``observation`` (ok | not_modified | missing | blocked | unreachable | error)
  and ``observation_reason`` (why, e.g. "HTTP 404", "soft-404: 该信息已删除"): every fetch of a
  known URL is an observation, and the capture holding it is its evidence.
- url_states: one row per URL the crawler has fetched as a list or document page: the last
  ok capture (200 or 304) and the last one with a body (content_capture_id: a list page
  answered 304 is re-read from it), the current run of consecutive ``missing`` observations,
  list membership and the validators (ETag / Last-Modified) for the next conditional GET.
- events: new, changed, removed, restored, delisted, blocked. A ``removed`` event carries the
  interval [interval_start, interval_end] = [last ok, first missing] and the captures on both
  sides; a ``changed`` event carries a field-level diff (JSON) and a text diff of the body.
  Versions themselves are issue 3's document_versions (m0002); events point at them.
"""

from __future__ import annotations

import sqlite_utils

CAPTURE_COLUMNS = ("observation", "observation_reason")

# Capture id columns carry no REFERENCES clause: with foreign keys on, every captures insert
# would have to look them up (four more indexes to keep per page); the store writes both sides
# in one transaction, so they cannot dangle.
SCHEMA = """
CREATE TABLE IF NOT EXISTS url_states (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    kind TEXT NOT NULL,
    document_id INTEGER REFERENCES documents(id),
    state TEXT NOT NULL,
    missing_count INTEGER NOT NULL DEFAULT 0,
    last_outcome TEXT,
    last_observed_at TEXT,
    last_ok_at TEXT,
    last_ok_capture_id INTEGER,
    content_capture_id INTEGER,
    first_missing_at TEXT,
    first_missing_capture_id INTEGER,
    listed INTEGER,
    last_listed_at TEXT,
    etag TEXT,
    last_modified TEXT
);
CREATE INDEX IF NOT EXISTS url_states_site ON url_states(site, kind);
CREATE INDEX IF NOT EXISTS url_states_document ON url_states(document_id);

CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('new', 'changed', 'removed', 'restored', 'delisted',
                                       'blocked')),
    crawl_id INTEGER REFERENCES crawls(id),
    observed_at TEXT NOT NULL,
    document_id INTEGER REFERENCES documents(id),
    url TEXT NOT NULL,
    site TEXT,
    agency TEXT,
    category TEXT,
    title TEXT,
    reason TEXT,
    interval_start TEXT,
    interval_end TEXT,
    before_capture_id INTEGER,
    after_capture_id INTEGER,
    from_version INTEGER,
    to_version INTEGER,
    field_diff TEXT,
    text_diff TEXT,
    attachments TEXT
);
CREATE INDEX IF NOT EXISTS events_type_time ON events(type, observed_at);
CREATE INDEX IF NOT EXISTS events_time ON events(observed_at);
CREATE INDEX IF NOT EXISTS events_document ON events(document_id);
CREATE INDEX IF NOT EXISTS events_crawl ON events(crawl_id);
CREATE INDEX IF NOT EXISTS events_agency ON events(agency, observed_at);
CREATE INDEX IF NOT EXISTS events_category ON events(category, observed_at);
"""


def apply(db: sqlite_utils.Database) -> None:
    """Add the observation columns to captures and create url_states and events, if missing."""
    existing = {row[1] for row in db.execute("PRAGMA table_info(captures)").fetchall()}
    for name in CAPTURE_COLUMNS:
        if name not in existing:
            db.execute(f"ALTER TABLE captures ADD COLUMN {name} TEXT")
    db.executescript(SCHEMA)
