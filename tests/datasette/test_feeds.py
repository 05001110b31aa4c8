"""Atom feeds per agency and per category: new, changed (with the diff) and removed entries."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest
import yaml

from archive.store import ArchiveWriter
from tests.pages import write

ROOT = Path(__file__).resolve().parents[2]
ATOM = "{http://www.w3.org/2005/Atom}"
URL = "http://www.sxx.sample.test/zwgk/public/37/1.html"
AGENCY = "濉溪县教育局"


def page(crawl_id: int, day: int, status: int = 200) -> dict:
    return {
        "crawl_id": crawl_id, "profile": "sample-test", "url": URL, "final_url": URL,
        "status": status, "headers": {}, "fetched_at": f"2024-05-0{day}T08:00:00Z",
        "body": b"<html></html>", "error": None if status == 200 else f"HTTP {status}",
        "kind": "detail",
    }  # fmt: skip


def document(validity: str, body: str) -> dict:
    return {"url": URL, "title": "关于<script>招生</script>的通知", "body": body,
            "validity": validity, "published_at": "2024-04-30", "agency": AGENCY,
            "category": "政策法规", "category_source": "label"}  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("feeds") / "gongkai.db"
    steps = [(200, document("有效", "第一段。")), (200, document("失效", "第一段已修改。")),
             (404, None), (404, None)]  # fmt: skip
    with ArchiveWriter(path) as writer:
        for day, (status, doc) in enumerate(steps, start=1):
            crawl = writer.start_crawl("sample-test")
            write(writer, page(crawl, day, status), doc)
            writer.finish_crawl(crawl, "finished")
    return path


@pytest.fixture(scope="module")
def feeds(archive, client_for):
    return client_for(archive).get


def entries(response) -> list[ET.Element]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


@pytest.mark.parametrize("key,value", [("agency", AGENCY), ("category", "政策法规")],
                         ids=["agency", "category"])  # fmt: skip
def test_feed_lists_removed_changed_new_newest_first(feeds, key, value):
    found = entries(feeds(f"/-/feeds/{key}/{quote(value)}.atom"))
    titles = [e.find(f"{ATOM}title").text for e in found]
    assert [t.split("]")[0] for t in titles] == ["[删除 removed", "[变更 changed", "[新增 new"]


def test_changed_entry_carries_field_and_text_diff(feeds):
    changed = entries(feeds(f"/-/feeds/agency/{quote(AGENCY)}.atom"))[1]
    content = changed.find(f"{ATOM}content")
    assert content.get("type") == "text"
    assert "validity: 有效 -> 失效" in content.text
    assert "-第一段。" in content.text and "+第一段已修改。" in content.text


def test_titles_stay_text(feeds):
    title = entries(feeds(f"/-/feeds/agency/{quote(AGENCY)}.atom"))[0].find(f"{ATOM}title")
    assert "<script>招生</script>" in title.text  # escaped in the XML, text once parsed


def test_feed_without_entries_is_valid_and_empty(feeds):
    assert entries(feeds(f"/-/feeds/agency/{quote('不存在的局')}.atom")) == []


METADATA = yaml.safe_load((ROOT / "datasette/metadata.yml").read_text(encoding="utf-8"))
ALL_QUERIES = METADATA["databases"]["gongkai"]["queries"]
QUERIES = {
    name: ALL_QUERIES[name]
    for name in ("removals_with_evidence", "not_evidence_of_removal", "bytes_per_crawl")
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_event_queries_run(archive, name):
    conn = sqlite3.connect(archive)
    rows = conn.execute(QUERIES[name]["sql"], {"agency": ""}).fetchall()
    assert rows or name == "not_evidence_of_removal"
