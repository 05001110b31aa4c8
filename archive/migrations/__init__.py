"""Numbered, idempotent schema migrations.

Each module ``mNNNN_<name>.py`` in this package exposes ``apply(db) -> None``. They run in
number order, each inside its own transaction, and are recorded in ``schema_migrations``.
Every ``apply`` must be safe to run again (IF NOT EXISTS etc.), so a half-recorded run or a
hand-copied database never breaks.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import ModuleType

import sqlite_utils

from archive.timestamps import utc_now

MIGRATION_NAME = re.compile(r"^m(\d{4})_\w+$")


def discover() -> list[tuple[str, ModuleType]]:
    """Return (name, module) for every migration in this package, in number order."""
    names = sorted(
        info.name for info in pkgutil.iter_modules(__path__) if MIGRATION_NAME.match(info.name)
    )
    numbers = [MIGRATION_NAME.match(name).group(1) for name in names]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two migrations share a number: {names}")
    return [(name, importlib.import_module(f"{__name__}.{name}")) for name in names]


def applied(db: sqlite_utils.Database) -> set[str]:
    """Names of migrations recorded in ``schema_migrations``."""
    if not db["schema_migrations"].exists():
        return set()
    return {row["name"] for row in db.query("select name from schema_migrations")}


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration not yet recorded; return the names applied now."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
    )
    done = applied(db)
    ran = []
    for name, module in discover():
        if name in done:
            continue
        with db.atomic():
            module.apply(db)
            db.execute(
                "INSERT OR REPLACE INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                [name, utc_now()],
            )
        ran.append(name)
    return ran
