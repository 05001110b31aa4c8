"""Read the official report tables (二, 三, 四, pre-2019 统计表) from an expanded grid into tidy cells.

Labels are read, not assumed: a data cell's row label is the run of label cells to its left and
its column label is the stack of header cells above it, each joined with " / ". That keeps the
parser indifferent to how a bureau's editor merged cells, and keeps what was printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html

from pipeline.reports.grid import Cell, Grid, distinct, expand
from pipeline.reports.numbers import CellValue, is_null, looks_numeric, parse_cell

SEP = " / "
UNIT_HEADERS = frozenset({"计量单位", "单位"})
_HEADER_UNIT = re.compile(r"[（(](?:单位[:：])?(万元|亿元|元)[）)]")


@dataclass(frozen=True)
class TidyCell:
    table: str
    row: str
    column: str
    value: int | float | None
    raw: str
    unit: str | None

    def as_dict(self) -> dict:
        return {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "raw": self.raw,
            "unit": self.unit,
        }


def classify_table(text: str) -> str | None:
    """Which official table a table is, from the words it prints; None for other tables."""
    if "指标名称" in text or "统计指标" in text or ("计量单位" in text and "本年" in text):
        return "统计表"
    if "本年新收" in text or "申请人情况" in text or ("自然人" in text and "总计" in text):
        return "三"
    if "行政复议" in text and "行政诉讼" in text:
        return "四"
    keys = ("信息内容", "规章", "规范性文件", "行政许可", "行政处罚", "行政事业性收费")
    if sum(key in text for key in keys) >= 2:
        return "二"
    return None


def _is_label(cell: Cell) -> bool:
    return bool(cell.text) and not is_null(cell.text) and not looks_numeric(cell.text)


def classify_row(row: list[Cell | None], width: int) -> str:
    """ "section" (one cell across the table), "header", "data" or "empty"."""
    cells = distinct(row)
    if not cells or all(not c.text for c in cells):
        return "empty"
    if len(cells) == 1 and cells[0].colspan >= width:
        return "section" if _is_label(cells[0]) else "data"
    if any(looks_numeric(c.text) for c in cells):
        return "data"
    prefix = 0
    while prefix < len(cells) and _is_label(cells[prefix]):
        prefix += 1
    if 0 < prefix < len(cells) and all(is_null(c.text) for c in cells[prefix:]):
        return "data"
    return "header"


def _column_label(headers: list[list[Cell | None]], col: int, first_data: int, width: int) -> str:
    stack = distinct([h[col] for h in headers])
    labels = []
    for cell in stack:
        if not _is_label(cell) or cell.col < first_data <= cell.col + cell.colspan - 1:
            continue
        # A banner over every data column ("申请人情况") adds nothing to tell columns apart.
        if len(stack) > 1 and cell.col <= first_data and cell.col + cell.colspan >= width:
            continue
        labels.append(cell.text)
    return SEP.join(labels)


def _value(cell: Cell, column: str) -> tuple[CellValue, str | None]:
    parsed = parse_cell(cell.text)
    unit = parsed.unit
    if unit is None and parsed.value is not None:
        match = _HEADER_UNIT.search(column)
        unit = match.group(1) if match else None
    return parsed, unit


def _data_row(
    table: str, row: list[Cell | None], headers: list[list[Cell | None]], width: int
) -> tuple[list[TidyCell], list[str]]:
    cells = distinct(row)
    labels: list[str] = []
    unit: str | None = None
    index = 0
    while index < len(cells) and _is_label(cells[index]):
        header = _column_label(headers, cells[index].col, 0, width)
        if header in UNIT_HEADERS:
            unit = cells[index].text
        else:
            labels.append(cells[index].text)
        index += 1
    first_data = cells[index].col if index < len(cells) else width
    out, warnings = [], []
    for cell in cells[index:]:
        column = _column_label(headers, cell.col, first_data, width)
        if column in UNIT_HEADERS:
            unit = None if is_null(cell.text) else cell.text
            continue
        parsed, cell_unit = _value(cell, column)
        if not parsed.ok:
            warnings.append(f"table {table}: unreadable cell {cell.raw!r} at {SEP.join(labels)}")
        out.append(
            TidyCell(table, SEP.join(labels), column, parsed.value, cell.raw, cell_unit or unit)
        )
    return out, warnings


def read_grid(table: str, grid: Grid) -> tuple[list[TidyCell], list[str]]:
    """All data cells of one table, labelled by the printed row and column headers."""
    width = max((len(r) for r in grid), default=0)
    headers: list[list[Cell | None]] = []
    cells: list[TidyCell] = []
    warnings: list[str] = []
    previous = "section"
    for row in grid:
        kind = classify_row(row, width)
        if kind == "empty" and previous == "header":
            kind = "data"  # a blank row under headers is a row of blank cells, not nothing
        if kind == "section":
            headers = []
        elif kind == "header":
            if previous == "data":
                headers = []  # a new header block after data starts a new sub-table
            headers.append(row)
        elif kind == "data":
            found, problems = _data_row(table, row, headers, width)
            cells.extend(found)
            warnings.extend(problems)
        previous = kind if kind != "empty" else previous
    return cells, warnings


def leaf_tables(root: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Tables holding no other table: layout tables that wrap a whole page are not report tables."""
    return [t for t in root.iter("table") if not any(True for _ in t.iterdescendants("table"))]


def read_tables(root: lxml_html.HtmlElement) -> tuple[list[TidyCell], list[str]]:
    """Tidy cells of every official table on a page, in page order."""
    cells: list[TidyCell] = []
    warnings: list[str] = []
    for element in leaf_tables(root):
        text = "".join(element.text_content().split())
        kind = classify_table(text)
        if kind is None:
            continue
        found, problems = read_grid(kind, expand(element))
        cells.extend(found)
        warnings.extend(problems)
    return cells, warnings


def statistics_total(cells: list[TidyCell]) -> int | float | None:
    """主动公开政府信息数 as the pre-2019 统计表 states it (its first number column), if it does."""
    for cell in cells:
        if cell.table == "统计表" and "主动公开政府信息数" in cell.row and "其中" not in cell.row:
            return cell.value
    return None
