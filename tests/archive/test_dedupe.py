"""Duplicates folded with sightings, near-dups grouped, changes kept as versions (issue 3)."""

from pathlib import Path

import pytest

from archive.db import open_archive
from archive.dedupe import dedupe_counts
from archive.migrations import m0002_classify_dedupe
from archive.store import ArchiveWriter
from pipeline.postcrawl.neardups import group_near_duplicates
from pipeline.urls import canonical_url
from tests.pages import write

NOTICE = (Path(__file__).parents[1] / "fixtures/neardup/notice.txt").read_text(encoding="utf-8")
TITLE = "濉溪县教育局关于2021年秋季学期中小学开学工作的通知"
OTHER = "濉溪县教育局2021年部门预算公开说明。本部门预算包括一般公共预算和政府性基金预算。" * 5


def page(url: str, body: str = NOTICE, title: str = TITLE, column: str | None = "通知公告",
         fetched_at: str = "2024-05-01T08:00:00Z") -> tuple[dict, dict]:  # fmt: skip
    capture = {
        "profile": "sample-test", "url": url, "final_url": url, "status": 200,
        "headers": {"Content-Type": "text/html"}, "fetched_at": fetched_at,
        "body": (title + body).encode(), "sha256": None, "declared_encoding": "utf-8",
        "used_encoding": "utf-8", "error": None, "kind": "detail",
    }  # fmt: skip
    document = {
        "url": url, "canonical_url": canonical_url(url), "site": "sample-test", "title": title,
        "agency": "濉溪县教育局", "published_at": "2021-08-20", "column": column,
        "category_label": None, "breadcrumb": [], "body": body, "attachments": [],
        "sources": {}, "warnings": [],
    }  # fmt: skip
    return capture, document


def crawl(db_path: Path, pages: list[tuple[dict, dict]]) -> list[str]:
    with ArchiveWriter(db_path, batch_size=2) as writer:
        crawl_id = writer.start_crawl("sample-test")
        results = [write(writer, {**c, "crawl_id": crawl_id}, d) for c, d in pages]
        writer.finish_crawl(crawl_id, "finished")
    return results


