"""Observations, removal detection and events, written by the store (issue 6)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from archive.store import ArchiveWriter
from tests.pages import write

URL = "http://www.sxx.sample.test/zwgk/public/37/1.html"
GONE = (
    "<html><head><title>提示信息</title></head><body><p>您访问的页面不存在或已被删除！</p>"
    "<a href='/'>返回首页</a></body></html>"
).encode()
CHALLENGE = b"<html><script>document.cookie='__jsl_clearance=1569;max-age=3600';</script></html>"


def events(db_path, *columns):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            f"select type, {', '.join(columns) or 'url'} from events order by id"
        ).fetchall()


def crawl(db_path, pages, capture, document, day, removed_after=2):
    """One crawl: pages are (status, body, document overrides | None, error)."""
    with ArchiveWriter(db_path) as writer:
        writer.changes.removed_after["sample-test"] = removed_after
        crawl_id = writer.start_crawl("sample-test")
        for status, body, doc, error in pages:
            cap = capture(crawl_id, URL, status=status, body=body, error=error,
                          fetched_at=f"2024-05-0{day}T08:00:00Z")  # fmt: skip
            write(writer, cap, None if doc is None else document(URL, **doc))
        writer.finish_crawl(crawl_id, "finished")


OK = (200, b"<html>page</html>", {}, None)


def test_new_then_unchanged_gives_one_new_event(db_path, capture, document):
    crawl(db_path, [OK], capture, document, 1)
    crawl(db_path, [OK], capture, document, 2)
    assert events(db_path) == [("new", URL)]


def test_removed_only_after_two_missing_observations(db_path, capture, document):
    crawl(db_path, [OK], capture, document, 1)
    crawl(db_path, [(404, b"not found", None, "HTTP 404")], capture, document, 2)
    assert [e[0] for e in events(db_path)] == ["new"]
    crawl(db_path, [(200, GONE, None, "extraction failed: no body")], capture, document, 3)
    crawl(db_path, [(404, b"not found", None, "HTTP 404")], capture, document, 4)
    removed = events(db_path, "interval_start", "interval_end", "before_capture_id",
                     "after_capture_id", "reason")  # fmt: skip
    assert removed[1:] == [
        (
            "removed",
            "2024-05-01T08:00:00Z",
            "2024-05-02T08:00:00Z",
            1,
            2,
            "soft-404: 您访问的页面不存在",
        )
    ]


@pytest.mark.parametrize("removed_after", [1, 3])
def test_removal_threshold_is_configurable(db_path, capture, document, removed_after):
    crawl(db_path, [OK], capture, document, 1)
    gone = (404, b"", None, "HTTP 404")
    for day in range(2, 2 + removed_after - 1):
        crawl(db_path, [gone], capture, document, day, removed_after)
        assert [e[0] for e in events(db_path)] == ["new"]
    crawl(db_path, [gone], capture, document, 5, removed_after)
    assert [e[0] for e in events(db_path)] == ["new", "removed"]


@pytest.mark.parametrize(
    "failure",
    [
        (412, CHALLENGE, None, "HTTP 412"),
        (403, b"Forbidden", None, "HTTP 403"),
        (503, b"busy", None, "HTTP 503"),
        (None, None, None, "TimeoutError: Getting http://x took longer than 3.0 seconds."),
        (None, None, None, "DNSLookupError: DNS lookup failed: no results for hostname lookup"),
        (None, None, None, "ConnectionRefusedError: Connection was refused by other side"),
        (200, CHALLENGE, None, None),
    ],
    ids=["412-challenge", "403", "503", "timeout", "dns", "refused", "200-challenge"],
)
def test_failures_that_are_not_evidence_never_remove(db_path, capture, document, failure):
    crawl(db_path, [OK], capture, document, 1)
    for day in (2, 3, 4):
        crawl(db_path, [failure], capture, document, day)
    types = [e[0] for e in events(db_path)]
    assert "removed" not in types
    assert types in (["new"], ["new", "blocked"])


def test_blocked_in_between_neither_counts_nor_resets_missing(db_path, capture, document):
    crawl(db_path, [OK], capture, document, 1)
    crawl(db_path, [(404, b"", None, "HTTP 404")], capture, document, 2)
    crawl(db_path, [(412, CHALLENGE, None, "HTTP 412")], capture, document, 3)
    crawl(db_path, [(404, b"", None, "HTTP 404")], capture, document, 4)
    assert events(db_path, "reason") == [
        ("new", None),
        ("blocked", "HTTP 412: 加速乐 (Jiasule) JavaScript cookie challenge"),
        ("removed", "HTTP 404"),
    ]


def test_restored_when_a_removed_url_answers_again(db_path, capture, document):
    crawl(db_path, [OK], capture, document, 1)
    crawl(db_path, [(410, b"", None, "HTTP 410")], capture, document, 2, removed_after=1)
    crawl(db_path, [OK], capture, document, 3)
    assert events(db_path, "interval_start", "interval_end") == [
        ("new", None, None),
        ("removed", "2024-05-01T08:00:00Z", "2024-05-02T08:00:00Z"),
        ("restored", "2024-05-02T08:00:00Z", "2024-05-03T08:00:00Z"),
    ]


def test_body_edit_is_changed_with_text_diff(db_path, capture, document):
    crawl(db_path, [(200, b"a", {"body": "第一段。\n\n第二段。"}, None)], capture, document, 1)
    crawl(
        db_path, [(200, b"b", {"body": "第一段。\n\n第二段已修改。"}, None)], capture, document, 2
    )
    (_, diff, text, versions) = events(
        db_path, "field_diff", "text_diff", "from_version || '>' || to_version"
    )[1]
    assert diff is None
    assert "-第二段。" in text and "+第二段已修改。" in text
    assert versions == "1>2"


def test_validity_flip_is_changed_with_field_diff(db_path, capture, document):
    crawl(db_path, [(200, b"a", {"validity": "现行有效"}, None)], capture, document, 1)
    crawl(db_path, [(200, b"a", {"validity": "失效"}, None)], capture, document, 2)
    (kind, diff, text) = events(db_path, "field_diff", "text_diff")[1]
    assert kind == "changed" and text is None
    assert json.loads(diff) == {"validity": {"old": "现行有效", "new": "失效"}}


def test_attachment_added_is_changed(db_path, capture, document):
    pdf = {"url": "http://www.sxx.sample.test/a.pdf", "name": "附件1.pdf"}
    crawl(db_path, [(200, b"a", {}, None)], capture, document, 1)
    crawl(db_path, [(200, b"a", {"attachments": [pdf]}, None)], capture, document, 2)
    (kind, diff) = events(db_path, "field_diff")[1]
    assert kind == "changed"
    assert json.loads(diff) == {"attachments": {"added": [pdf], "removed": []}}


def test_delisted_only_when_every_list_page_was_read(db_path, capture, document):
    crawl(db_path, [OK], capture, document, 1)
    with ArchiveWriter(db_path) as writer:
        writer.record_listing(1, "sample-test", {URL}, complete=True)
        assert writer.record_listing(1, "sample-test", set(), complete=False) == 0
        assert writer.record_listing(1, "sample-test", set(), complete=True) == 1
        assert writer.record_listing(1, "sample-test", set(), complete=True) == 0
    assert [e[0] for e in events(db_path)] == ["new", "delisted"]


def test_a_page_that_fell_off_the_end_of_the_list_is_not_delisted(db_path, capture, document):
    old, new = URL.replace("1.html", "old.html"), URL.replace("1.html", "new.html")
    with ArchiveWriter(db_path) as writer:
        crawl = writer.start_crawl("sample-test")
        for url, day in ((old, "2021-01-01"), (URL, "2023-01-01"), (new, "2024-01-01")):
            doc = document(url, body=url, published_at=day)
            write(writer, capture(crawl, url, fetched_at="2024-05-01T08:00:00Z"), doc)
        writer.record_listing(crawl, "sample-test", {old, URL, new}, complete=True)
        # One taken out of the middle of the list is delisted.
        assert writer.record_listing(crawl, "sample-test", {old, new}, complete=True) == 1
        # Newer notices pushed the oldest one off the last list page: no event.
        assert writer.record_listing(crawl, "sample-test", {new}, complete=True) == 0
    assert [e[1] for e in events(db_path) if e[0] == "delisted"] == [URL]


def test_captures_carry_their_observation(db_path, capture, document):
    crawl(db_path, [OK, (304, b"", None, None), (200, GONE, None, None)], capture, document, 1)
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("select observation, observation_reason from captures").fetchall()
    assert rows == [
        ("ok", None),
        ("not_modified", None),
        ("missing", "soft-404: 您访问的页面不存在"),
    ]


def test_two_edits_in_one_batch_each_diff_against_the_one_before(db_path, capture, document):
    with ArchiveWriter(db_path, batch_size=100) as writer:
        crawl_id = writer.start_crawl("sample-test")
        for day, body in ((1, "第一版。"), (2, "第二版。"), (3, "第三版。")):
            at = f"2024-05-0{day}T08:00:00Z"
            write(writer, capture(crawl_id, URL, fetched_at=at), document(URL, body=body))
    changed = [e for e in events(db_path, "text_diff") if e[0] == "changed"]
    assert [("-第一版。" in t and "+第二版。" in t, "-第二版。" in t) for _, t in changed] == [
        (True, False),
        (False, True),
    ]
