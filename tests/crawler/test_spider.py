"""The bureau spider, unit-tested on the project's settings (get_crawler, no network)."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import HtmlResponse, Request, TextResponse
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


# --- list answers that are not HTML pages (issue 11) -----------------------------------


def gkmlpt_spider():
    from crawler.profile import parse_profile

    profile = parse_profile(
        {
            "name": "x-gkmlpt",
            "agency": "肇庆市生态环境局",
            "platform": "gkmlpt",
            "start_urls": ["https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/index"],
            "allowed_domains": ["www.zhaoqing.gov.cn"],
        }
    )
    return bureau_crawler(profile).spider


def api_response(body: bytes, content_type: bytes = b"application/json") -> TextResponse:
    url = "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/api/all/21023?page=1&sid=758019"
    request = Request(url, meta={"kind": "fragment", "column": None})
    return TextResponse(
        url, body=body, headers={"Content-Type": content_type}, request=request, encoding="utf-8"
    )


def test_an_api_answering_an_html_page_is_kept_with_its_error_and_counted():
    bureau = gkmlpt_spider()
    out = list(bureau.parse_list(api_response("<html>系统维护中</html>".encode(), b"text/html")))
    (item,) = out  # the capture, nothing to follow
    assert item.kind == "fragment" and item.status == 200
    assert item.error.startswith("gkmlpt API answer is not JSON")
    assert bureau.crawler.stats.get_value("gongkai/list_errors") == 1
    assert bureau.revisit.lists_complete is False  # no delisting from a list we could not read


def test_an_api_answer_gives_detail_requests_and_counts_a_capped_pager():
    bureau = gkmlpt_spider()
    body = (
        Path(__file__).parents[1] / "fixtures/real/platforms/gkmlpt-zhaoqing-hjj-api.json"
    ).read_bytes()
    out = list(bureau.parse_list(api_response(body)))
    item, requests = out[0], out[1:]
    assert item.error is None
    kinds = [r.meta["kind"] for r in requests]
    assert kinds.count("detail") == 2 and kinds.count("fragment") == 101  # 203 rows, 2 a page
    assert {r.meta["column"] for r in requests} == {"受理公告"}
    assert bureau.crawler.stats.get_value("gongkai/pagers_capped") is None


def test_a_hanweb_column_page_gives_form_posts_that_are_never_conditional():
    from crawler.profile import parse_profile
    from tests.crawler.test_platform_readers import HANWEB_COLUMN, HANWEB_COLUMN_URL

    profile = parse_profile(
        {
            "name": "x-hanweb",
            "agency": "江苏省工业和信息化厅",
            "platform": "hanweb",
            "start_urls": [HANWEB_COLUMN_URL],
            "allowed_domains": ["gxt.jiangsu.gov.cn"],
        }
    )
    bureau = bureau_crawler(profile).spider
    request = Request(HANWEB_COLUMN_URL, meta={"kind": "list"})
    response = HtmlResponse(HANWEB_COLUMN_URL, body=HANWEB_COLUMN.encode(), request=request)
    out = list(bureau.parse_list(response))
    posts = [r for r in out if isinstance(r, Request) and r.method == "POST"]
    assert len(posts) == 11 and all(r.meta["kind"] == "fragment" for r in posts)
    first = posts[0]
    assert first.headers[b"Content-Type"] == b"application/x-www-form-urlencoded"
    assert first.body.startswith(
        b"col=1&appid=1&webid=23&path=%2F&columnid=89736&sourceContentType=9"
    )
    assert b"If-None-Match" not in first.headers and b"If-Modified-Since" not in first.headers
