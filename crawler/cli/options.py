"""Options several commands share, declared once so they read and behave the same."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

DEFAULT_DB = Path("var/gongkai.db")


def db_option(
    help: str = "Archive database.", default: Path = DEFAULT_DB
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--db PATH`` (the archive database), passed to the command as ``db_path``."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(path_type=Path),  # the archive checks give one-line errors
        default=default,
        show_default=True,
        help=help,
    )
