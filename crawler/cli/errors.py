"""One-line errors and the exit codes the CLI promises (documented in the README)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from crawler.profile import Profile

EXIT_SOME_ERRORS = 1
EXIT_BAD_CONFIG = 2
EXIT_LOCKED = 3
EXIT_UNREACHABLE = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C


def fail(message: str, code: int = EXIT_BAD_CONFIG) -> NoReturn:
    """Print ``gongkai: error: <message>`` on one line to stderr and exit with ``code``."""
    click.echo(f"gongkai: error: {' '.join(str(message).split())}", err=True)
    sys.exit(code)


def crawl_and_report(
    profiles: list[Profile], db_path: Path, proxy: str, log_file: Path, ignore_window: bool = False
) -> int:
    """Run ``crawler.run.crawl_archive``, print its summary line; return the exit code.

    Shared by ``gongkai crawl`` and ``gongkai demo``: a locked archive exits 3, an unusable one
    2, nothing reachable 4, some fetch errors 1.
    """
    from archive.db import ArchiveError
    from archive.lock import LockedError
    from crawler.run import crawl_archive

    try:
        run = crawl_archive(profiles, db_path, proxy, log_file, ignore_window)
    except LockedError as exc:
        fail(str(exc), EXIT_LOCKED)
    except ArchiveError as exc:
        fail(str(exc))
    click.echo(run.summary())
    if run.interrupted:  # what was fetched is archived; nothing else to say
        click.echo("gongkai: interrupted", err=True)
        return EXIT_INTERRUPTED
    if not run.reachable:
        click.echo(f"gongkai: error: no site was reachable (log: {log_file})", err=True)
        return EXIT_UNREACHABLE
    if run.total("fetch_errors"):
        return EXIT_SOME_ERRORS
    return 0
