"""``gongkai crawl``: crawl one profile or all of them into the archive."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from crawler.cli.errors import EXIT_LOCKED, EXIT_SOME_ERRORS, EXIT_UNREACHABLE, fail
from crawler.cli.options import db_option
from crawler.lock import LockedError, archive_lock
from crawler.profile import PROFILES_DIR, Profile, ProfileError, find_profile, load_all


def default_log_file(db_path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return db_path.parent / "logs" / f"crawl-{stamp}.log"


def check_database(db_path: Path) -> None:
    """Open (and migrate) the archive before any fetch, so a bad path fails in one line.

    Called under the crawl lock, so crawls left 'running' by a killed run are closed here.
    """
    from archive.db import ArchiveError, open_archive
    from archive.store import mark_interrupted_crawls

    try:
        db = open_archive(db_path)
        mark_interrupted_crawls(db)
        db.conn.close()
    except ArchiveError as exc:
        fail(str(exc))


def select_profiles(
    names: tuple[str, ...], all_: bool, samples: bool, profiles_dir: Path
) -> list[Profile]:
    try:
        if all_ or samples:
            # --all is every real bureau; --samples the bundled sample sites (served locally).
            chosen = [p for p in load_all(profiles_dir) if p.sample == samples]
        else:
            chosen = [find_profile(name, profiles_dir) for name in names]
    except ProfileError as exc:
        fail(str(exc))
    if not chosen:
        fail("no profile to crawl: give --profile NAME, --all or --samples")
    return chosen


def crawl_and_report(
    profiles: list[Profile], db_path: Path, proxy: str, log_file: Path, ignore_window: bool = False
) -> int:
    """Run the crawl, post-process the archive, print one summary line; return the exit code."""
    from crawler.politeness import in_window
    from crawler.postprocess import after_crawl
    from crawler.run import RunResult, run_crawl

    skipped = [p.name for p in profiles if not ignore_window and not in_window(p.off_peak)]
    profiles = [p for p in profiles if p.name not in skipped]
    if not profiles:  # every site is outside its off-peak window: nothing to do, not an error
        click.echo(RunResult(skipped=skipped).summary())
        return 0

    if not db_path.parent.is_dir():
        fail(f"{db_path}: directory {db_path.parent} does not exist")
    try:
        with archive_lock(db_path):
            check_database(db_path)
            result = run_crawl(profiles, db_path, proxy=proxy, log_file=log_file)
            result.skipped = skipped
            after_crawl(db_path)
    except LockedError as exc:
        fail(str(exc), EXIT_LOCKED)
    click.echo(result.summary())
    if not any(site.reachable for site in result.sites):
        click.echo(f"gongkai: error: no site was reachable (log: {log_file})", err=True)
        return EXIT_UNREACHABLE
    if result.total("fetch_errors"):
        return EXIT_SOME_ERRORS
    return 0


@click.command()
@click.option("--profile", "names", multiple=True, help="Profile name or YAML path (repeatable).")
@click.option("--all", "all_", is_flag=True, help="Every real-bureau profile in the directory.")
@click.option("--samples", is_flag=True, help="Every bundled sample profile (use with --proxy).")
@db_option("Archive database.")
@click.option(
    "--profiles-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=PROFILES_DIR,
    help="Where profiles are read from with --all.",
)
@click.option("--proxy", default="", help="Send every request through this HTTP proxy.")
@click.option(
    "--log-file",
    type=click.Path(path_type=Path),
    default=None,
    help="Scrapy log (default: logs/crawl-<time>.log beside the database).",
)
@click.option(
    "--ignore-window",
    is_flag=True,
    help="Crawl even sites whose profile's politeness.off_peak window is closed.",
)
def crawl(names, all_, samples, db_path, profiles_dir, proxy, log_file, ignore_window) -> None:
    """Crawl bureau sites into the archive and print a one-line summary.

    Exit codes: 0 ok, 1 finished with some fetch errors, 2 bad configuration,
    3 another crawl holds this database's lock, 4 nothing reachable. Sites whose profile
    sets politeness.off_peak (Beijing time) are skipped outside that window (exit 0).

    \b
    Example:
        gongkai crawl --profile suixi-sxx --db var/gongkai.db
        gongkai crawl --all --db var/gongkai.db
    """
    profiles = select_profiles(names, all_, samples, profiles_dir)
    log_file = log_file or default_log_file(db_path)
    code = crawl_and_report(profiles, db_path, proxy, log_file, ignore_window)
    raise SystemExit(code)
