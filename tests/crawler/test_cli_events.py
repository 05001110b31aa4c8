"""`gongkai events --json`: the contract other tools read (one JSON object per line)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from archive.store import ArchiveWriter
from tests.gongkai_cli import gongkai
from tests.pages import write

ROOT = Path(__file__).resolve().parents[2]
URL = "http://www.sxx.sample.test/zwgk/public/37/1.html"
KEYS = {
    "id", "type", "observed_at", "crawl_id", "document_id", "url", "site", "agency", "category",
    "title", "reason", "interval_start", "interval_end", "before_capture_id", "after_capture_id",
    "from_version", "to_version", "field_diff", "text_diff", "attachments",
}  # fmt: skip


def page(crawl_id: int, day: int, status: int = 200) -> dict:
    return {
        "crawl_id": crawl_id, "profile": "sample-test", "url": URL, "final_url": URL,
        "status": status, "headers": {}, "fetched_at": f"2024-05-0{day}T08:00:00Z",
        "body": b"<html></html>", "error": None if status == 200 else f"HTTP {status}",
        "kind": "detail",
    }  # fmt: skip


def document(validity: str) -> dict:
    return {"url": URL, "title": "关于招生的通知", "body": "正文。", "validity": validity,
            "published_at": "2024-04-30", "agency": "濉溪县教育局"}  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("events") / "gongkai.db"
    with ArchiveWriter(path) as writer:
        for day, (status, validity) in enumerate(
            [(200, "有效"), (200, "失效"), (404, None), (404, None)], start=1
        ):
            crawl = writer.start_crawl("sample-test")
            write(writer, page(crawl, day, status), document(validity) if validity else None)
            writer.finish_crawl(crawl, "finished")
    return path


def lines(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_json_lines_carry_every_key(db):
    rows = lines(gongkai("events", "--db", str(db), "--json"))
    assert [r["type"] for r in rows] == ["new", "changed", "removed"]
    assert all(set(r) == KEYS for r in rows)
    assert rows[1]["field_diff"] == {"validity": {"old": "有效", "new": "失效"}}
    assert (rows[2]["interval_start"], rows[2]["interval_end"]) == (
        "2024-05-02T08:00:00Z", "2024-05-03T08:00:00Z",
    )  # fmt: skip


@pytest.mark.parametrize(
    "args,expected",
    [(["--type", "removed"], ["removed"]), (["--since", "2024-05-02"], ["changed", "removed"]),
     (["--since", "2024-05-04T00:00:00Z", "--type", "new"], [])],
    ids=["type", "since-date", "since-time-and-type"],
)  # fmt: skip
def test_filters(db, args, expected):
    assert [
        r["type"] for r in lines(gongkai("events", "--db", str(db), "--json", *args))
    ] == expected


@pytest.mark.parametrize(
    "args,message",
    [(["--type", "gone"], "--type"), (["--since", "yesterday"], "--since")],
    ids=["bad-type", "bad-since"],
)
def test_bad_input_is_one_line_exit_2(db, args, message):
    result = gongkai("events", "--db", str(db), *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_missing_database_is_one_line_exit_2(tmp_path):
    result = gongkai("events", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 2 and "does not exist" in result.stderr
