"""`gongkai report`: parse a saved annual disclosure report into tables, claims and checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from crawler.cli.errors import EXIT_BAD_CONFIG, EXIT_SOME_ERRORS, fail


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


COVERAGE_HEADER = "format tables cells numeric claims total checks ok/fail/n-a warnings file"


def _coverage(report: dict[str, Any], name: str) -> str:
    """One line of parse coverage: what the parser could read from one report."""
    cells = report["cells"]
    oks = [c["ok"] for c in report["checks"]]
    tables = "".join(sorted({c["table"] for c in cells})) or "-"
    numeric = sum(1 for c in cells if c["value"] is not None)
    checks = f"{oks.count(True)}/{oks.count(False)}/{oks.count(None)}"
    total = report["proactive_total"]
    return (
        f"{report['format']:<7} {tables:<6} {len(cells):>5} {numeric:>7} {len(report['claims']):>6}"
        f" {total if total is not None else '-':>5} {checks:>16} {len(report['warnings']):>8} {name}"
    )


NOT_A_REPORT = "not an annual report: no report title, tables or 主动公开 counts found"


def looks_like_a_report(result: dict[str, Any]) -> bool:
    """A report title, or anything a report states (tables, prose counts, the total).

    A binary file or a news page parses to none of these; a real report whose tables are
    images still has its title.
    """
    from pipeline.reports import is_report

    return bool(
        is_report(result["title"]) or result["cells"] or result["claims"]
        or result["proactive_total"] is not None
    )  # fmt: skip


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", EXIT_BAD_CONFIG)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
@click.option("--coverage", is_flag=True, help="One line per FILE: what could be parsed.")
@click.option("--url", default=None, help="The page's URL (default: the file's path).")
@click.option("--encoding", default=None, help="Decode with this charset instead of sniffing.")
def report(
    files: tuple[Path, ...], as_json: bool, coverage: bool, url: str | None, encoding: str | None
) -> None:
    """Parse an annual 政府信息公开 report page: official tables, prose counts, consistency checks.

    FILE is a saved page (HTML or text, any charset). The JSON object has year, agency, format
    ("2021", "2019", "pre2019" or "prose"), proactive_total, claims [{category, count}], cells
    [{table, row, column, value, raw}], checks [{name, ok, detail}] and warnings. What cannot
    be read is null with a warning. With --coverage, several FILEs give one line each. Exit 0
    on success, 1 when FILE is not a report (the JSON object then has an "error" key), 2 when
    a FILE cannot be read.

    \b
    Examples:
        gongkai report suixi-education-2021.html --json
        gongkai report --coverage reports/*.html
    """
    from pipeline.encoding import normalise_charset
    from pipeline.reports import parse_page

    if encoding and normalise_charset(encoding) is None:
        fail(f"unknown encoding {encoding!r}", EXIT_BAD_CONFIG)
    if len(files) > 1 and not coverage:
        fail("give one FILE, or several with --coverage")
    if coverage:
        click.echo(COVERAGE_HEADER)
        for file in files:
            result = parse_page(_read(file), url or file.resolve().as_uri(), encoding)
            click.echo(_coverage(result, str(file)))
        return
    result = parse_page(_read(files[0]), url or files[0].resolve().as_uri(), encoding)
    problem = None if looks_like_a_report(result) else NOT_A_REPORT
    if problem:
        result["error"] = problem
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    elif not problem:
        click.echo(_summary(result))
    if problem:
        fail(f"{files[0]}: {problem}", EXIT_SOME_ERRORS)
