"""Link discovery (crawler.platforms) against the generated sample pages and real page shapes."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml

from crawler.platforms import discover, lonsun_fragment_urls, page_kind, trs_page_urls
from crawler.samplesites.generate import MANIFEST
from crawler.samplesites.server import hanweb_datastore, load_sites, resolve
from pipeline.urls import within_domains

PROFILES = Path(__file__).parents[2] / "crawler" / "profiles"
SITES = load_sites()
MANIFEST_DATA = json.loads(MANIFEST.read_text(encoding="utf-8"))
SAMPLE_PROFILES = sorted(MANIFEST_DATA["profiles"])


def profile(name: str, **overrides) -> dict:
    data = yaml.safe_load((PROFILES / f"{name}.yml").read_text(encoding="utf-8"))
    return {**data, **overrides}


def page(url: str) -> str | None:
    """The text the sample server would answer for url, or None for a 404 / foreign host."""
    parts = urlsplit(url)
    site = SITES.get(parts.hostname or "")
    key = site and resolve(site, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)))
    return site.files[key].decode(site.info["encoding"]) if key else None


def post(url: str, form: tuple) -> str:
    """The sample server's answer to a Hanweb pager POST."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    return hanweb_datastore(SITES[parts.hostname], query, dict(form)).decode("utf-8")


def crawl(prof: dict) -> tuple[dict[str, str | None], set[str]]:
    """Breadth-first walk with discover() only: detail URL -> column, and every URL visited
    (a POST is visited as ``POST <url> <form>``)."""
    queue = deque((u, None, None) for u in prof["start_urls"])
    seen, details = set(), {}
    while queue:
        url, column, form = queue.popleft()
        key = url if form is None else f"POST {url} {sorted(form)}"
        if key in seen:
            continue
        seen.add(key)
        text = page(url) if form is None else post(url, form)
        assert text is not None, url
        found = discover(text, url, prof, column=column)
        assert found.error is None, (url, found.error)
        for link, col in found.detail_urls:
            details.setdefault(link, col)
        queue.extend((u, None, None) for u in found.list_urls)
        queue.extend((u, found.column, None) for u in found.fragment_urls)
        queue.extend((r.url, found.column, r.form) for r in found.requests)
    return details, seen


@pytest.mark.parametrize("name", SAMPLE_PROFILES)
def test_discovery_reaches_exactly_the_documents_served(name):
    expected = {d["url"]: d["column"] for d in MANIFEST_DATA["profiles"][name]["documents"]}
    details, visited = crawl(profile(name))
    assert details == expected
    allowed = profile(name)["allowed_domains"]
    urls = {u.split(" ")[1] if u.startswith("POST ") else u for u in visited}
    assert all(within_domains(u, allowed) for u in urls | set(details))


@pytest.mark.parametrize("name", SAMPLE_PROFILES)
def test_discovery_visits_the_list_pages_of_the_manifest(name):
    _, visited = crawl(profile(name))
    entry = MANIFEST_DATA["profiles"][name]
    assert set(entry["list_urls"]) | set(entry["fragment_urls"]) <= visited
    posts = {f"POST {r['url']} {sorted(r['form'].items())}" for r in entry["requests"]}
    assert posts <= visited


def test_trs_literal_pager_expands_from_first_page_only():
    url = "http://rsj.qingxi.sample.test/xxgk/tzgg/"
    found = discover(page(url), url, profile("sample-qingxi-rsj"))
    assert "http://rsj.qingxi.sample.test/xxgk/tzgg/index_1.html" in found.list_urls
    assert "http://rsj.qingxi.sample.test/xxgk/tzgg/index_2.html" in found.list_urls
    assert len(found.detail_urls) == 6 and {c for _, c in found.detail_urls} == {"通知公告"}
    second = "http://rsj.qingxi.sample.test/xxgk/tzgg/index_1.html"
    again = discover(page(second), second, profile("sample-qingxi-rsj"))
    assert not [u for u in again.list_urls if "/tzgg/index_" in u]


def test_trs_variable_pager_and_max_pages():
    url = "http://zjj.qingchuan.sample.test/xwzx/gzdt/"
    scripts = page(url)
    assert trs_page_urls(scripts, url) == [
        "http://zjj.qingchuan.sample.test/xwzx/gzdt/index_1.html"
    ]
    assert trs_page_urls(scripts, url, limit=1) == []


def test_trs_detail_links_are_resolved_relative_to_the_list():
    url = "http://zjj.qingchuan.sample.test/zwgk/zcjd/"
    found = discover(page(url), url, profile("sample-qingchuan-zjj"))
    first = found.detail_urls[0][0]
    assert first.startswith("http://zjj.qingchuan.sample.test/zwgk/zcjd/20") and "/t20" in first


