"""What a fetch says about a known page: soft-404s, challenges and failures (pipeline.soft404)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.samplesites.server import SITES_DIR
from pipeline.soft404 import failure_verdict, is_home_or_parent, observe, page_verdict

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/fixtures/soft404"
MANIFEST = json.loads((ROOT / "crawler/samplesites/manifest.json").read_text())
PAGES = sorted(p.stem for p in FIXTURES.glob("*.html"))
SAMPLE_DOCUMENTS = sorted(
    d["url"] for p in MANIFEST["profiles"].values() for d in p["documents"] if not d["unparseable"]
)


@pytest.mark.parametrize("name", PAGES)
def test_fixture_page_verdict(name):
    case = json.loads((FIXTURES / f"{name}.expected.json").read_text())
    html = (FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    verdict = observe(case["status"], None if case["status"] == 200 else f"HTTP {case['status']}",
                      html, case["url"], case["final_url"])  # fmt: skip
    expected = (case["outcome"], case["reason"])
    if case["outcome"] == "ok":  # no document was extracted in this test: the fetch is fine
        assert page_verdict(html, case["url"]).outcome == "ok"
    else:
        assert (verdict.outcome, verdict.reason) == expected


@pytest.mark.parametrize("url", SAMPLE_DOCUMENTS)
def test_no_sample_document_is_taken_for_a_soft_404(url):
    host, path = url.split("://", 1)[1].split("/", 1)
    encoding = MANIFEST["hosts"][host]["encoding"]
    html = (SITES_DIR / host / path).read_bytes().decode(encoding)
    assert page_verdict(html, url).outcome == "ok"


@pytest.mark.parametrize(
    "url,final,expected",
    [
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", "http://a.gov.cn/", True),
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", "http://a.gov.cn/xxgk/tzgg/", True),
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", "http://a.gov.cn/xxgk/tzgg/index.html", True),
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", "https://a.gov.cn/xxgk/tzgg/202301/t1.html", False),
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", "http://a.gov.cn/xxgk/tzgg/202301/t2.html", False),
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", None, False),
    ],
    ids=["home", "parent-dir", "parent-index", "https-same-page", "other-page", "no-redirect"],
)  # fmt: skip
def test_redirect_to_home_or_parent(url, final, expected):
    assert is_home_or_parent(url, final) is expected


@pytest.mark.parametrize(
    "status,error,outcome,reason",
    [
        (404, "HTTP 404", "missing", "HTTP 404"),
        (410, "HTTP 410", "missing", "HTTP 410"),
        (412, "HTTP 412", "blocked", "HTTP 412"),
        (403, "HTTP 403", "blocked", "HTTP 403"),
        (429, "HTTP 429", "blocked", "HTTP 429"),
        (503, "HTTP 503", "unreachable", "HTTP 503"),
        (500, "HTTP 500", "unreachable", "HTTP 500"),
        (304, None, "not_modified", None),
        (None, "TimeoutError: Getting http://x took longer than 2.0 seconds.", "unreachable", "timeout"),
        (None, "DNSLookupError: DNS lookup failed: no results for hostname lookup: x.", "unreachable", "DNS error"),
        (None, "ConnectionRefusedError: Connection was refused by other side: 111.", "unreachable",
         "ConnectionRefusedError: Connection was refused by other side: 111."),
    ],
    ids=["404", "410", "412", "403", "429", "503", "500", "304", "timeout", "dns", "refused"],
)  # fmt: skip
def test_failure_verdict(status, error, outcome, reason):
    verdict = failure_verdict(status, error)
    assert (verdict.outcome, verdict.reason) == (outcome, reason)


def test_a_page_that_gave_a_document_is_ok():
    assert observe(200, None, None, "http://a.gov.cn/1.html", has_document=True).outcome == "ok"


def test_a_page_without_document_or_soft_404_is_an_error_not_a_removal():
    verdict = observe(
        200, "extraction failed: no title", "<html><p>x</p></html>", "http://a/1.html"
    )
    assert (verdict.outcome, verdict.reason) == ("error", "extraction failed: no title")
