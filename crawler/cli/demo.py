"""``gongkai demo``: serve the bundled sample sites, crawl them all, open Datasette."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.errors import EXIT_UNREACHABLE, crawl_and_report, fail
from crawler.cli.options import db_option
from crawler.profile import PROFILES_DIR, ProfileError, load_all


@click.command()
@db_option("Archive database for the demo.", default=Path("var/demo.db"))
@click.option("--serve/--no-serve", default=True, help="Serve Datasette after the crawl.")
@click.option("--port", default=8001, show_default=True, help="Datasette port.")
def demo(db_path: Path, serve: bool, port: int) -> None:
    """Crawl the bundled sample bureau sites (served on 127.0.0.1) and browse the archive.

    \b
    Example:
        gongkai demo                               # then open http://127.0.0.1:8001
        gongkai demo --no-serve --db /tmp/demo.db  # crawl only, for scripts and tests
    """
    from crawler.run import default_log_file
    from crawler.samplesites.server import SampleServer

    try:
        profiles = [p for p in load_all(PROFILES_DIR) if p.sample]
    except ProfileError as exc:
        fail(str(exc))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    server = SampleServer(port=0).start_in_thread()
    try:
        click.echo(f"gongkai: sample sites served through http://127.0.0.1:{server.port}")
        code = crawl_and_report(profiles, db_path, server.url, default_log_file(db_path))
    finally:
        server.stop()
    if code == EXIT_UNREACHABLE or not serve:
        raise SystemExit(code)
    from crawler.cli.serve import run_server

    run_server(db_path, port=port, host="127.0.0.1")
