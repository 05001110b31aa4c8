"""Citations that look only at what changed (issue 14, item 3) equal a pass over the whole
archive (pipeline.postcrawl.citations.citation_rows), round after round of edits."""

from __future__ import annotations

import random
import sqlite3

from archive.db import open_archive
from archive.store import ArchiveWriter
from pipeline.postcrawl.citations import citation_rows, link_citations
from tests.pages import write

ORGANS = ("濉教", "濉财", "皖政")


def number(rng: random.Random) -> str:
    return f"{rng.choice(ORGANS)}〔{rng.choice((2020, 2021))}〕{rng.randint(1, 12)}号"


def body(rng: random.Random) -> str:
    cited = "和".join(f"《关于某事的通知》（{number(rng)}）" for _ in range(rng.randint(0, 3)))
    return f"根据{cited}精神，现通知如下。" if cited else "现通知如下。"


def store(db_path, docs: dict[int, tuple[str, str]], day: int) -> None:
    with ArchiveWriter(db_path, batch_size=5) as writer:
        crawl = writer.start_crawl("sample-test")
        for key, (doc_no, text) in docs.items():
            url = f"http://a.test/{key}.html"
            capture = {"crawl_id": crawl, "profile": "sample-test", "url": url, "status": 200,
                       "body": (doc_no + text).encode(), "kind": "detail",
                       "fetched_at": f"2024-05-{day:02d}T08:00:00Z"}  # fmt: skip
            write(writer, capture, {"url": url, "title": f"通知{key}", "body": text,
                                    "doc_no": doc_no})  # fmt: skip
        writer.finish_crawl(crawl, "finished")


def stored(db) -> list[tuple]:
    columns = "document_id, position, doc_no, title, raw, cited_id"
    return sorted(db.execute(f"SELECT {columns} FROM citations").fetchall(), key=repr)


def full_pass(db) -> list[tuple]:
    documents = list(db.query("SELECT id, doc_no, body FROM documents ORDER BY id"))
    rows = citation_rows(documents)
    keys = ("document_id", "position", "doc_no", "title", "raw", "cited_id")
    return sorted((tuple(r[k] for k in keys) for r in rows), key=repr)


def test_incremental_citations_equal_a_full_pass_round_after_round(tmp_path):
    rng = random.Random(7)
    db_path = tmp_path / "archive.db"
    docs = {k: (number(rng), body(rng)) for k in range(40)}
    store(db_path, docs, 1)
    db = open_archive(db_path)
    link_citations(db)
    assert stored(db) == full_pass(db)
    assert any(row[5] is not None for row in stored(db))  # some references resolve
    for day in range(2, 8):
        changes = {}
        for key in rng.sample(sorted(docs), 6):
            doc_no, text = docs[key]
            if rng.random() < 0.5:
                doc_no = number(rng)  # a new own 文号, same text
            else:
                text = body(rng)
            changes[key] = docs[key] = (doc_no, text)
        for key in range(len(docs), len(docs) + 3):  # new documents may resolve old references
            changes[key] = docs[key] = (number(rng), body(rng))
        store(db_path, changes, day)
        if day == 5:  # a document leaves the archive
            with sqlite3.connect(db_path) as conn:
                gone = conn.execute(
                    "SELECT cited_id FROM citations WHERE cited_id IS NOT NULL LIMIT 1"
                ).fetchone()[0]
                conn.execute("DELETE FROM documents WHERE id = ?", [gone])
        counts = link_citations(db)
        assert stored(db) == full_pass(db), f"round {day}"
        assert counts["resolved"] == sum(1 for row in stored(db) if row[5] is not None)


def test_an_unchanged_run_reads_no_document(tmp_path):
    rng = random.Random(3)
    db_path = tmp_path / "archive.db"
    store(db_path, {k: (number(rng), body(rng)) for k in range(10)}, 1)
    db = open_archive(db_path)
    first = link_citations(db)
    read: list[str] = []
    db.conn.set_trace_callback(read.append)
    assert link_citations(db) == first
    db.conn.set_trace_callback(None)
    assert not any("FROM documents" in sql and "NOT IN" not in sql for sql in read), read
