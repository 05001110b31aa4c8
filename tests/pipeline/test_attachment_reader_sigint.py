"""Ctrl-C in a terminal reaches every process of the group: the attachment reader's worker
ignores it (the crawl, or `gongkai demo`'s server, decides when to stop), instead of dying
with a multiprocessing traceback (issue 15, item 8)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from pipeline.stages import AttachmentReader


def ignored_signals(pid: int) -> int:
    """The process's ignored-signal mask (Linux /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("SigIgn:")[1].split()[0], 16)


def test_the_reader_process_ignores_sigint_and_keeps_reading() -> None:
    reader = AttachmentReader()
    first = reader.read(b"%PDF-1.4 not really a pdf")  # starts the worker, initializer done
    try:
        (pid,) = reader.pool._processes
        assert ignored_signals(pid) & (1 << (signal.SIGINT - 1))
        os.kill(pid, signal.SIGINT)
        second = reader.read(b"%PDF-1.4 not really a pdf")
        assert second.error == first.error != "attachment reader crashed"
    finally:
        reader.pool.shutdown()
