"""Every saved page (sample templates, platform probes, real gov pages) against its expected JSON.

``<name>.expected.json`` beside ``<name>.html`` states exact values for the fields it lists
(null = must be missing), snippets the body must and must not contain, and attachments that
must be found; ``"error"`` means the page must raise ExtractionError.
"""

import json
from pathlib import Path

import pytest

from pipeline.encoding import decode_html
from pipeline.extract import ExtractionError, extract

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def pages(folder: str) -> list:
    params = []
    for expected in sorted((FIXTURES / folder).glob("*.expected.json")):
        name = expected.name.removesuffix(".expected.json")
        html = expected.with_name(name + ".html")
        params.append(pytest.param(html, json.loads(expected.read_text("utf-8")), id=name))
    return params


@pytest.mark.parametrize(
    ("html", "expected"), pages("samples") + pages("platforms") + pages("real")
)
def test_page_extracts_as_expected(html, expected):
    text = decode_html(html.read_bytes(), expected.get("header_charset")).text
    if "error" in expected:
        with pytest.raises(ExtractionError):
            extract(text, expected["url"])
        return
    record = extract(text, expected["url"])
    for field, value in expected["fields"].items():
        assert record[field] == value, field
    body = record["body"] or ""
    for snippet in expected.get("body_contains", []):
        assert snippet in body
    for snippet in expected.get("body_not_contains", []):
        assert snippet not in body
    for attachment in expected.get("attachments", []):
        assert attachment in record["attachments"]


def test_there_are_at_least_eight_real_pages():
    # The evaluation set only grows; lowering it is a decision, not an accident.
    assert len(pages("real")) >= 8
