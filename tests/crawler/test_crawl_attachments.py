"""Attachments in a real crawl of the sample sites: downloaded, stored once, read, searchable.

The sample sites link a Chinese PDF and DOCX, an XLS, an XLSX, RTF served as .doc (a file that
lies about its type), a 0-byte PDF, an OFD and a PDF over sample-qingchuan-zjj's
attachments.max_bytes (crawler/samplesites/content/attachment-cases.yml).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archive.search import to_fts_query
from crawler.profile import ProfileError, parse_profile

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "crawler/samplesites/manifest.json").read_text())


def linked(asset: str) -> list[str]:
    return sorted(
        a["url"]
        for p in MANIFEST["profiles"].values()
        for d in p["documents"]
        for a in d["attachments"]
        if a["file"] == asset
    )


@pytest.fixture(scope="module")
def crawled(sample_crawl):
    """The suite's shared archive (tests/conftest.py): db, a read-only connection, server."""
    conn = sample_crawl.connect()
    yield sample_crawl.db, conn, sample_crawl.server
    conn.close()


def status_of(conn, asset: str) -> list[tuple]:
    urls = linked(asset)
    marks = ",".join("?" * len(urls))
    return conn.execute(
        "select distinct fetch_error is not null, media_type, type_note, text_status, text_error"
        f" from attachment_status where url in ({marks})", urls,
    ).fetchall()  # fmt: skip


@pytest.mark.parametrize(
    "query, asset",
    [("部门预算公开说明", "budget-2021.pdf"), ("招生入学报名表", "admission-form-2021.docx")],
    ids=["pdf", "docx"],
)
def test_attachment_text_is_found_by_chinese_search(crawled, query, asset):
    _, conn, _ = crawled
    rows = conn.execute(
        "select f.first_url from attachment_files_fts join attachment_files f"
        " on f.id = attachment_files_fts.rowid where attachment_files_fts match ?",
        [to_fts_query(query)],
    ).fetchall()
    assert len(rows) == 1 and rows[0][0] in linked(asset)


def test_same_file_linked_many_times_is_stored_once(crawled):
    db, conn, _ = crawled
    assert len(linked("budget-2021.pdf")) > 1
    assert conn.execute("select count(*) from attachment_files").fetchone()[0] == 7
    stored = [p for p in (db.parent / "files").rglob("*") if p.is_file()]
    assert len(stored) == 7


def test_only_allowed_domains_were_asked_for_attachments(crawled):
    _, _, server = crawled
    assert server.requested_hosts() <= set(MANIFEST["hosts"])


@pytest.mark.parametrize(
    "asset, expected",
    [
        ("empty-form.pdf", [(0, None, None, "empty file", "0-byte file")]),
        ("enrollment-notice.doc", [(0, "application/rtf",
                                    "extension .doc but content is application/rtf",
                                    "extracted", None)]),
        ("invoice-2021.ofd", [(0, "application/ofd", None, "no extractor",
                               "no extractor for application/ofd")]),
    ],
    ids=["zero-byte", "lying-type", "ofd"],
)  # fmt: skip
def test_awkward_files_are_recorded_with_reasons(crawled, asset, expected):
    assert status_of(crawled[1], asset) == expected


def test_file_over_the_size_limit_is_recorded_not_fetched(crawled):
    _, conn, _ = crawled
    (url,) = linked("site-photos-2021.pdf")
    error, sha = conn.execute(
        "select fetch_error, sha256 from attachment_status where url = ?", [url]
    ).fetchone()
    assert "larger than download max size (200000)" in error and sha is None


def test_verify_rehashes_attachment_files(crawled):
    db, _, _ = crawled
    run = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "verify", "--db", str(db), "--no-manifest"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0 and "7 attachment files" in run.stdout
    # The figures the issue asks for: evidence size and extraction success on the samples.
    assert "MB per 1,000 captures" in run.stdout
    assert "text extracted from 5/7" in run.stdout and "1 link(s) not fetched" in run.stdout


@pytest.mark.parametrize("value", [0, -1, "big", 1.5], ids=["zero", "negative", "text", "float"])
def test_bad_attachment_limit_names_the_field(value):
    data = {"name": "x", "agency": "局", "platform": "generic", "start_urls": ["http://a.test/"],
            "allowed_domains": ["a.test"], "attachments": {"max_bytes": value}}  # fmt: skip
    with pytest.raises(ProfileError, match="attachments.max_bytes"):
        parse_profile(data)
