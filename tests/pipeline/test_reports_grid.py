"""Expanding HTML tables into grids and reading label paths (pipeline/reports/grid, tables)."""

from __future__ import annotations

from lxml import html

from pipeline.reports.grid import distinct, expand
from pipeline.reports.tables import classify_table, read_grid


def grid_of(markup: str):
    return expand(html.fromstring(markup))


def test_rowspan_and_colspan_fill_every_slot_with_the_same_cell() -> None:
    grid = grid_of(
        "<table><tr><td rowspan='2' colspan='2'>A</td><td>B</td></tr>"
        "<tr><td>C</td></tr><tr><td>D</td><td>E</td><td>F</td></tr></table>"
    )
    assert [[c.text for c in row] for row in grid] == [
        ["A", "A", "B"],
        ["A", "A", "C"],
        ["D", "E", "F"],
    ]
    assert grid[0][0] is grid[1][1]
    assert [c.text for c in distinct(grid[1])] == ["A", "C"]


def test_absurd_spans_are_clamped_instead_of_allocating_huge_grids() -> None:
    grid = grid_of(
        "<table><tr><td colspan='100000'>x</td></tr><tr><td rowspan='99'>y</td></tr></table>"
    )
    assert len(grid) == 2 and len(grid[0]) == 200


def test_nested_header_paths_and_banner_dropped() -> None:
    grid = grid_of(
        "<table><tr><td colspan='2' rowspan='2'>说明</td><td colspan='3'>申请人情况</td></tr>"
        "<tr><td rowspan='2'>自然人</td><td colspan='2'>法人或其他组织</td></tr>"
        "<tr><td></td><td></td><td>商业企业</td><td>其他</td></tr>"
        "<tr><td rowspan='2'>三、本年度办理结果</td><td>（一）予以公开</td><td>1</td><td>&nbsp;</td><td>-</td></tr>"
        "<tr><td>（七）总计</td><td>1,200</td><td>0</td><td>0</td></tr></table>"
    )
    cells, warnings = read_grid("三", grid)
    assert warnings == []
    assert [(c.row, c.column, c.value, c.raw) for c in cells] == [
        ("三、本年度办理结果 / （一）予以公开", "自然人", 1, "1"),
        ("三、本年度办理结果 / （一）予以公开", "法人或其他组织 / 商业企业", None, ""),
        ("三、本年度办理结果 / （一）予以公开", "法人或其他组织 / 其他", None, "-"),
        ("三、本年度办理结果 / （七）总计", "自然人", 1200, "1,200"),
        ("三、本年度办理结果 / （七）总计", "法人或其他组织 / 商业企业", 0, "0"),
        ("三、本年度办理结果 / （七）总计", "法人或其他组织 / 其他", 0, "0"),
    ]


def test_section_rows_restart_headers_and_header_units_apply() -> None:
    grid = grid_of(
        "<table><tr><td colspan='2'>第二十条第（一）项</td></tr>"
        "<tr><td>信息内容</td><td>现行有效件数</td></tr><tr><td>规章</td><td>5</td></tr>"
        "<tr><td colspan='2'>第二十条第（八）项</td></tr>"
        "<tr><td>信息内容</td><td>本年收费金额（单位：万元）</td></tr>"
        "<tr><td>行政事业性收费</td><td>1.5</td></tr></table>"
    )
    cells, _ = read_grid("二", grid)
    assert [(c.row, c.column, c.value, c.unit) for c in cells] == [
        ("规章", "现行有效件数", 5, None),
        ("行政事业性收费", "本年收费金额（单位：万元）", 1.5, "万元"),
    ]


def test_pre2019_unit_column_becomes_the_unit_not_a_label() -> None:
    grid = grid_of(
        "<table><tr><td>指标名称</td><td>计量单位</td><td>本年度</td></tr>"
        "<tr><td>主动公开政府信息数</td><td>条</td><td>320</td></tr></table>"
    )
    cells, _ = read_grid("统计表", grid)
    assert [(c.row, c.column, c.value, c.unit) for c in cells] == [
        ("主动公开政府信息数", "本年度", 320, "条")
    ]


def test_tables_are_recognised_by_their_printed_words() -> None:
    assert classify_table("一、本年新收政府信息公开申请数量自然人总计") == "三"
    assert classify_table("行政复议行政诉讼结果维持") == "四"
    assert classify_table("信息内容本年制发件数规章行政规范性文件") == "二"
    assert classify_table("指标名称计量单位本年度") == "统计表"
    assert classify_table("姓名电话") is None
