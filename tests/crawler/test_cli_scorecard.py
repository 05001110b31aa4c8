"""`gongkai scorecard` (issue 15, item 6) on the crawled sample sites: 濉溪县教育局 2021 with its
report, the deadline it missed, its checks and its 25 claims beside the archive."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from crawler.cli import main

SEED = "濉溪县教育局2021年政务公开工作总结"
BOM = "\ufeff"


def run(*args: str):
    return CliRunner().invoke(main, ["scorecard", *args])


@pytest.fixture(scope="module")
def db(sample_crawl) -> str:
    return str(sample_crawl.db)


def block(text: str, agency: str) -> str:
    return next(b for b in text.split("\n\n") if b.startswith(agency))


def test_text_lists_the_seed_report_late_with_checks_and_25_claims(db) -> None:
    result = run("--db", db, "--year", "2021")
    assert result.exit_code == 0, result.output
    seed = block(result.output, "濉溪县教育局 2021")
    assert f"年度报告 report: {SEED}" in seed
    # The seed page says 发布时间:2022-02-22; 条例第四十九条 wants it by 31 January.
    assert (
        "发布 published 2022-02-22 08:23, deadline 2022-01-31 (条例第四十九条): 逾期 late by 22 days"
        in seed
    )
    assert "检查 checks: 1 passed, 0 failed, 0 undecided" in seed
    assert "主动公开 claimed 1520; 25 categories: claimed 1520" in seed
    claims = [
        line.split() for line in seed.splitlines() if "  claimed " in line and "archived" in line
    ]
    assert len(claims) == 25
    assert claims[0][0].rstrip("\u3000") == "政策法规" and claims[0][2] == "34"
    assert claims[-1][0] == "社会公益事业建设及重点民生领域" and claims[-1][2] == "718"


def test_a_bureau_without_a_report_is_listed_as_such(db) -> None:
    output = run("--db", db, "--year", "2021").output
    assert "年度报告 report: 未找到年报 no report found (deadline 2022-01-31)" in block(
        output, "濉溪县财政局 2021"
    )


def test_jsonl_carries_every_claim_beside_the_archive(db) -> None:
    result = run("--db", db, "--year", "2021", "--format", "jsonl")
    rows = {r["agency"]: r for r in map(json.loads, result.output.splitlines())}
    seed = rows["濉溪县教育局"]
    assert (seed["report_title"], seed["deadline_status"], seed["days_late"]) == (SEED, "late", 22)
    assert len(seed["claims"]) == 25 and sum(c["claimed"] for c in seed["claims"]) == 1520
    assert all(isinstance(c["archived"], int) for c in seed["claims"])
    assert seed["archived_total"] == sum(c["archived"] for c in seed["claims"])


def test_csv_starts_with_the_bom_and_has_chinese_first_headers(db, tmp_path) -> None:
    out = tmp_path / "scorecard.csv"
    assert run("--db", db, "--year", "2021", "--format", "csv", "--out", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(BOM + "机构 agency,年度 year,")
    assert "逾期 late" in text and "政策法规 34/" in text


def test_xlsx_opens_with_one_row_per_bureau(db, tmp_path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "scorecard.xlsx"
    assert run("--db", db, "--year", "2021", "--format", "xlsx", "--out", str(out)).exit_code == 0
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "机构 agency" and "濉溪县教育局" in [r[0] for r in rows[1:]]


def test_without_year_the_latest_report_year_is_used(db) -> None:
    assert "濉溪县教育局 2022" in run("--db", db).output


@pytest.mark.parametrize(
    "args, words",
    [(["--year", "1999"], "no bureau has documents dated 1999"),
     (["--format", "pdf"], "Invalid value for '--format'")],
)  # fmt: skip
def test_errors_are_one_line(db, args, words) -> None:
    result = run("--db", db, *args)
    assert result.exit_code == 2
    assert result.output.startswith("gongkai: error: ") and words in result.output
    assert result.output.count("\n") == 1


def test_a_foreign_file_is_an_error_not_a_traceback(tmp_path) -> None:
    import sqlite3

    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table notes (x)")
    result = run("--db", str(path), "--year", "2021")
    assert result.exit_code == 2 and "not a gongkai archive" in result.output
