"""archive.scorecard's definitions on a small archive with known answers (issue 15, item 6)."""

from __future__ import annotations

import sqlite3

import pytest

from archive.db import connect_readonly
from archive.scorecard import flat_row, scorecard
from archive.store import ArchiveWriter
from tests.pages import write

# (agency on the page or None for the profile's, published_at, written_at, index_no)
DOCUMENTS = [
    ("甲局", "2021-03-01", None, "甲-1"),
    ("甲局", "2021-05-01", None, None),  # no 索引号
    (None, "2021-07-01", None, "甲-3"),  # the page names no agency: the profile's was used
    ("甲局", None, "2021-08-01", "甲-4"),  # no 发布日期: counted in its 成文 year
    ("甲局", None, None, "甲-5"),  # no date at all: in no year
    ("甲局", "2022-01-10", None, "甲-6"),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("scorecard") / "archive.db"
    with ArchiveWriter(path) as writer:
        crawl = writer.start_crawl("site-a")
        for i, (agency, published, written, index_no) in enumerate(DOCUMENTS, start=1):
            url = f"http://a.test/{i}.html"
            capture = {"crawl_id": crawl, "profile": "site-a", "url": url, "status": 200,
                       "fetched_at": "2024-05-01T08:00:00Z", "body": b"x", "kind": "detail"}  # fmt: skip
            document = {"url": url, "title": f"文件{i}", "body": f"正文{i}", "agency": agency,
                        "published_at": published, "written_at": written, "index_no": index_no}  # fmt: skip
            write(writer, capture, document, agency="甲局")
        writer.finish_crawl(crawl, "finished")
    with sqlite3.connect(path) as conn:
        for doc_id, kind in [(1, "removed"), (2, "delisted"), (2, "changed"), (2, "changed"),
                             (6, "removed")]:  # fmt: skip
            conn.execute(
                "insert into events (type, observed_at, document_id, url) values (?, ?, ?, 'u')",
                [kind, "2024-06-01T00:00:00Z", doc_id],
            )
        # Two reports on 2021: the official-table one counts, though published later.
        for document_id, fmt, published in [(6, "prose", "2022-01-10"), (5, "2021", "2022-02-03")]:
            conn.execute(
                "insert into reports (document_id, site, agency, year, format, published_at,"
                " parsed_at) values (?, 'site-a', NULL, 2021, ?, ?, 'x')",
                [document_id, fmt, published],
            )
    return path


@pytest.fixture(scope="module")
def row(archive) -> dict:
    conn = connect_readonly(archive)
    try:
        (only,) = scorecard(conn, 2021)
        return only
    finally:
        conn.close()


def test_documents_of_the_year_by_published_else_written_date(row) -> None:
    assert (row["agency"], row["site"], row["documents"]) == ("甲局", "site-a", 4)


def test_missing_fields_counted_and_shared(row) -> None:
    assert (row["missing_index_no"], row["missing_agency"], row["missing_published_at"]) == (
        1,
        1,
        1,
    )
    assert row["missing_index_no_share"] == 0.25


def test_removed_includes_delisted_and_each_document_counts_once(row) -> None:
    assert (row["removed"], row["changed"]) == (2, 1)  # document 6 is a 2022 document


def test_a_report_naming_no_agency_goes_to_its_sites_bureau_official_tables_first(row) -> None:
    assert (row["report_document_id"], row["report_format"]) == (5, "2021")
    assert (row["deadline_status"], row["days_late"]) == ("late", 3)
    assert row["claims"] == [] and row["claims_count"] == 0


def test_flat_row_reads_the_status_in_words(row) -> None:
    assert "逾期 late" in flat_row(row)
