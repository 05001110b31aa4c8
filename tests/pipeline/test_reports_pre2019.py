"""A pre-2019 report: the 统计表 (统计指标 | 单位 | 统计数) on a GBK page declared gb2312."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.reports import parse_page

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "qingxi-rsj-2015-pre2019.html"
KEYS = ("title", "year", "agency", "format", "proactive_total", "cells", "checks", "warnings")


def parsed() -> dict:
    report = parse_page(
        PAGE.read_bytes(), "http://rsj.qingxi.sample.test/xxgk/ndbg/t20160120_1.html"
    )
    return {key: report[key] for key in KEYS}


def test_pre2019_page_matches_expected_json() -> None:
    expected = json.loads(PAGE.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert parsed() == expected


def test_unit_column_is_a_unit_and_dashes_are_null() -> None:
    report = parsed()
    assert report["format"] == "pre2019"
    cells = {c["row"]: c for c in report["cells"]}
    assert cells["（二）政府信息公开工作专项经费"]["value"] == 2.5
    assert cells["（二）政府信息公开工作专项经费"]["unit"] == "万元"
    assert cells["一、主动公开情况"]["unit"] is None and cells["一、主动公开情况"]["value"] is None
    assert cells["2.延期办结数"]["value"] is None and cells["六、举报投诉数量"]["raw"] == "—"
    assert [(c["name"], c["ok"]) for c in report["checks"]] == [("统计表 主动公开数=正文", True)]


if __name__ == "__main__":
    PAGE.with_suffix(".expected.json").write_text(
        json.dumps(parsed(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
