"""Many workers, one archive: `gongkai writer` and three `gongkai crawl --redis` workers.

Against the sample sites (answering with 30 ms latency, so requests overlap) and profiles
whose politeness allows 2 concurrent requests per site, the cluster must archive exactly the
documents and captures one process does, fetch no URL twice, never ask a site for more than
its profile allows, and lose nothing when a worker is killed with kill -9. Each process runs
as a user runs it (a subprocess); Redis is a redis-server of the test's own.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from crawler.distributed import codec
from crawler.samplesites.server import SampleServer
from tests.crawler.test_crawl_errors import closed_port, one_line_error
from tests.redis_server import redis_process, redis_server

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "crawler/samplesites/manifest.json").read_text(encoding="utf-8"))
SITES = len(MANIFEST["profiles"])
# Documents the sample sites hold: the unparseable page and the repost fold away.
DOCUMENTS = sum(
    1
    for profile in MANIFEST["profiles"].values()
    for d in profile["documents"]
    if not d["unparseable"] and not d["duplicate_of"]
)
CONCURRENCY = 2
LATENCY = 0.03


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, text=True, encoding="utf-8",
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def finish(process: subprocess.Popen, timeout: float = 180) -> subprocess.CompletedProcess:
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture(scope="module")
def profiles(tmp_path_factory) -> Path:
    """The sample profiles with politeness: {delay: 0, concurrency: 2}."""
    directory = tmp_path_factory.mktemp("profiles")
    for path in (ROOT / "crawler/profiles").glob("sample-*.yml"):
        text = path.read_text("utf-8").replace("concurrency: 8", f"concurrency: {CONCURRENCY}")
        (directory / path.name).write_text(text, "utf-8")
    return directory


def crawl_args(profiles: Path, proxy: str, db: Path) -> list[str]:
    return ["crawl", "--samples", "--profiles-dir", str(profiles), "--proxy", proxy,
            "--db", str(db)]  # fmt: skip


@pytest.fixture(scope="module")
def single(profiles, tmp_path_factory) -> Path:
    """The same sites crawled by one process: what the cluster must match."""
    db = tmp_path_factory.mktemp("single") / "gongkai.db"
    server = SampleServer(port=0).start_in_thread()
    try:
        result = finish(start(*crawl_args(profiles, server.url, db)))
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture(scope="module")
def cluster(profiles, tmp_path_factory):
    """A writer and three workers, one run, against a server that answers in 30 ms."""
    directory = tmp_path_factory.mktemp("cluster")
    db = directory / "gongkai.db"
    server = SampleServer(port=0, latency=LATENCY).start_in_thread()
    try:
        with redis_server(directory) as url:
            writer = start("writer", "--redis", url, "--db", str(db))
            workers = [
                start(*crawl_args(profiles, server.url, db), "--redis", url,
                      "--log-file", str(directory / f"worker-{i}.log"))
                for i in range(3)
            ]  # fmt: skip
            results = [finish(w) for w in workers]
            written = finish(writer)
            left = sorted(k.decode() for k in redis.Redis.from_url(url).keys("gongkai:*"))
    finally:
        server.stop()
    return {"db": db, "server": server, "workers": results, "writer": written, "left": left}


def documents(db: Path) -> set[tuple]:
    """(canonical URL, content sha256) of every document.

    A text published under two URLs is one document, held by whichever URL answered first
    (its sha256 covers that URL's metadata) and sighted under the other: that choice depends
    on timing, in one process as in many, so such a document is (its URLs, None).
    """
    with sqlite3.connect(db) as conn:
        seen: dict[int, set[str]] = {}
        for document_id, url in conn.execute("select document_id, canonical_url from sightings"):
            seen.setdefault(document_id, set()).add(url)
        rows = conn.execute("select id, canonical_url, content_sha256 from documents")
        return {
            (url, sha) if len(seen.get(i, ())) < 2 else (frozenset(seen[i]), None)
            for i, url, sha in rows
        }


def captures(db: Path) -> Counter:
    """(url, sha256, status) of every capture; a JavaScript challenge's body carries a fresh
    token each time it is served, so for those only (url, status) can match."""
    with sqlite3.connect(db) as conn:
        return Counter(
            conn.execute(
                "select url, case when observation = 'blocked' then null else sha256 end, status"
                " from captures"
            )
        )


def test_writer_prints_one_summary_line_and_everyone_exits_0(cluster):
    for result in [*cluster["workers"], cluster["writer"]]:
        assert result.returncode == 0, result.stderr
        assert result.stderr == "" and len(result.stdout.splitlines()) == 1
    assert f"documents {DOCUMENTS} new" in cluster["writer"].stdout
    # Work was shared: at least two workers fetched pages (the third may start late).
    fetched = [
        int(r.stdout.split(" pages fetched")[0].rsplit(" ", 1)[1]) for r in cluster["workers"]
    ]
    assert sum(1 for n in fetched if n) >= 2, fetched


def test_three_workers_archive_what_one_process_does(cluster, single):
    assert documents(cluster["db"]) == documents(single)
    assert captures(cluster["db"]) == captures(single)


def test_no_url_is_fetched_twice_across_workers(cluster):
    # Each worker reads robots.txt for itself (Scrapy's robots middleware is per process).
    # A Hanweb pager is one URL POSTed with a form per column: the form tells requests apart.
    fetched = Counter(
        (r["method"], r["url"], tuple(sorted(r["data"].items())))
        for r in cluster["server"].requests
        # A challenged page goes again (in the browser, then plainly): those fetches are one.
        if r["path"] != "/robots.txt" and r["status"] != 521 and not r["browser"]
    )
    assert fetched and max(fetched.values()) == 1


def test_no_site_ever_served_more_requests_at_once_than_its_profile_allows(cluster):
    peaks = cluster["server"].max_active
    assert peaks and max(peaks.values()) <= CONCURRENCY, peaks
    assert CONCURRENCY in peaks.values()  # the limit was reached, not just never tested


def test_warc_records_written_by_the_writer_verify(cluster):
    result = finish(start("verify", "--db", str(cluster["db"])))
    assert result.returncode == 0, result.stdout + result.stderr


def test_crawls_rows_are_finished_and_the_run_leaves_no_keys(cluster):
    with sqlite3.connect(cluster["db"]) as conn:
        rows = conn.execute("select status, documents_new, pages_fetched from crawls").fetchall()
    assert len(rows) == SITES and all(status == "finished" for status, *_ in rows)
    assert sum(new for _, new, _ in rows) == DOCUMENTS and all(pages for *_, pages in rows)
    assert cluster["left"] == []


def test_a_worker_killed_with_kill_9_loses_nothing(profiles, single, tmp_path):
    db = tmp_path / "gongkai.db"
    server = SampleServer(port=0, latency=0.05).start_in_thread()
    try:
        with redis_server(tmp_path) as url:
            client = redis.Redis.from_url(url)
            writer = start("writer", "--redis", url, "--db", str(db), "--worker-timeout", "2")
            doomed = start(*crawl_args(profiles, server.url, db), "--redis", url)
            wait_for_leases(client, server)
            doomed.kill()  # SIGKILL: no chance to give anything back
            doomed.wait()
            killed_at, leased = time.time(), leased_urls(client)
            survivors = [start(*crawl_args(profiles, server.url, db), "--redis", url)
                         for _ in range(2)]  # fmt: skip
            results = [finish(w) for w in survivors]
            written = finish(writer)
    finally:
        server.stop()
    assert [r.returncode for r in [*results, written]] == [0, 0, 0], written.stderr
    assert documents(db) == documents(single)
    assert set(captures(db)) == set(captures(single))
    # What the dead worker held when it died was fetched by the others afterwards.
    fetched_after = {r["url"] for r in server.requests if r["time"] > killed_at}
    assert leased and leased <= fetched_after, leased - fetched_after


def leased_urls(client: redis.Redis) -> set[str]:
    return {
        codec.loads(data)["url"]
        for key in client.keys("gongkai:site:*:inflight")
        for data in client.hvals(key)
    }


def wait_for_leases(client: redis.Redis, server: SampleServer) -> None:
    """Until the (only) worker is well into the crawl and holds leases."""
    deadline = time.monotonic() + 60
    while not (len(server.requests) >= 20 and leased_urls(client)):
        assert time.monotonic() < deadline, "the worker never held a lease"
        time.sleep(0.02)


@pytest.mark.parametrize("command", ["crawl", "writer"])
def test_redis_unreachable_at_start_is_one_line_and_exit_4(command, tmp_path):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    args = ["--samples", "--proxy", "http://127.0.0.1:9"] if command == "crawl" else []
    result = finish(start(command, *args, "--redis", url, "--db", str(tmp_path / "a.db")))
    assert result.returncode == 4
    assert "cannot reach Redis at redis://127.0.0.1:" in one_line_error(result)
    assert not (tmp_path / "a.db").exists()


def test_redis_lost_mid_crawl_stops_worker_and_writer_with_one_line_exit_1(profiles, tmp_path):
    db = tmp_path / "gongkai.db"
    server = SampleServer(port=0, latency=0.05).start_in_thread()
    try:
        with redis_process(tmp_path) as (process, url):
            writer = start("writer", "--redis", url, "--db", str(db))
            worker = start(*crawl_args(profiles, server.url, db), "--redis", url)
            wait_for_leases(redis.Redis.from_url(url), server)
            process.kill()
            stopped = [finish(worker, timeout=120), finish(writer, timeout=120)]
    finally:
        server.stop()
    for result in stopped:
        assert result.returncode == 1, result.stderr
        assert "lost Redis mid-crawl" in one_line_error(result)
    # Whole batches only: what the writer committed is a consistent archive.
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