def test_lonsun_column_page_gives_fragment_urls_from_its_script():
    url = "http://www.sxx.sample.test/public/column/11521?type=4&action=list&nav=3&catId=161233761"
    found = discover(page(url), url, profile("sample-suixi-jyj"))
    assert found.column == "工作动态" and found.detail_urls == []
    assert len(found.fragment_urls) == 2
    query = dict(parse_qsl(urlsplit(found.fragment_urls[1]).query))
    assert (
        query["pageIndex"] == "2" and query["organId"] == "11521" and query["catId"] == "161233761"
    )
    assert query["labelName"] == "publicInfoList" and query["IsAjax"] == "1"
    capped = discover(page(url), url, profile("sample-suixi-jyj", pagination={"max_pages": 1}))
    assert len(capped.fragment_urls) == 1


def test_lonsun_fragment_gives_detail_links_with_inherited_column():
    url = MANIFEST_DATA["profiles"]["sample-suixi-czj"]["fragment_urls"][0]
    assert page_kind(url, profile("sample-suixi-czj")) == "fragment"
    found = discover(page(url), url, profile("sample-suixi-czj"), column="预算决算")
    assert len(found.detail_urls) == 6
    assert all(c == "预算决算" and "/zwgk/public/41/" in u for u, c in found.detail_urls)
    assert found.fragment_urls == []


def test_lonsun_profile_stays_on_its_own_bureau():
    url = "http://www.sxx.sample.test/"
    found = discover(page(url), url, profile("sample-suixi-jyj"))
    assert found.list_urls == ["http://www.sxx.sample.test/public/column/11521?type=4&action=list"]


def test_detail_pages_yield_nothing():
    url = MANIFEST_DATA["seed_url"]
    assert discover(page(url), url, profile("sample-suixi-jyj")).detail_urls == []


def test_external_and_other_sample_hosts_are_never_returned():
    url = "http://zjj.qingchuan.sample.test/"
    found = discover(page(url), url, profile("sample-qingchuan-zjj"))
    hosts = {urlsplit(u).hostname for u in found.list_urls + [d for d, _ in found.detail_urls]}
    assert hosts == {"zjj.qingchuan.sample.test"}


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://www.sxx.sample.test/a", True),
        ("http://sub.www.sxx.sample.test/a", True),
        ("http://evil-www.sxx.sample.test.example/a", False),
        ("http://www.gov.cn/", False),
        ("javascript:void(0)", False),
    ],
)
def test_within_domains(url, allowed):
    assert within_domains(url, ["www.sxx.sample.test"]) is allowed


def test_generic_platform_uses_profile_patterns():
    html = '<a href="/news/2021/123.html">a</a><a href="/news/list_2.html">n</a><a href="http://x.cn/1.html">x</a>'
    prof = {
        "platform": "generic",
        "allowed_domains": ["a.test"],
        "detail_url_patterns": [r"/news/\d{4}/\d+\.html$"],
        "list_url_patterns": [r"/list_\d+\.html$"],
    }
    found = discover(html, "http://a.test/news/", prof)
    assert found.detail_urls == [("http://a.test/news/2021/123.html", None)]
    assert found.list_urls == ["http://a.test/news/list_2.html"]


# Shapes seen in public scrapers of real sites (script text as those sites serve it).
def test_real_trs_pager_with_list_prefix():
    # nxgy.gov.cn paged its 政府信息公开 lists as list.html, list_1.html ... via createPageHTML.
    script = 'createPageHTML(3, 0, "list", "html");'
    url = "http://www.nxgy.gov.cn/zwgk/zfxxgkml/nygjcjgxgg/list.html"
    assert trs_page_urls(script, url) == [
        "http://www.nxgy.gov.cn/zwgk/zfxxgkml/nygjcjgxgg/list_1.html",
        "http://www.nxgy.gov.cn/zwgk/zfxxgkml/nygjcjgxgg/list_2.html",
    ]


def test_real_lonsun_page_count_without_label_object_falls_back_to_the_column_url():
    # mpa.ah.gov.cn: a scraper read only pageCount:N from the column page, params from the URL.
    url = "https://mpa.ah.gov.cn/public/column/4140867?type=4&action=list&nav=&sub=&catId=11908678"
    urls = lonsun_fragment_urls("Ls.pagination('#page', fn, {pageCount:3, currPage:1});", url)
    assert len(urls) == 3 and urls[0].startswith("https://mpa.ah.gov.cn/site/label/8888?IsAjax=1")
    assert "organId=4140867" in urls[2] and "catId=11908678" in urls[2] and "pageIndex=3" in urls[2]


def test_links_below_256_levels_of_nesting_are_found():
    html = (
        "<html><body>" + "<div>" * 300
        + '<a href="./202103/t20210305_123.html">通知</a>'
        + "</div>" * 300 + "</body></html>"
    )  # fmt: skip
    profile = {"platform": "trs_wcm", "allowed_domains": ["x.gov.cn"]}
    found = discover(html, "http://x.gov.cn/xxgk/tzgg/index.html", profile)
    assert [url for url, _ in found.detail_urls] == [
        "http://x.gov.cn/xxgk/tzgg/202103/t20210305_123.html"
    ]
