"""Annual disclosure reports (政府信息公开工作年度报告 / 政务公开工作总结) as data.

``parse_report(text)`` takes a saved report page (HTML or plain text) and returns one dict:
year, agency, format, proactive_total, claims, cells, checks, warnings (see ``parse_report``).
It never raises on bad input: what cannot be read is None and a warning says why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from pipeline.reports.checks import run_checks
from pipeline.reports.detect import detect_format, is_report, report_year, title_agency
from pipeline.reports.prose import other_counts, proactive_claims
from pipeline.reports.tables import SEP, TidyCell, read_tables, statistics_total

__all__ = ["category_lookup", "is_report", "parse_page", "parse_report"]

_HTML = re.compile(r"<(?:html|body|table|div|p|td)\b", re.IGNORECASE)
_BLOCKS = ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "section")
EXPECTED_COLUMNS = {
    "三": {
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
        "合计",
    },
    "四": {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"},
}


def category_lookup() -> Callable[[str], str | None] | None:
    """Map a printed category label to the taxonomy's name (aliases included), if a taxonomy loads."""
    try:
        from pipeline.taxonomy import label_key, load_taxonomy

        taxonomy = load_taxonomy()
    except Exception:  # noqa: BLE001 - the parser must work without a usable taxonomy
        return None
    return lambda label: taxonomy.index.get(label_key(label))


def _page_text(root: lxml_html.HtmlElement) -> str:
    """Visible text with a line break after every block, so sentences do not run together."""
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return "\n".join(line.strip() for line in root.text_content().splitlines() if line.strip())


def _html_title(root: lxml_html.HtmlElement) -> str | None:
    for path in ("//h1", "//title"):
        for element in root.xpath(path):
            text = " ".join(element.text_content().split())
            if text:
                return text
    return None


def _column_warnings(cells: list[TidyCell]) -> list[str]:
    warnings = []
    for table, expected in EXPECTED_COLUMNS.items():
        columns = dict.fromkeys(c.column for c in cells if c.table == table)
        for column in columns:
            if column.split(SEP)[-1] not in expected:
                warnings.append(f"table {table}: unexpected column {column!r}")
    return warnings


def _load(text: str) -> tuple[str, list[TidyCell], str | None, list[str]]:
    """(plain text, table cells, title, warnings) from HTML or plain text."""
    if not _HTML.search(text):
        first = next((line.strip() for line in text.splitlines() if line.strip()), None)
        return text, [], first, []
    try:
        root = lxml_html.fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        return text, [], None, [f"could not parse HTML: {exc}"]
    cells, warnings = read_tables(root)
    title = _html_title(root)
    return _page_text(root), cells, title, warnings


def parse_report(
    text: str,
    url: str | None = None,
    extracted: dict[str, Any] | None = None,
    lookup: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """Parse a saved report page (HTML or text) into the ``gongkai report --json`` object.

    ``extracted`` is ``pipeline.extract.extract``'s dict when available (its title, agency and
    published_at win over what this module reads itself); ``lookup`` maps category labels to
    taxonomy names.
    """
    extracted = extracted or {}
    plain, cells, page_title, warnings = _load(text)
    title = extracted.get("title") or page_title
    total, claims, prose_warnings = proactive_claims(plain, lookup)
    counts, count_warnings = other_counts(plain)
    warnings += prose_warnings + count_warnings + _column_warnings(cells)
    prose_total = total
    if total is None and statistics_total(cells) is not None:
        total = statistics_total(cells)
        warnings.append("主动公开 total read from the 统计表, not stated in the prose")
    report_format = detect_format(cells)
    if not cells and not claims and total is None:
        warnings.append("no report tables or 主动公开 counts found")
    year = report_year(title, plain)
    if year is None:
        warnings.append("no report year found in the title or the statistics period")
    return {
        "url": url or extracted.get("url"),
        "title": title,
        "year": year,
        "agency": extracted.get("agency") or title_agency(title),
        "published_at": extracted.get("published_at"),
        "format": report_format,
        "proactive_total": total,
        "claims": claims,
        "prose_counts": counts,
        "cells": [cell.as_dict() for cell in cells],
        "checks": run_checks(cells, total, claims, prose_total),
        "warnings": warnings,
    }


def parse_page(raw: bytes, url: str, encoding: str | None = None) -> dict[str, Any]:
    """Parse a saved page's bytes: decode like a browser, extract metadata, parse the report."""
    from pipeline.encoding import decode_html
    from pipeline.extract import ExtractionError, extract

    text = decode_html(raw, None, encoding).text
    warnings: list[str] = []
    extracted: dict[str, Any] = {}
    if _HTML.search(text):
        try:
            extracted = extract(text, url)
        except ExtractionError as exc:
            warnings.append(f"extraction: {exc.reason}")
    result = parse_report(text, url=url, extracted=extracted, lookup=category_lookup())
    result["warnings"] = warnings + result["warnings"]
    return result
