"""Safe to run from cron: one crawl per archive at a time, and a killed crawl loses nothing.

A page of the sample sites is made to hang past a 2-second timeout, so a crawl is still
running (holding the lock, mid-batch) when the test acts on it.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from crawler.samplesites.mutate import Override
from crawler.samplesites.server import SampleServer
from tests.tools import reachable

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "crawler/samplesites/manifest.json").read_text())
HANGS = ("www.sxx.sample.test", "/zwgk/public/37/62713021.html")


def command(db: Path, profiles: Path, server: SampleServer) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "crawl", "--samples", "--profiles-dir",
            str(profiles), "--proxy", server.url, "--db", str(db)]  # fmt: skip


@pytest.fixture
def profiles(tmp_path):
    directory = tmp_path / "profiles"
    directory.mkdir()
    for path in (ROOT / "crawler/profiles").glob("sample-*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["politeness"] = {**(data.get("politeness") or {}), "timeout": 1}
        (directory / path.name).write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return directory


@pytest.fixture
def server():
    srv = SampleServer(port=0, overrides={HANGS: Override(delay=30)}).start_in_thread()
    yield srv
    srv.stop()


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def captures(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("select count(*) from captures").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_second_concurrent_crawl_exits_3_at_once(tmp_path, profiles, server):
    db = tmp_path / "gongkai.db"
    first = subprocess.Popen(command(db, profiles, server), cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)  # fmt: skip
    lock = db.with_name(db.name + ".lock")
    wait_for(lambda: lock.exists() and lock.read_text().strip() == str(first.pid))
    second = subprocess.run(command(db, profiles, server), cwd=ROOT, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert first.poll() is None  # refused at once, while the first crawl still runs
    assert second.returncode == 3
    assert second.stdout == "" and second.stderr.count("\n") == 1
    assert second.stderr.startswith("gongkai: error: ") and str(first.pid) in second.stderr
    _, err = first.communicate(timeout=120)
    assert first.returncode in (0, 1) and "Traceback" not in err


def test_kill_9_mid_crawl_then_rerun_loses_and_duplicates_nothing(tmp_path, profiles, server):
    db = tmp_path / "gongkai.db"
    crawl = subprocess.Popen(command(db, profiles, server), cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    wait_for(lambda: captures(db) > 0)  # a batch is committed; the hanging page is not done
    assert crawl.poll() is None, "the crawl ended before it could be killed"
    os.kill(crawl.pid, signal.SIGKILL)
    crawl.wait()
    kept = captures(db)
    rerun = subprocess.run(command(db, profiles, server), cwd=ROOT, capture_output=True,
                           text=True, timeout=300)  # fmt: skip
    assert rerun.returncode in (0, 1), rerun.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert conn.execute("pragma foreign_key_check").fetchall() == []
    total, distinct = conn.execute(
        "select count(*), count(distinct canonical_url) from documents"
    ).fetchone()
    assert total == distinct
    assert conn.execute("select count(*) from captures").fetchone()[0] > kept
    served = {d["url"] for name, p in MANIFEST["profiles"].items() for d in p["documents"]
              if reachable(MANIFEST, name)}  # fmt: skip
    captured = {
        r[0] for r in conn.execute("select url from captures where kind in ('detail', 'failure')")
    }
    assert served - captured == set()
    news = conn.execute(
        "select count(*), count(distinct document_id) from events where type = 'new'"
    ).fetchone()
    assert news[0] == news[1] == total
    # The killed run's crawl rows are closed as interrupted, the rerun's as finished.
    statuses = {row[0] for row in conn.execute("select distinct status from crawls")}
    assert "running" not in statuses and "interrupted" in statuses
