"""``gongkai serve``: browse an archive in Datasette, read-only."""

from __future__ import annotations

import socket
from pathlib import Path

import click

from crawler.cli.errors import EXIT_BAD_CONFIG, fail
from crawler.cli.options import db_option


def check_port_free(host: str, port: int) -> None:
    """Fail in one line now rather than let uvicorn log a traceback-like error later."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", EXIT_BAD_CONFIG)


def run_server(db_path: Path, port: int = 8001, host: str = "127.0.0.1") -> None:
    """Serve ``db_path`` as database ``gongkai`` until Ctrl-C; one-line error if it is unusable."""
    import uvicorn

    from archive.db import ArchiveError
    from archive.serve import build_datasette

    try:
        datasette = build_datasette(db_path)
    except ArchiveError as exc:
        fail(str(exc), EXIT_BAD_CONFIG)
    check_port_free(host, port)
    click.echo(
        f"gongkai: serving {db_path} read-only at http://{host}:{port}/gongkai (Ctrl-C stops)"
    )
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")


@click.command()
@db_option("Archive database to serve.")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
def serve(db_path: Path, port: int, host: str) -> None:
    """Serve the archive in Datasette, read-only, with Chinese search.

    Read-only, not immutable: a crawl may write into the archive while it is served,
    and each batch it commits shows at the next page load, with no restart.

    \b
    Example:
        gongkai serve --db var/gongkai.db --port 8001
        # then open http://127.0.0.1:8001/gongkai/documents?_search=教育
    """
    run_server(db_path, port=port, host=host)
