"""Issue 10, item 7: a served archive shows what a later crawl writes into it, without a restart.

An immutable reader kept serving the old counts and, once a checkpoint rewrote pages it had
cached, answered 500 "database disk image is malformed". The same symptoms come back if
anything in the server process opens the database file outside SQLite (closing that handle
drops SQLite's POSIX locks; see archive.db.connect_readonly): the end-to-end test polls
`gongkai serve` all through a real crawl to catch it.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from archive.store import ArchiveWriter
from crawler.samplesites.server import SampleServer
from tests.pages import write

SEED_TITLE = "濉溪县教育局2021年政务公开工作总结"
ROOT = Path(__file__).resolve().parents[2]


def crawl_into(path: Path, first: int, count: int, title: str) -> ArchiveWriter:
    """Write ``count`` documents as one crawl; the writer is returned open (not checkpointed)."""
    writer = ArchiveWriter(path, batch_size=50)
    crawl = writer.start_crawl("sample-test")
    for i in range(first, first + count):
        url = f"http://www.sxx.sample.test/zwgk/public/{i}.html"
        capture = {"crawl_id": crawl, "profile": "sample-test", "url": url, "status": 200,
                   "fetched_at": "2024-05-01T08:00:00Z", "body": b"<p>x</p>", "kind": "detail"}  # fmt: skip
        document = {"url": url, "title": f"{title}第{i}号", "body": f"{title}。正文{i}。"}
        write(writer, capture, document, agency="濉溪县教育局")
    writer.finish_crawl(crawl, "finished")
    writer.flush()
    return writer


def documents_count(client) -> int:
    response = client.get("/gongkai/documents.json?_size=0")
    assert response.status_code == 200, response.text
    return response.json()["filtered_table_rows_count"]


def table_count(client, table: str) -> int:
    response = client.get("/gongkai.json")
    assert response.status_code == 200, response.text
    return {t["name"]: t["count"] for t in response.json()["tables"]}[table]


def search_count(client, q: str) -> int:
    response = client.get("/-/search", params={"q": q})
    assert response.status_code == 200, response.text
    found = re.search(r"共 <strong>([\d,]+)</strong> 条结果", response.text)
    return int(found.group(1).replace(",", "")) if found else 0


def test_second_crawl_is_served_without_a_restart(tmp_path, client_for):
    path = tmp_path / "gongkai.db"
    crawl_into(path, 1, 120, "城乡规划公示").close()
    client = client_for(path)
    assert (documents_count(client), table_count(client, "documents")) == (120, 120)
    assert search_count(client, "水利工程") == 0

    # A second crawl commits its batches while the server runs: visible before it ends.
    writer = crawl_into(path, 121, 80, "水利工程通知")
    assert (path.parent / "gongkai.db-wal").stat().st_size > 0
    assert (documents_count(client), table_count(client, "documents")) == (200, 200)
    assert search_count(client, "水利工程") == 80

    # Closing the writer checkpoints the WAL into the main file: what broke immutable readers.
    writer.close()
    assert (documents_count(client), table_count(client, "documents")) == (200, 200)
    assert search_count(client, "水利工程") == 80
    assert search_count(client, "城乡规划") == 120
    assert client.get("/gongkai/documents/200").status_code == 200


def test_table_counts_are_recounted_only_after_a_commit(tmp_path, client_for, monkeypatch):
    path = tmp_path / "gongkai.db"
    crawl_into(path, 1, 30, "预算公开").close()
    client = client_for(path)
    database = client.datasette.get_database("gongkai")
    queries = []
    execute = database.execute

    async def recording_execute(sql, *args, **kwargs):
        queries.append(sql)
        return await execute(sql, *args, **kwargs)

    monkeypatch.setattr(database, "execute", recording_execute)
    assert table_count(client, "documents") == 30
    counted = [q for q in queries if q.startswith("select count(*)")]
    assert "select count(*) from [documents]" in counted
    queries.clear()
    assert table_count(client, "documents") == 30
    assert not [q for q in queries if q.startswith("select count(*)")]
    crawl_into(path, 31, 5, "决算公开").close()
    assert table_count(client, "documents") == 35


# --- The same with the real commands: `gongkai serve` running while `gongkai crawl` writes ---


def gongkai(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.fixture
def served_while_crawling(tmp_path):
    """Crawl one sample bureau, serve it, crawl another bureau into it; poll all along."""
    sites = SampleServer(port=0).start_in_thread()
    db = tmp_path / "gongkai.db"
    first = gongkai("crawl", "--profile", "sample-suixi-czj", "--proxy", sites.url, "--db", str(db))
    assert first.returncode == 0, first.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--db", str(db), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    statuses: list[tuple[int, str]] = []
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            for path in ("/gongkai/documents.json?_size=0", "/-/search?q=" + quote("教育")):
                status, body = get(url + path)
                statuses.append((status, body[:200]))
            time.sleep(0.02)

    try:
        for _ in range(200):
            try:
                before = get(url + "/gongkai/documents.json?_size=0")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.05)
        else:
            pytest.fail("gongkai serve did not answer")
        poller = threading.Thread(target=poll)
        poller.start()
        second = gongkai("crawl", "--profile", "sample-suixi-jyj", "--proxy", sites.url,
                         "--db", str(db))  # fmt: skip
        stop.set()
        poller.join()
        yield {"url": url, "before": before, "second": second, "statuses": statuses}
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=10)
        sites.stop()


def test_gongkai_serve_shows_a_crawl_that_ran_while_it_served(served_while_crawling):
    run = served_while_crawling
    assert run["second"].returncode == 0, run["second"].stderr
    bad = [s for s in run["statuses"] if s[0] != 200]
    assert run["statuses"] and not bad, bad[:3]
    before = json.loads(run["before"][1])["filtered_table_rows_count"]
    status, body = get(run["url"] + "/gongkai/documents.json?_size=0")
    assert status == 200 and json.loads(body)["filtered_table_rows_count"] > before
    status, html = get(run["url"] + "/-/search?q=" + quote(SEED_TITLE))
    assert status == 200 and SEED_TITLE in html
