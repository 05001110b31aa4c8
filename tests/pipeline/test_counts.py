"""pipeline.counts: one crawl's Scrapy stats as the summary's figures and the crawls row."""

from __future__ import annotations

from pipeline.counts import CrawlCounts

STATS = {
    "response_received_count": 12, "archive/new": 3, "archive/updated": 1,
    "archive/unchanged": 4, "archive/duplicate": 1, "archive/error": 2,
    "extract/failed": 1, "extract/not_html": 1, "gongkai/fetch_failures": 1,
    "archive/http_errors": 2, "downloader/response_bytes": 5000, "archive/bytes": 4000,
    "gongkai/not_modified": 3, "events/new": 3, "events/changed": 1,
}  # fmt: skip


def test_counts_from_stats():
    counts = CrawlCounts.from_stats("sample-suixi-jyj", STATS)
    assert (counts.documents, counts.unparsed, counts.fetch_errors, counts.bytes) == (9, 2, 3, 5000)
    assert counts.events == {"new": 3, "changed": 1}
    assert counts.reachable


def test_crawls_row_columns():
    assert CrawlCounts.from_stats("s", STATS).archive_columns() == {
        "pages_fetched": 12, "documents_new": 3, "documents_updated": 1, "errors": 2,
        "bytes_downloaded": 5000,
    }  # fmt: skip


def test_a_site_that_answered_nothing_is_unreachable():
    counts = CrawlCounts.from_stats("s", {"gongkai/fetch_failures": 3})
    assert not counts.reachable and counts.bytes == 0
