"""Archived reports become rows (m0003, archive.reports) and reconcile against the archive."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

from archive.db import open_archive
from archive.migrations import m0003_reports
from archive.store import ArchiveWriter
from pipeline.postcrawl.reports import parse_reports
from tests.pages import write

CONTENT = Path(__file__).resolve().parents[2] / "crawler" / "samplesites" / "content"
SEED = (CONTENT / "seed" / "suixi-education-2021-disclosure-summary.txt").read_text(
    encoding="utf-8"
)
SITE = "sample-suixi-jyj"
AGENCY = "濉溪县教育局"


def page(title: str, body_html: str) -> bytes:
    html = (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body_html}</body></html>"
    )
    return html.encode("utf-8")


def sample(doc_id: int) -> dict:
    for block in yaml.safe_load_all((CONTENT / "annual-reports.yml").read_text(encoding="utf-8")):
        for doc in block["documents"]:
            if doc["id"] == doc_id:
                return doc
    raise KeyError(doc_id)


def add(writer, crawl, capture, document, n, title, published, raw=b"", **fields):
    url = f"http://www.sxx.sample.test/zwgk/public/37/{n}.html"
    doc = document(url, title=title, published_at=published, site=SITE, agency=AGENCY, **fields)
    write(writer, capture(crawl, url, body=raw or page(title, "<p>正文</p>")), doc)


def build(db_path, capture, document, extra=()) -> None:
    seed_title = SEED.splitlines()[0]
    seed_html = "".join(f"<p>{line}</p>" for line in SEED.splitlines()[1:] if line.strip())
    with ArchiveWriter(db_path) as writer:
        crawl = writer.start_crawl(SITE)
        add(
            writer,
            crawl,
            capture,
            document,
            1,
            seed_title,
            "2022-02-22 08:23",
            page(seed_title, seed_html),
            body=SEED,
            column="政府信息公开年报",
            category="政府信息公开年报",
        )
        for n, (category, published) in enumerate(
            [
                ("政策法规", "2021-03-01"),
                ("政策法规", "2021-11-30 10:00"),
                ("财政资金", "2021-05-05"),
                ("人事任免", "2021-06-06"),
                ("政策法规", "2020-12-31"),
            ],
            start=2,
        ):
            add(writer, crawl, capture, document, n, f"文件{n}", published, category=category)
        for n, (doc_id, published) in enumerate(extra, start=20):
            doc = sample(doc_id)
            add(
                writer,
                crawl,
                capture,
                document,
                n,
                doc["title"],
                published,
                page(doc["title"], doc["body_html"]),
                column="政府信息公开年报",
                category="政府信息公开年报",
            )
        writer.finish_crawl(crawl, "finished")


def rows(db_path, sql, params=()):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def test_migration_is_idempotent(db_path) -> None:
    db = open_archive(db_path)
    m0003_reports.apply(db)
    m0003_reports.apply(db)
    assert {"reports", "report_cells", "report_claims", "report_checks"} <= set(db.table_names())
    assert "report_reconciliation" in db.view_names()
    assert rows(db_path, "select count(*) from schema_migrations where name = 'm0003_reports'") == [
        (1,)
    ]


def test_seed_claims_sit_beside_archived_counts(db_path, capture, document) -> None:
    build(db_path, capture, document)
    counts = parse_reports(open_archive(db_path))
    assert counts["candidates"] == 1 and counts["parsed"] == 1 and counts["claims"] == 25
    assert rows(
        db_path, "select agency, year, format, proactive_total, claims_total from reports"
    ) == [(AGENCY, 2021, "prose", 1520, 1520)]
    view = "select category, claimed, archived, difference from report_reconciliation"
    got = {r[0]: r[1:] for r in rows(db_path, view)}
    assert len(got) == 26  # 25 claimed categories + 人事任免, archived but not claimed
    assert got["政策法规"] == (34, 2, -32)  # the 2020 document is another year
    assert got["财政资金"] == (108, 1, -107)
    assert got["社会公益事业建设及重点民生领域"] == (718, 0, -718)
    assert got["人事任免"] == (None, 1, None)


def test_broken_sample_report_stores_exactly_its_failed_checks(db_path, capture, document) -> None:
    build(db_path, capture, document, extra=[(62719002, "2021-01-26 10:15")])
    counts = parse_reports(open_archive(db_path))
    assert counts["parsed"] == 2 and counts["checks_failed"] == 3
    failed = rows(
        db_path, "select name, expected, actual from report_checks where ok = 0 order by name"
    )
    assert failed == [
        ("三 一+二=七+四 [总计]", 14, 15),
        ("三 总计=自然人+法人或其他组织 [一、本年新收政府信息公开申请数量]", 14, 13),
        ("四 总计 [行政复议]", 2, 1),
    ]
    cell = rows(
        db_path,
        "select value, raw from report_cells where table_name = '二' "
        "and row_label = '政府集中采购' and column_label = '采购总金额'",
    )
    assert cell == [(56.8, "56.8万元")]


def test_unchanged_reports_are_skipped_and_force_reparses(db_path, capture, document) -> None:
    build(db_path, capture, document)
    parse_reports(open_archive(db_path))
    again = parse_reports(open_archive(db_path))
    # Nothing changed since the last run: nothing is even looked at (issue 14).
    assert (again["candidates"], again["parsed"]) == (0, 0)
    forced = parse_reports(open_archive(db_path), force=True)
    assert forced["parsed"] == 1
    assert rows(db_path, "select count(*) from report_claims") == [(25,)]


def test_year_over_year_valid_count_check(db_path, capture, document) -> None:
    build(db_path, capture, document, extra=[(62719001, "2023-01-18 09:30")])
    db = open_archive(db_path)
    parse_reports(db)
    # A 2021 report for the same bureau whose 行政规范性文件 现行有效 was 10: 10 + 3 − 1 = 12 holds.
    body = (
        sample(62719001)["body_html"]
        .replace("2022年", "2021年")
        .replace("<td>12</td>", "<td>10</td>")
    )
    title = "濉溪县教育局2021年政府信息公开工作年度报告"
    with ArchiveWriter(db_path) as writer:
        crawl = writer.start_crawl(SITE)
        add(
            writer,
            crawl,
            capture,
            document,
            40,
            title,
            "2022-01-20",
            page(title, body),
            column="政府信息公开年报",
        )
        writer.finish_crawl(crawl, "finished")
    counts = parse_reports(open_archive(db_path))
    assert counts["yoy_checks"] == 2
    yoy = rows(
        db_path,
        "select r.year, k.name, k.ok, k.expected, k.actual from report_checks k "
        "join reports r on r.id = k.report_id where k.name like '二 现行有效件数 YoY%' "
        "order by k.name",
    )
    assert yoy == [
        (2022, "二 现行有效件数 YoY [行政规范性文件]", 1, 12, 12),
        (2022, "二 现行有效件数 YoY [规章]", 1, 0, 0),
    ]
