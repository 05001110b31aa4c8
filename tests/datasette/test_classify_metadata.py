"""Classification in Datasette (merged into metadata.yml from classify.yml): category/genre/
agency/year facets and the per-category canned query."""

from __future__ import annotations

import pytest

from archive.db import open_archive
from archive.store import ArchiveWriter
from pipeline.postcrawl.neardups import group_near_duplicates
from tests.pages import write

BODY = "为进一步做好本年度相关工作,现将有关事项通知如下,请各单位认真贯彻执行。" * 4
PAGES = [  # (url, column, title, published_at, body)
    ("a/1.html", "部门预算", "2021年部门预算公开", "2021-03-01", BODY + "预算一"),
    ("a/2.html", "部门预算", "2022年部门预算公开", "2022-03-01", BODY + "预算二"),
    ("a/3.html", "人事任免", "关于张三同志任职的通知", "2021-06-01", BODY + "任免"),
    ("b/3.html", "通知公告", "关于张三同志任职的通知", "2021-06-01", BODY + "任免"),
    ("a/4.html", "其他", "濉溪县教育局", "2021-07-01", "短文"),
]


def merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = merge(out[key], value) if isinstance(out.get(key), dict) else value
    return out


@pytest.fixture(scope="module")
def client(tmp_path_factory, client_for):
    root = tmp_path_factory.mktemp("classify")
    db_path = root / "archive.db"
    with ArchiveWriter(db_path) as writer:
        crawl = writer.start_crawl("sample-test")
        for url, column, title, published, body in PAGES:
            url = "http://www.sxx.sample.test/" + url
            capture = {"crawl_id": crawl, "profile": "sample-test", "url": url, "status": 200,
                       "fetched_at": "2024-05-01T08:00:00Z", "body": b"x", "kind": "detail"}  # fmt: skip
            page = {"url": url, "title": title, "column": column, "published_at": published,
                    "body": body}  # fmt: skip
            write(writer, capture, page, agency="濉溪县教育局")
        writer.finish_crawl(crawl, "finished")
    db = open_archive(db_path)
    group_near_duplicates(db)
    db.close()
    return client_for(db_path)


def test_documents_facets(client):
    data = client.get("/gongkai/documents.json?_extra=facet_results").json()
    facets = data.get("facet_results") or {}
    facets = facets.get("results", facets)
    assert {"category", "genre", "agency", "published_year"} <= set(facets)
    categories = {r["value"]: r["count"] for r in facets["category"]["results"]}
    assert categories == {"财政资金": 2, "机构领导": 1, "未分类": 1}
    years = {r["value"]: r["count"] for r in facets["published_year"]["results"]}
    assert years == {"2021": 3, "2022": 1}


def test_documents_per_category_per_agency_per_year(client):
    rows = client.get("/gongkai/documents_per_category.json?agency=&year=2021&_shape=array").json()
    assert rows == [
        {"agency": "濉溪县教育局", "year": "2021", "category": "财政资金", "documents": 1},
        {"agency": "濉溪县教育局", "year": "2021", "category": "机构领导", "documents": 1},
        {"agency": "濉溪县教育局", "year": "2021", "category": "未分类", "documents": 1},
    ]


def test_folded_duplicate_is_listed_with_its_urls(client):
    rows = client.get("/gongkai/documents_seen_under_several_urls.json?_shape=array").json()
    assert [(r["title"], r["urls"]) for r in rows] == [("关于张三同志任职的通知", 2)]


def test_unclassified_documents_say_why(client):
    rows = client.get("/gongkai/unclassified_documents.json?_shape=array").json()
    assert [r["title"] for r in rows] == ["濉溪县教育局"]
    assert rows[0]["category_reason"].startswith("no label, breadcrumb, column or keyword matched")
