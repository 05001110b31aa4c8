"""`gongkai report`: parse a saved annual disclosure report into tables, claims and checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from crawler.cli.errors import EXIT_BAD_CONFIG, fail


def _summary(report: dict[str, Any]) -> str:
    lines = [f"{key:>16}: {report[key]}" for key in ("title", "agency", "year", "format")]
    lines.append(f"{'proactive_total':>16}: {report['proactive_total']}")
    for claim in report["claims"]:
        lines.append(f"{'claim':>16}: {claim['category']} {claim['count']}")
    tables = sorted({cell["table"] for cell in report["cells"]})
    lines.append(f"{'cells':>16}: {len(report['cells'])} in tables {', '.join(tables) or '-'}")
    for check in report["checks"]:
        mark = {True: "ok", False: "FAIL", None: "n/a"}[check["ok"]]
        lines.append(f"{'check ' + mark:>16}: {check['name']} - {check['detail']}")
    for warning in report["warnings"]:
        lines.append(f"{'warning':>16}: {warning}")
    return "\n".join(lines)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
@click.option("--url", default=None, help="The page's URL (default: the file's path).")
@click.option("--encoding", default=None, help="Decode with this charset instead of sniffing.")
def report(file: Path, as_json: bool, url: str | None, encoding: str | None) -> None:
    """Parse an annual 政府信息公开 report page: official tables, prose counts, consistency checks.

    FILE is a saved page (HTML or text, any charset). The JSON object has year, agency, format
    ("2021", "2019", "pre2019" or "prose"), proactive_total, claims [{category, count}], cells
    [{table, row, column, value, raw}], checks [{name, ok, detail}] and warnings. What cannot
    be read is null with a warning. Exit 0 on success, 2 when FILE cannot be read.

    \b
    Example:
        gongkai report suixi-education-2021.html --json
    """
    from pipeline.encoding import normalise_charset
    from pipeline.reports import parse_page

    if encoding and normalise_charset(encoding) is None:
        fail(f"unknown encoding {encoding!r}", EXIT_BAD_CONFIG)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", EXIT_BAD_CONFIG)
    result = parse_page(raw, url or file.resolve().as_uri(), encoding)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(_summary(result))
