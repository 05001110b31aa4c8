"""A throwaway redis-server for the distributed-crawl tests: a free port, no persistence.

Skipped (failing under GONGKAI_REQUIRE_TOOLS=1) when Debian's redis-server is missing.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from tests.tools import require_tool


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """Start redis-server in ``directory``; yield its URL; stop it."""
    with redis_process(directory) as (_, url):
        yield url


@contextmanager
def redis_process(directory: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """Like ``redis_server``, with the process too (a test may kill it)."""
    binary = require_tool("redis-server", package="redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url, socket_connect_timeout=1).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield process, url
    finally:
        process.terminate()
        process.wait(timeout=10)
