"""`gongkai demo` stopped with Ctrl-C mid-crawl: one line, exit 130, no traceback (issue 15)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.gongkai_cli import ROOT


def test_ctrl_c_during_the_crawl_is_one_line_and_exit_130(tmp_path) -> None:
    demo = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "demo", "--no-serve", "--db", str(tmp_path / "d.db")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        start_new_session=True,  # a process group of its own, as a terminal gives it
    )  # fmt: skip
    try:
        assert "sample sites served through" in demo.stdout.readline()
        os.killpg(demo.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        _, err = demo.communicate(timeout=120)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    assert demo.returncode == 130
    assert "Traceback" not in err and "Unhandled error" not in err
    assert [line for line in err.splitlines() if line.strip()] == ["gongkai: interrupted"]
