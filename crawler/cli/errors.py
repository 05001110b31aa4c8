"""One-line errors and the exit codes the CLI promises (documented in the README)."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

EXIT_OK = 0
EXIT_SOME_ERRORS = 1
EXIT_BAD_CONFIG = 2
EXIT_LOCKED = 3
EXIT_UNREACHABLE = 4


def fail(message: str, code: int = EXIT_BAD_CONFIG) -> NoReturn:
    """Print ``gongkai: error: <message>`` on one line to stderr and exit with ``code``."""
    click.echo(f"gongkai: error: {' '.join(str(message).split())}", err=True)
    sys.exit(code)
