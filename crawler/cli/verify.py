"""``gongkai verify``: fixity check of the archive's WARC files and attachment files."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.errors import EXIT_SOME_ERRORS, fail
from crawler.cli.options import db_option

MAX_LISTED = 20


def echo_figures(figures: dict) -> None:
    """Size of the evidence copy and how well attachments could be read."""
    if not figures:
        return
    pages = figures["captures"]
    per_1000 = figures["warc_bytes"] / pages * 1000 / 1e6 if pages else 0.0
    html = figures["html_pages"]
    html_1000 = figures["html_bytes"] / html * 1000 / 1e6 if html else 0.0
    click.echo(
        f"gongkai verify: WARC {figures['warc_bytes'] / 1e6:.2f} MB for {pages} captures "
        f"({per_1000:.2f} MB per 1,000 captures, requests and attachments included); "
        f"HTML pages alone: {html_1000:.2f} MB per 1,000 (response records)"
    )
    statuses = figures["statuses"]
    total = sum(statuses.values())
    readable = total - statuses.get("empty file", 0) - statuses.get("no extractor", 0)
    extracted = statuses.get("extracted", 0)
    parts = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
    click.echo(
        f"gongkai verify: attachments: {total} distinct files ({parts or 'none'}); "
        f"text extracted from {extracted}/{total} ({extracted / total:.0%} of files, "
        f"{extracted}/{readable} of files with an extractor); "
        f"{figures['not_fetched']} link(s) not fetched"
        if total
        else "gongkai verify: attachments: none downloaded"
    )


@click.command()
@db_option("Archive database.")
@click.option(
    "--warc-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where the WARC files are (default: warc/ beside the database).",
)
@click.option(
    "--manifest/--no-manifest",
    default=True,
    show_default=True,
    help="After a clean check, write today's chained manifest of WARC hashes.",
)
def verify(db_path: Path, warc_dir: Path | None, manifest: bool) -> None:
    """Re-read every WARC record the archive points to and check its digests.

    Checks each record's block and payload digests, the archive's sha256 of the decoded body,
    every stored attachment file, and the chain of daily manifests. Prints counts; exits 1
    naming each record that fails, 2 if the database cannot be read.

    \b
    Example:
        gongkai verify --db var/demo.db
    """
    from archive.db import ArchiveError, check_archive_file
    from archive.warc_manifest import check_chain, write_manifest
    from archive.warc_verify import archive_figures, verify_archive

    try:
        check_archive_file(db_path, create=False)
        result = verify_archive(db_path)
    except (ArchiveError, OSError) as exc:
        fail(str(exc))
    except Exception as exc:  # sqlite3 errors on a damaged database: one line, no traceback
        fail(f"cannot read archive {db_path}: {exc}")
    base = db_path.resolve().parent
    warc_dir = (warc_dir or base / "warc").resolve()
    result.problems.extend(check_chain(base, warc_dir / "manifests"))
    counts = result.counts
    click.echo(
        f"gongkai verify: {counts['records']} WARC records in {counts['files']} file(s): "
        f"{counts['response']} responses, {counts['revisit']} revisits, {counts['ok']} ok; "
        f"{counts['attachment files']} attachment files; "
        f"{counts['captures without WARC']} captures without WARC; "
        f"{len(result.problems)} problem(s)"
    )
    echo_figures(archive_figures(db_path))
    for problem in result.problems[:MAX_LISTED]:
        click.echo(f"gongkai: mismatch: {problem}", err=True)
    if len(result.problems) > MAX_LISTED:
        click.echo(f"gongkai: ... and {len(result.problems) - MAX_LISTED} more", err=True)
    if result.problems:
        raise SystemExit(EXIT_SOME_ERRORS)
    if manifest and warc_dir.is_dir():
        path = write_manifest(base, warc_dir)
        click.echo(f"gongkai verify: manifest {path}")
