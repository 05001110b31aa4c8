"""Build the Datasette app that serves an archive, read-only, always named ``gongkai``.

Kept out of the CLI so tests use ``build_datasette(path).client`` without a server.

The archive is served read-only but not immutable: a crawl may write into it while it is
served, and every batch it commits is visible at the next request (SQLite WAL readers).
An immutable reader would keep serving stale pages and, once a checkpoint rewrote them,
report "database disk image is malformed".
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
from pathlib import Path

from datasette.app import Datasette
from datasette.database import Database

from archive import migrations
from archive.db import ArchiveError, checked_recently, connect_readonly, open_archive, quick_check

DATABASE_NAME = "gongkai"
# The checkout's datasette/ directory (metadata, plugins, templates), installed under this
# name by pyproject.toml's package-dir; it has no __init__.py, so it is a namespace package.
CONFIG_PACKAGE = "gongkai_datasette"


def installed_config_dir() -> Path:
    """The Datasette configuration directory that was installed with gongkai.

    Found through the import system, so a wheel, an editable install and a checkout agree.
    Not importlib.resources.files(): on Python 3.11 it fails for a namespace package of an
    editable install (python/importlib_resources#311).
    """
    spec = importlib.util.find_spec(CONFIG_PACKAGE)
    for location in spec.submodule_search_locations if spec else ():
        if (Path(location) / "metadata.yml").is_file():
            return Path(location)
    raise ArchiveError(
        f"the Datasette configuration ({CONFIG_PACKAGE}) is not installed; reinstall gongkai"
    )


class ArchiveDatabase(Database):
    """Datasette's view of an archive: read-only connections that see each committed batch.

    Connections come from ``archive.db.connect_readonly`` (``mode=ro``, a busy timeout, the
    path quoted for the URI). Write connections are refused, so no canned query or plugin
    can change the evidence. Table counts are cached until the database or its WAL file
    changes: an immutable database caches them for good, a plain mutable one recounts
    every table on every home and database page.
    """

    def __init__(self, ds: Datasette, path: Path):
        super().__init__(ds, path=str(path), is_mutable=True)
        self._counts: tuple[tuple, dict] | None = None

    def connect(self, write: bool = False) -> sqlite3.Connection:
        if write:
            raise sqlite3.OperationalError("attempt to write a readonly database (gongkai)")
        return connect_readonly(self.path)

    def file_signature(self) -> tuple:
        """Changes whenever a commit lands: in the WAL file, or in the main file after a checkpoint.

        stat() only: opening the file outside SQLite would drop SQLite's locks on it.
        """
        stats = []
        for name in (self.path, self.path + "-wal"):
            try:
                stat = os.stat(name)
            except FileNotFoundError:
                stats.append(None)
            else:
                stats.append((stat.st_mtime_ns, stat.st_size))
        return tuple(stats)

    async def table_counts(self, limit: int = 10) -> dict[str, int | None]:
        """Exact counts, recounted only after a commit (Datasette asks with a 5–10 ms limit).

        A recount may take each table up to ``sql_time_limit_ms``, like any query: 0.2 s
        for all tables of a 100,000-document archive, once per crawl batch at most.
        """
        signature = self.file_signature()
        if self._counts is not None and self._counts[0] == signature:
            return dict(self._counts[1])
        counts = await super().table_counts(max(limit, self.ds.setting("sql_time_limit_ms")))
        self._counts = (signature, counts)
        return dict(counts)


def prepare_for_serving(path: Path) -> None:
    """Raise ArchiveError (one line) unless ``path`` is a sound gongkai archive.

    Opens it read-only: the server never writes, not even a WAL checkpoint, so it can run
    beside a crawl. The one exception comes first: an archive an older gongkai wrote gets
    its schema migrations once, before serving starts (search needs m0008's tables).
    """
    conn = connect_readonly(path)
    try:
        if not checked_recently(conn, path):
            quick_check(conn, path)
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
        if not {"documents", "documents_fts"} <= tables:
            raise ArchiveError(f"{path} is not a gongkai archive (no documents table)")
        done = {row[0] for row in conn.execute("select name from schema_migrations")}
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"cannot serve archive {path}: {exc}") from None
    finally:
        conn.close()
    if {name for name, _ in migrations.discover()} - done:
        open_archive(path, create=False, check=False).close()


def build_datasette(db_path: str | os.PathLike, config_dir: Path | None = None) -> Datasette:
    """A Datasette serving ``db_path`` read-only as database ``gongkai``, with our config dir.

    ``config_dir`` defaults to the installed configuration (``installed_config_dir()``).
    Raises ArchiveError (one line) for a missing, corrupt or foreign database file.
    """
    path = Path(db_path).resolve()
    prepare_for_serving(path)
    config_dir = installed_config_dir() if config_dir is None else Path(config_dir)
    if not (config_dir / "metadata.yml").is_file():
        raise ArchiveError(f"Datasette configuration directory {config_dir} not found")
    datasette = Datasette([], config_dir=config_dir)
    # Datasette adds an in-memory database when given no files; it would only confuse readers.
    datasette.remove_database("_memory")
    datasette.add_database(ArchiveDatabase(datasette, path), name=DATABASE_NAME)
    return datasette
