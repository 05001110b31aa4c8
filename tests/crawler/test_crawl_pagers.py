"""Bad pager answers in a real crawl (issue 11, "Bad input"): kept with their error, never a
crash or a silent stop; a pager claiming thousands of pages is cut at max_pages, and said so."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml

from crawler.samplesites.mutate import Override
from crawler.samplesites.server import SITES_DIR, SampleServer
from tests.gongkai_cli import gongkai

ROOT = Path(__file__).resolve().parents[2]
HANWEB_HOST, GKMLPT_HOST = "sthjj.minghu.sample.test", "www.lingnan.sample.test"
COLUMN = "/col/col1229301/index.html"
BROKEN_API = "/lnsfj/gkmlpt/api/all/3802"


def profile(tmp: Path, name: str, **changes) -> Path:
    data = yaml.safe_load((ROOT / f"crawler/profiles/{name}.yml").read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp / f"{name}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pagers")
    column = (SITES_DIR / HANWEB_HOST / COLUMN.lstrip("/")).read_text(encoding="utf-8")
    claims = column.replace("totalRecord:9,", "totalRecord:30000,")  # 10,000 pages of 3 rows
    assert claims != column
    overrides = {
        (HANWEB_HOST, COLUMN): Override(body=claims.encode("utf-8")),
        (GKMLPT_HOST, BROKEN_API): Override(
            body="<html><body>系统维护中，请稍后访问</body></html>".encode()
        ),
    }
    server = SampleServer(port=0, overrides=overrides).start_in_thread()
    db = tmp / "gongkai.db"
    hanweb = profile(tmp, "sample-minghu-sthjj", pagination={"max_pages": 4})
    gkmlpt = profile(tmp, "sample-lingnan-sfj")
    result = gongkai("crawl", "--profile", str(hanweb), "--profile", str(gkmlpt),
                     "--proxy", server.url, "--db", str(db))  # fmt: skip
    server.stop()
    return result, sqlite3.connect(db), server.requests


def test_the_crawl_finishes_with_one_line_and_exit_1(crawled):
    result, _, _ = crawled
    assert result.returncode == 1, result.stderr  # finished, some list answers failed
    (line,) = result.stdout.strip().splitlines()
    # The broken column's first API page is the one fetch error: its later pages are unknown.
    assert "1 fetch errors, 1 pager(s) cut at max_pages in" in line
    assert "Traceback" not in result.stderr


def test_a_pager_claiming_10000_pages_is_cut_at_max_pages(crawled):
    _, _, requests = crawled
    posts = [r for r in requests if r["method"] == "POST" and r["data"]["columnid"] == "1229301"]
    # max_pages 4 of 3 rows: rows 1..12, two calls of 6.
    assert sorted(r["url"].split("?")[1] for r in posts) == [
        "startrecord=1&endrecord=6&perpage=3",
        "startrecord=7&endrecord=12&perpage=3",
    ]


def test_an_api_answering_html_is_a_capture_with_its_error(crawled):
    _, conn, _ = crawled
    rows = conn.execute(
        "select status, error, observation from captures where url like ?",
        [f"%{BROKEN_API}?%"],
    ).fetchall()
    assert rows and all(status == 200 for status, _, _ in rows)
    assert all(error.startswith("gkmlpt API answer is not JSON") for _, error, _ in rows)
    assert {observation for _, _, observation in rows} == {"error"}


def test_the_other_columns_are_still_archived(crawled):
    _, conn, _ = crawled
    manifest = json.loads((ROOT / "crawler/samplesites/manifest.json").read_text(encoding="utf-8"))
    docs = manifest["profiles"]["sample-lingnan-sfj"]["documents"]
    others = [d for d in docs if d["column"] != "规范性文件"]
    archived = {
        r[0] for r in conn.execute("select url from documents where site = 'sample-lingnan-sfj'")
    }
    assert {d["url"] for d in others} <= archived
    hanweb = conn.execute(
        "select count(*) from documents where site = 'sample-minghu-sthjj'"
    ).fetchone()[0]
    assert hanweb == len(manifest["profiles"]["sample-minghu-sthjj"]["documents"])
