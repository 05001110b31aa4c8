"""``gongkai export``: documents as CSV for Excel/WPS (UTF-8 with BOM), XLSX or JSONL."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from crawler.cli.errors import EXIT_BAD_CONFIG, fail


@contextmanager
def _output(out: Path | None, binary: bool):
    """The --out file, or stdout; text streams write UTF-8 whatever the locale."""
    if out is None:
        yield (
            sys.stdout.buffer
            if binary
            else open(sys.stdout.fileno(), "w", encoding="utf-8", newline="", closefd=False)
        )
        return
    try:
        handle = out.open("wb") if binary else out.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}", EXIT_BAD_CONFIG)
    with handle:
        yield handle


@click.command()
@click.option("--db", "db_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Archive database to export from.")  # fmt: skip
@click.option("--agency", default="", help="Only this agency (exact name, e.g. 濉溪县教育局).")
@click.option("--category", default="", help="Only this category (e.g. 财政资金, 未分类).")
@click.option("--since", default="", help="Published on or after this date (YYYY-MM-DD).")
@click.option("--until", default="", help="Published on or before this date (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "jsonl"]), default="csv",
              show_default=True, help="csv opens directly in Excel/WPS.")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="Output file (default: standard output).")  # fmt: skip
@click.option("--bom/--no-bom", default=True, show_default=True,
              help="Start CSV with a UTF-8 BOM so Excel on Chinese Windows reads it correctly.")  # fmt: skip
def export(db_path, agency, category, since, until, fmt, out, bom) -> None:
    """Export documents, newest first, every matching row (no cap), streamed.

    \b
    Example:
        gongkai export --db var/demo.db --agency 濉溪县教育局 \\
            --since 2021-01-01 --until 2021-12-31 --out suixi-2021.csv
    """
    from archive import export as ex
    from archive.db import ArchiveError

    try:
        conn = ex.open_readonly(db_path)
        filters = ex.check_filters(conn, ex.ExportFilters(agency, category, since, until))
    except (ArchiveError, ex.ExportError) as exc:
        fail(str(exc), EXIT_BAD_CONFIG)
    rows = ex.iter_documents(conn, filters)
    with _output(out, binary=fmt == "xlsx") as handle:
        if fmt == "csv":
            count = ex.write_csv(ex.DOCUMENT_COLUMNS, rows, handle, bom=bom)
        elif fmt == "jsonl":
            count = ex.write_jsonl(ex.DOCUMENT_COLUMNS, rows, handle)
        else:
            count = ex.write_xlsx(ex.DOCUMENT_COLUMNS, rows, handle)
        handle.flush()
    conn.close()
    click.echo(f"gongkai: exported {count} documents to {out or 'stdout'}", err=True)