def rows(db_path: Path, sql: str) -> list[tuple]:
    db = open_archive(db_path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_same_notice_under_two_urls_is_one_document_with_two_sightings(db_path):
    results = crawl(db_path, [
        page("http://www.sxx.sample.test/xxgk/tzgg/t1.html", column="通知公告"),
        page("http://mirror.sxx.sample.test/jyj/zcwj/t9.html", column="政策文件"),
    ])  # fmt: skip
    assert results == ["new", "duplicate"]
    assert rows(db_path, "select count(*) from documents") == [(1,)]
    assert rows(db_path, "select canonical_url, column_name from sightings order by id") == [
        ("https://www.sxx.sample.test/xxgk/tzgg/t1.html", "通知公告"),
        ("https://mirror.sxx.sample.test/jyj/zcwj/t9.html", "政策文件"),
    ]
    assert rows(db_path, "select count(*) from captures where document_id = 1") == [(2,)]


def test_full_and_half_width_punctuation_do_not_split_a_duplicate(db_path):
    half = NOTICE.replace("，", ",").replace("：", ":").replace("；", ";")
    crawl(db_path, [page("http://a.sample.test/1.html"), page("http://b.sample.test/2.html", half)])
    assert rows(db_path, "select count(*), (select count(*) from sightings) from documents") == [
        (1, 2)
    ]


def test_http_https_and_index_html_variants_are_one_document(db_path):
    crawl(db_path, [
        page("http://www.sxx.sample.test/xxgk/"),
        page("https://www.sxx.sample.test/xxgk/index.html"),
        page("HTTPS://WWW.SXX.SAMPLE.TEST:443/xxgk#top"),
    ])  # fmt: skip
    assert rows(db_path, "select canonical_url from documents") == [
        ("https://www.sxx.sample.test/xxgk",)
    ]
    assert rows(db_path, "select times_seen from sightings") == [(3,)]


def test_repost_with_changed_date_is_grouped_not_merged(db_path):
    repost = NOTICE.replace("2021年8月20日", "2021年8月25日")
    crawl(db_path, [
        page("http://www.sxx.sample.test/a.html"),
        page("http://www.sxx.sample.test/b.html", repost),
        page("http://www.sxx.sample.test/c.html", OTHER, title="2021年部门预算公开说明"),
    ])  # fmt: skip
    db = open_archive(db_path)
    counts = [group_near_duplicates(db), group_near_duplicates(db)]
    db.close()
    # The second run finds nothing changed and compares nothing (issue 14); the group stays.
    assert [c["documents_compared"] for c in counts] == [3, 0]
    assert [(c["near_dup_groups"], c["documents_in_groups"]) for c in counts] == [(1, 2)] * 2
    assert rows(db_path, "select id, near_dup_group from documents order by id") == [
        (1, 1), (2, 1), (3, None)
    ]  # fmt: skip
    (similarity,) = rows(db_path, "select similarity from near_dup_members where document_id = 2")
    assert similarity[0] > 0.85


def test_crawling_twice_adds_no_rows(db_path):
    pages = [page("http://a.sample.test/1.html"), page("http://b.sample.test/2.html"),
             page("http://a.sample.test/3.html", OTHER, title="预算")]  # fmt: skip
    tables = ["documents", "sightings", "document_versions", "near_dup_groups", "near_dup_members"]
    counts = []
    for run in range(2):
        later = [(dict(c, fetched_at=f"2024-05-0{run + 1}T08:00:00Z"), d) for c, d in pages]
        crawl(db_path, later)
        db = open_archive(db_path)
        group_near_duplicates(db)
        db.close()
        counts.append([rows(db_path, f"select count(*) from {t}")[0][0] for t in tables])
    assert counts[0] == counts[1] == [2, 3, 2, 0, 0]
    assert rows(db_path, "select min(last_seen) from sightings") == [("2024-05-02T08:00:00Z",)]


def test_changed_page_keeps_both_versions(db_path):
    url = "http://www.sxx.sample.test/a.html"
    changed = NOTICE.replace("四、落实", "四、全面落实")
    crawl(db_path, [page(url)])
    assert crawl(db_path, [page(url, changed, fetched_at="2024-06-01T08:00:00Z")]) == ["updated"]
    versions = rows(
        db_path,
        "select v.version, coalesce(v.body, d.body), v.first_seen from document_versions v"
        " join documents d on d.id = v.document_id order by 1",
    )
    assert versions == [
        (1, NOTICE, "2024-05-01T08:00:00Z"),
        (2, changed, "2024-06-01T08:00:00Z"),
    ]
    assert rows(db_path, "select body from documents") == [(changed,)]
    # The current version's body is the document's (issue 14: one copy of each text).
    assert rows(db_path, "select version, body is null from document_versions order by 1") == [
        (1, 0), (2, 1)
    ]  # fmt: skip


def test_document_written_before_versions_existed_keeps_its_old_text(db_path):
    url = "http://www.sxx.sample.test/a.html"
    crawl(db_path, [page(url)])
    db = open_archive(db_path)
    db.execute("delete from document_versions")  # as if written before m0002
    db.conn.commit()
    db.close()
    crawl(db_path, [page(url, OTHER)])
    assert rows(db_path, "select version, body from document_versions order by 1") == [
        (1, NOTICE), (2, None)
    ]  # fmt: skip


def test_a_folded_url_whose_text_changes_becomes_its_own_document(db_path):
    crawl(db_path, [page("http://a.sample.test/1.html"), page("http://b.sample.test/2.html")])
    assert crawl(db_path, [page("http://b.sample.test/2.html", OTHER)]) == ["new"]
    assert rows(db_path, "select canonical_url, body = ? from documents order by id".replace(
        "?", "'" + OTHER + "'")) == [("https://a.sample.test/1.html", 0), ("https://b.sample.test/2.html", 1)]  # fmt: skip


def test_short_identical_bodies_stay_separate_documents(db_path):
    crawl(db_path, [page("http://a.sample.test/1.html", "详见附件。", title="关于甲的通知"),
                    page("http://a.sample.test/2.html", "详见附件。", title="关于乙的公告")])  # fmt: skip
    assert rows(db_path, "select count(*) from documents") == [(2,)]


def test_documents_are_classified_when_stored(db_path):
    crawl(db_path, [page("http://a.sample.test/1.html", column="财政预决算")])
    assert rows(
        db_path, "select category, category_source, category_raw, genre from documents"
    ) == [("财政资金", "column", "财政预决算", "通知")]


def test_migration_is_idempotent(db_path):
    db = open_archive(db_path)
    m0002_classify_dedupe.apply(db)
    m0002_classify_dedupe.apply(db)
    assert {"sightings", "document_versions", "near_dup_groups"} <= set(db.table_names())
    db.close()


def test_dedupe_counts(db_path):
    crawl(db_path, [page("http://a.sample.test/1.html"), page("http://b.sample.test/2.html")])
    db = open_archive(db_path)
    counts = dedupe_counts(db)
    db.close()
    assert counts["documents"] == 1
    assert counts["sightings"] == 2
    assert counts["urls_folded_into_other_documents"] == 1


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "gongkai.db"
