"""``gongkai replay``: browse the archive's WARC files as the sites looked, with pywb.

pywb is not a dependency of gongkai (it brings gevent, redis clients and its own pins); it is
run from its own environment, found on PATH or given with ``--pywb-bin``::

    python3 -m venv .venv-pywb && .venv-pywb/bin/pip install pywb

The collection lives in ``<db dir>/pywb/collections/gongkai``; its ``archive/`` holds
symlinks to the WARC files (no second copy) and ``wb-manager reindex`` builds the index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import click

from crawler.cli.errors import EXIT_BAD_CONFIG, fail
from crawler.cli.options import db_option

COLLECTION = "gongkai"
INSTALL_HINT = "python3 -m venv .venv-pywb && .venv-pywb/bin/pip install pywb"


def find_tool(name: str, pywb_bin: Path | None) -> str:
    """Path of a pywb executable, or a one-line error saying how to install pywb."""
    if pywb_bin is not None:
        candidate = pywb_bin / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        fail(f"{candidate} not found: is pywb installed there? ({INSTALL_HINT})", EXIT_BAD_CONFIG)
    found = shutil.which(name) or shutil.which(name, path=".venv-pywb/bin")
    if found is None:
        fail(f"pywb's {name} is not installed: {INSTALL_HINT}", EXIT_BAD_CONFIG)
    return found


def build_collection(wb_manager: str, root: Path, warc_dir: Path) -> int:
    """Create the collection if needed, link every WARC file into it, reindex; return count."""
    root.mkdir(parents=True, exist_ok=True)
    archive = root / "collections" / COLLECTION / "archive"
    if not archive.is_dir():
        run([wb_manager, "init", COLLECTION], root)
    warcs = sorted(warc_dir.glob("*.warc.gz"))
    for warc in warcs:
        link = archive / warc.name
        if not link.exists():
            link.symlink_to(warc.resolve())
    run([wb_manager, "reindex", COLLECTION], root)
    return len(warcs)


def run(args: list[str], cwd: Path) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        fail(f"{Path(args[0]).name} {args[1]}: {last}", EXIT_BAD_CONFIG)


@click.command()
@db_option("Archive database (its warc/ directory is replayed).")
@click.option("--port", default=8080, show_default=True, help="pywb port on 127.0.0.1.")
@click.option(
    "--pywb-bin",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Directory holding pywb's wb-manager and wayback (default: PATH).",
)
@click.option("--serve/--no-serve", default=True, help="Start pywb after indexing.")
def replay(db_path: Path, port: int, pywb_bin: Path | None, serve: bool) -> None:
    """Index the archive's WARC files for pywb and serve them at http://127.0.0.1:PORT.

    \b
    Example:
        gongkai replay --db var/demo.db --pywb-bin .venv-pywb/bin
        # then open http://127.0.0.1:8080/gongkai/*/http://www.sxx.sample.test/*
    """
    warc_dir = db_path.resolve().parent / "warc"
    if not warc_dir.is_dir() or not any(warc_dir.glob("*.warc.gz")):
        fail(f"no WARC files in {warc_dir}: crawl into {db_path} first")
    wb_manager = find_tool("wb-manager", pywb_bin)
    wayback = find_tool("wayback", pywb_bin)
    root = db_path.resolve().parent / "pywb"
    count = build_collection(wb_manager, root, warc_dir)
    click.echo(f"gongkai replay: {count} WARC file(s) indexed in {root}/collections/{COLLECTION}")
    if not serve:
        return
    click.echo(f"gongkai replay: http://127.0.0.1:{port}/{COLLECTION}/ (Ctrl-C stops)")
    try:
        subprocess.run([wayback, "-p", str(port), "-b", "127.0.0.1"], cwd=root, check=False)
    except KeyboardInterrupt:
        pass
