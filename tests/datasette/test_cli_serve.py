"""gongkai serve: unusable databases and ports give one line and exit 2, never a traceback."""

import socket

import pytest
from click.testing import CliRunner

from crawler.cli.serve import serve


def run(*args):
    result = CliRunner().invoke(serve, list(args))
    return result.exit_code, result.stderr.strip()


def test_missing_database(tmp_path):
    code, stderr = run("--db", str(tmp_path / "missing.db"))
    assert code == 2
    assert stderr == f"gongkai: error: archive {tmp_path / 'missing.db'} does not exist"


def test_missing_directory(tmp_path):
    code, stderr = run("--db", str(tmp_path / "nope" / "x.db"))
    assert code == 2
    assert "does not exist" in stderr and "\n" not in stderr


@pytest.mark.parametrize(
    "content",
    [b"not a database\n" * 50, b"SQLite format 3\x00" + b"\x00" * 50],
    ids=["text", "truncated"],
)
def test_corrupt_database(tmp_path, content):
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    code, stderr = run("--db", str(path))
    assert code == 2
    assert stderr.startswith("gongkai: error: ") and "\n" not in stderr
    assert "Traceback" not in stderr


def test_sqlite_file_that_is_not_an_archive(tmp_path):
    import sqlite3

    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("create table t (x)").connection.close()
    code, stderr = run("--db", str(path))
    assert (code, stderr) == (
        2,
        f"gongkai: error: {path} is not a gongkai archive (no documents table)",
    )


def test_port_in_use(archive_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, stderr = run("--db", str(archive_path), "--port", str(port))
    assert code == 2
    assert stderr.startswith(f"gongkai: error: cannot listen on 127.0.0.1:{port}")
