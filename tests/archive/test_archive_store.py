import sqlite3

import pytest

from archive.db import ArchiveError
from archive.store import ArchiveWriter
from pipeline.record import content_hash, document_row
from tests.pages import write


def rows(db_path, sql, params=()):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def test_statuses_and_crawl_counts(db_path, capture, document):
    with ArchiveWriter(db_path, batch_size=2) as writer:
        crawl = writer.start_crawl("sample-test")
        url = "http://www.sxx.sample.test/zwgk/public/1/1.html"
        statuses = [
            write(writer, capture(crawl, "http://www.sxx.sample.test/list"), None),
            write(writer, capture(crawl, url), document(url)),
            write(writer, capture(crawl, url), document(url)),
            write(writer, capture(crawl, url), document(url, body="正文已修改。")),
            write(writer, capture(crawl, url + "?bad", error="no body found"), None),
            write(
                writer, capture(crawl, "http://x.test/", status=None, body=None, error="DNS"), None
            ),
        ]
        counts = {"pages_fetched": 5, "documents_new": 1, "errors": 2, "unknown": 9}
        writer.finish_crawl(crawl, "finished", counts, {"downloader/request_count": 6})
    assert statuses == ["capture", "new", "unchanged", "updated", "error", "error"]
    assert rows(
        db_path,
        "select status, pages_fetched, documents_new, documents_updated, errors, stats from crawls",
    ) == [("finished", 5, 1, 0, 2, '{"downloader/request_count": 6}')]
    assert rows(db_path, "select count(*) from captures") == [(6,)]
    assert rows(
        db_path, "select url, error, document_id from captures where error is not null"
    ) == [
        (url + "?bad", "no body found", None),
        ("http://x.test/", "DNS", None),
    ]


def test_document_row_tracks_latest_capture_and_profile_agency(db_path, capture, document):
    url = "http://a.test/1.html"
    with ArchiveWriter(db_path) as writer:
        crawl = writer.start_crawl("sample-test")
        for day in ("01", "02"):
            at = f"2024-05-{day}T08:00:00Z"
            write(writer, capture(crawl, url, fetched_at=at), document(url), agency="濉溪县教育局")
    (doc,) = rows(
        db_path,
        "select agency, field_sources, first_seen, last_seen, capture_count, latest_capture_id,"
        " content_sha256 from documents",
    )  # fmt: skip
    assert doc == (
        "濉溪县教育局",
        '{"agency": "profile", "body": "container", "title": "meta"}',
        "2024-05-01T08:00:00Z",
        "2024-05-02T08:00:00Z",
        2,
        2,
        content_hash("关于教育招生的通知", rows(db_path, "select body from documents")[0][0]),
    )
    assert rows(db_path, "select document_id from captures") == [(1,), (1,)]


def test_page_agency_wins_over_profile(db_path, capture, document):
    with ArchiveWriter(db_path) as writer:
        crawl = writer.start_crawl("sample-test")
        page = document("http://a.test/1", agency="濉溪县人民政府")
        write(writer, capture(crawl, "http://a.test/1"), page, agency="濉溪县教育局")
    assert rows(db_path, "select agency, field_sources from documents") == [
        ("濉溪县人民政府", '{"body": "container", "title": "meta"}')
    ]


def test_second_crawl_adds_captures_not_documents(db_path, capture, document):
    urls = [f"http://a.test/{i}.html" for i in range(5)]
    results = []
    for _run in range(2):
        with ArchiveWriter(db_path, batch_size=3) as writer:
            crawl = writer.start_crawl("sample-test")
            results.append([write(writer, capture(crawl, u), document(u)) for u in urls])
            writer.finish_crawl(crawl, "finished")
    assert results == [["new"] * 5, ["unchanged"] * 5]
    assert rows(db_path, "select count(*), sum(capture_count) from documents") == [(5, 10)]
    assert rows(db_path, "select count(*) from captures") == [(10,)]


