"""The generated sample-site report pages parse to the same expected JSON as their content data."""

from __future__ import annotations

import json

import pytest

from crawler.samplesites.content import CONTENT_DIR, load
from pipeline.reports import is_report, parse_page

SITES = CONTENT_DIR.parent / "sites"
KEYS = ("year", "agency", "format", "proactive_total", "claims", "prose_counts", "cells", "checks")
REPORTS = {
    doc.data["id"]: doc
    for site in load().values()
    for doc in site.docs
    if (CONTENT_DIR / "reports" / f"{doc.data['id']}.expected.json").is_file()
}


def test_every_sample_report_document_has_expected_json() -> None:
    detected = {
        doc.data["id"]
        for site in load().values()
        for doc in site.docs
        if is_report(doc.data["title"], doc.data["column"])
    }
    assert detected == set(REPORTS) == {62710901, 62719001, 62719002, 7789001}


@pytest.mark.parametrize("doc_id", sorted(REPORTS), ids=str)
def test_generated_page_parses_like_its_content(doc_id: int) -> None:
    doc = REPORTS[doc_id]
    page = SITES / doc.host / doc.path
    report = parse_page(page.read_bytes(), doc.url)
    expected = json.loads((CONTENT_DIR / "reports" / f"{doc_id}.expected.json").read_text("utf-8"))
    assert {k: report[k] for k in KEYS} == {k: expected[k] for k in KEYS}
    assert report["title"] == doc.data["title"]
