"""`gongkai report FILE --json`: the contract keys, any charset, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from crawler.cli.report import report

SEED = (
    Path(__file__).resolve().parents[2]
    / "crawler/samplesites/content/seed/suixi-education-2021-disclosure-summary.txt"
)
CONTRACT = {"year", "agency", "format", "proactive_total", "claims", "cells", "checks", "warnings"}


def run(*args: str):
    return CliRunner().invoke(report, list(args))


def test_seed_text_file_prints_the_contract_object() -> None:
    result = run(str(SEED), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert CONTRACT <= set(data)
    assert (data["year"], data["agency"], data["format"], data["proactive_total"]) == (
        2021,
        "濉溪县教育局",
        "prose",
        1520,
    )
    assert len(data["claims"]) == 25 and {"category", "count"} <= set(data["claims"][0])
    assert data["checks"][0]["ok"] is True and {"name", "ok", "detail"} <= set(data["checks"][0])


def test_gb2312_page_with_a_table_is_decoded_and_parsed(tmp_path: Path) -> None:
    page = (
        "<html><head><meta charset='gb2312'><title>某县2021年政府信息公开工作年度报告</title></head>"
        "<body><h1>某县2021年政府信息公开工作年度报告</h1><div id='zoom'><p>主动公开政府信息5条。</p><table>"
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>行政规范性文件</td><td>1</td><td>0</td><td>7</td></tr></table></div></body></html>"
    )
    path = tmp_path / "report.html"
    path.write_bytes(page.encode("gb18030"))
    data = json.loads(run(str(path), "--json").output)
    assert data["format"] == "2021" and data["proactive_total"] == 5
    assert data["cells"][2] == {
        "table": "二",
        "row": "行政规范性文件",
        "column": "现行有效件数",
        "value": 7,
        "raw": "7",
        "unit": None,
    }


def test_summary_without_json_lists_claims_and_checks() -> None:
    result = run(str(SEED))
    assert result.exit_code == 0
    assert "claim: 社会公益事业建设及重点民生领域 718" in result.output
    assert "check ok: prose 主动公开总数=分类之和" in result.output


def test_missing_file_is_a_one_line_error_with_exit_2(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.html"), "--json")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith(
        "gongkai: error: cannot read"
    )


def test_coverage_prints_one_line_per_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><p>通知</p></body></html>", encoding="utf-8")
    result = run("--coverage", str(SEED), str(empty))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("format tables cells")
    assert lines[1].split()[:8] == ["prose", "-", "0", "0", "25", "1520", "1/0/0", "0"]
    assert lines[2].split()[:8] == ["prose", "-", "0", "0", "0", "-", "0/0/0", "2"]


def test_several_files_without_coverage_is_an_error() -> None:
    result = run(str(SEED), str(SEED), "--json")
    assert result.exit_code == 2 and "--coverage" in result.output


def test_prose_total_with_the_figure_in_a_tag(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(
        "<html><head><title>某县财政局2021年政府信息公开工作年度报告</title></head><body>"
        "<div id='zoom'><p>2021年，全年共发布各类政府信息<span style='color:#c00'>326</span>条，"
        "其中部门预算<strong>12</strong>条，重点工作动态40条。</p></div></body></html>",
        "utf-8",
    )
    data = json.loads(run(str(page), "--json").output)
    assert data["proactive_total"] == 326
    assert [(c["category"], c["label"], c["count"]) for c in data["claims"]] == [
        ("财政资金", "部门预算", 12),
        ("重点工作动态", "重点工作动态", 40),  # unmapped: kept under its own label
    ]


def test_real_shanghai_report_keeps_its_listed_kinds_as_claims() -> None:
    real = (
        Path(__file__).resolve().parents[1] / "fixtures/real/reports/shanghai-gov-office-2019.html"
    )
    data = json.loads(run(str(real), "--json").output)
    assert data["proactive_total"] is None  # the page states no total
    assert ("人事任免文件", 141) in [(c["label"], c["count"]) for c in data["claims"]]
