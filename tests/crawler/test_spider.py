"""The bureau spider, unit-tested on the project's settings (get_crawler, no network)."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import HtmlResponse, Request
from twisted.python.failure import Failure

from crawler.items import PageItem
from tests.scrapy_crawler import bureau_crawler

SITES = Path(__file__).resolve().parents[2] / "crawler/samplesites/sites"
LIST_URL = "http://zjj.qingchuan.sample.test/zwgk/zfxxgk/fdzdgknr/ztb/"
LIST_PAGE = SITES / "zjj.qingchuan.sample.test/zwgk/zfxxgk/fdzdgknr/ztb/index.html"


def spider():
    return bureau_crawler("sample-qingchuan-zjj").spider


def list_response(status: int = 200, body: bytes | None = None) -> HtmlResponse:
    request = Request(LIST_URL, meta={"kind": "list"})
    body = LIST_PAGE.read_bytes() if body is None else body
    return HtmlResponse(LIST_URL, status=status, body=body, request=request)


def test_list_page_gives_its_capture_then_detail_and_pager_requests():
    bureau = spider()
    out = list(bureau.parse_list(list_response()))
    assert isinstance(out[0], PageItem) and out[0].kind == "list"
    requests = [r for r in out if isinstance(r, Request)]
    details = [r.url for r in requests if r.meta["kind"] == "detail"]
    assert details and all("/t20" in u for u in details)
    assert any(r.meta["kind"] == "list" and r.url.endswith("index_1.html") for r in requests)
    assert set(details) <= bureau.revisit.listed and bureau.revisit.lists_complete


def test_a_304_list_page_that_cannot_be_replayed_marks_the_lists_incomplete(monkeypatch):
    bureau = spider()

    def broken(response):
        raise OSError("disk I/O error")

    monkeypatch.setattr(bureau.revisit, "replay", broken)
    out = list(bureau.parse_list(list_response(304, b"")))
    assert [o.status for o in out] == [304]  # the capture is kept
    assert bureau.revisit.lists_complete is False  # so nothing is called delisted


def test_a_failed_fetch_is_a_failure_capture():
    bureau = spider()
    request = Request(LIST_URL + "x.html", meta={"kind": "detail", "column": "招标投标"})
    failure = Failure(TimeoutError("took too long"))
    failure.request = request
    (item,) = bureau.on_failure(failure)
    assert (item.kind, item.url, item.column) == ("failure", request.url, "招标投标")
    assert item.error.startswith("TimeoutError")
