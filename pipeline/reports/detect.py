"""Is a document an annual disclosure report, which year and agency, and which table format."""

from __future__ import annotations

import re

from pipeline.reports.tables import SEP, TidyCell

REPORT_COLUMNS = ("政府信息公开年报", "政府信息公开年度报告", "信息公开年报", "年度报告")
_REPORT_TITLE = re.compile(
    r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度报告|年报|工作总结|总结)"
    r"|政务公开工作总结|(?:19|20)\d{2}\s*年度?[^，。]{0,30}年报$"
)
# Annual reports *about* a website or a budget are not disclosure reports.
_NOT_REPORT = re.compile(r"网站(?:工作)?年度报告|预算|决算|年报公示|企业年报|统计年报")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"统计期限[^。]{0,10}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_TITLE_SUFFIX = re.compile(
    r"(?:关于)?(?:(?:19|20)\d{2}\s*年度?)?\s*(?:政府信息公开|政务公开|信息公开)(?:工作)?"
    r"(?:年度报告|年报|工作总结|总结).*$"
)


def is_report(title: str | None, column: str | None = None) -> bool:
    """True for titles like …政府信息公开工作年度报告 / …政务公开工作总结 / …年报, or the 年报 column."""
    title = "".join((title or "").split())
    if title and _NOT_REPORT.search(title):
        return False
    if title and _REPORT_TITLE.search(title):
        return True
    column = "".join((column or "").split())
    return bool(column) and any(name in column for name in REPORT_COLUMNS)


def report_year(title: str | None, text: str = "") -> int | None:
    """The year reported on: the year in the title, else the statistics period in the text."""
    match = _YEAR.search(title or "")
    if match:
        return int(match.group(1))
    match = _PERIOD.search(text)
    return int(match.group(1)) if match else None


def title_agency(title: str | None) -> str | None:
    """The agency named in a report title ("濉溪县教育局2021年政务公开工作总结" -> 濉溪县教育局)."""
    title = "".join((title or "").split())
    stem = _TITLE_SUFFIX.sub("", title)
    stem = _YEAR.sub("", stem).strip("《》“”\"' ")
    return stem or None


def detect_format(cells: list[TidyCell]) -> str:
    """ "2021", "2019", "pre2019" or "prose", from the labels the tables print."""
    tables = {cell.table for cell in cells}
    labels = " ".join(f"{cell.row}{SEP}{cell.column}" for cell in cells)
    if "统计表" in tables and "三" not in tables:
        return "pre2019"
    if any(
        k in labels for k in ("本年新制作数量", "对外公开总数量", "上一年项目数量", "本年增/减")
    ):
        return "2019"
    if any(
        k in labels for k in ("本年制发件数", "现行有效件数", "本年处理决定数量", "本年收费金额")
    ):
        return "2021"
    if "三" in tables:
        # Without table 二: the 2021 format splits （六）其他处理 into three rows, 2019 has one.
        return "2021" if "逾期不补正" in labels or "逾期未按收费通知" in labels else "2019"
    return "prose"
