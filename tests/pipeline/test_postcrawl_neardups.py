"""Near-duplicate grouping that looks only at what changed (issue 14) gives the groups of a
full pass: checked against pipeline.neardup.group over the whole archive, round after round."""

from __future__ import annotations

import random

import pytest

from archive.db import open_archive
from archive.store import ArchiveWriter
from pipeline import neardup
from pipeline.postcrawl.neardups import group_near_duplicates
from tests.pages import write

POOL = "政务公开教育招生学校财政预算资金项目建设管理工作通知关于进一步加强做好开展实施方案"


def text(rng: random.Random, n: int = 240) -> str:
    return "".join(rng.choice(POOL) for _ in range(n))


def edited(rng: random.Random, body: str, edits: int = 2) -> str:
    chars = list(body)
    for _ in range(edits):
        chars[rng.randrange(len(chars))] = rng.choice("甲乙丙丁")
    return "".join(chars)


def store(db_path, bodies: dict[int, str], round_: int) -> None:
    with ArchiveWriter(db_path, batch_size=7) as writer:
        crawl = writer.start_crawl("sample-test")
        for number, body in bodies.items():
            url = f"http://a.test/{number}.html"
            capture = {"crawl_id": crawl, "profile": "sample-test", "url": url, "status": 200,
                       "body": body.encode(), "kind": "detail",
                       "fetched_at": f"2024-05-0{round_ + 1}T08:00:00Z"}  # fmt: skip
            write(writer, capture, {"url": url, "title": f"通知{number}", "body": body})


def stored_groups(db) -> set[frozenset[int]]:
    rows = db.execute("SELECT group_id, document_id FROM near_dup_members").fetchall()
    groups: dict[int, set[int]] = {}
    for group, doc in rows:
        groups.setdefault(group, set()).add(doc)
    assert {doc: group for group, doc in rows} == dict(
        db.execute("SELECT id, near_dup_group FROM documents WHERE near_dup_group IS NOT NULL")
    )
    return {frozenset(g) for g in groups.values()}


def full_pass_groups(db) -> set[frozenset[int]]:
    """The oracle: every document signed afresh and grouped with datasketch's own LSH."""
    sigs = []
    for doc_id, title, body in db.execute("SELECT id, title, body FROM documents"):
        sig = neardup.signature((title or "") + "\n" + (body or ""))
        if sig is not None:
            sigs.append((doc_id, sig))
    return {frozenset(g.similarity) for g in neardup.group(sigs)}


def test_incremental_runs_equal_a_full_pass(db_path):
    rng = random.Random(14)
    templates = [text(rng) for _ in range(5)]
    bodies = {n: edited(rng, templates[n % 5], rng.randint(1, 3)) for n in range(1, 31)}
    bodies.update({n: text(rng) for n in range(31, 36)})  # unrelated documents
    store(db_path, bodies, 0)
    db = open_archive(db_path)
    assert group_near_duplicates(db)["documents_compared"] == 35 == db["documents"].count
    assert stored_groups(db) == full_pass_groups(db)
    for round_ in range(1, 5):
        changes = {}
        for number in rng.sample(sorted(bodies), 6):  # move documents between templates
            changes[number] = edited(rng, templates[rng.randrange(5)], rng.randint(1, 3))
        changes[number] = text(rng)  # one leaves every group
        for new in range(100 * round_, 100 * round_ + 3):  # new documents join groups
            changes[new] = edited(rng, templates[rng.randrange(5)], 1)
        bodies.update(changes)
        db.close()
        store(db_path, changes, round_)
        db = open_archive(db_path)
        counts = group_near_duplicates(db)
        assert counts["documents_compared"] == len(changes)
        assert stored_groups(db) == full_pass_groups(db), f"round {round_}"
        assert counts["near_dup_groups"] == len(stored_groups(db))
    db.close()


def test_nothing_changed_compares_nothing_and_keeps_the_groups(db_path):
    rng = random.Random(3)
    body = text(rng)
    store(db_path, {1: body, 2: edited(rng, body), 3: text(rng)}, 0)
    db = open_archive(db_path)
    first = group_near_duplicates(db)
    rows = db.execute("SELECT * FROM near_dup_groups").fetchall()
    again = group_near_duplicates(db)
    assert (first["documents_compared"], again["documents_compared"]) == (3, 0)
    assert db.execute("SELECT * FROM near_dup_groups").fetchall() == rows
    db.close()


def test_other_parameters_regroup_the_whole_archive(db_path):
    rng = random.Random(5)
    body = text(rng)
    store(db_path, {1: body, 2: edited(rng, body, 10), 3: text(rng)}, 0)
    db = open_archive(db_path)
    assert group_near_duplicates(db)["near_dup_groups"] == 0  # 10 edits: below 0.85
    loose = group_near_duplicates(db, threshold=0.3)
    assert (loose["documents_compared"], loose["near_dup_groups"]) == (3, 1)
    db.close()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "gongkai.db"
