"""The Scrapy stages, built with get_crawler on the project's settings: they read settings,
keep stats and hand the pure functions' answers along (no crawl, no network)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured

from crawler.items import PageItem
from pipeline.stages import ArchiveStage, ExtractStage
from tests.scrapy_crawler import bureau_crawler

SEED = (
    Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "lonsun-seed-suixi-jyj.html"
)
SEED_URL = "http://www.sxx.sample.test/zwgk/public/37/62710901.html"


def item(**overrides) -> PageItem:
    fields = {
        "profile": "sample-suixi-jyj", "kind": "detail", "url": SEED_URL, "final_url": SEED_URL,
        "fetched_at": "2024-05-01T08:00:00.000000Z", "status": 200,
        "headers": {"Content-Type": "text/html; charset=utf-8"}, "body": SEED.read_bytes(),
    }  # fmt: skip
    return PageItem(**{**fields, **overrides})


@pytest.mark.parametrize(
    ("stage", "switch"), [(ExtractStage, "EXTRACT_ENABLED"), (ArchiveStage, "ARCHIVE_ENABLED")]
)
def test_each_stage_has_its_switch(stage, switch):
    with pytest.raises(NotConfigured):
        stage.from_crawler(bureau_crawler(**{switch: False}))


def test_extract_stage_fills_observation_document_and_stats():
    crawler = bureau_crawler()
    page = ExtractStage.from_crawler(crawler).process_item(item())
    assert page.observation == {"outcome": "ok", "reason": None}
    assert page.document["title"] == "濉溪县教育局2021年政务公开工作总结"
    assert page.used_encoding == "utf-8"
    assert crawler.stats.get_value("extract/documents") == 1


def test_extract_stage_keeps_a_page_it_cannot_read(monkeypatch):
    crawler = bureau_crawler()
    monkeypatch.setattr("pipeline.stages.read_page", lambda *_: 1 / 0)
    page = ExtractStage.from_crawler(crawler).process_item(item())
    assert page.document is None and page.error.startswith("internal error while reading")
    assert page.observation["outcome"] == "error"
    assert crawler.stats.get_value("extract/failed") == 1


def test_archive_stage_writes_counts_and_the_crawl_row(tmp_path):
    db = tmp_path / "a.db"
    crawler = bureau_crawler(ARCHIVE_DB_PATH=str(db), ARCHIVE_BATCH_SIZE=1)
    extract, archive = ExtractStage.from_crawler(crawler), ArchiveStage.from_crawler(crawler)
    archive.open_spider()
    for page in (item(), item(), item(url=SEED_URL + "x", status=404, error="HTTP 404")):
        archive.process_item(extract.process_item(page))
    archive.close_spider()
    stats = crawler.stats.get_stats()
    assert (stats["archive/new"], stats["archive/unchanged"], stats["archive/error"]) == (1, 1, 1)
    assert stats["events/new"] == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status, documents_new, errors from crawls").fetchall() == [
            ("finished", 1, 1)
        ]
        assert conn.execute("select observation from captures order by id").fetchall() == [
            ("ok",),
            ("ok",),
            ("missing",),
        ]
