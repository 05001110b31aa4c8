"""Crawl integration: `gongkai crawl` in a subprocess against the sample sites on 127.0.0.1.

The sample server answers as a forward proxy under the sites' own host names and logs every
request, so the test can prove the crawler stayed inside each profile's allowed domains.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tools import SAMPLES_EXIT, reachable

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "crawler/samplesites/manifest.json").read_text())


@pytest.fixture(scope="module")
def crawled(sample_crawl):
    """The suite's shared archive: every sample site crawled twice (tests/conftest.py)."""
    conn = sample_crawl.connect()
    yield {
        "db": sample_crawl.db, "conn": conn, "first": sample_crawl.first,
        "second": sample_crawl.second, "after_first": sample_crawl.after_first,
    }  # fmt: skip
    conn.close()


def expected_documents(profile: str) -> int:
    if not reachable(MANIFEST, profile):  # behind a challenge and no Chromium here
        return 0
    docs = MANIFEST["profiles"][profile]["documents"]
    return sum(1 for d in docs if not d["unparseable"] and not d["duplicate_of"])


def test_crawl_succeeds_with_one_summary_line(crawled):
    first = crawled["first"]
    assert first.returncode == SAMPLES_EXIT, first.stderr
    lines = first.stdout.strip().splitlines()
    assert len(lines) == 1 and "pages fetched" in lines[0]
    assert "Traceback" not in first.stderr


@pytest.mark.parametrize("profile", sorted(MANIFEST["profiles"]))
def test_document_count_per_site_equals_pages_served(crawled, profile):
    count = (
        crawled["conn"]
        .execute("select count(*) from documents where site = ?", [profile])
        .fetchone()[0]
    )
    assert count == expected_documents(profile)


@pytest.mark.parametrize("profile", sorted(MANIFEST["profiles"]))
def test_every_served_detail_page_has_a_capture(crawled, profile):
    urls = {d["url"] for d in MANIFEST["profiles"][profile]["documents"]}
    if not reachable(MANIFEST, profile):  # its list pages stay blocked: no link is followed
        urls = set()
    captured = {
        row[0]
        for row in crawled["conn"].execute(
            "select url from captures where profile = ? and kind = 'detail'", [profile]
        )
    }
    assert urls <= captured


def test_gbk_characters_outside_gb2312_survive(crawled):
    titles = [
        row[0]
        for row in crawled["conn"].execute(
            "select title from documents where site = 'sample-qingxi-rsj'"
        )
    ]
    assert any("镕" in t or "喆" in t for t in titles)
    bodies = (
        crawled["conn"]
        .execute("select group_concat(body) from documents where site = 'sample-qingxi-rsj'")
        .fetchone()[0]
    )
    assert "\ufffd" not in bodies


def test_unparseable_page_is_archived_with_its_error(crawled):
    broken = [
        d["url"] for p in MANIFEST["profiles"].values() for d in p["documents"] if d["unparseable"]
    ]
    assert broken
    for url in broken:
        row = (
            crawled["conn"]
            .execute("select status, error, size, sha256 from captures where url = ?", [url])
            .fetchone()
        )
        assert row is not None, url
        status, error, size, sha = row
        assert status == 200 and "extraction failed" in error
        assert size > 0 and sha


def test_seed_document_is_archived(crawled):
    row = (
        crawled["conn"]
        .execute(
            "select agency, published_at, body from documents where title = ?",
            ["濉溪县教育局2021年政务公开工作总结"],
        )
        .fetchone()
    )
    assert row is not None
    agency, published_at, body = row
    assert (agency, published_at) == ("濉溪县教育局", "2022-02-22 08:23")
    assert "主动公开政府信息1520条" in body and "扫一扫在手机打开当前页" not in body


def test_second_crawl_adds_captures_but_no_documents(crawled):
    second = crawled["second"]
    assert second.returncode == SAMPLES_EXIT, second.stderr
    conn = crawled["conn"]
    assert (
        conn.execute("select count(*) from documents").fetchone()[0]
        == (crawled["after_first"]["documents"])
    )
    assert (
        conn.execute("select count(*) from captures").fetchone()[0]
        > (crawled["after_first"]["captures"])
    )
    assert conn.execute("select count(*) from crawls").fetchone()[0] == 2 * len(
        MANIFEST["profiles"]
    )


def test_crawler_never_leaves_allowed_domains(sample_crawl):
    allowed = set(MANIFEST["hosts"])
    asked = sample_crawl.server.requested_hosts()
    assert asked, "the server saw no request"
    assert asked <= allowed, asked - allowed
    # The pages do link out (www.gov.cn, share widgets, a sibling .test site): never followed.
    assert "www.gov.cn" not in asked and "www.hbjy.sample.test" not in asked
