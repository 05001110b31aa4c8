"""Who cites whom on the document page and in the canned queries (issue 15, item 7)."""

from __future__ import annotations

import sqlite3

import pytest

from archive.db import open_archive
from archive.migrations import m0009_citations
from archive.store import ArchiveWriter
from pipeline.postcrawl.citations import link_citations
from tests.pages import write

DOCUMENTS = [
    ("关于做好2021年招生工作的通知", "濉教〔2021〕10号", "各学校：现就招生工作通知如下。"),
    ("关于做好2022年招生工作的通知", "濉教〔2022〕31号",
     "根据《关于做好2021年招生工作的通知》（濉教〔2021〕10号）和"
     "《安徽省人民政府关于推进义务教育的意见》（皖政〔2021〕5号）精神。"),
    ("关于经费保障的通知", "濉财〔2022〕40号", "为落实濉教[2021]10号，现通知如下。<script>x</script>"),
]  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("citations") / "archive.db"
    with ArchiveWriter(path) as writer:
        crawl = writer.start_crawl("sample-test")
        for i, (title, doc_no, body) in enumerate(DOCUMENTS, start=1):
            url = f"http://www.sxx.sample.test/zwgk/public/{i}.html"
            capture = {"crawl_id": crawl, "profile": "sample-test", "url": url, "status": 200,
                       "fetched_at": "2024-05-01T08:00:00Z", "body": body.encode(), "kind": "detail"}  # fmt: skip
            document = {"url": url, "title": title, "body": body, "doc_no": doc_no,
                        "published_at": f"202{i}-06-01"}  # fmt: skip
            write(writer, capture, document, agency="濉溪县教育局")
        writer.finish_crawl(crawl, "finished")
    db = open_archive(path)
    assert link_citations(db) == {"references": 3, "resolved": 2, "unresolved": 1,
                                  "citing_documents": 2}  # fmt: skip
    db.close()
    return path


@pytest.fixture(scope="module")
def client(archive, client_for):
    return client_for(archive)


def ids(archive) -> dict[str, int]:
    with sqlite3.connect(archive) as conn:
        return {doc_no: i for i, doc_no in conn.execute("select id, doc_no from documents")}


def test_document_page_lists_what_it_cites_with_links_and_unresolved_as_text(client, archive):
    n = ids(archive)
    html = client.get(f"/gongkai/documents/{n['濉教〔2022〕31号']}").text
    cites = html[html.index('id="cites"') : html.index('id="cited-by"')]
    assert f'href="/gongkai/documents/{n["濉教〔2021〕10号"]}"' in cites
    assert "《安徽省人民政府关于推进义务教育的意见》皖政〔2021〕5号" in cites
    assert "存档中没有此文号 not in the archive" in cites


def test_document_page_lists_what_cites_it(client, archive):
    n = ids(archive)
    html = client.get(f"/gongkai/documents/{n['濉教〔2021〕10号']}").text
    cited_by = html[html.index('id="cited-by"') : html.index('id="captures"')]
    assert "被引用 Cited by (2)" in cited_by
    for citing in ("濉教〔2022〕31号", "濉财〔2022〕40号"):
        assert f'href="/gongkai/documents/{n[citing]}"' in cited_by


def test_most_cited_and_unresolved_queries(client, archive):
    n = ids(archive)
    most = client.get("/gongkai/most_cited.json?agency=&_shape=array").json()
    assert [(r["document_id"], r["cited_by"]) for r in most] == [(n["濉教〔2021〕10号"], 2)]
    unresolved = client.get("/gongkai/unresolved_citations.json?_shape=array").json()
    assert [(r["doc_no"], r["cited_by"]) for r in unresolved] == [("皖政〔2021〕5号", 1)]


def test_migration_is_idempotent(archive):
    db = open_archive(archive)
    m0009_citations.apply(db)
    m0009_citations.apply(db)
    assert "citations" in db.table_names()
    db.close()
