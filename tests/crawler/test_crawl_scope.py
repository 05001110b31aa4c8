"""The crawl stays in the columns it was started on (issue 11, item 4), proved by the server log.

The sample sites link their home pages, other sections, parent columns that are not served, and
other hosts; a crawl that followed any of them would ask the server for a URL that is not one of
the manifest's column pages, pager calls, documents or attachments.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "crawler/samplesites/manifest.json").read_text(encoding="utf-8"))


def manifest_urls() -> set[str]:
    urls: set[str] = set()
    for profile in MANIFEST["profiles"].values():
        urls |= set(profile["start_urls"]) | set(profile["list_urls"])
        urls |= set(profile["fragment_urls"]) | {r["url"] for r in profile["requests"]}
        for doc in profile["documents"]:
            urls |= {doc["url"]} | {a["url"] for a in doc["attachments"]}
    return urls


def test_every_request_of_the_crawl_is_a_page_of_its_columns(sample_crawl):
    known = manifest_urls()
    asked = [r for r in sample_crawl.requests if urlsplit(r["url"]).path != "/robots.txt"]
    assert asked, "the server saw no request"
    outside = sorted({r["url"] for r in asked} - known)
    assert outside == []


def test_home_pages_and_unserved_columns_were_never_asked(sample_crawl):
    paths = {(r["host"], r["path"]) for r in sample_crawl.requests}
    for host in MANIFEST["hosts"]:
        assert (host, "/") not in paths and (host, "/index.html") not in paths
    # Linked from every Hanweb page's crumbs, never served: a crawl following it would 404.
    assert ("sthjj.minghu.sample.test", "/col/col1229300/index.html") not in paths


def test_hanweb_pager_posts_carry_the_form_the_column_page_states(sample_crawl):
    posts = [r for r in sample_crawl.requests if r["method"] == "POST"]
    expected = [r for p in MANIFEST["profiles"].values() for r in p["requests"]]
    assert expected and len(posts) == 2 * len(expected)  # two crawls, never conditional
    for request in expected:
        assert {"url": request["url"], "data": request["form"]} in [
            {"url": p["url"], "data": p["data"]} for p in posts
        ]
    assert {p["status"] for p in posts} == {200}


def test_gkmlpt_lists_came_only_from_its_json_api(sample_crawl):
    api = [r for r in sample_crawl.requests if "/gkmlpt/api/all/" in r["path"]]
    entry = MANIFEST["profiles"]["sample-lingnan-sfj"]
    assert {r["url"] for r in api} == set(entry["fragment_urls"])
    conn = sample_crawl.connect()
    kinds = dict(
        conn.execute(
            "select kind, count(*) from captures where profile = 'sample-lingnan-sfj'"
            " and crawl_id = (select min(id) from crawls where profile = 'sample-lingnan-sfj')"
            " group by kind"
        ).fetchall()
    )
    # One index page, the API answers as captures, the documents the API listed.
    assert kinds == {
        "list": 1,
        "fragment": len(entry["fragment_urls"]),
        "detail": len(entry["documents"]),
    }
