"""Open the archive database: checks, pragmas, migrations.

Every caller (crawler, CLI, Datasette server, tests) opens the archive through
``open_archive`` so the same checks give the same one-line errors everywhere.
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from archive.migrations import apply_migrations
from archive.timestamps import utc_now

SQLITE_HEADER = b"SQLite format 3\x00"
# Long enough to ride out a concurrent reader's checkpoint, short enough to report a stuck lock.
BUSY_TIMEOUT_MS = 10_000
# PRAGMA quick_check reads the whole file (7-17 s at a million documents): once a day, and
# once per process at most; in between, the header check of check_archive_file.
FULL_CHECK_EVERY = timedelta(hours=24)
_CHECKED_IN_THIS_PROCESS: dict[str, float] = {}
# Recorded in schema_migrations by every archive since the first: what makes a file ours.
FIRST_MIGRATION = "m0001_core"


class ArchiveError(Exception):
    """A database that cannot be used as an archive; the message is one line for the CLI."""


def check_archive_file(path: Path, create: bool = True) -> None:
    """Raise ArchiveError unless ``path`` can be opened (or created) as an archive.

    Cheap checks only (no SQLite connection): directory, file type, header, permissions.
    Reads the header with a plain file handle: call it only when this process has no SQLite
    connection to the file open (see connect_readonly).
    """
    if not path.parent.is_dir():
        raise ArchiveError(f"cannot open archive {path}: directory {path.parent} does not exist")
    if not path.exists():
        if not create:
            raise ArchiveError(f"archive {path} does not exist")
        if not os.access(path.parent, os.W_OK):
            raise ArchiveError(f"cannot create archive {path}: directory is not writable")
        return
    if not path.is_file():
        raise ArchiveError(f"archive {path} is not a file")
    with path.open("rb") as handle:
        header = handle.read(100)
    # An empty file is a valid new database for SQLite; anything else must carry the header.
    if header and header[: len(SQLITE_HEADER)] != SQLITE_HEADER:
        raise ArchiveError(f"{path} is not a SQLite database")
    if len(header) == 100 and path.stat().st_size < header_size(header):
        raise ArchiveError(f"{path} is corrupt: the file is shorter than its header says")


def header_size(header: bytes) -> int:
    """The database size in bytes that a SQLite header states (0 when it states none).

    The in-header size counts only when the change counter (offset 24) equals the
    version-valid-for number (offset 92), as SQLite's file format says.
    """
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] != header[92:96]:
        return 0
    return page_size * pages


def checked_recently(conn: sqlite3.Connection, path: Path) -> bool:
    """Whether quick_check passed on this archive within FULL_CHECK_EVERY (recorded in it)."""
    if str(path.resolve()) in _CHECKED_IN_THIS_PROCESS:
        return True
    last = archive_option(conn, "last_full_check")
    try:
        when = datetime.strptime(last or "", "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return False
    return datetime.now(UTC) - when < FULL_CHECK_EVERY


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Raise ArchiveError if SQLite's quick_check finds the file truncated or corrupt."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path} is corrupt or not a SQLite database: {exc}") from None
    problems = [row[0] for row in rows if row[0] != "ok"]
    if problems:
        raise ArchiveError(f"{path} is corrupt: {problems[0]}")
    _CHECKED_IN_THIS_PROCESS[str(path.resolve())] = time.monotonic()


def check_ours(conn: sqlite3.Connection, path: Path, create: bool) -> None:
    """Raise ArchiveError unless the database is a gongkai archive, or empty and ``create``.

    Read before anything writes (journal mode, migrations): a command pointed at another
    tool's SQLite file must leave it byte-identical. An archive is recognised by its
    ``schema_migrations`` table with our first migration in it; a table of that name from
    another framework (Rails keys it by ``version``) does not count.
    """
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if not names:
        if create:
            return
        raise ArchiveError(f"{path} is an empty database, not a gongkai archive")
    if "schema_migrations" in names:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(schema_migrations)")}
        if "name" in columns:
            sql = "SELECT 1 FROM schema_migrations WHERE name = ?"
            if conn.execute(sql, [FIRST_MIGRATION]).fetchone():
                return
    raise ArchiveError(
        f"{path} is not a gongkai archive (no gongkai schema_migrations table); left untouched"
    )


def connect_readonly(path: str | os.PathLike) -> sqlite3.Connection:
    """The one read-only connection to an archive: never writes, never creates, sees WAL pages.

    Raises ArchiveError (one line) when the file is missing or not a database. The file is
    never opened outside SQLite here: a crawl reads through this while its own writer holds
    the database, and closing any other descriptor of the file would drop SQLite's POSIX
    locks for the whole process (seen as "disk I/O error" on the next read).
    """
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"archive {path} does not exist")
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot open archive {path}: {exc}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveError(f"{path} is not a SQLite database: {exc}") from None
    return conn


def archive_option(conn: sqlite3.Connection, name: str) -> str | None:
    """A value of archive_options (m0008), None when unset or on an archive before it."""
    try:
        row = conn.execute("SELECT value FROM archive_options WHERE name = ?", [name]).fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def open_archive(
    path: str | os.PathLike, create: bool = True, check: bool = True, threads: bool = False
) -> sqlite_utils.Database:
    """Open the archive at ``path`` (creating it if allowed), check it, apply migrations.

    ``PRAGMA quick_check`` (seconds on a large archive) runs when this process has not run it
    on the file yet and the archive records no passed check within FULL_CHECK_EVERY: a crawl
    checks once, its writer not again, an hourly crawl fully once a day. ``check=False``
    skips it altogether. Every open checks the header (truncation) and reads the schema.
    ``check=False`` skips ``PRAGMA quick_check`` (seconds on a large archive) for callers
    that already checked this file in the same run, such as the crawl's writer.
    A database that is not empty and not a gongkai archive is refused before anything is
    written to it (``check_ours``).

    WAL mode lets Datasette or a report read while a crawl writes. Raises ArchiveError with
    a one-line message for a missing directory, a non-database or corrupt file, or a path
    that cannot be written.
    """
    path = Path(path)
    check_archive_file(path, create=create)
    if path.exists() and not os.access(path, os.W_OK):
        raise ArchiveError(f"archive {path} is not writable")
    try:
        conn = sqlite3.connect(str(path), check_same_thread=not threads)
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot open archive {path}: {exc}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        full_check = check and not checked_recently(conn, path)
        if full_check:
            quick_check(conn, path)
        check_ours(conn, path, create)
        db = sqlite_utils.Database(conn)
        with db.ensure_autocommit_on():
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        apply_migrations(db)
        if full_check:
            with conn:
                conn.execute(
                    "INSERT OR REPLACE INTO archive_options (name, value)"
                    " VALUES ('last_full_check', ?)",
                    [utc_now()],
                )
    except ArchiveError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveError(f"cannot use archive {path}: {exc}") from None
    return db
