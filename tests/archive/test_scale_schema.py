"""m0008 (issue 14): summaries kept by triggers agree with the rows they summarise, and an
archive written before it is migrated in place."""

from __future__ import annotations

import sqlite3

from archive.db import open_archive
from archive.migrations import m0008_scale
from archive.search import cjk_bigrams
from archive.store import ArchiveWriter
from tests.pages import write

AGENCY_TRUTH = """
SELECT coalesce(agency, ''), count(*), min(published_at), max(published_at), max(first_seen)
FROM documents GROUP BY 1 ORDER BY 1"""
FACETS_TRUTH = """
SELECT d.id, d.agency, d.category,
       coalesce(CAST(r.year AS TEXT), nullif(substr(d.published_at, 1, 4), '')),
       r.id IS NOT NULL, coalesce(d.published_at, ''), d.near_dup_group
FROM documents d LEFT JOIN reports r ON r.document_id = d.id ORDER BY d.id"""
FACETS_STORED = """
SELECT f.id, a.value, c.value, y.value, f.report, f.day, f.fold FROM search_facets f
LEFT JOIN facet_codes a ON a.kind = 'agency' AND a.code = f.agency
LEFT JOIN facet_codes c ON c.kind = 'category' AND c.code = f.category
LEFT JOIN facet_codes y ON y.kind = 'year' AND y.code = f.year ORDER BY f.id"""


def rows(path, sql):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def crawl(path, capture, document, pages):
    with ArchiveWriter(path, batch_size=3) as writer:
        crawl_id = writer.start_crawl("sample-test")
        for url, fields in pages:
            write(
                writer,
                capture(crawl_id, url, fetched_at=fields.pop("seen")),
                document(url, **fields),
            )


def test_summaries_follow_inserts_updates_and_reports(db_path, capture, document):
    crawl(db_path, capture, document, [
        ("http://a.test/1", {"agency": "甲局", "published_at": "2021-03-01", "seen": "2024-05-01T00:00:00Z", "body": "一"}),
        ("http://a.test/2", {"agency": "甲局", "published_at": "2022-01-20", "seen": "2024-05-02T00:00:00Z", "body": "二"}),
        ("http://a.test/3", {"agency": None, "published_at": None, "seen": "2024-05-03T00:00:00Z", "body": "三"}),
    ])  # fmt: skip
    assert rows(db_path, "SELECT * FROM agency_stats ORDER BY 1") == rows(db_path, AGENCY_TRUTH)
    # A changed page moves a document to another agency and date.
    crawl(db_path, capture, document, [
        ("http://a.test/2", {"agency": "乙局", "published_at": "2020-06-06", "seen": "2024-06-01T00:00:00Z", "body": "二改"}),
    ])  # fmt: skip
    assert rows(db_path, "SELECT * FROM agency_stats ORDER BY 1") == rows(db_path, AGENCY_TRUTH)
    assert rows(db_path, "SELECT agency, documents FROM agency_stats ORDER BY 1") == [
        ("", 1), ("乙局", 1), ("甲局", 1)
    ]  # fmt: skip
    with sqlite3.connect(db_path) as conn:  # a report on 2019, published in 2020, and a group
        conn.execute("INSERT INTO reports (document_id, year, parsed_at) VALUES (2, 2019, 'now')")
        conn.execute("UPDATE documents SET near_dup_group = 1 WHERE id IN (1, 3)")
    assert rows(db_path, FACETS_STORED) == rows(db_path, FACETS_TRUTH)
    assert rows(db_path, "SELECT report FROM search_facets WHERE id = 2") == [(1,)]
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM reports")
    assert rows(db_path, FACETS_STORED) == rows(db_path, FACETS_TRUTH)


def test_an_archive_from_before_m0008_is_migrated_in_place(db_path, capture, document):
    crawl(db_path, capture, document, [
        ("http://a.test/1", {"agency": "甲局", "seen": "2024-05-01T00:00:00Z", "body": "义务教育招生工作"}),
        ("http://a.test/2", {"agency": "乙局", "seen": "2024-05-01T00:00:00Z", "body": "财政预算"}),
    ])  # fmt: skip
    db = open_archive(db_path)
    # Undo m0008 as an older gongkai would have left the file: a content FTS table holding
    # bigram text, a body in every version, no summaries.
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f"DROP TRIGGER {name}")
    for table in (
        "search_facets",
        "facet_codes",
        "agency_stats",
        "archive_options",
        "documents_fts",
    ):
        db.execute(f"DROP TABLE {table}")
    db.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, body, tokenize = 'unicode61')")
    db.conn.executemany(
        "INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)",
        [
            (i, cjk_bigrams(t), cjk_bigrams(b))
            for i, t, b in db.execute("SELECT id, title, body FROM documents")
        ],
    )
    db.execute(
        "UPDATE document_versions SET body = (SELECT body FROM documents WHERE id = document_id)"
    )
    db.execute("UPDATE captures SET body = x'00'")
    db.execute("DELETE FROM schema_migrations WHERE name = 'm0008_scale'")
    db.conn.commit()
    db.close()
    db = open_archive(db_path)  # migrates
    assert m0008_scale.is_contentless(db)
    match = "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?"
    assert db.execute(match, ['"义务 务教 教育"']).fetchall() == [(1,)]
    assert db.execute(
        "SELECT count(*) FROM document_versions WHERE body IS NOT NULL"
    ).fetchone() == (0,)
    assert db.execute(
        "SELECT value FROM archive_options WHERE name = 'page_bodies'"
    ).fetchone() == ("sqlite",)
    db.close()
    assert rows(db_path, FACETS_STORED) == rows(db_path, FACETS_TRUTH)
    assert rows(db_path, "SELECT * FROM agency_stats ORDER BY 1") == rows(db_path, AGENCY_TRUTH)
