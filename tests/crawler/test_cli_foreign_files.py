"""Refuse what is not ours (issue 15): a writing command pointed at another tool's SQLite
file exits 2 and leaves it byte-identical; `gongkai report` on a non-report exits 1."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main

ROOT = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=["notes-app", "rails-migrations"])
def foreign(request, tmp_path) -> Path:
    path = tmp_path / "notes.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("create table notes (id integer primary key, text text)")
        conn.execute("insert into notes (text) values ('买菜')")
        if request.param == "rails-migrations":  # same table name, another framework's
            conn.execute("create table schema_migrations (version text primary key)")
            conn.execute("insert into schema_migrations values ('20240101000000')")
    conn.close()
    return path


@pytest.mark.parametrize(
    "args",
    [["events"], ["classify"], ["crawl", "--profile", "sample-suixi-jyj", "--proxy",
                                "http://127.0.0.1:9"]],
    ids=["events", "classify", "crawl"],
)  # fmt: skip
def test_writing_commands_leave_a_foreign_file_byte_identical(foreign, args) -> None:
    before = digest(foreign)
    result = CliRunner().invoke(main, [*args, "--db", str(foreign)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("gongkai: error: ") and result.output.count("\n") == 1
    assert "not a gongkai archive" in result.output
    assert digest(foreign) == before
    assert not Path(f"{foreign}-wal").exists()


@pytest.mark.parametrize("command", ["events", "classify"])
def test_reading_commands_refuse_an_empty_file(tmp_path, command) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, [command, "--db", str(empty)])
    assert result.exit_code == 2 and "not a gongkai archive" in result.output
    assert empty.read_bytes() == b""


def test_crawl_still_creates_a_new_archive_in_an_empty_file(tmp_path) -> None:
    from archive.db import open_archive

    path = tmp_path / "new.db"
    path.write_bytes(b"")
    db = open_archive(path)
    assert "documents" in db.table_names()
    db.close()
    db = open_archive(path, create=False)  # and opens it again as an archive
    db.close()


def test_report_on_a_binary_file_exits_1(tmp_path) -> None:
    binary = tmp_path / "image.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    result = CliRunner().invoke(main, ["report", str(binary)])
    assert result.exit_code == 1
    assert result.output.startswith("gongkai: error: ") and "not an annual report" in result.output


def test_report_on_a_news_page_exits_1_with_the_json_object(tmp_path) -> None:
    news = ROOT / "tests/fixtures/samples/trs-utf8-news.html"
    result = CliRunner().invoke(main, ["report", str(news), "--json"])
    assert result.exit_code == 1
    assert '"error": "not an annual report' in result.output
