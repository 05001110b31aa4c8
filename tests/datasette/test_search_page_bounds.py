"""A page past the last one says so instead of "第 19961–19960 条" (issue 15)."""

from __future__ import annotations


def test_a_page_past_the_end_points_to_the_last_page(search_client) -> None:
    html = search_client.get("/-/search?q=教育&page=999").text
    assert "第 19961" not in html and "–19960" not in html
    assert "只有 3 页；第 999 页没有结果" in html
    assert 'href="?q=%E6%95%99%E8%82%B2&amp;page=3">最后一页 Last page</a>' in html


def test_the_last_page_still_counts_its_rows(search_client) -> None:
    assert "第 41–49 条" in search_client.get("/-/search?q=教育&page=3").text
