"""pipeline.page.read_page: the one pass over a capture (observation, and a document's row)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.profile import find_profile
from pipeline.page import observation_of, read_page

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = FIXTURES / "samples" / "lonsun-seed-suixi-jyj.html"
SEED_URL = "http://www.sxx.sample.test/zwgk/public/37/62710901.html"
PROFILE = find_profile("sample-suixi-jyj").as_dict()


def capture(**overrides) -> dict:
    return {
        "profile": "sample-suixi-jyj", "kind": "detail", "url": SEED_URL, "final_url": SEED_URL,
        "status": 200, "headers": {"Content-Type": "text/html; charset=utf-8"},
        "body": SEED.read_bytes(), "error": None, "column": None, **overrides,
    }  # fmt: skip


def test_seed_page_becomes_its_documents_row():
    reading = read_page(capture(), PROFILE)
    row = reading.row
    assert reading.observation.outcome == "ok" and reading.error is None
    assert (row["title"], row["agency"], row["published_at"]) == (
        "濉溪县教育局2021年政务公开工作总结",
        "濉溪县教育局",
        "2022-02-22 08:23",
    )
    assert row["site"] == "sample-suixi-jyj" and row["url"] == SEED_URL
    assert row["canonical_url"] == SEED_URL.replace("http:", "https:")  # one form for both
    assert row["category"] and row["content_sha256"] and row["dedupe_key"]
    assert (reading.used_encoding, reading.stat) == ("utf-8", "documents")


def test_list_page_column_fills_a_page_without_one():
    page = b"<html><head><title>t</title></head><body><h1>\xe9\x80\x9a\xe7\x9f\xa5</h1>" + (
        "<p>正文内容。</p>".encode() * 20
    ) + b"</body></html>"  # fmt: skip
    reading = read_page(capture(body=page, column="通知公告"), PROFILE)
    assert reading.row["column_name"] == "通知公告"


@pytest.mark.parametrize(
    ("overrides", "outcome", "reason"),
    [
        ({"status": 404, "error": "HTTP 404", "body": b"not found"}, "missing", "HTTP 404"),
        ({"status": 304, "body": b""}, "not_modified", None),
        ({"status": None, "body": None, "error": "TimeoutError: took too long"}, "unreachable",
         "timeout"),
        ({"status": 521, "error": "HTTP 521",
          "body": b"<script>document.cookie='__jsl_clearance=1;'</script>"}, "blocked",
         "HTTP 521: 加速乐 (Jiasule) JavaScript cookie challenge"),
        ({"body": "<html><title>提示</title><p>您访问的页面不存在</p></html>".encode()}, "missing",
         "soft-404: 您访问的页面不存在"),
        ({"headers": {"Content-Type": "application/pdf"}, "body": b"%PDF-1.4"}, "error",
         "not an HTML page: application/pdf"),
    ],
)  # fmt: skip
def test_a_page_that_is_not_a_document_is_observed_not_archived_as_one(overrides, outcome, reason):
    reading = read_page(capture(**overrides), PROFILE)
    assert reading.row is None
    assert (reading.observation.outcome, reading.observation.reason) == (outcome, reason)


def test_unparseable_page_keeps_its_error():
    reading = read_page(capture(body=b"<html><head><title></title>"), PROFILE)
    assert reading.row is None and reading.stat == "failed"
    assert reading.error.startswith("extraction failed") and reading.observation.outcome == "error"


@pytest.mark.parametrize("kind", ["list", "fragment", "attachment"])
def test_other_kinds_are_judged_by_status_only(kind):
    reading = read_page(capture(kind=kind, status=403, error="HTTP 403"), PROFILE)
    assert (reading.row, reading.observation.outcome) == (None, "blocked")


def test_observation_of_a_capture_written_without_the_pipeline():
    assert observation_of(capture(), has_document=True) == {"outcome": "ok", "reason": None}
    gone = capture(body="<title>该信息已删除</title>".encode())
    assert observation_of(gone, has_document=False)["outcome"] == "missing"


@pytest.mark.parametrize(
    ("overrides", "outcome", "reason"),
    [
        ({"body": b"\x89PNG\r\n\x1a\n" + b"\x00" * 200}, "error",
         "binary content (image/png) served as text/html; charset=utf-8"),
        ({"body": b"\x00\x01\x02\x03" * 300}, "error",
         "binary content (binary data) served as text/html; charset=utf-8"),
        ({"body": b""}, "error", "empty body (HTTP 200)"),
    ],
    ids=["png-as-html", "nul-bytes-as-html", "empty-200"],
)  # fmt: skip
def test_bodies_that_are_not_pages_are_named(overrides, outcome, reason):
    reading = read_page(capture(**overrides), PROFILE)
    assert reading.row is None
    assert (reading.observation.outcome, reading.observation.reason) == (outcome, reason)


def test_a_challenged_list_page_is_blocked_not_ok():
    body = b"<script>document.cookie='acw_sc__v2=1';location.reload()</script>"
    reading = read_page(capture(kind="list", body=body), PROFILE)
    assert reading.observation.outcome == "blocked"


def test_a_challenge_without_a_browser_says_so():
    body = b"<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+('c')+('e')+'=1'</script>"
    reading = read_page(
        capture(status=521, error="HTTP 521", body=body,
                render_note="needs a browser: install chromium"), PROFILE,
    )  # fmt: skip
    assert (reading.observation.outcome, reading.observation.reason) == (
        "blocked", "needs a browser: install chromium",
    )  # fmt: skip
