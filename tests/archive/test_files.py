"""Content-addressed attachment files: stored once, text searchable like documents."""

from __future__ import annotations

import hashlib

from archive.db import open_archive
from archive.files import stored_path, write_attachment_files
from archive.search import to_fts_query

READING = {
    "media_type": "application/pdf", "status": "extracted", "extractor": "pdfminer.six",
    "text": "濉溪县2021年部门预算公开说明", "error": None, "extension": "pdf", "type_note": None,
}  # fmt: skip


def capture(url: str, body: bytes, **extra) -> dict:
    return {"url": url, "final_url": url, "kind": "attachment", "body": body, "error": None,
            "headers": {"Content-Type": "application/pdf"}, "fetched_at": "2024-05-01T08:00:00Z",
            "attachment": READING, **extra}  # fmt: skip


def test_same_file_from_two_documents_is_stored_once(tmp_path):
    db = open_archive(tmp_path / "a.db")
    body = b"%PDF-1.4 same bytes"
    with db.conn:
        added = write_attachment_files(
            db.conn,
            tmp_path,
            [capture("http://a.test/1.pdf", body), capture("http://a.test/2.pdf", body)],
        )
    sha = hashlib.sha256(body).hexdigest()
    assert added == 1
    assert (tmp_path / stored_path(sha)).read_bytes() == body
    assert [p for p in (tmp_path / "files").rglob("*") if p.is_file()] == [
        tmp_path / stored_path(sha)
    ]
    row = db.execute("select first_url, size, status from attachment_files").fetchall()
    assert row == [("http://a.test/1.pdf", len(body), "extracted")]


def test_attachment_text_found_with_the_documents_search(tmp_path):
    db = open_archive(tmp_path / "a.db")
    with db.conn:
        write_attachment_files(db.conn, tmp_path, [capture("http://a.test/1.pdf", b"%PDF-1")])
    for query, hits in [("预算", 1), ("部门预算公开", 1), ("决算", 0), ("濉溪 2021年", 1)]:
        found = db.execute(
            "select count(*) from attachment_files_fts where attachment_files_fts match ?",
            [to_fts_query(query)],
        ).fetchone()[0]
        assert found == hits, query


def test_failed_fetch_or_missing_reading_stores_nothing(tmp_path):
    db = open_archive(tmp_path / "a.db")
    with db.conn:
        added = write_attachment_files(
            db.conn, tmp_path,
            [capture("http://a.test/1.pdf", b"x", error="HTTP 404"),
             capture("http://a.test/2.pdf", b"y", attachment=None),
             capture("http://a.test/3.html", b"z", kind="detail")],
        )  # fmt: skip
    assert added == 0 and not (tmp_path / "files").exists()
