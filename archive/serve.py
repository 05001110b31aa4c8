"""Build the Datasette app that serves an archive, read-only, always named ``gongkai``.

Kept out of the CLI so tests use ``build_datasette(path).client`` without a server.
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
from pathlib import Path

from datasette.app import Datasette
from datasette.database import Database

from archive.db import ArchiveError, check_archive_file, quick_check

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


def prepare_for_serving(path: Path) -> None:
    """Check ``path`` is a sound gongkai archive and fold its WAL into the main file.

    An immutable reader ignores the -wal file, so pages a crawl wrote but never
    checkpointed (e.g. it was killed) would be invisible without the checkpoint.
    """
    check_archive_file(path, create=False)
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    uri = f"file:{path}?mode={'rw' if writable else 'ro'}"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot open archive {path}: {exc}") from None
    try:
        quick_check(conn, path)
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
        if not {"documents", "documents_fts"} <= tables:
            raise ArchiveError(f"{path} is not a gongkai archive (no documents table)")
        if writable:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"cannot serve archive {path}: {exc}") from None
    finally:
        conn.close()


def build_datasette(db_path: str | os.PathLike, config_dir: Path | None = None) -> Datasette:
    """A Datasette serving ``db_path`` immutable, as database ``gongkai``, with our config dir.

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
    datasette.add_database(
        Database(datasette, path=str(path), is_mutable=False), name=DATABASE_NAME
    )
    return datasette
