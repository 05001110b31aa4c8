"""An unchanged re-crawl costs little: conditional GETs, 304s, lists re-read from the archive."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crawler.samplesites.server import SampleServer
from tests.tools import SAMPLES_EXIT

ROOT = Path(__file__).resolve().parents[2]
# One crawls row per sample profile per run: rows 1..N are the first run.
SAMPLES = len(list((ROOT / "crawler/profiles").glob("sample-*.yml")))


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    """Every sample site crawled twice, every known page re-requested the second time."""
    tmp = tmp_path_factory.mktemp("incremental")
    profiles = tmp / "profiles"
    profiles.mkdir()
    for path in (ROOT / "crawler/profiles").glob("sample-*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["revisit"] = {"intervals": [{"every_hours": 0}]}
        (profiles / path.name).write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    server = SampleServer(port=0).start_in_thread()
    db = tmp / "gongkai.db"
    runs = [
        subprocess.run(
            [
                sys.executable,
                "-m",
                "crawler.cli",
                "crawl",
                "--samples",
                "--profiles-dir",
                str(profiles),
                "--proxy",
                server.url,
                "--db",
                str(db),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip
        for _ in range(2)
    ]
    server.stop()
    return db, runs, server.requests


def test_unchanged_recrawl_downloads_under_10_percent_of_the_pages(twice):
    db, runs, _ = twice
    assert [r.returncode for r in runs] == [SAMPLES_EXIT] * 2, runs[1].stderr
    conn = sqlite3.connect(db)
    first, second = (
        row[0] for row in conn.execute(
            "select sum(bytes_downloaded) from crawls group by (id - 1) / ? order by 1 desc",
            [SAMPLES],
        )
    )  # fmt: skip
    attachments = conn.execute(
        "select sum(size) from captures where kind = 'attachment' and crawl_id <= ?", [SAMPLES]
    ).fetchone()[0]
    assert second <= 0.10 * (first - (attachments or 0))


def test_every_known_page_was_asked_conditionally_and_answered_304(twice):
    db, _, requests = twice
    conn = sqlite3.connect(db)
    known = {r[0] for r in conn.execute("select url from url_states where kind = 'detail'")}
    second = {
        r[0]: r[1] for r in conn.execute(
            "select url, status from captures where crawl_id > ? and kind = 'detail'", [SAMPLES]
        )
    }  # fmt: skip
    assert known <= set(second)
    assert {second[url] for url in known} == {304}


def test_summary_reports_bytes_and_304s(twice):
    _, runs, _ = twice
    assert "not modified" in runs[1].stdout and "kB downloaded" in runs[1].stdout
    assert "events: none" in runs[1].stdout
