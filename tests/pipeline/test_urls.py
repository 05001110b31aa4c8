import pytest

from pipeline.urls import canonical_url

SAME_DOCUMENT = {
    "scheme-and-host-case": ("HTTP://WWW.SXX.Sample.TEST/xxgk/t1.html", "https://www.sxx.sample.test/xxgk/t1.html"),
    "http-https": ("http://www.sxx.sample.test/xxgk/t1.html", "https://www.sxx.sample.test/xxgk/t1.html"),
    "default-port": ("https://www.sxx.sample.test:443/a", "https://www.sxx.sample.test/a"),
    "index-html": ("http://www.sxx.sample.test/xxgk/index.html", "https://www.sxx.sample.test/xxgk"),
    "index-shtml-upper": ("http://www.sxx.sample.test/xxgk/INDEX.SHTML", "https://www.sxx.sample.test/xxgk"),
    "trailing-slash": ("http://www.sxx.sample.test/xxgk/", "https://www.sxx.sample.test/xxgk"),
    "fragment": ("http://www.sxx.sample.test/a.html#top", "https://www.sxx.sample.test/a.html"),
    "tracking": ("http://www.sxx.sample.test/a.html?utm_source=wx&id=3&from=timeline", "https://www.sxx.sample.test/a.html?id=3"),
    "session-path-param": ("http://www.sxx.sample.test/a.jsp;jsessionid=AB12?id=3", "https://www.sxx.sample.test/a.jsp?id=3"),
    "session-query-param": ("http://www.sxx.sample.test/a.jsp?id=3&JSESSIONID=AB12", "https://www.sxx.sample.test/a.jsp?id=3"),
    "cache-buster": ("http://www.sxx.sample.test/a.jsp?id=3&_=1690000000", "https://www.sxx.sample.test/a.jsp?id=3"),
    "query-order": ("http://www.sxx.sample.test/a?b=2&a=1", "https://www.sxx.sample.test/a?a=1&b=2"),
    "double-slash": ("http://www.sxx.sample.test//xxgk//a.html", "https://www.sxx.sample.test/xxgk/a.html"),
    "dot-segments": ("http://www.sxx.sample.test/xxgk/./list/../a.html", "https://www.sxx.sample.test/xxgk/a.html"),
    "percent-case": ("http://www.sxx.sample.test/%e6%95%99.html", "https://www.sxx.sample.test/%E6%95%99.html"),
    "raw-utf8-path": ("http://www.sxx.sample.test/教.html", "https://www.sxx.sample.test/%E6%95%99.html"),
    "host-trailing-dot": ("http://www.sxx.sample.test./a", "https://www.sxx.sample.test/a"),
}  # fmt: skip


@pytest.mark.parametrize("url,expected", SAME_DOCUMENT.values(), ids=list(SAME_DOCUMENT))
def test_variants_share_one_canonical_url(url, expected):
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected  # idempotent


def test_profile_ignored_params_are_dropped():
    url = "http://www.sxx.sample.test/list.jsp?columnId=9&pageSize=20&siteId=1"
    assert (
        canonical_url(url, ["pageSize"])
        == "https://www.sxx.sample.test/list.jsp?columnId=9&siteId=1"
    )


DIFFERENT = {
    "other-port": ("http://a.test:8080/a", "http://a.test/a"),
    "meaningful-param": ("http://a.test/a?id=1", "http://a.test/a?id=2"),
    "encoded-slash-stays-encoded": ("http://a.test/a%2Fb", "http://a.test/a/b"),
    "non-utf8-query-bytes-kept": ("http://a.test/s?q=%D6%D0", "http://a.test/s?q=%EF%BF%BD"),
}


@pytest.mark.parametrize("a,b", DIFFERENT.values(), ids=list(DIFFERENT))
def test_different_pages_stay_different(a, b):
    assert canonical_url(a) != canonical_url(b)
