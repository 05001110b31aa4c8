"""Kill -9 soak: ten crawls killed at chosen, seeded moments, each followed by one that finishes.

The moments are read from what the sample server sees, so each kill lands where it is meant
to: right after an attachment was served (its reading in the worker process), while Chromium
is passing the challenge host's 加速乐 challenge (it sends Upgrade-Insecure-Requests, Scrapy
never does),
after the k-th response (its WARC record being written), and once every page of the run was
served (the final batch write and the post-crawl steps). The crawl gets ``kill -9`` (its own
process only; what it started is cleaned up afterwards). After each kill the next crawl must
finish; in the end there are no duplicate documents, every capture committed before a kill is
still there, and ``gongkai verify`` reports nothing but, at most, a torn tail of a WARC file a
killed run was writing. Seeded: the same kills every run; the figures go to the test report.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from crawler.samplesites.server import SampleServer
from tests.tools import chromium_installed

ROOT = Path(__file__).resolve().parents[2]
SEED = 20261204
PROFILES = ("sample-lanshan-fgw", "sample-qingchuan-zjj")  # the browser host; attachments
SCHEDULE = ["attachment", "warc", "browser", "batch", "warc",
            "browser", "batch", "warc", "browser", "batch"]  # fmt: skip
ATTACHMENT = re.compile(r"\.(pdf|docx?|xlsx?|ofd)$")


def profiles_dir(tmp: Path) -> Path:
    """The two profiles, every known page revisited each run, so every run has work."""
    out = tmp / "profiles"
    out.mkdir()
    for name in PROFILES:
        data = yaml.safe_load((ROOT / f"crawler/profiles/{name}.yml").read_text("utf-8"))
        data["revisit"] = {"intervals": [{"every_hours": 0}]}
        (out / f"{name}.yml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return out


def fired(trigger: str, seen: list[dict], k: int, last_total: int) -> bool:
    if trigger == "attachment":
        return any(ATTACHMENT.search(r["path"]) for r in seen)
    if trigger == "browser":
        return any(r.get("browser") for r in seen)
    if trigger == "warc":
        return len(seen) >= k
    return last_total > 0 and len(seen) >= last_total  # batch: every page served


def _left_behind(group: int, patience: float = 15.0) -> str:
    """What the killed crawl started and left running: Chromium and the Node driver end with
    their pipe, the attachment reader when it sees its parent gone (within a second). Polled,
    with generous patience for a loaded machine; "" when the process group is empty."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return ""
        time.sleep(0.1)
    listing = subprocess.run(["ps", "-o", "pid,args", "-g", str(group)], capture_output=True,
                             text=True).stdout  # fmt: skip
    return f"\nleft behind after kill -9:\n{listing}"


def run(args: list[str], server: SampleServer, kill: tuple | None = None) -> tuple:
    """Run one crawl; with ``kill=(trigger, k, delay, last_total)``, kill -9 it on the trigger."""
    start = len(server.requests)
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    killed = False
    while kill and process.poll() is None:
        if fired(kill[0], server.requests[start:], kill[1], kill[3]):
            time.sleep(kill[2])
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                killed = True
            break
        time.sleep(0.005)
    if killed:
        process.wait(timeout=60)
        left = _left_behind(process.pid)
        try:  # whatever is still there (it holds the pipes): cleaned up, and reported
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = process.communicate(timeout=300)
        return process.returncode, out, err + left, killed, len(server.requests) - start
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err, killed, len(server.requests) - start


@pytest.fixture(scope="module")
def soak(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("soak")
    db = tmp / "gongkai.db"
    server = SampleServer(port=0).start_in_thread()
    args = ["crawl", "--samples", "--profiles-dir", str(profiles_dir(tmp)), "--proxy",
            server.url, "--db", str(db)]  # fmt: skip
    rng = random.Random(SEED)
    figures, committed, last_total = [], set(), 0
    try:
        for trigger in SCHEDULE:
            kill = (trigger, rng.randint(3, 15), rng.uniform(0, 0.3), last_total)
            code, _, err, killed, served = run(args, server, kill)
            after_kill = _captures(db)
            code2, out2, err2, _, last_total = run(args, server)
            figures.append({"trigger": trigger, "killed": killed, "killed_code": code,
                            "served_before_kill": served, "next_code": code2,
                            "next_stdout": out2, "next_stderr": err2, "killed_stderr": err,
                            "lost": committed - _captures(db)})  # fmt: skip
            committed = _captures(db) | after_kill
    finally:
        server.stop()
    verify = subprocess.run([sys.executable, "-m", "crawler.cli", "verify", "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    return db, figures, verify


def _captures(db: Path) -> set[tuple]:
    if not db.exists():
        return set()
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("select id, url, sha256 from captures"))
    except sqlite3.OperationalError:  # killed before the first migration committed
        return set()
    finally:
        conn.close()


def test_every_kill_landed_and_every_next_run_finished(soak):
    _, figures, _ = soak
    print("\nsoak:", [(f["trigger"], f["killed"], f["served_before_kill"]) for f in figures])
    expected = {"warc", "batch", "attachment"} | ({"browser"} if chromium_installed() else set())
    assert {f["trigger"] for f in figures if f["killed"]} == expected
    # Without Chromium the browser never starts, so its three kills cannot happen.
    assert sum(f["killed"] for f in figures) == (10 if chromium_installed() else 7)
    for f in figures:
        assert f["killed_code"] == -signal.SIGKILL or not f["killed"]
        assert f["next_code"] in (0, 1), f["next_stderr"]  # 1: no Chromium, challenge blocked
        assert "Traceback" not in f["next_stderr"]
        # A killed crawl cannot report anything; what it started must not outlive it.
        assert "left behind after kill -9" not in f["killed_stderr"], f["killed_stderr"]
        assert (
            f["next_stdout"].startswith("gongkai: 2 site(s)") and f["next_stdout"].count("\n") == 1
        )


def test_no_committed_capture_was_lost(soak):
    _, figures, _ = soak
    assert all(not f["lost"] for f in figures)


def test_no_duplicate_documents(soak):
    db, _, _ = soak
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from (select canonical_url from documents"
                        " group by canonical_url having count(*) > 1)").fetchone()[0] == 0  # fmt: skip
    counts = conn.execute("select (select count(*) from documents), (select count(*) from"
                          " captures), (select count(*) from crawls)").fetchone()  # fmt: skip
    print("\nsoak: documents, captures, crawls rows:", counts)
    assert counts[0] > 0
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    # A killed crawl is closed as interrupted by the next one, never left running.
    assert conn.execute("select count(*) from crawls where status = 'running'").fetchone()[0] == 0


def test_verify_reports_at_most_a_torn_tail(soak):
    _, _, verify = soak
    print("\nsoak:", verify.stdout.splitlines()[0] if verify.stdout else verify.stderr)
    problems = [line for line in verify.stdout.splitlines() if line.startswith("gongkai: ")
                and "record" in line]  # fmt: skip
    assert verify.returncode == 0 or all(
        "truncated" in p or "past the end" in p for p in problems
    ), verify.stdout + verify.stderr
