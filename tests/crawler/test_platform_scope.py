"""Scope (crawler.platforms.scope): a crawl follows the columns it started on, not the site.

Issue 11 item 4: on real TRS pages the default list pattern ``/$`` matched every directory of
the site (home page, other sections), so a crawl wandered far beyond its column.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.platforms import discover
from crawler.platforms.scope import column_prefix, in_scope

REAL = Path(__file__).resolve().parents[1] / "fixtures/real/platforms"
TJ_URL = "http://gk.tj.gov.cn/zxgbxx/bmjqgkxx/index.shtml"
TJ_PAGE = (REAL / "trs_wcm-gk-tj-list.html").read_text(encoding="utf-8")
TJ_EXPECTED = json.loads((REAL / "trs_wcm-gk-tj-list.expected.json").read_text(encoding="utf-8"))


def tj_profile(**extra) -> dict:
    return {
        "platform": "trs_wcm",
        "allowed_domains": ["gk.tj.gov.cn"],
        "start_urls": [TJ_URL],
        **extra,
    }


def test_real_trs_list_page_stays_in_its_column():
    found = discover(TJ_PAGE, TJ_URL, tj_profile())
    details = [url for url, _ in found.detail_urls]
    assert details[:10] == TJ_EXPECTED["detail_links"]
    assert len(details) == 20  # every row of the list, nothing else
    assert TJ_EXPECTED["next_page"] in found.list_urls
    # The pager's 49 other pages and nothing else: no home page, no other section.
    assert found.list_urls == [
        f"http://gk.tj.gov.cn/zxgbxx/bmjqgkxx/index_{n}.shtml" for n in range(1, 50)
    ]


def test_the_page_does_link_the_home_page_and_other_sections():
    # What the old default followed: list_url_patterns given explicitly widen the scope.
    widened = discover(TJ_PAGE, TJ_URL, tj_profile(list_url_patterns=["/$", r"/index_\d+\.shtml$"]))
    assert {
        "http://gk.tj.gov.cn/",
        "http://gk.tj.gov.cn/gkzn/",
        "http://gk.tj.gov.cn/flgz/",
    } <= set(widened.list_urls)
    assert "http://gk.tj.gov.cn/index_47.shtml" in widened.list_urls


@pytest.mark.parametrize(
    ("start", "prefix"),
    [
        ("http://a.gov.cn/xxgk/tzgg/", ("a.gov.cn", "/xxgk/tzgg/")),
        ("http://a.gov.cn/xxgk/tzgg/index.html", ("a.gov.cn", "/xxgk/tzgg/")),
        ("http://A.gov.cn/public/column/11521?type=4", ("a.gov.cn", "/public/column/11521")),
        ("https://a.gov.cn/zqhjj/gkmlpt/index", ("a.gov.cn", "/zqhjj/gkmlpt/index")),
        ("http://a.gov.cn/col/col89736/index.html?uid=1", ("a.gov.cn", "/col/col89736/")),
    ],
)
def test_column_prefix(start, prefix):
    assert column_prefix(start) == prefix


@pytest.mark.parametrize(
    ("url", "inside"),
    [
        ("http://a.gov.cn/xxgk/tzgg/index_3.html", True),
        ("http://a.gov.cn/xxgk/tzgg/sub/", True),
        ("http://a.gov.cn/xxgk/rsrm/", False),  # a sibling column
        ("http://a.gov.cn/xxgk/", False),  # the section above
        ("http://a.gov.cn/", False),  # the home page
        ("http://b.gov.cn/xxgk/tzgg/", False),  # another host
        ("http://a.gov.cn/public/column/11521?catId=7", True),
        ("http://a.gov.cn/public/column/115210?catId=7", False),  # not the same organ
    ],
)
def test_in_scope(url, inside):
    starts = ["http://a.gov.cn/xxgk/tzgg/index.html", "http://a.gov.cn/public/column/11521?type=4"]
    assert in_scope(url, starts) is inside
