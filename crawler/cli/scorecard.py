"""``gongkai scorecard``: one row per bureau for a year — report, deadline, checks, claims."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from crawler.cli.errors import EXIT_BAD_CONFIG, fail
from crawler.cli.options import db_option

FORMATS = ("text", "csv", "xlsx", "jsonl")


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


def text_block(entry: dict[str, Any]) -> str:
    """A readable block for one bureau: report, deadline, checks, claims beside the archive."""
    lines = [f"{entry['agency'] or '（机构未知）'} {entry['year']} ({entry['site']}): "
             f"{entry['documents']} documents archived for {entry['year']}"]  # fmt: skip
    from archive.scorecard import STATUS_LABELS

    status = STATUS_LABELS[entry["deadline_status"]]
    if entry["report_id"] is None:
        lines.append(f"  年度报告 report: {status} (deadline {entry['deadline']})")
    else:
        late = f" by {entry['days_late']} days" if entry["deadline_status"] == "late" else ""
        lines += [
            f"  年度报告 report: {entry['report_title']} (document {entry['report_document_id']},"
            f" report {entry['report_id']})",
            f"  发布 published {entry['report_published_at'] or '—'}, deadline {entry['deadline']}"
            f" (条例第四十九条): {status}{late}",
            f"  检查 checks: {entry['checks_passed']} passed, {entry['checks_failed']} failed,"
            f" {entry['checks_undecided']} undecided",
            f"  主动公开 claimed {entry['proactive_total'] if entry['proactive_total'] is not None else '—'}"
            f"; {entry['claims_count']} categories: claimed {entry['claimed_total']},"
            f" archived {entry['archived_total']}, {entry['claims_matching']} matching",
        ]
        width = max((len(c["category"]) for c in entry["claims"]), default=0)
        for claim in entry["claims"]:
            claimed = "—" if claim["claimed"] is None else claim["claimed"]
            archived = "—" if claim["archived"] is None else claim["archived"]
            lines.append(f"    {claim['category']:\u3000<{width}}  claimed {claimed:>5}"
                         f"  archived {archived:>5}")  # fmt: skip
    lines.append(
        f"  删除 removed {entry['removed']}, 修改 changed {entry['changed']};"
        f" missing 索引号 {_percent(entry['missing_index_no_share'])},"
        f" 发布机构 {_percent(entry['missing_agency_share'])},"
        f" 发布日期 {_percent(entry['missing_published_at_share'])}"
    )
    return "\n".join(lines)


def write_xlsx(header: list[str], rows: list[list[Any]], out: IO[bytes]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("scorecard")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(out)


def write(entries: list[dict[str, Any]], fmt: str, out: IO, bom: bool) -> None:
    from archive import scorecard as sc
    from archive.export import write_csv

    header = [label for _, label in sc.COLUMNS]
    if fmt == "text":
        out.write("\n\n".join(text_block(e) for e in entries) + "\n")
    elif fmt == "jsonl":
        for entry in entries:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        write_csv(header, (sc.flat_row(e) for e in entries), out, bom=bom)
    else:
        write_xlsx(header, [sc.flat_row(e) for e in entries], out)


def open_output(out: Path | None, binary: bool) -> IO:
    if out is None:
        if binary:
            return sys.stdout.buffer
        try:  # UTF-8 whatever the locale
            return open(sys.stdout.fileno(), "w", encoding="utf-8", newline="", closefd=False)
        except (OSError, io.UnsupportedOperation):  # not a real file (tests capture it)
            return sys.stdout
    try:
        return out.open("wb") if binary else out.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}", EXIT_BAD_CONFIG)


@click.command()
@db_option("Archive database.")
@click.option("--year", type=click.IntRange(1990, 2100), default=None,
              help="Year reported on (default: the latest year some report covers).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text to read; csv (UTF-8 with BOM) and xlsx for Excel/WPS; jsonl with claims.")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="Output file (default: standard output).")  # fmt: skip
@click.option("--bom/--no-bom", default=True, show_default=True, help="CSV: start with a BOM.")
def scorecard(db_path: Path, year: int | None, fmt: str, out: Path | None, bom: bool) -> None:
    """One row per bureau for YEAR: annual report, deadline, checks, claims vs archive.

    For each bureau with documents dated YEAR or a report on YEAR: the annual report found,
    whether it was published by 31 January of the next year (条例第四十九条), its tables'
    checks (passed / failed / undecided), each category it claims beside the archive's count,
    how many of its YEAR documents were later removed or changed, and the share of them
    missing 索引号, 发布机构 (from the page) or 发布日期. Exit 2 if the archive cannot be read.

    \b
    Example:
        gongkai scorecard --db var/demo.db --year 2021
        gongkai scorecard --db var/demo.db --year 2021 --format csv --out scorecard-2021.csv
    """
    from archive import scorecard as sc
    from archive.db import ArchiveError, connect_readonly

    try:
        conn = connect_readonly(db_path)
        try:
            sc.check_archive(conn)
            year = year or sc.default_year(conn)
            if year is None:
                fail(f"{db_path} holds no dated documents or reports yet")
            entries = sc.scorecard(conn, year)
        finally:
            conn.close()
    except ArchiveError as exc:
        fail(f"{db_path}: {exc}" if str(db_path) not in str(exc) else str(exc))
    if not entries:
        fail(f"no bureau has documents dated {year} or a report on {year} in {db_path}")
    handle = open_output(out, binary=fmt == "xlsx")
    try:
        write(entries, fmt, handle, bom)
        handle.flush()
    finally:
        if out is not None:
            handle.close()
    if out is not None:
        click.echo(f"gongkai: scorecard of {len(entries)} bureau(s) for {year} in {out}", err=True)
