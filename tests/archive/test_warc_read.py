"""A new archive keeps page bodies only in WARC (issue 14, item 6): every body reads back."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import sqlite3

import pytest

from archive.db import open_archive
from archive.read import capture_page, latest_response
from archive.serve import build_datasette
from archive.warc_verify import verify_archive
from tests.pages import write


@pytest.fixture(scope="module")
def archive(sample_crawl):
    return sample_crawl.db


def test_a_new_archive_keeps_page_bodies_in_warc_only(archive):
    with sqlite3.connect(f"file:{archive}?mode=ro", uri=True) as conn:
        option = conn.execute("select value from archive_options where name = 'page_bodies'")
        assert option.fetchone() == ("warc",)
        kept = conn.execute("select kind, count(*) from captures where body is not null group by 1")
        assert kept.fetchall() == []  # the sample sites' pages and attachments are all in WARC
        assert conn.execute("select count(*) from captures where size > 0").fetchone()[0] > 100


def test_every_body_reads_back_from_its_record(archive):
    """Responses and revisits alike: the body read back hashes to the capture's sha256."""
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    rows = conn.execute(
        "select id, sha256, warc_type from captures where size > 0 and body is null"
    ).fetchall()
    assert {kind for _, _, kind in rows} == {"response", "revisit"}
    for capture_id, sha, _ in rows:
        body, _ = capture_page(conn, capture_id)
        assert hashlib.sha256(body).hexdigest() == sha, capture_id
    conn.close()


def test_archived_copy_page_serves_the_warc_body(archive):
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    capture_id, sha = conn.execute(
        "select id, sha256 from captures where kind = 'detail' and warc_type = 'revisit'"
        " and size > 0 limit 1"
    ).fetchone()
    conn.close()
    datasette = build_datasette(archive)
    response = asyncio.run(datasette.client.get(f"/-/capture/{capture_id}"))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == sha
    assert response.headers["content-security-policy"].startswith("sandbox")


def test_verify_names_a_body_kept_nowhere(archive, tmp_path):
    copy = tmp_path / "gongkai.db"
    shutil.copy(archive, copy)
    shutil.copytree(archive.parent / "warc", tmp_path / "warc")
    with sqlite3.connect(copy) as conn:
        (capture_id,) = conn.execute(
            "select id from captures where size > 0 and body is null limit 1"
        ).fetchone()
        conn.execute("update captures set warc_file = null where id = ?", [capture_id])
    result = verify_archive(copy)
    assert [p for p in result.problems if "body kept nowhere" in p] == [
        p for p in result.problems if p.startswith(f"capture {capture_id} ")
    ]
    assert any(p.startswith(f"capture {capture_id} ") for p in result.problems)


def test_an_archive_that_stored_bodies_keeps_storing_them(tmp_path, capture, document):
    """An archive written before m0008 kept bodies in SQLite; the migration leaves it so."""
    db_path = tmp_path / "old.db"
    db = open_archive(db_path)
    db.execute("delete from archive_options")
    db.execute("delete from schema_migrations where name = 'm0008_scale'")
    db.execute(
        "insert into captures (profile, url, fetched_at, body, kind) values"
        " ('p', 'http://a.test/', '2024-01-01T00:00:00Z', x'00', 'detail')"
    )
    db.conn.commit()
    db.close()
    from archive.store import ArchiveWriter

    with ArchiveWriter(db_path) as writer:
        assert not writer.bodies_in_warc
        crawl = writer.start_crawl("sample-test")
        pointer = {"file": "warc/x.warc.gz", "offset": 0, "length": 1, "type": "response"}
        url = "http://a.test/1"
        write(writer, capture(crawl, url, warc=pointer), document(url))
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select body from captures where url = ?", [url]).fetchone()[0]


def test_latest_response_is_looked_up_by_the_url_its_record_is_under(tmp_path):
    """The WARC writer asks per URL (issue 14: it used to load every capture per profile)."""
    db = open_archive(tmp_path / "a.db")
    captures = [  # url, final_url, type, size, record id
        ("http://a.test/1", "http://a.test/1", "response", 10, "r1"),
        ("http://a.test/1", "http://a.test/1", "response", 10, "r2"),
        ("http://a.test/1", "http://a.test/1", "revisit", 10, "r3"),
        ("http://a.test/old", "http://a.test/new", "response", 10, "r4"),
        ("http://a.test/2", "http://a.test/2", "response", 0, "r5"),
    ]
    for url, final, kind, size, record in captures:
        db.execute(
            "insert into captures (profile, url, final_url, fetched_at, kind, size, warc_type,"
            " warc_record_id, warc_payload_digest, warc_date)"
            " values ('p', ?, ?, 'now', 'detail', ?, ?, ?, 'sha1:X', 'd')",
            [url, final, size, kind, record],
        )
    found = {u: latest_response(db.conn, u) for u in ("http://a.test/1", "http://a.test/new",
                                                      "http://a.test/old", "http://a.test/2")}  # fmt: skip
    assert {u: r and r[2] for u, r in found.items()} == {
        "http://a.test/1": "r2", "http://a.test/new": "r4", "http://a.test/old": None,
        "http://a.test/2": None,
    }  # fmt: skip
    db.close()
