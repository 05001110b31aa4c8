"""Reports in Datasette: the reconciliation view and canned queries, the chart on a report page."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.db import open_archive
from archive.store import ArchiveWriter
from pipeline.postcrawl.reports import parse_reports
from tests.pages import write

SEED = (
    Path(__file__).resolve().parents[2]
    / "crawler/samplesites/content/seed/suixi-education-2021-disclosure-summary.txt"
)


@pytest.fixture(scope="module")
def client(tmp_path_factory, client_for):
    root = tmp_path_factory.mktemp("reports")
    path = root / "archive.db"
    text = SEED.read_text(encoding="utf-8")
    title = text.splitlines()[0]
    html = (
        f"<html><head><title>{title}</title></head><body>"
        + "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
        + "</body></html>"
    )
    with ArchiveWriter(path) as writer:
        crawl = writer.start_crawl("sample-suixi-jyj")
        for n, (doc_title, published, raw, category, column) in enumerate(
            [
                (title, "2022-02-22", html, "政府信息公开年报", "政府信息公开年报"),
                ("通知一", "2021-04-01", "<p>通知一正文</p>", "政策法规", "政策文件"),
            ]
        ):
            url = f"http://www.sxx.sample.test/zwgk/public/37/{n}.html"
            capture = {"crawl_id": crawl, "profile": "sample-suixi-jyj", "url": url, "status": 200,
                       "fetched_at": "2024-05-01T08:00:00Z", "body": raw.encode(), "kind": "detail"}  # fmt: skip
            document = {"url": url, "title": doc_title, "body": raw, "published_at": published,
                        "agency": "濉溪县教育局", "category": category, "column": column}  # fmt: skip
            write(writer, capture, document, agency="濉溪县教育局")
        writer.finish_crawl(crawl, "finished")
    parse_reports(open_archive(path))
    return client_for(path)


def test_reconciliation_query_lists_the_seed_claims_beside_the_archive(client) -> None:
    response = client.get("/gongkai/reconciliation.json?agency=濉溪县教育局&year=2021&_shape=array")
    assert response.status_code == 200
    rows = {r["category"]: r for r in response.json()}
    assert len(rows) == 25
    assert (
        rows["政策法规"]["claimed"],
        rows["政策法规"]["archived"],
        rows["政策法规"]["difference"],
    ) == (34, 1, -33)


def test_parse_coverage_and_failed_checks_queries_run(client) -> None:
    coverage = client.get("/gongkai/parse_coverage.json?_shape=array").json()
    assert [(r["format"], r["claims"], r["checks_ok"]) for r in coverage] == [("prose", 25, 1)]
    assert client.get("/gongkai/failed_checks.json?_shape=array").json() == []


def test_report_row_page_carries_the_reconciliation_chart(client) -> None:
    page = client.get("/gongkai/reports/1")
    assert page.status_code == 200
    assert 'id="gongkai-reconcile"' in page.text
    source = "/gongkai/report_reconciliation.json?report_id=1&_shape=array&_size=max"
    assert f'data-source="{source}"' in page.text
    assert len(client.get(source).json()) == 25  # what the chart script draws
