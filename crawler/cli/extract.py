"""`gongkai extract`: run the extraction cascade on one saved page."""

from __future__ import annotations

import json
from pathlib import Path

import click

from crawler.cli.errors import EXIT_BAD_CONFIG, EXIT_SOME_ERRORS, fail

SUMMARY_FIELDS = tuple(
    "title agency published_at written_at index_no doc_no column category_label keywords"
    " validity category category_source category_reason".split()
)
CATEGORY_KEYS = ("category", "category_source", "category_reason")


def _summary(record: dict) -> str:
    lines = [f"{field:>14}: {record[field]}" for field in SUMMARY_FIELDS if record.get(field)]
    if record.get("breadcrumb"):
        lines.append(f"{'breadcrumb':>14}: {' > '.join(record['breadcrumb'])}")
    for attachment in record.get("attachments") or []:
        lines.append(f"{'attachment':>14}: {attachment['name']} <{attachment['url']}>")
    sources = ", ".join(f"{k}={v}" for k, v in (record.get("sources") or {}).items())
    lines.append(f"{'sources':>14}: {sources}")
    for warning in record.get("warnings") or []:
        lines.append(f"{'warning':>14}: {warning}")
    lines.append("")
    lines.append(record.get("body") or "(no body)")
    return "\n".join(lines)


def _file(record: dict, tax) -> None:
    """Add where the page is filed in ``tax`` and why (no profile mapping for a single file)."""
    from pipeline.classify import classify

    filed = classify(record, None, tax)
    record.update(
        category=filed.category, category_source=filed.source, category_reason=filed.reason
    )


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The page's URL: resolves relative attachment links.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
@click.option("--encoding", default=None, help="Decode with this charset instead of sniffing.")
@click.option(
    "--taxonomy",
    default="anhui",
    show_default=True,
    help="File the page in this taxonomy (a name in pipeline/taxonomy/ or a YAML path).",
)
@click.option(
    "--status", type=int, default=200, show_default=True, help="The HTTP status it came with."
)
@click.option("--final-url", default=None, help="Where redirects ended, if elsewhere.")
@click.option("--header", "header_lines", multiple=True, metavar="'K: V'",
              help="A response header (repeatable): Set-Cookie, X-Via-Jsl, Content-Type…")  # fmt: skip
def extract(
    file: Path,
    url: str,
    as_json: bool,
    encoding: str | None,
    taxonomy: str,
    status: int,
    final_url: str | None,
    header_lines: tuple[str, ...],
) -> None:
    """Extract title, dates, agency, 信息公开 metadata and body text from a saved page, and file it.

    FILE holds the page's raw bytes; its charset is sniffed (BOM, <meta charset>; declared
    gb2312/gbk are decoded as GB18030) unless --encoding is given. Missing values are null.
    `category`, `category_source` and `category_reason` say where the page is filed in the
    taxonomy and which rule decided (no profile mapping applies to a single file).
    The JSON's "verdict" ({outcome, reason}) is what a crawl would record for this response
    with --status, --final-url and --header: ok, missing (soft-404), blocked (a challenge),
    unreachable or error. Exit 0 on success; 1 (with "error" in the JSON) when the page has
    no title and no body; 2 when FILE cannot be read or an option is malformed.

    \b
    Example:
        gongkai extract page.html --url https://www.sxx.gov.cn/zwgk/public/1/2.html --json
        gongkai extract page.html --url https://www.sxx.gov.cn/a.html --taxonomy article20
        gongkai extract challenge.html --url https://www.x.gov.cn/1.html --status 521 \\
            --header 'X-Via-Jsl: 1,-' --json      # "verdict": {"outcome": "blocked", …}
    """
    from pipeline.encoding import decode_html, header_charset, normalise_charset
    from pipeline.extract import FIELDS, ExtractionError
    from pipeline.extract import extract as run_extraction
    from pipeline.taxonomy import TaxonomyError, load_taxonomy

    if encoding and normalise_charset(encoding) is None:
        fail(f"unknown encoding {encoding!r}", EXIT_BAD_CONFIG)
    headers = _headers(header_lines)
    try:
        tax = load_taxonomy(taxonomy)
    except TaxonomyError as exc:
        fail(str(exc), EXIT_BAD_CONFIG)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", EXIT_BAD_CONFIG)
    verdict = _verdict(raw, url, status, final_url, headers, encoding)
    decoded = decode_html(raw, header_charset(headers), encoding)
    try:
        record = run_extraction(decoded.text, url)
    except ExtractionError as exc:
        record = {field: None for field in FIELDS}
        record.update(
            url=url,
            breadcrumb=[],
            attachments=[],
            sources={},
            warnings=[exc.reason],
            error=exc.reason,
            **dict.fromkeys(CATEGORY_KEYS),
            verdict=verdict,
        )
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        fail(f"{file}: {exc.reason}", EXIT_SOME_ERRORS)
    record["encoding"] = decoded.used
    _file(record, tax)
    record["verdict"] = verdict
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        click.echo(_summary(record))


def _headers(lines: tuple[str, ...]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            fail(f"--header {line!r} is not 'Name: value'", EXIT_BAD_CONFIG)
        key = name.strip()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return headers


def _verdict(
    raw: bytes, url: str, status: int, final_url: str | None, headers: dict, encoding: str | None
) -> dict:
    """What a crawl would record for this response: ``pipeline.page.read_page``'s observation."""
    from pipeline.page import read_page

    capture = {
        "kind": "detail", "url": url, "final_url": final_url or url, "status": status,
        "headers": headers, "body": raw, "error": f"HTTP {status}" if status >= 400 else None,
    }  # fmt: skip
    reading = read_page(capture, {"name": "extract", "agency": None, "encoding": encoding})
    return reading.as_observation()
