"""The sample sites' annual reports (and the seed) parse to the expected JSON beside them.

Expected files: crawler/samplesites/content/reports/<id>.expected.json. Regenerate one after a
deliberate parser change with ``python -m tests.pipeline.test_reports_samples`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pipeline.reports import category_lookup, parse_report

CONTENT = Path(__file__).resolve().parents[2] / "crawler" / "samplesites" / "content"
EXPECTED = CONTENT / "reports"
SEED = CONTENT / "seed" / "suixi-education-2021-disclosure-summary.txt"
SEED_ID = 62710901
KEYS = ("year", "agency", "format", "proactive_total", "claims", "prose_counts", "cells", "checks")


def wrap(title: str, body_html: str) -> str:
    """A minimal article page around a content body, as the sample generator serves it."""
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<h1>{title}</h1><div id='zoom'>{body_html}</div></body></html>"
    )


def sample_reports() -> dict[int, str]:
    """Document id -> page text, for every report in annual-reports.yml plus the seed."""
    pages = {SEED_ID: SEED.read_text(encoding="utf-8")}
    for block in yaml.safe_load_all((CONTENT / "annual-reports.yml").read_text(encoding="utf-8")):
        for doc in block["documents"]:
            pages[doc["id"]] = wrap(doc["title"], doc["body_html"])
    return pages


def parsed(doc_id: int) -> dict:
    report = parse_report(sample_reports()[doc_id], lookup=category_lookup())
    return {key: report[key] for key in KEYS + ("warnings",)}


@pytest.mark.parametrize("doc_id", sorted(sample_reports()), ids=str)
def test_sample_report_matches_expected_json(doc_id: int) -> None:
    expected = json.loads((EXPECTED / f"{doc_id}.expected.json").read_text(encoding="utf-8"))
    assert parsed(doc_id) == expected


def test_seed_yields_1520_in_25_categories_summing_exactly() -> None:
    report = parsed(SEED_ID)
    assert report["proactive_total"] == 1520
    assert len(report["claims"]) == 25
    assert sum(claim["count"] for claim in report["claims"]) == 1520
    assert report["claims"][-1] == {
        "category": "社会公益事业建设及重点民生领域",
        "label": "社会公益事业建设及重点民生领域",
        "count": 718,
    }


def test_broken_sum_report_flags_exactly_the_broken_checks() -> None:
    report = parsed(62719002)
    failed = {check["name"] for check in report["checks"] if check["ok"] is False}
    assert failed == {
        "三 总计=自然人+法人或其他组织 [一、本年新收政府信息公开申请数量]",
        "三 一+二=七+四 [总计]",
        "四 总计 [行政复议]",
    }


def test_blank_totals_are_null_and_their_checks_undecided() -> None:
    report = parsed(7789001)
    totals = [c for c in report["cells"] if c["table"] == "三" and c["column"] == "总计"]
    assert len(totals) == 25 and all(c["value"] is None for c in totals)
    assert not any(check["ok"] is False for check in report["checks"])
    assert any(check["ok"] is None for check in report["checks"])


if __name__ == "__main__":  # regenerate the expected files after a reviewed parser change
    for doc_id in sample_reports():
        text = json.dumps(parsed(doc_id), ensure_ascii=False, indent=1) + "\n"
        (EXPECTED / f"{doc_id}.expected.json").write_text(text, encoding="utf-8")
