"""``gongkai crawl``: crawl one profile or all of them into the archive."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.errors import EXIT_SOME_ERRORS, EXIT_UNREACHABLE, crawl_and_report, fail
from crawler.cli.options import db_option
from crawler.profile import PROFILES_DIR, Profile, ProfileError, find_profile, load_all


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
@click.option(
    "--redis",
    "redis_url",
    default=None,
    help="Be one worker of a distributed crawl (redis://HOST:6379/0); `gongkai writer` archives.",
)
def crawl(
    names, all_, samples, db_path, profiles_dir, proxy, log_file, ignore_window, redis_url
) -> None:
    """Crawl bureau sites into the archive and print a one-line summary.

    Exit codes: 0 ok, 1 finished with some fetch errors, 2 bad configuration,
    3 another crawl holds this database's lock, 4 nothing reachable. Sites whose profile
    sets politeness.off_peak (Beijing time) are skipped outside that window (exit 0).

    \b
    Example:
        gongkai crawl --profile suixi-sxx --db var/gongkai.db
        gongkai crawl --all --db var/gongkai.db
        gongkai crawl --all --redis redis://10.0.0.5:6379/0   # a worker; see gongkai writer

    With --redis the crawl is one worker of many: it shares their frontier and politeness
    through Redis and sends what it fetches to `gongkai writer`; --db then only places the log.
    A worker exits 4 when Redis or the writer cannot be reached, 1 when Redis is lost
    mid-crawl (start it again to resume from the shared frontier).
    """
    from crawler.run import default_log_file

    profiles = select_profiles(names, all_, samples, profiles_dir)
    log_file = log_file or default_log_file(db_path)
    if redis_url:
        raise SystemExit(
            work_and_report(profiles, redis_url, db_path, proxy, log_file, ignore_window)
        )
    code = crawl_and_report(profiles, db_path, proxy, log_file, ignore_window)
    raise SystemExit(code)


def work_and_report(
    profiles: list[Profile],
    url: str,
    db_path: Path,
    proxy: str,
    log_file: Path,
    ignore_window: bool,
) -> int:
    """Run one distributed worker (crawler.distributed.worker); print its line; the exit code."""
    from crawler.distributed.cluster import RedisUnreachable
    from crawler.distributed.worker import NoWriter, crawl_worker

    try:
        run = crawl_worker(profiles, url, db_path, proxy, log_file, ignore_window)
    except (RedisUnreachable, NoWriter) as exc:
        fail(str(exc), EXIT_UNREACHABLE)
    click.echo(run.summary())
    if run.lost:
        fail(
            f"lost Redis mid-crawl ({run.lost}); start the worker again to resume "
            f"(log: {log_file})",
            EXIT_SOME_ERRORS,
        )
    if run.unreachable:
        click.echo(f"gongkai: error: no site was reachable (log: {log_file})", err=True)
        return EXIT_UNREACHABLE
    return EXIT_SOME_ERRORS if run.crawl.total("fetch_errors") else 0
