"""Run the ``gongkai`` command as a user would: a subprocess started from the repository root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def gongkai(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``gongkai ARGS…`` with stdout and stderr captured as UTF-8 text; never raises on exit."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
