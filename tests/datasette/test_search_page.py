"""The whole-archive search page /-/search (issue 5): counts, ranking, snippets, filters, pages."""

from __future__ import annotations

import re

import pytest


def count(html: str) -> int:
    """The result count the page states (0 for 'no results')."""
    found = re.search(r"共 <strong>([\d,]+)</strong> 条结果", html)
    return int(found.group(1).replace(",", "")) if found else 0


def titles(html: str) -> list[str]:
    links = re.findall(r'<a class="title" href="[^"]+">(.*?)</a>', html, re.S)
    return [re.sub(r"</?mark>", "", t) for t in links]


def search(client, **params):
    response = client.get("/-/search", params=params)
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("教育", 49),  # 47 documents, the report, the attachment text
        ("义务教育", 2),
        ("义务教育招生", 1),
        ("义务教育 招生", 2),  # multi-term: both terms anywhere
        ("简报 第3期", 1),
        ("不存在的词语", 0),
        ("<the 300-character passage>", 1),
    ],
    ids=["2-char", "4-char", "6-char-phrase", "multi-term", "mixed-cjk-digits", "no-result", "300-char"],
)  # fmt: skip
def test_result_counts(search_client, search_data, q, expected):
    q = search_data["long"] if q.startswith("<the 300") else q
    assert count(search(search_client, q=q)) == expected


def test_300_character_query_finds_its_document_with_a_snippet(search_client, search_data):
    LONG_PASSAGE = search_data["long"]
    assert len(LONG_PASSAGE) == 300
    html = search(search_client, q=LONG_PASSAGE)
    assert titles(html) == ["长文"]
    assert f"<mark>{LONG_PASSAGE[:60]}" in html


@pytest.mark.parametrize(
    "q", ["，。！？", "\"'()*:^", "   "], ids=["cjk-punct", "fts-syntax", "blank"]
)
def test_punctuation_only_query_is_not_an_error(search_client, q):
    html = search(search_client, q=q)
    assert count(html) == 0
    assert 'class="gongkai-result"' not in html
    if q.strip():
        assert "没有可搜索的文字" in html


def test_snippet_highlights_the_match_in_the_real_text(search_client):
    html = search(search_client, q="义务教育招生")
    assert titles(html) == ["关于做好2021年义务教育招生工作的通知"]
    assert "为做好<mark>义务教育招生</mark>入学工作，现通知如下。" in html
    assert "义务 务教" not in html  # never the bigram index text


def test_title_matches_rank_first(search_client):
    html = search(search_client, q="义务教育")
    assert titles(html)[0] == "义务教育阶段学生资助"


def test_attachment_text_is_a_source(search_client, search_data):
    html = search(search_client, q="课桌椅")
    assert titles(html) == ["教学仪器采购公告"]
    assert "附件 采购清单.pdf" in html
    assert "<mark>课桌椅</mark>" in html and search_data["attachment"][:4] in html


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"agency": "濉溪县财政局"}, 0),
        ({"agency": "濉溪县教育局"}, 49),
        ({"year": "2022"}, 15),  # 15 briefs; the report published in 2022 reports on 2021
        ({"year": "2021", "source": "report"}, 1),  # issue 15: counted under its year
        ({"category": "财政资金"}, 10),
        ({"source": "report"}, 1),
        ({"source": "attachment"}, 1),
        ({"source": "document"}, 47),
        ({"year": "2021", "category": "政策法规"}, 22),
        ({"source": "nonsense"}, 49),  # an unknown source is no filter, never an error
    ],
    ids=["agency-none", "agency", "year", "report-year", "category", "report", "attachment", "document",
         "year+category", "bad-source"],
)  # fmt: skip
def test_filters(search_client, filters, expected):
    assert count(search(search_client, q="教育", **filters)) == expected


def test_facets_show_counts_per_filter_value(search_client):
    html = search(search_client, q="教育")
    assert re.search(r">2022</a> 15</li>", html)
    assert re.search(r">2021</a> 33</li>", html)  # the report published in 2022 counts for 2021
    assert re.search(r">年报 Annual report</a> 1</li>", html)


def test_pagination_reaches_every_result(search_client):
    seen = []
    for page in (1, 2, 3):
        html = search(search_client, q="教育", page=page)
        assert f"第 {page} / 3 页" in html
        seen += titles(html)
    assert len(seen) == 49 and len(set(seen)) == 49
    assert 'rel="next"' not in html and 'rel="prev"' in html
    assert "第 41–49 条" in html


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99"], ids=["zero", "negative", "text", "past-end"])  # fmt: skip
def test_odd_page_numbers_are_not_errors(search_client, page):
    html = search(search_client, q="教育", page=page)
    assert count(html) == 49


def test_script_in_title_and_body_is_shown_as_text(search_client, search_data):
    html = search(search_client, q="脚本片段")
    assert search_data["xss"] not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert titles(html) == ["关于网站发现&lt;script&gt;alert(1)&lt;/script&gt;问题的通报"]


def test_query_is_escaped_back_into_the_page(search_client):
    html = search(search_client, q='"><script>alert(2)</script>')
    assert "<script>alert(2)" not in html


def test_search_is_reachable_from_the_home_page(search_client):
    html = search_client.get("/").text
    assert 'action="/-/search"' in html and 'name="q"' in html


def test_export_link_keeps_the_search(search_client):
    html = search(search_client, q="教育", year="2022")
    assert 'href="/-/export.csv?q=%E6%95%99%E8%82%B2&amp;year=2022"' in html


def test_a_report_shows_the_year_it_reports_on_beside_its_publication_date(search_client):
    html = search(search_client, q="年度报告", source="report")
    assert titles(html) == ["濉溪县教育局2021年政府信息公开工作年度报告"]
    assert "2022-01-20" in html
    assert '<span class="report-year">2021 年度报告 report on 2021</span>' in html
    # A document whose two years agree shows one.
    assert 'class="report-year"' not in search(search_client, q="义务教育招生")
