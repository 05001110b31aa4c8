"""Bad or odd report input gives a best-effort result with nulls and warnings, never a traceback."""

from __future__ import annotations

import pytest

from pipeline.reports import is_report, parse_report
from pipeline.reports.prose import proactive_claims

EXTRA_COLUMN = (
    "<html><head><title>某县2021年政府信息公开工作年度报告</title></head><body><table>"
    "<tr><td colspan='2' rowspan='2'>说明</td><td colspan='8'>申请人情况</td></tr>"
    "<tr><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td>"
    "<td>其他</td><td>个体工商户</td><td>总计</td></tr>"
    "<tr><td colspan='2'>一、本年新收政府信息公开申请数量</td>"
    "<td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>?</td><td>2</td></tr>"
    "</table></body></html>"
)


def test_page_without_tables_or_counts_is_prose_with_nulls_and_a_warning() -> None:
    report = parse_report(
        "<html><head><title>通知</title></head><body><p>会议通知</p></body></html>"
    )
    assert (report["format"], report["year"], report["proactive_total"]) == ("prose", None, None)
    assert report["cells"] == [] and report["claims"] == [] and report["checks"] == []
    assert "no report tables or 主动公开 counts found" in report["warnings"]


def test_table_with_an_extra_column_keeps_it_with_a_warning_and_a_null() -> None:
    report = parse_report(EXTRA_COLUMN)
    extra = [c for c in report["cells"] if c["column"] == "个体工商户"]
    assert extra == [
        {
            "table": "三",
            "row": "一、本年新收政府信息公开申请数量",
            "column": "个体工商户",
            "value": None,
            "raw": "?",
            "unit": None,
        }
    ]
    assert "table 三: unexpected column '个体工商户'" in report["warnings"]
    assert any("unreadable cell '?'" in w for w in report["warnings"])
    row_total = next(c for c in report["checks"] if c["name"].startswith("三 总计="))
    assert row_total["ok"] is True  # 1 + 1 = 2: the unknown column is not silently added


def test_chinese_numeral_total_is_read_best_effort_with_a_warning() -> None:
    total, claims, warnings = proactive_claims(
        "全年主动公开政府信息一千五百二十条。其中包括:政策法规数十条。"
    )
    assert total == 1520
    assert claims == [{"category": "政策法规", "label": "政策法规", "count": None}]
    assert warnings == [
        "read the Chinese numeral '一千五百二十' as 1520",
        "could not read the number '数十'",
    ]


def test_vague_total_is_null_with_a_warning() -> None:
    report = parse_report("某局2021年政务公开工作总结\n主动公开政府信息一千余条。")
    assert report["proactive_total"] is None
    assert "could not read the number '一千余'" in report["warnings"]


@pytest.mark.parametrize(
    "markup",
    [
        "",
        "<table",
        "<html><table><tr><td rowspan='x' colspan='-3'>1</td></tr></table></html>",
        "\x00\x01",
    ],
    ids=["empty", "truncated", "bad-spans", "binary"],
)
def test_garbage_never_raises(markup: str) -> None:
    report = parse_report(markup)
    assert report["format"] == "prose" and report["warnings"]


@pytest.mark.parametrize(
    ("title", "column", "expected"),
    [
        ("濉溪县教育局2021年政务公开工作总结", None, True),
        ("上海市人民政府办公厅2019年政府信息公开工作年度报告", None, True),
        ("某区2020年政府信息公开年报", None, True),
        ("濉溪县教育局2021年政府网站工作年度报告", None, False),
        ("关于2021年部门预算的公告", None, False),
        ("附件", "政府信息公开年报", True),
        ("关于开展安全检查的通知", "通知公告", False),
    ],
    ids=["zongjie", "niandu-baogao", "nianbao", "website-report", "budget", "column", "notice"],
)
def test_is_report(title: str, column: str | None, expected: bool) -> None:
    assert is_report(title, column) is expected


# Issue 12: prose totals with the figure set apart by markup, and claims under their own labels.


@pytest.mark.parametrize(
    "html",
    [
        "<p>全年共发布各类政府信息<span style='color:red'>2368</span>条，其中政策文件<b>41</b>条。</p>",
        "<p>主动公开政府信息&nbsp;<strong>2368</strong>&nbsp;条，其中政策文件41条。</p>",
        "<p>2021年，我局累计主动公开政府信息<span>2,368</span>条。其中：政策文件41条。</p>",
    ],
    ids=["发布各类政府信息-span", "nbsp-strong", "累计-comma"],
)
def test_prose_total_with_the_number_inside_a_tag(html) -> None:
    report = parse_report(
        f"<html><head><title>某局2021年政府信息公开工作年度报告</title></head><body>{html}</body></html>"
    )
    assert report["proactive_total"] == 2368
    assert report["claims"][0]["count"] == 41


def test_unmapped_kinds_stay_claims_under_their_own_label() -> None:
    total, claims, _ = proactive_claims(
        "主动公开规章13件，市政府其他文件162件，人事任免文件141件。"
    )
    assert total is None
    assert [(c["label"], c["count"]) for c in claims] == [
        ("规章", 13),
        ("市政府其他文件", 162),
        ("人事任免文件", 141),
    ]
