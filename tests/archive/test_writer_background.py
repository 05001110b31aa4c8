"""ArchiveWriter(background=True) (issue 14): batches written in a thread of their own give
exactly the archive the synchronous writer gives, with changes and duplicates that cross
batch boundaries, and a failed batch surfaces at the next call."""

from __future__ import annotations

import sqlite3

import pytest

from archive.db import ArchiveError
from archive.store import ArchiveWriter
from tests.pages import write

TABLES = {
    "documents": "id, canonical_url, title, body, content_sha256, capture_count, latest_capture_id",
    "captures": "id, url, document_id, observation, sha256",
    "document_versions": "document_id, version, body, capture_id",
    "sightings": "document_id, canonical_url, times_seen, last_capture_id",
    "events": "type, document_id, url, from_version, to_version",
    "search_facets": "id, agency, category, year, report, day",
}


def pages(capture, document):
    """Pages whose outcomes depend on pages a few batches earlier."""
    out = []
    for round_ in range(3):
        for i in range(12):
            url = f"http://a.test/{i}.html"
            body = f"正文{i}第{round_ if i % 4 == 0 else 0}版。" + "内容" * 60
            out.append((capture(1, url, fetched_at=f"2024-05-0{round_ + 1}T08:00:{i:02d}Z"),
                        document(url, title=f"通知{i}", body=body)))  # fmt: skip
        repost = "http://b.test/copy.html"  # the same text as page 3: a duplicate, a sighting
        out.append((capture(1, repost), document(repost, title="通知3", body=out[3][1]["body"])))
    return out


def build(path, capture, document, background: bool) -> list[str]:
    with ArchiveWriter(path, batch_size=5, background=background) as writer:
        crawl = writer.start_crawl("sample-test")
        outcomes = [write(writer, {**c, "crawl_id": crawl}, d) for c, d in pages(capture, document)]
        writer.finish_crawl(crawl, "finished")
    return outcomes


def dump(path) -> dict:
    with sqlite3.connect(path) as conn:
        return {
            t: conn.execute(f"SELECT {c} FROM {t} ORDER BY 1, 2").fetchall()
            for t, c in TABLES.items()
        }


def test_background_batches_equal_synchronous_ones(tmp_path, capture, document):
    outcomes = build(tmp_path / "sync.db", capture, document, background=False)
    assert outcomes == build(tmp_path / "thread.db", capture, document, background=True)
    assert {"new", "updated", "unchanged", "duplicate"} <= set(outcomes)
    assert dump(tmp_path / "sync.db") == dump(tmp_path / "thread.db")


def test_a_failed_background_batch_is_raised_at_the_next_call(tmp_path, capture, document):
    with ArchiveWriter(tmp_path / "a.db", batch_size=2, background=True) as writer:
        crawl = writer.start_crawl("sample-test")
        write(writer, capture(crawl, "http://a.test/1"), document("http://a.test/1"))
        write(writer, {**capture(crawl, "http://a.test/2"), "url": None}, None)  # fails to store
        with pytest.raises(ArchiveError, match="cannot write to archive"):
            writer.flush()
        # The lost batch is forgotten: its page is new again.
        assert (
            write(writer, capture(crawl, "http://a.test/1"), document("http://a.test/1")) == "new"
        )
