"""Bad input never gives a traceback: one line on stderr and a documented exit code."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.gongkai_cli import gongkai

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "crawler/profiles/sample-suixi-jyj.yml"


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("gongkai: error: ")
    return lines[0]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_invalid_profile_exits_2_naming_the_field(tmp_path):
    bad = tmp_path / "bad-site.yml"
    bad.write_text(
        "name: bad-site\nagency: 某局\nplatform: lonsun\nstart_urls: []\n"
        "allowed_domains: [x.test]\n",
        encoding="utf-8",
    )
    result = gongkai("crawl", "--profile", str(bad), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert "bad-site.yml" in one_line_error(result) and "start_urls" in result.stderr
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize(
    ("platform", "start"),
    [("hanweb", "http://x.test/art/2021/3/1/art_1_2.html"), ("gkmlpt", "http://x.test/zwgk/")],
)
def test_platform_without_its_required_start_page_exits_2(tmp_path, platform, start):
    bad = tmp_path / "bad-site.yml"
    bad.write_text(
        f"name: bad-site\nagency: 某局\nplatform: {platform}\nstart_urls: [{start}]\n"
        "allowed_domains: [x.test]\n",
        encoding="utf-8",
    )
    result = gongkai("profiles", "check", str(bad))
    assert result.returncode == 2
    assert f"field 'start_urls': a {platform} profile needs a start URL" in one_line_error(result)


def test_profiles_check_reports_bad_yaml(tmp_path):
    bad = tmp_path / "broken.yml"
    bad.write_text("name: broken\nagency: [\n", encoding="utf-8")
    result = gongkai("profiles", "check", str(bad))
    assert result.returncode == 2 and "invalid YAML" in one_line_error(result)


def test_profiles_lists_every_bundled_profile():
    result = gongkai("profiles")
    assert result.returncode == 0
    names = {line.split("\t")[0] for line in result.stdout.splitlines()}
    assert {p.stem for p in (ROOT / "crawler/profiles").glob("*.yml")} == names


def test_missing_database_directory_exits_2(tmp_path):
    db = tmp_path / "no" / "such" / "dir" / "a.db"
    result = gongkai("crawl", "--profile", str(PROFILE), "--db", str(db))
    assert result.returncode == 2 and "does not exist" in one_line_error(result)


@pytest.mark.parametrize(
    "content", [b"this is not sqlite\n" * 100, b"SQLite format 3\x00" + b"\xff" * 3000]
)
def test_corrupt_database_exits_2_and_is_left_alone(tmp_path, content):
    db = tmp_path / "a.db"
    db.write_bytes(content)
    result = gongkai("crawl", "--profile", str(PROFILE), "--db", str(db))
    assert result.returncode == 2
    one_line_error(result)
    assert db.read_bytes() == content


def test_unreachable_site_exits_4_and_keeps_the_failure(tmp_path):
    db = tmp_path / "a.db"
    proxy = f"http://127.0.0.1:{closed_port()}"
    result = gongkai("crawl", "--profile", str(PROFILE), "--db", str(db), "--proxy", proxy)
    assert result.returncode == 4
    assert "no site was reachable" in one_line_error(result)
    conn = sqlite3.connect(db)
    failures = conn.execute("select url, error from captures where kind = 'failure'").fetchall()
    assert failures and all(error for _, error in failures)
    assert conn.execute("select count(*) from documents").fetchone()[0] == 0
