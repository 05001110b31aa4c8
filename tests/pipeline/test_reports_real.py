"""Real report pages (tests/fixtures/real/reports, provenance in SOURCE.md) parse as expected.

Each page.html has page.expected.json beside it; regenerate after a reviewed parser change with
``python -m tests.pipeline.test_reports_real``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.reports import parse_page

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "reports"
PAGES = sorted(REAL.glob("*.html"))
KEYS = ("title", "year", "agency", "format", "proactive_total", "claims", "prose_counts", "cells")
KEYS += ("checks", "warnings")


def parsed(page: Path) -> dict:
    report = parse_page(page.read_bytes(), f"file:///{page.name}")
    return {key: report[key] for key in KEYS}


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_real_report_matches_expected_json(page: Path) -> None:
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert parsed(page) == expected


def test_shanghai_2019_reads_blank_cells_as_null_and_keeps_units() -> None:
    report = parsed(REAL / "shanghai-gov-office-2019.html")
    assert (report["year"], report["format"], report["agency"]) == (
        2019,
        "2019",
        "上海市人民政府办公厅",
    )
    cells = {(c["table"], c["row"], c["column"]): c for c in report["cells"]}
    granted = cells[("三", "三、本年度办理结果 / （一）予以公开", "总计")]
    assert (granted["value"], granted["raw"]) == (None, "")
    fee = cells[("二", "政府集中采购", "采购总金额")]
    assert (fee["value"], fee["unit"]) == (251000, "元")
    assert report["prose_counts"] == {
        "applications": 859,
        "reviews": 7,
        "lawsuits": 9,
        "fees_yuan": None,
    }
    assert not [c["name"] for c in report["checks"] if c["ok"] is False]


if __name__ == "__main__":
    for page in PAGES:
        text = json.dumps(parsed(page), ensure_ascii=False, indent=1) + "\n"
        page.with_suffix(".expected.json").write_text(text, encoding="utf-8")
