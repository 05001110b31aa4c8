"""Chinese first on Datasette's own pages (issue 15, item 3): table and query titles, column
titles, parameters, Beijing time without microseconds, rule names in words, linked ids."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

NAME = re.compile(r'<span class="zh">([^<]+)</span>(?: <span class="en">([^<]+)</span>)?')


def headers(html: str) -> list[tuple[str, str]]:
    head = html[html.index("<thead>") : html.index("</thead>")]
    return [(zh, en or zh) for zh, en in NAME.findall(head)]


def test_table_columns_are_titled_in_chinese_with_their_name_beside(search_client) -> None:
    titles = dict((en, zh) for zh, en in headers(search_client.get("/gongkai/documents").text))
    assert titles["published_at"] == "发布日期"
    assert titles["index_no"] == "索引号" and titles["doc_no"] == "文号"
    assert titles["category_source"] == "分类依据"


def test_tables_carry_chinese_titles(search_client) -> None:
    assert "<h1>文件 Documents</h1>" in search_client.get("/gongkai/documents").text
    database = search_client.get("/gongkai").text
    assert "常用查询 Ready-made queries" in database
    assert database.index("常用查询") < database.index("数据表 Tables")
    assert '>文件 Documents</a> <small class="en">documents</small>' in database
    assert ">政府信息公开年度报告 Annual reports</a>" in database


def test_canned_query_columns_and_parameters_are_chinese_first(search_client) -> None:
    html = search_client.get("/gongkai/agency_year?agency=濉溪县教育局&year=2021").text
    assert headers(html)[:3] == [("文件编号", "document_id"), ("发布日期", "published_at"),
                                 ("标题", "title")]  # fmt: skip
    assert (
        '<label for="qp1"><span class="zh">机构（留空为全部）</span> <span class="en">agency</span>'
        in html
    )
    assert "查询条件 Parameters" in html and 'value="查询 Run"' in html


def test_document_ids_in_query_results_link_to_the_document_page(search_client, search_archive):
    with sqlite3.connect(search_archive) as conn:
        first = conn.execute(
            "select id from documents where agency = '濉溪县教育局' and published_year = 2021"
            " order by published_at desc, id desc"
        ).fetchone()[0]
    html = search_client.get("/gongkai/agency_year?agency=濉溪县教育局&year=2021").text
    assert (
        f'<td class="col-document_id"><a href="/gongkai/documents/{first}">{first}</a></td>' in html
    )


def test_ids_without_a_foreign_key_link_and_foreign_keys_keep_datasettes_label(search_client):
    documents = search_client.get("/gongkai/documents?_size=1").text
    assert re.search(
        r'<td class="col-latest_capture_id[^"]*"><a href="/gongkai/captures/\d+">', documents
    )
    reconciliation = search_client.get("/gongkai/report_reconciliation").text
    assert "<h1>年报对账 Report claims vs archive (view)</h1>" in reconciliation
    captures = search_client.get("/gongkai/captures?document_id__notblank=1&_size=1").text
    cell = re.search(r'<td class="col-document_id[^"]*">(.*?)</td>', captures, re.S).group(1)
    assert "<em>" in cell  # Datasette's own foreign-key rendering: the title, then the id


def test_times_show_in_beijing_time_without_microseconds(tmp_path, client_for, search_archive):
    path = tmp_path / "copy.db"
    with sqlite3.connect(search_archive) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
        copy.execute("update documents set first_seen = '2024-05-01T17:30:00.123456Z' where id = 1")
    html = client_for(path).get("/gongkai/documents?id=1").text
    cell = re.search(r'<td class="col-first_seen[^"]*">(.*?)</td>', html).group(1)
    assert cell == (
        '<time datetime="2024-05-01T17:30:00.123456Z" title="UTC 2024-05-01T17:30:00.123456Z">'
        "2024-05-02 01:30:00</time>"
    )
    csv = client_for(path).get("/gongkai/documents.csv?id=1&_col=first_seen").text
    assert "2024-05-01T17:30:00.123456Z" in csv  # exports keep what is stored


@pytest.mark.parametrize(
    "stored, shown",
    [("title_keyword", "依据标题关键词"), ("label", "依据页面分类标签"), ("column", "依据页面栏目"),
     ("unclassified", "未能分类")],
)  # fmt: skip
def test_category_sources_read_as_words(tmp_path, client_for, search_archive, stored, shown):
    path = tmp_path / "copy.db"
    with sqlite3.connect(search_archive) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
        copy.execute("update documents set category_source = ? where id = 1", [stored])
    client = client_for(path)
    cell = re.search(r'<td class="col-category_source[^"]*">(.*?)</td>',
                     client.get("/gongkai/documents?id=1").text).group(1)  # fmt: skip
    assert cell == f'{shown} <small class="en">{stored}</small>'
    assert f"（{shown}" in client.get("/gongkai/documents/1").text  # the document page too


def test_archived_markup_stays_text_on_table_and_query_pages(search_client, search_data) -> None:
    xss = search_data["xss"]
    for page in ("/gongkai/documents?_search=脚本片段", "/gongkai/latest_added?since="):
        html = search_client.get(page).text
        assert xss not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_every_rule_the_classifier_can_name_reads_as_words() -> None:
    """A rule added to pipeline/classify.py without a label would show its raw name."""
    import importlib.util

    from pipeline.classify import RULES

    source = (ROOT / "pipeline/classify.py").read_text(encoding="utf-8")
    named = set(re.findall(r'Classification\([^,]+, "([a-z_]+)"', source))
    assert named <= set(RULES), "a rule the classifier uses is missing from RULES"
    spec = importlib.util.spec_from_file_location(
        "gongkai_labels", ROOT / "datasette/plugins/gongkai_labels.py"
    )
    labels = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(labels)
    assert set(RULES) <= set(labels.CATEGORY_SOURCES), set(RULES) - set(labels.CATEGORY_SOURCES)
