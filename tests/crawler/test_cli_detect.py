"""`gongkai profiles detect`: saved pages, live URLs on 127.0.0.1, --write, and bad input."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from tests.gongkai_cli import gongkai

REAL = Path(__file__).resolve().parents[1] / "fixtures/real/platforms"
JINAN = REAL / "hanweb-jnwl-jinan-detail.html"
WITH_URLS = sorted(
    p for p in REAL.glob("*.expected.json") if json.loads(p.read_text(encoding="utf-8")).get("url")
)


def one_line_error(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gongkai: error: "), result.stderr
    return lines[0]


def test_saved_page_json_contract():
    result = gongkai("profiles", "detect", str(JINAN), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["platform", "evidence", "confidence"]
    assert data["platform"] == "hanweb" and 0.9 <= data["confidence"] <= 1
    assert any("ZJEG_RSS" in line for line in data["evidence"])


def test_saved_page_summary_lists_the_evidence():
    result = gongkai("profiles", "detect", str(REAL / "lonsun-hfss-xxgk-detail.html"))
    assert result.returncode == 0
    first, *evidence = result.stdout.strip().splitlines()
    assert first.startswith("lonsun (confidence 0.9") and any("Ls.*" in e for e in evidence)


@pytest.mark.parametrize("expected", WITH_URLS, ids=lambda p: p.name.split(".")[0])
def test_write_gives_a_profile_that_check_accepts(tmp_path, expected):
    case = json.loads(expected.read_text(encoding="utf-8"))
    page = next(
        p
        for p in REAL.glob(expected.name.split(".")[0] + ".*")
        if not p.name.endswith((".expected.json", ".fields.json"))
    )
    target = tmp_path / "new-bureau.yml"
    result = gongkai("profiles", "detect", str(page), "--url", case["url"], "--write", str(target))
    if case["platform"] == "hanweb" and case["kind"] == "api":
        # A pager answer does not say which column page asked for it: no start URL to write.
        assert result.returncode == 2 and "field 'start_urls'" in one_line_error(result)
        assert not target.exists()
        return
    assert result.returncode == 0, result.stderr
    check = gongkai("profiles", "check", str(target))
    assert check.returncode == 0, check.stderr
    profile = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert profile["platform"] == case["platform"] and profile["exercised_offline"] is False
    assert profile["allowed_domains"] == [case["url"].split("/")[2]]


def test_written_profile_starts_at_the_column_of_the_page(tmp_path):
    target = tmp_path / "jinan-wlj.yml"
    assert gongkai("profiles", "detect", str(JINAN), "--write", str(target)).returncode == 0
    profile = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert profile["start_urls"] == ["http://jnwl.jinan.gov.cn/col/col42918/index.html"]
    assert profile["agency"] == "济南市文化和旅游局"
    gd = tmp_path / "gd-gov.yml"
    page = REAL / "gkmlpt-nfcms-gd-gov-detail.html"
    url = "http://www.gd.gov.cn/gdywdt/zwzt/xxgcesd/ywbd/content/post_4100825.html"
    assert (
        gongkai("profiles", "detect", str(page), "--url", url, "--write", str(gd)).returncode == 0
    )
    data = yaml.safe_load(gd.read_text(encoding="utf-8"))
    assert data["start_urls"] == ["http://www.gd.gov.cn/gkmlpt/index"] and data["gkmlpt"] == {
        "sid": 2
    }


def test_write_needs_the_page_url(tmp_path):
    result = gongkai(
        "profiles",
        "detect",
        str(REAL / "lonsun-jyt-ah-detail.html"),
        "--write",
        str(tmp_path / "x.yml"),
    )
    assert result.returncode == 2 and "give --url" in one_line_error(result)
    assert not (tmp_path / "x.yml").exists()


def test_write_never_overwrites(tmp_path):
    target = tmp_path / "x.yml"
    target.write_text("keep me", encoding="utf-8")
    result = gongkai("profiles", "detect", str(JINAN), "--write", str(target))
    assert result.returncode == 2 and "not overwritten" in one_line_error(result)
    assert target.read_text(encoding="utf-8") == "keep me"


def test_missing_file_exits_2(tmp_path):
    result = gongkai("profiles", "detect", str(tmp_path / "nope.html"))
    assert result.returncode == 2 and "cannot read" in one_line_error(result)


@pytest.fixture()
def local_site(tmp_path):
    """A plain HTTP server on 127.0.0.1 serving a real saved page under its own path."""
    page = tmp_path / "art/2019/7/10/art_42918_3436693.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(JINAN.read_bytes())
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_live_url_on_a_local_server(local_site, tmp_path):
    url = f"{local_site}/art/2019/7/10/art_42918_3436693.html"
    target = tmp_path / "local-wlj.yml"
    result = gongkai("profiles", "detect", url, "--json", "--write", str(target))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["platform"] == "hanweb"
    profile = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert profile["start_urls"] == [f"{local_site}/col/col42918/index.html"]
    assert gongkai("profiles", "check", str(target)).returncode == 0


def test_url_answering_404_exits_4(local_site):
    result = gongkai("profiles", "detect", f"{local_site}/no/such/page.html")
    assert result.returncode == 4 and "HTTP 404" in one_line_error(result)


def test_unreachable_host_exits_4_in_one_line():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = gongkai("profiles", "detect", f"http://127.0.0.1:{port}/col/col1/index.html", "--json")
    assert result.returncode == 4 and "cannot fetch" in one_line_error(result)
    assert result.stdout == ""


def test_a_bureau_from_one_page_crawls_with_no_python(sample_server, tmp_path):
    """detect --write on the gkmlpt sample's index, review (politeness for a local site), crawl."""
    target = tmp_path / "lingnan-sfj.yml"
    url = "http://www.lingnan.sample.test/lnsfj/gkmlpt/index"
    result = gongkai(
        "profiles", "detect", url, "--proxy", sample_server.url, "--write", str(target)
    )
    assert result.returncode == 0, result.stderr
    profile = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert (profile["platform"], profile["start_urls"], profile["gkmlpt"]) == (
        "gkmlpt",
        [url],
        {"sid": 755031},
    )
    profile["politeness"] = {"delay": 0, "concurrency": 8}  # the review step: a local sample site
    target.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    db = tmp_path / "a.db"
    crawl = gongkai(
        "crawl", "--profile", str(target), "--proxy", sample_server.url, "--db", str(db)
    )
    assert crawl.returncode == 0, crawl.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from documents").fetchone()[0] == 22
