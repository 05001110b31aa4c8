"""Fixtures shared by the whole suite.

``sample_crawl``: every sample site crawled twice by ``gongkai crawl`` (a subprocess, as a
user runs it) into one archive, once per test process. Tests only read it; a test that needs
to change an archive copies it or builds its own.
"""

from __future__ import annotations

import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.samplesites.server import SampleServer
from tests.gongkai_cli import gongkai
from tests.tools import SAMPLES_EXIT


@dataclass
class SampleCrawl:
    db: Path
    server: SampleServer  # its request log covers both crawls
    first: subprocess.CompletedProcess
    second: subprocess.CompletedProcess
    after_first: dict[str, int]  # documents and captures after the first crawl
    requests: list[dict]  # what the server was asked during the two crawls, nothing else

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)


@pytest.fixture(scope="session")
def sample_server():
    server = SampleServer(port=0).start_in_thread()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sample_crawl(sample_server, tmp_path_factory) -> SampleCrawl:
    db = tmp_path_factory.mktemp("sample-crawl") / "gongkai.db"
    start = len(sample_server.requests)
    first = gongkai("crawl", "--samples", "--proxy", sample_server.url, "--db", str(db))
    assert first.returncode == SAMPLES_EXIT, first.stderr
    with sqlite3.connect(db) as conn:
        after_first = {
            table: conn.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("documents", "captures")
        }
    second = gongkai("crawl", "--samples", "--proxy", sample_server.url, "--db", str(db))
    assert second.returncode == SAMPLES_EXIT, second.stderr
    asked = list(sample_server.requests[start:])
    return SampleCrawl(db, sample_server, first, second, after_first, asked)


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory) -> Path:
    """`gongkai demo --no-serve` once per test process: the sample sites crawled, then crawled
    twice more "some weeks later" (an edit, a deletion, new documents citing others)."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = gongkai("demo", "--no-serve", "--db", str(db))
    assert result.returncode == SAMPLES_EXIT, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    return db
