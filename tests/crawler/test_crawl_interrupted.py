"""A crawl stopped by a signal (systemd's SIGTERM, Ctrl-C) keeps what it fetched and says so in
one line, exit 130 — not "no site was reachable" (issue 15, one-line errors)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import yaml

from crawler.samplesites.mutate import Override
from crawler.samplesites.server import SampleServer
from tests.gongkai_cli import ROOT

HANGS = ("www.sxx.sample.test", "/zwgk/public/37/62713021.html")


def captures(db) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("select count(*) from captures").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_sigterm_mid_crawl_is_one_line_exit_130_and_keeps_what_was_fetched(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for path in (ROOT / "crawler/profiles").glob("sample-*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["politeness"] = {**(data.get("politeness") or {}), "timeout": 5}
        (profiles / path.name).write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    server = SampleServer(port=0, overrides={HANGS: Override(delay=60)}).start_in_thread()
    db = tmp_path / "gongkai.db"
    try:
        crawl = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", "--samples", "--profiles-dir",
             str(profiles), "--proxy", server.url, "--db", str(db)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        while captures(db) == 0:  # a batch is in; the hanging page keeps the crawl going
            assert crawl.poll() is None, crawl.communicate()
            time.sleep(0.05)
        crawl.send_signal(signal.SIGTERM)
        out, err = crawl.communicate(timeout=120)
    finally:
        server.stop()
    assert crawl.returncode == 130, err
    assert [line for line in err.splitlines() if line.strip()] == ["gongkai: interrupted"]
    assert out.startswith("gongkai: ") and "pages fetched" in out
    assert captures(db) > 0
