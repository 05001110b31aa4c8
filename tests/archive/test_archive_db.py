import os
import sqlite3

import pytest

from archive import migrations
from archive.db import ArchiveError, open_archive
from archive.store import ArchiveWriter
from tests.pages import write

CORE_TABLES = {
    "schema_migrations",
    "crawls",
    "captures",
    "documents",
    "attachments",
    "documents_fts",
}


def test_new_archive_has_core_schema_in_wal_mode(db_path):
    db = open_archive(db_path)
    assert CORE_TABLES <= set(db.table_names())
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert {"documents_site", "documents_agency", "documents_published_at", "captures_url"} <= {
        row[0] for row in db.execute("select name from sqlite_master where type = 'index'")
    }
    db.close()


def test_migrations_run_in_number_order_and_are_recorded_once(db_path):
    names = [name for name, _ in migrations.discover()]
    assert names[0] == "m0001_core"
    assert names == sorted(names)
    open_archive(db_path).close()
    db = open_archive(db_path)
    recorded = [row["name"] for row in db.query("select name from schema_migrations")]
    assert recorded == names
    db.close()


def test_applying_every_migration_twice_changes_nothing(db_path):
    db = open_archive(db_path)
    schema = db.execute("select type, name, sql from sqlite_master order by name").fetchall()
    for _, module in migrations.discover():
        module.apply(db)
    assert (
        db.execute("select type, name, sql from sqlite_master order by name").fetchall() == schema
    )
    db.close()


def test_reopening_keeps_data(db_path):
    with ArchiveWriter(db_path) as writer:
        writer.start_crawl("sample-test")
    db = open_archive(db_path)
    assert db["crawls"].count == 1
    db.close()


def one_line_error(path, **kwargs) -> str:
    with pytest.raises(ArchiveError) as info:
        open_archive(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_missing_directory(tmp_path):
    assert "does not exist" in one_line_error(tmp_path / "nope" / "gongkai.db")


def test_missing_file_without_create(db_path):
    assert "does not exist" in one_line_error(db_path, create=False)


def test_text_file_named_db(db_path):
    db_path.write_text("这不是数据库\n" * 100)
    assert one_line_error(db_path) == f"{db_path} is not a SQLite database"


def test_truncated_database(db_path, capture, document):
    with ArchiveWriter(db_path, batch_size=50) as writer:
        crawl = writer.start_crawl("sample-test")
        for i in range(300):
            url = f"http://a.test/{i}"
            write(
                writer, capture(crawl, url, body=os.urandom(2000)), document(url, body="正文" * 200)
            )
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    assert "is corrupt" in one_line_error(db_path)


def test_unwritable_file(db_path, monkeypatch):
    open_archive(db_path).close()
    # Tests run as root in CI, where chmod does not stop writes: fake the permission check.
    monkeypatch.setattr("archive.db.os.access", lambda path, mode: False)
    assert one_line_error(db_path) == f"archive {db_path} is not writable"


def test_unwritable_directory(db_path, monkeypatch):
    monkeypatch.setattr("archive.db.os.access", lambda path, mode: False)
    assert "directory is not writable" in one_line_error(db_path)


def test_stock_sqlite_can_read_and_write_the_archive(db_path):
    open_archive(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("insert into documents_fts (rowid, title, body) values (7, '教育', '')")
        assert conn.execute(
            "select rowid from documents_fts where documents_fts match '\"教育\"'"
        ).fetchall() == [(7,)]


def test_every_foreign_key_column_is_indexed(db_path):
    """With foreign_keys on, inserting a parent row that a DEFERRABLE child references scans
    the child table when the child column has no index: measured 127 docs/s at 10k documents
    (quadratic) against ~800 docs/s with the indexes. Every migration must index its
    REFERENCES columns."""
    db = open_archive(db_path)
    missing = []
    for table in db.table_names():
        indexed = {
            db.execute(f"PRAGMA index_info([{index[1]}])").fetchone()[2]
            for index in db.execute(f"PRAGMA index_list([{table}])")
        }
        primary = {col[1] for col in db.execute(f"PRAGMA table_info([{table}])") if col[5]}
        for fk in db.execute(f"PRAGMA foreign_key_list([{table}])"):
            if fk[3] not in indexed | primary:
                missing.append(f"{table}.{fk[3]} -> {fk[2]}")
    db.close()
    assert missing == []


def test_quick_check_runs_once_per_process_and_then_once_a_day(db_path, monkeypatch):
    """PRAGMA quick_check reads the whole file (7-17 s at a million documents, issue 14): a
    crawl checks once, not again for its writer, and an hourly crawl fully once a day."""
    import archive.db

    calls = []
    real = archive.db.quick_check
    monkeypatch.setattr(
        archive.db, "quick_check", lambda conn, path: calls.append(path) or real(conn, path)
    )
    monkeypatch.setattr(archive.db, "_CHECKED_IN_THIS_PROCESS", {})
    open_archive(db_path).close()
    open_archive(db_path).close()
    assert len(calls) == 1
    monkeypatch.setattr(
        archive.db, "_CHECKED_IN_THIS_PROCESS", {}
    )  # another process, an hour later
    open_archive(db_path).close()
    assert len(calls) == 1
    with sqlite3.connect(db_path) as conn:  # a day later
        conn.execute(
            "update archive_options set value = '2020-01-01T00:00:00Z' where name = 'last_full_check'"
        )
    monkeypatch.setattr(archive.db, "_CHECKED_IN_THIS_PROCESS", {})
    open_archive(db_path).close()
    assert len(calls) == 2


def test_truncation_is_caught_without_quick_check(db_path, capture, document):
    with ArchiveWriter(db_path, batch_size=50) as writer:
        crawl = writer.start_crawl("sample-test")
        for i in range(100):
            url = f"http://a.test/{i}"
            write(
                writer, capture(crawl, url, body=os.urandom(2000)), document(url, body="正文" * 200)
            )
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) - 4096])
    assert "is shorter than its header says" in one_line_error(db_path, check=False)
