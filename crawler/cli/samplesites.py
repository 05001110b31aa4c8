"""``gongkai sample-sites``: serve the bundled sample bureau sites until Ctrl-C."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from crawler.cli.errors import EXIT_BAD_CONFIG, fail


@click.command("sample-sites")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 (0 = any free port).",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append one JSON line per request to this file.",
)
@click.option(
    "--latency",
    type=click.FloatRange(0, 60),
    default=0.0,
    show_default=True,
    help="Seconds every answer waits, like a slow county server (benchmarks).",
)
def sample_sites(port: int, log_path: Path | None, latency: float) -> None:
    """Serve the bundled sample bureau sites on 127.0.0.1 until Ctrl-C.

    The server is an HTTP proxy for the sample hosts (*.sample.test); any other host gets 502.

    \b
    Example:
        gongkai sample-sites --port 8080
        gongkai sample-sites --port 8080 --latency 0.1 --log var/requests.jsonl
        curl -x http://127.0.0.1:8080 http://www.sxx.sample.test/zwgk/public/37/62710901.html
    """
    from crawler.samplesites.generate import MANIFEST
    from crawler.samplesites.server import serve

    if log_path and not log_path.parent.is_dir():
        fail(f"log directory does not exist: {log_path.parent}", EXIT_BAD_CONFIG)
    try:
        server = serve(port=port, log_path=log_path, latency=latency)
    except OSError as exc:
        fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}", EXIT_BAD_CONFIG)
    try:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        click.echo(f"Sample sites: use {server.url} as HTTP proxy (Ctrl-C stops)")
        for name, profile in sorted(manifest["profiles"].items()):
            start = profile["start_urls"][0]
            click.echo(f"  {name:22} {profile['agency']}  {start}")
        click.echo(f"Seed page: curl -x {server.url} {manifest['seed_url']}")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.stop()
