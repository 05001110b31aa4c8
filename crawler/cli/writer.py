"""``gongkai writer``: the one process that writes a distributed crawl into the archive."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from crawler.cli.errors import EXIT_LOCKED, EXIT_SOME_ERRORS, EXIT_UNREACHABLE, fail
from crawler.cli.options import db_option


@click.command()
@click.option(
    "--redis", "redis_url", required=True, help="Redis the workers share: redis://HOST:6379/0."
)
@db_option("Archive database; no other process opens it during the run.")
@click.option(
    "--worker-timeout",
    type=click.FloatRange(1, 3600),
    default=30.0,
    show_default=True,
    help="Seconds without a heartbeat before a worker counts as dead and its requests go to others.",
)
@click.option(
    "--log-file",
    type=click.Path(path_type=Path),
    default=None,
    help="Writer log (default: logs/writer-<time>.log beside the database).",
)
def writer(redis_url: str, db_path: Path, worker_timeout: float, log_file: Path | None) -> None:
    """Write one distributed crawl into the archive, then print the one-line summary.

    Start it first, then `gongkai crawl --redis URL …` on any number of machines. It opens a
    crawls row for each site the workers announce, writes their pages and WARC records in
    batches, and exits when every site is done and no worker is left, after the post-crawl
    steps. Exit codes as `gongkai crawl`: 0 ok, 1 some fetch errors (or Redis lost: restart
    it to go on), 2 bad database, 3 archive locked or another writer on this Redis,
    4 Redis unreachable or no site reachable.

    \b
    Example:
        gongkai writer --redis redis://10.0.0.5:6379/0 --db var/gongkai.db
        gongkai crawl --redis redis://10.0.0.5:6379/0 --all     # on each crawl machine
    """
    from archive.db import ArchiveError
    from archive.lock import LockedError
    from crawler.distributed.cluster import RedisLost, RedisUnreachable
    from crawler.distributed.writer import WriterBusy, write_run

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log_file = log_file or db_path.parent / "logs" / f"writer-{stamp}.log"
    try:
        run = write_run(redis_url, db_path, worker_timeout, log_file)
    except RedisUnreachable as exc:
        fail(str(exc), EXIT_UNREACHABLE)
    except (LockedError, WriterBusy) as exc:
        fail(str(exc), EXIT_LOCKED)
    except ArchiveError as exc:
        fail(str(exc))
    except RedisLost as exc:
        fail(f"{exc}; restart the writer to go on (log: {log_file})", EXIT_SOME_ERRORS)
    click.echo(run.summary())
    if not run.reachable:
        click.echo(f"gongkai: error: no site was reachable (log: {log_file})", err=True)
        raise SystemExit(EXIT_UNREACHABLE)
    raise SystemExit(EXIT_SOME_ERRORS if run.total("fetch_errors") else 0)