def test_attachments_are_unique_per_document(db_path, capture, document):
    url = "http://a.test/1.html"
    files = [
        {"url": "http://a.test/f/plan.PDF", "name": "计划"},
        {"url": "http://a.test/f/x", "name": None},
    ]
    with ArchiveWriter(db_path) as writer:
        crawl = writer.start_crawl("sample-test")
        write(writer, capture(crawl, url), document(url, attachments=files))
        write(writer, capture(crawl, url), document(url, attachments=files))
    assert rows(db_path, "select document_id, url, name, ext from attachments order by id") == [
        (1, "http://a.test/f/plan.PDF", "计划", "pdf"),
        (1, "http://a.test/f/x", None, None),
    ]


def test_search_index_follows_updates(db_path, capture, document):
    url = "http://a.test/1.html"
    with ArchiveWriter(db_path, batch_size=10) as writer:
        crawl = writer.start_crawl("sample-test")
        write(writer, capture(crawl, url), document(url, body="旧的正文"))
        write(writer, capture(crawl, url), document(url, body="新的正文"))
    match = "select rowid from documents_fts where documents_fts match ?"
    assert rows(db_path, match, ['"新的 的正 正文"']) == [(1,)]
    # Contentless index (issue 14): the old text was deleted with the tokens it was indexed as.
    assert rows(db_path, match, ['"旧的"']) == []
    assert rows(db_path, "select count(*) from documents_fts") == [(1,)]
    assert (
        rows(
            db_path, "insert into documents_fts (documents_fts, rank) values ('integrity-check', 1)"
        )
        == []
    )


def test_a_failed_batch_leaves_nothing_half_written(db_path, capture, document):
    with ArchiveWriter(db_path, batch_size=100) as writer:
        crawl = writer.start_crawl("sample-test")
        write(writer, capture(crawl, "http://a.test/1"), document("http://a.test/1"))
        writer.flush()
        write(writer, capture(crawl, "http://a.test/2"), document("http://a.test/2"))
        # A capture missing its required url makes the batch fail after the document insert.
        write(writer, {**capture(crawl, "http://a.test/3"), "url": None}, None)
        with pytest.raises(ArchiveError, match="cannot write to archive"):
            writer.flush()
        # The writer re-read the archive: the lost page is new again, not "unchanged".
        assert (
            write(writer, capture(crawl, "http://a.test/2"), document("http://a.test/2")) == "new"
        )
    assert rows(db_path, "select canonical_url from documents order by id") == [
        ("http://a.test/1",),
        ("http://a.test/2",),
    ]
    assert rows(db_path, "select count(*) from captures") == [(2,)]


def test_killed_writer_keeps_only_committed_batches(db_path, tmp_path):
    script = tmp_path / "crawl.py"
    script.write_text(
        "import os, sys\n"
        "from archive.store import ArchiveWriter\n"
        "from pipeline.record import document_row\n"
        "w = ArchiveWriter(sys.argv[1], batch_size=10)\n"
        "c = w.start_crawl('sample-test')\n"
        "for i in range(25):\n"
        "    u = f'http://a.test/{i}'\n"
        "    cap = {'crawl_id': c, 'profile': 'sample-test', 'url': u, 'body': b'x', 'status': 200}\n"
        "    w.add_page(cap, document_row({'url': u, 'title': 't', 'body': str(i)}, 'sample-test'))\n"
        "os._exit(9)  # killed: no close(), no flush of the last 5 pages\n"
    )
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(script), str(db_path)], capture_output=True)
    assert result.returncode == 9, result.stderr
    assert rows(db_path, "select count(*) from documents") == [(20,)]
    assert rows(db_path, "select count(*) from captures") == [(20,)]
    assert rows(db_path, "select count(*) from documents_fts") == [(20,)]
    assert rows(db_path, "select status from crawls") == [("running",)]
    # The next writer starts from what was committed: page 19 is known, page 20 is not.
    with ArchiveWriter(db_path) as writer:
        again = [document_row({"url": f"http://a.test/{i}", "title": "t", "body": str(i)},
                              "sample-test") for i in (19, 20)]  # fmt: skip
        assert [writer.add_page({"profile": "sample-test", "url": r["url"]}, r) for r in again] == [
            "unchanged", "new",
        ]  # fmt: skip
