"""Document page, sandboxed archived copy, agency overview, canned queries, hardening (issue 5)."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml

from tests.pages import write

CONFIG = Path(__file__).resolve().parents[2] / "datasette"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def doc_id(path, title_like: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("select id from documents where title like ?", [title_like]).fetchone()[0]  # fmt: skip


def test_document_page_shows_metadata_body_and_attachments(search_client, search_archive):
    html = search_client.get(f"/gongkai/documents/{doc_id(search_archive, '教学仪器%')}").text
    assert "<h1>教学仪器采购公告</h1>" in html
    assert "<dt>发布机构 Agency</dt><dd>濉溪县教育局</dd>" in html
    assert "<dt>发布日期 Published</dt><dd>2023-03-03</dd>" in html
    assert "<dt>索引号 Index no.</dt><dd>—</dd>" in html  # missing is shown as missing
    assert "<dt>分类 Category</dt><dd>招标采购" in html
    assert "<p>详见附件。</p>" in html
    assert ">采购清单.pdf</a>" in html and "文本 text: extracted" in html


def test_original_url_is_marked_as_leaving_the_archive(search_client, search_archive):
    html = search_client.get(f"/gongkai/documents/{doc_id(search_archive, '长文')}").text
    link = re.search(
        r'<a class="external" href="(http://www\.sxx\.sample\.test/[^"]+)"([^>]*)>', html
    )
    assert link and 'rel="nofollow noopener noreferrer"' in link.group(2)
    assert "(离开本存档 leaves the archive)" in html


def test_captures_listed_with_time_status_and_sandboxed_copy(search_client, search_archive):
    html = search_client.get(f"/gongkai/documents/{doc_id(search_archive, '长文')}").text
    # Shown in Beijing time, the stored UTC moment in the tooltip (issue 15).
    row = re.search(
        r'<tr><td><time datetime="2024-05-01T08:00:(\d\d)Z" title="UTC 2024-05-01T08:00:\d\dZ">'
        r"2024-05-01 16:00:(\d\d)</time></td><td>200</td><td>detail</td>",
        html,
    )
    assert row and row.group(1) == row.group(2)
    capture = re.search(r'href="/-/capture/(\d+)"', html).group(1)
    response = search_client.get(f"/-/capture/{capture}")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "script-src" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.text == "<h1>长文</h1>"


def test_archived_copy_only_for_html_captures(search_client):
    assert search_client.get("/-/capture/999999").status_code == 404
    with sqlite3.connect(search_client.datasette.get_database("gongkai").path) as conn:
        attachment = conn.execute("select id from captures where kind = 'attachment'").fetchone()[0]
    assert search_client.get(f"/-/capture/{attachment}").status_code == 404


def test_versions_show_a_readable_diff(tmp_path, client_for):
    from archive.store import ArchiveWriter

    path = tmp_path / "v.db"
    url = "http://www.sxx.sample.test/zwgk/public/1.html"
    with ArchiveWriter(path) as writer:
        for n, body in enumerate(
            ["第一段。\n\n项目甲。\n\n结尾。", "第一段。\n\n项目乙。\n\n结尾。"]
        ):
            crawl = writer.start_crawl("sample-test")
            capture = {"crawl_id": crawl, "profile": "sample-test", "url": url, "status": 200,
                       "fetched_at": f"2024-05-0{n + 1}T08:00:00Z", "body": b"x", "kind": "detail"}  # fmt: skip
            write(
                writer,
                capture,
                {"url": url, "title": "名单公示", "body": body},
                agency="濉溪县教育局",
            )
            writer.finish_crawl(crawl, "finished")
    html = client_for(path).get("/gongkai/documents/1").text
    assert "版本 Versions (2)" in html
    assert '<div class="del">- 项目甲。</div><div class="ins">+ 项目乙。</div>' in html


@pytest.mark.parametrize(
    "page",
    ["/gongkai/documents?_search=脚本片段", "/gongkai/documents/{id}", "/-/search?q=脚本片段",
     "/-/agency?agency=濉溪县财政局", "/gongkai/sightings?document_id={id}",
     "/gongkai/document_versions?document_id={id}"],
    ids=["table", "document", "search", "agency", "sightings", "versions"],
)  # fmt: skip
def test_script_sample_is_text_everywhere(search_client, search_archive, search_data, page):
    html = search_client.get(page.format(id=doc_id(search_archive, "关于网站发现%"))).text
    assert search_data["xss"] not in html
    assert ESCAPED in html or "&lt;script&gt;alert(1)&lt;/scr" in html


def test_agency_overview(search_client):
    html = search_client.get("/-/agency", params={"agency": "濉溪县教育局"}).text
    months = dict(re.findall(r'data-month="(\d{4}-\d\d)" data-count="(\d+)"', html))
    assert months["2021-06"] == "4" and months["2023-02"] == "0"  # gaps are kept
    assert sum(int(n) for n in months.values()) == 49  # every dated document of the agency
    assert "<svg" in html and "<script" not in html.split("<svg")[1].split("</svg>")[0]
    assert re.search(r">财政资金</a></td><td>10</td>", html)
    assert html.count('<li><a href="/gongkai/documents/') == 20  # latest additions


def test_agency_list_links_each_agency(search_client):
    html = search_client.get("/-/agencies").text
    assert (
        '<a href="/-/agency?agency=%E6%BF%89%E6%BA%AA%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80">' in html
    )
    assert search_client.get("/-/agency", params={"agency": "无此机构"}).status_code == 404


@pytest.mark.parametrize(
    ("query", "params", "rows"),
    [
        ("agency_year", {"agency": "濉溪县教育局", "year": "2021"}, 32),
        ("documents_per_column", {"agency": ""}, None),
        ("latest_added", {"since": ""}, 63),
        ("attachment_list", {"agency": "濉溪县教育局"}, 1),
        ("removed_or_changed", {"agency": ""}, 0),
    ],
    ids=["agency-year", "per-column", "latest", "attachments", "removed-changed"],
)
def test_canned_queries(search_client, query, params, rows):
    response = search_client.get(f"/gongkai/{query}.json", params={**params, "_shape": "array"})
    assert response.status_code == 200, response.text
    if rows is not None:
        assert len(response.json()) == rows
    title = search_client.get("/gongkai").text
    assert re.search(r"[\u4e00-\u9fff]+", title)


def test_canned_query_titles_are_chinese_first(search_client):
    html = search_client.get("/gongkai").text
    for title in ["某机构某年发布了什么", "按栏目统计", "最近新增", "附件列表", "已删除或变更"]:
        assert title in html


def test_sql_can_be_switched_off_in_metadata(tmp_path, search_archive, client_for):
    config = tmp_path / "datasette"
    shutil.copytree(CONFIG, config)
    metadata = yaml.safe_load((config / "metadata.yml").read_text(encoding="utf-8"))
    metadata["allow_sql"] = False
    (config / "metadata.yml").write_text(yaml.safe_dump(metadata, allow_unicode=True), "utf-8")
    client = client_for(search_archive, config_dir=config)
    assert client.get("/gongkai.json", params={"sql": "select 1"}).status_code == 403
    assert client.get("/gongkai/agency_year.json?agency=濉溪县教育局&year=2021").status_code == 200
    assert "共 <strong>49</strong>" in client.get("/-/search?q=教育").text
    assert client.get("/-/export.csv?q=教育").status_code == 200
    assert client.get("/-/scorecard?year=2021").status_code == 200  # issue 15


def test_sql_is_allowed_by_default_and_time_limited(search_client):
    assert search_client.get("/gongkai.json", params={"sql": "select 1"}).status_code == 200
    slow = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
    response = search_client.get("/gongkai.json", params={"sql": slow})
    assert response.status_code == 400 and "interrupted" in response.text.lower()
