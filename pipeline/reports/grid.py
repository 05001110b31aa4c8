"""Expand an HTML table into a rectangular grid, honouring rowspan and colspan.

Each grid slot points at the Cell it came from, so a label spanning three rows is one Cell seen
three times; readers deduplicate by identity, not by text (two different cells may print the
same words).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html as lxml_html

from pipeline.reports.numbers import squash

MAX_SPAN = 200  # guards against colspan="9999" typos that would allocate huge grids


@dataclass(eq=False)
class Cell:
    text: str  # the printed text with every space removed
    raw: str  # the printed text as it reads, spaces collapsed
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


Grid = list[list[Cell | None]]


def _span(element: lxml_html.HtmlElement, name: str) -> int:
    try:
        value = int(str(element.get(name, "1")).strip() or "1")
    except ValueError:
        return 1
    return max(1, min(value, MAX_SPAN))


def _cell_text(element: lxml_html.HtmlElement) -> str:
    parts = [t for t in element.itertext()]
    return " ".join(" ".join(parts).split())


def table_rows(table: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The table's own rows (thead/tbody/tfoot included), not rows of tables nested inside it."""
    rows = []
    for tr in table.iter("tr"):
        parent = tr.getparent()
        owner = parent if parent is not None and parent.tag == "table" else parent.getparent()
        if owner is table:
            rows.append(tr)
    return rows


def expand(table: lxml_html.HtmlElement) -> Grid:
    """Return the table as a list of equally long rows of Cell references (None = no cell)."""
    grid: dict[tuple[int, int], Cell] = {}
    width = 0
    rows = table_rows(table)
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            raw = _cell_text(td)
            cell = Cell(squash(raw), raw, r, c, _span(td, "rowspan"), _span(td, "colspan"))
            cell.rowspan = min(cell.rowspan, len(rows) - r)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid.setdefault((r + dr, c + dc), cell)
            c += cell.colspan
            width = max(width, c)
    return [[grid.get((r, c)) for c in range(width)] for r in range(len(rows))]


def distinct(cells: list[Cell | None]) -> list[Cell]:
    """The cells of a grid row or column in order, each spanning cell once."""
    seen: list[Cell] = []
    for cell in cells:
        if cell is not None and all(cell is not s for s in seen):
            seen.append(cell)
    return seen
