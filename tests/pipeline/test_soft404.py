"""What a fetch says about a known page: soft-404s, challenges and failures (pipeline.soft404)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.samplesites.server import SITES_DIR
from pipeline.soft404 import (
    Verdict,
    challenge_of,
    failure_verdict,
    is_home_or_parent,
    observe,
    page_verdict,
)  # fmt: skip

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/fixtures/soft404"
MANIFEST = json.loads((ROOT / "crawler/samplesites/manifest.json").read_text())
PAGES = sorted(p.stem for p in FIXTURES.glob("*.html"))
SAMPLE_DOCUMENTS = sorted(
    d["url"] for p in MANIFEST["profiles"].values() for d in p["documents"] if not d["unparseable"]
)


@pytest.mark.parametrize("name", PAGES)
def test_fixture_page_verdict(name):
    case = json.loads((FIXTURES / f"{name}.expected.json").read_text())
    html = (FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    verdict = observe(case["status"], None if case["status"] == 200 else f"HTTP {case['status']}",
                      html, case["url"], case["final_url"], headers=case.get("headers"))  # fmt: skip
    expected = (case["outcome"], case["reason"])
    if case["outcome"] == "ok":  # no document was extracted in this test: the fetch is fine
        assert page_verdict(html, case["url"], headers=case.get("headers")).outcome == "ok"
    else:
        assert (verdict.outcome, verdict.reason) == expected


@pytest.mark.parametrize("url", SAMPLE_DOCUMENTS)
def test_no_sample_document_is_taken_for_a_soft_404(url):
    host, path = url.split("://", 1)[1].split("/", 1)
    encoding = MANIFEST["hosts"][host]["encoding"]
    html = (SITES_DIR / host / path).read_bytes().decode(encoding)
    assert page_verdict(html, url).outcome == "ok"


@pytest.mark.parametrize(
    "url,final,expected",
    [
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", "http://a.gov.cn/", True),
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", "http://a.gov.cn/xxgk/tzgg/", True),
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", "http://a.gov.cn/xxgk/tzgg/index.html", True),
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", "https://a.gov.cn/xxgk/tzgg/202301/t1.html", False),
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", "http://a.gov.cn/xxgk/tzgg/202301/t2.html", False),
        ("http://a.gov.cn/xxgk/tzgg/202301/t1.html", None, False),
    ],
    ids=["home", "parent-dir", "parent-index", "https-same-page", "other-page", "no-redirect"],
)  # fmt: skip
def test_redirect_to_home_or_parent(url, final, expected):
    assert is_home_or_parent(url, final) is expected


@pytest.mark.parametrize(
    "status,error,outcome,reason",
    [
        (404, "HTTP 404", "missing", "HTTP 404"),
        (410, "HTTP 410", "missing", "HTTP 410"),
        (412, "HTTP 412", "blocked", "HTTP 412"),
        (403, "HTTP 403", "blocked", "HTTP 403"),
        (429, "HTTP 429", "blocked", "HTTP 429"),
        (503, "HTTP 503", "unreachable", "HTTP 503"),
        (500, "HTTP 500", "unreachable", "HTTP 500"),
        (304, None, "not_modified", None),
        (None, "TimeoutError: Getting http://x took longer than 2.0 seconds.", "unreachable", "timeout"),
        (None, "DNSLookupError: DNS lookup failed: no results for hostname lookup: x.", "unreachable", "DNS error"),
        (None, "ConnectionRefusedError: Connection was refused by other side: 111.", "unreachable",
         "ConnectionRefusedError: Connection was refused by other side: 111."),
    ],
    ids=["404", "410", "412", "403", "429", "503", "500", "304", "timeout", "dns", "refused"],
)  # fmt: skip
def test_failure_verdict(status, error, outcome, reason):
    verdict = failure_verdict(status, error)
    assert (verdict.outcome, verdict.reason) == (outcome, reason)


def test_a_page_that_gave_a_document_is_ok():
    assert observe(200, None, None, "http://a.gov.cn/1.html", has_document=True).outcome == "ok"


def test_a_page_without_document_or_soft_404_is_an_error_not_a_removal():
    verdict = observe(
        200, "extraction failed: no title", "<html><p>x</p></html>", "http://a/1.html"
    )
    assert (verdict.outcome, verdict.reason) == ("error", "extraction failed: no title")


@pytest.mark.parametrize(
    "title",
    ["页面不存在", "您访问的页面不存在！", "抱歉，您访问的页面找不到了", "该信息已删除", "信息已被删除",
     "404", "404 Not Found", "出错啦！404", "文章不存在", "Not Found", "很抱歉，您要访问的页面不存在"],
)  # fmt: skip
def test_a_title_that_is_only_the_message_is_a_soft_404_even_above_a_long_page(title):
    html = f"<title>{title} - 某县人民政府</title><body>{'<p>栏目导航 政务公开</p>' * 400}</body>"
    assert page_verdict(html, "http://a.gov.cn/1.html").outcome == "missing"


@pytest.mark.parametrize(
    "title",
    ["关于某公司不存在重大违法违规行为的证明", "第404号令", "关于已删除信息的说明",
     "关于做好404名学生资助工作的通知", "某县人民政府"],
)  # fmt: skip
def test_a_document_title_using_the_words_is_not_a_soft_404(title):
    html = f"<title>{title} - 某县人民政府</title><body>{'<p>正文段落内容。</p>' * 400}</body>"
    assert page_verdict(html, "http://a.gov.cn/1.html").outcome == "ok"


@pytest.mark.parametrize(
    "status,outcome,reason",
    [(500, "missing", "HTTP 500: soft-404: 您访问的页面不存在"), (503, "missing", "HTTP 503: soft-404: 您访问的页面不存在"),
     (404, "missing", "HTTP 404"), (403, "blocked", "HTTP 403")],
)  # fmt: skip
def test_a_deleted_message_counts_at_5xx_but_never_turns_a_refusal_into_a_removal(
    status, outcome, reason
):
    html = "<title>提示</title><p>对不起，您访问的页面不存在！</p>"
    verdict = observe(status, f"HTTP {status}", html, "http://a.gov.cn/1.html")
    assert (verdict.outcome, verdict.reason) == (outcome, reason)


def test_a_challenge_header_alone_does_not_block_a_real_page():
    # 加速乐 sends X-Via-Jsl and __jsluid on every page it serves, the real ones included.
    headers = {"X-Via-Jsl": "1,-", "Set-Cookie": "__jsluid_h=1; path=/"}
    html = "<title>关于做好防汛工作的通知</title><body>" + "<p>正文。</p>" * 50 + "</body>"
    assert observe(200, None, html, "http://a/1.html", headers=headers, has_document=True) == (
        observe(200, None, html, "http://a/1.html", has_document=True)
    )
    assert challenge_of(200, headers, html) is None
    assert challenge_of(521, headers, "<script>location.reload()</script>").browser


def test_a_concatenated_cookie_name_is_read_as_one_token():
    script = "<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+('c')+('e')+('=')+1</script>"
    found = challenge_of(200, {}, script)
    assert found and found.name.startswith("加速乐") and found.browser


@pytest.mark.parametrize(
    "error,outcome,reason",
    [
        ("Cancelling download of http://x/: received response size (9000000) larger than download max size (8000000).",
         "error", "over the size limit"),
        ("IgnoreRequest: max redirections reached", "unreachable", "redirect loop"),
        ("ResponseFailed: [<twisted.python.failure.Failure twisted.web.http._DataLoss: >]", "unreachable",
         "response cut short (fewer bytes than its Content-Length)"),
    ],
    ids=["too-large", "redirect-loop", "data-loss"],
)  # fmt: skip
def test_failures_named_from_their_error_text(error, outcome, reason):
    assert failure_verdict(None, error) == Verdict(outcome, reason)


def test_an_unfollowed_redirect_is_an_error_not_a_page():
    error = "redirect off the allowed domains to http://elsewhere.test/: not followed"
    assert failure_verdict(302, error) == Verdict("error", error)
