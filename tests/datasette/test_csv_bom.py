"""Every CSV Datasette serves starts with the UTF-8 BOM (issue 15, item 2), so Excel and WPS
on Chinese Windows never show mojibake, whichever CSV link a reader clicks."""

from __future__ import annotations

import html
import re

import pytest

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    "path",
    ["/gongkai/documents.csv",
     "/gongkai/documents.csv?_stream=1&_dl=1",
     "/gongkai/documents.csv?agency=濉溪县教育局&_labels=on",
     "/gongkai/reports.csv",
     "/gongkai.csv?sql=select+title,+agency+from+documents+limit+3",
     "/gongkai/agency_year.csv?agency=濉溪县教育局&year=2021",
     "/gongkai/agency_year.csv?agency=濉溪县教育局&year=2021&_stream=on",
     "/gongkai/reconciliation.csv?agency=&year=",
     "/-/export.csv?q=教育",
     "/-/export.csv?agency=濉溪县教育局"],
    ids=["table", "table-stream", "table-filtered", "view-like-table", "query", "canned-query",
         "canned-stream", "canned-no-rows", "search-export", "agency-export"],
)  # fmt: skip
def test_csv_starts_with_the_bom(search_client, path) -> None:
    response = search_client.get(path)
    assert response.status_code == 200
    assert response.content[:3] == BOM
    assert response.content[3:6] != BOM  # once
    assert "content-length" not in response.headers or int(
        response.headers["content-length"]
    ) == len(response.content)
    response.content[3:].decode("utf-8")


def test_the_bom_is_the_only_change(search_client) -> None:
    rows = search_client.get("/gongkai/agency_year.json?agency=濉溪县教育局&year=2021&_shape=array")
    csv = search_client.get("/gongkai/agency_year.csv?agency=濉溪县教育局&year=2021").content
    lines = csv[3:].decode("utf-8").splitlines()
    assert lines[0].startswith("document_id,published_at,title")
    assert len(lines) == 1 + len(rows.json())


def test_export_without_bom_still_honours_bom_0(search_client) -> None:
    assert search_client.get("/-/export.csv?q=教育&bom=0").content[:3] != BOM


def test_json_and_html_are_untouched(search_client) -> None:
    assert search_client.get("/gongkai/documents.json").content[:1] == b"{"
    assert search_client.get("/gongkai/documents").content[:3] != BOM


CSV_LINK = re.compile(r'href="([^"]*(?:\.csv|_format=csv)[^"]*)"')


@pytest.mark.parametrize(
    "page",
    ["/gongkai/documents", "/gongkai/documents?agency=濉溪县教育局",
     "/gongkai/agency_year?agency=濉溪县教育局&year=2021", "/gongkai?sql=select+1+as+n",
     "/-/search?q=教育", "/-/agency?agency=濉溪县教育局"],
    ids=["table", "filtered-table", "canned-query", "query", "search", "agency"],
)  # fmt: skip
def test_every_csv_link_on_a_page_gives_the_bom(search_client, page) -> None:
    links = {html.unescape(u) for u in CSV_LINK.findall(search_client.get(page).text)}
    assert links, f"no CSV link on {page}"
    for link in links:
        response = search_client.get(link)
        assert response.status_code == 200, link
        assert response.content[:3] == BOM, link
