"""Internal consistency checks on a parsed report. Flagged, never rejected: real reports break them.

Each check is {name, ok, expected, actual, detail}. ``ok`` is None when the report does not state
enough to decide (for instance a blank 总计 cell). Blank addends count as zero, because bureaus
routinely leave zero cells blank; a blank *total* is not read as zero (when a total side has
several parts, as （七）总计 + 结转下年度, it is undecided only if every part is blank).
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.reports.tables import SEP, TidyCell, statistics_total

Number = int | float
ORG_COLUMNS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结")


def _check(name: str, expected: Number | None, addends: list[Number | None], what: str) -> dict:
    if expected is None or all(a is None for a in addends):
        return {
            "name": name,
            "ok": None,
            "expected": expected,
            "actual": None,
            "detail": f"{what}: not stated (blank cells)",
        }
    actual = sum(a for a in addends if a is not None)
    ok = abs(actual - expected) < 1e-6
    detail = f"{what}: expected {expected}, parts sum to {actual}"
    return {"name": name, "ok": ok, "expected": expected, "actual": actual, "detail": detail}


def _rows(cells: Iterable[TidyCell], table: str) -> dict[str, dict[str, TidyCell]]:
    rows: dict[str, dict[str, TidyCell]] = {}
    for cell in cells:
        if cell.table == table:
            rows.setdefault(cell.row, {})[cell.column] = cell
    return rows


def _find(rows: dict[str, dict[str, TidyCell]], *needles: str) -> str | None:
    for label in rows:
        last = label.split(SEP)[-1]
        if all(n in last for n in needles):
            return label
    return None


def _value(row: dict[str, TidyCell] | None, column: str) -> Number | None:
    cell = row.get(column) if row else None
    return cell.value if cell else None


def table3_checks(cells: list[TidyCell]) -> list[dict]:
    rows = _rows(cells, "三")
    if not rows:
        return []
    new, carried = _find(rows, "本年新收"), _find(rows, "上年结转")
    total, forward = _find(rows, "总计"), _find(rows, "结转下年度")
    columns = list(dict.fromkeys(c for r in rows.values() for c in r))
    checks = []
    for column in columns:
        short = column.split(SEP)[-1]
        if new and total and forward:
            left = [_value(rows[new], column), _value(rows.get(carried or ""), column)]
            right = [_value(rows[total], column), _value(rows[forward], column)]
            name = f"三 一+二=七+四 [{short}]"
            what = "本年新收 + 上年结转 = （七）总计 + 结转下年度"
            stated = [v for v in right if v is not None]
            checks.append(_check(name, sum(stated) if stated else None, left, what))
        if total:
            leaves = [r for r in _result_rows(rows, total) if r != total]
            name = f"三 （七）总计=办理结果之和 [{short}]"
            what = "（七）总计 = sum of the result rows"
            checks.append(
                _check(
                    name,
                    _value(rows[total], column),
                    [_value(rows[r], column) for r in leaves],
                    what,
                )
            )
    checks.extend(_row_totals(rows))
    return checks


def _result_rows(rows: dict[str, dict[str, TidyCell]], total: str) -> list[str]:
    """Leaf rows of 三、本年度办理结果: rows sharing the 总计 row's first label, minus their parents."""
    parent = total.split(SEP)[0] if SEP in total else None
    labels = [r for r in rows if parent and r.startswith(parent + SEP)]
    return [r for r in labels if not any(o.startswith(r + SEP) for o in labels)]


def _row_totals(rows: dict[str, dict[str, TidyCell]]) -> list[dict]:
    checks = []
    for label, row in rows.items():
        total = next((c for c in row if c.split(SEP)[-1] in ("总计", "合计")), None)
        person = next((c for c in row if c.split(SEP)[-1] == "自然人"), None)
        orgs = [c for c in row if c.split(SEP)[-1] in ORG_COLUMNS]
        if total is None or person is None:
            continue
        addends = [row[person].value] + [row[c].value for c in orgs]
        name = f"三 总计=自然人+法人或其他组织 [{label.split(SEP)[-1]}]"
        checks.append(
            _check(name, row[total].value, addends, "总计 = 自然人 + five organisation columns")
        )
    return checks


def table4_checks(cells: list[TidyCell]) -> list[dict]:
    groups: dict[str, dict[str, Number | None]] = {}
    for cell in cells:
        if cell.table != "四":
            continue
        parts = cell.column.split(SEP)
        groups.setdefault(SEP.join(parts[:-1]), {})[parts[-1]] = cell.value
    checks = []
    for group, values in groups.items():
        if "总计" not in values:
            continue
        addends = [values.get(outcome) for outcome in OUTCOMES]
        name = f"四 总计 [{group or '四'}]"
        checks.append(_check(name, values["总计"], addends, "总计 = 维持 + 纠正 + 其他 + 尚未审结"))
    return checks


def prose_checks(total: int | None, claims: list[dict]) -> list[dict]:
    if not claims:
        return []
    counts = [c["count"] for c in claims]
    if any(count is None for count in counts):
        total = None  # an unreadable category count makes the comparison undecidable
    return [
        _check(
            "prose 主动公开总数=分类之和",
            total,
            counts,
            "stated 主动公开 total = sum of categories",
        )
    ]


def statistics_checks(cells: list[TidyCell], prose_total: int | None) -> list[dict]:
    """The prose's 主动公开 total against the pre-2019 统计表's 主动公开政府信息数."""
    table_total = statistics_total(cells)
    if table_total is None or prose_total is None:
        return []
    what = "统计表 主动公开政府信息数 = 正文所述主动公开总数"
    return [_check("统计表 主动公开数=正文", table_total, [prose_total], what)]


def run_checks(
    cells: list[TidyCell], total: int | None, claims: list[dict], prose_total: int | None = None
) -> list[dict]:
    return (
        table3_checks(cells)
        + table4_checks(cells)
        + prose_checks(total, claims)
        + statistics_checks(cells, prose_total)
    )
