"""`gongkai sample-sites`: serves until interrupted; bad input is one line and exit 2."""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
import sys

from click.testing import CliRunner

from crawler.cli.samplesites import sample_sites

COMMAND = [sys.executable, "-m", "crawler.cli", "sample-sites"]


def test_serves_through_the_printed_proxy_url_until_ctrl_c():
    proc = subprocess.Popen(
        [*COMMAND, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        first = proc.stdout.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)", first).group(1))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "http://www.sxx.sample.test/zwgk/public/37/62710901.html")
        response = conn.getresponse()
        assert (
            response.status == 200
            and "濉溪县教育局2021年政务公开工作总结".encode() in response.read()
        )
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "stopped" in out and "Traceback" not in err


def test_port_in_use_is_one_line_exit_2():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = CliRunner().invoke(sample_sites, ["--port", str(busy.getsockname()[1])])
    assert result.exit_code == 2
    assert result.output.startswith("gongkai: error: cannot listen on 127.0.0.1:")
    assert len(result.output.strip().splitlines()) == 1


def test_missing_log_directory_is_one_line_exit_2(tmp_path):
    result = CliRunner().invoke(sample_sites, ["--log", str(tmp_path / "no" / "log.jsonl")])
    assert result.exit_code == 2 and "log directory does not exist" in result.output
