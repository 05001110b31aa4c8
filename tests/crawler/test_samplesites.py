"""The bundled sample sites: generated output, the local server, and the manifest."""

from __future__ import annotations

import gzip
import http.client
import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from crawler.samplesites.generate import MANIFEST, SITES_DIR, generate
from crawler.samplesites.server import serve

LONSUN = "www.sxx.sample.test"
GBK = "rsj.qingxi.sample.test"
UTF8_TRS = "zjj.qingchuan.sample.test"


@pytest.fixture(scope="module")
def server():
    running = serve(port=0)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def via_proxy(server, url: str, headers: dict | None = None):
    """GET url through the server as an HTTP proxy (absolute-form request line)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", url, headers=headers or {})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def via_origin(server, host: str, path: str):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", path, headers={"Host": host})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_generated_output_is_deterministic(tmp_path: Path):
    generate(out_dir=tmp_path / "sites", manifest_path=tmp_path / "manifest.json")
    fresh = {
        p.relative_to(tmp_path / "sites"): p.read_bytes()
        for p in (tmp_path / "sites").rglob("*")
        if p.is_file()
    }
    committed = {
        p.relative_to(SITES_DIR): p.read_bytes() for p in SITES_DIR.rglob("*") if p.is_file()
    }
    assert sorted(fresh) == sorted(committed)
    assert [k for k in fresh if fresh[k] != committed[k]] == []
    assert (tmp_path / "manifest.json").read_bytes() == MANIFEST.read_bytes()


def test_enough_detail_and_list_pages(manifest):
    details = [d for p in manifest["profiles"].values() for d in p["documents"]]
    assert len(details) >= 120
    for host in (LONSUN, GBK, UTF8_TRS):
        profiles = [p for p in manifest["profiles"].values() if p["host"] == host]
        assert sum(len(p["list_urls"]) + len(p["fragment_urls"]) for p in profiles) >= 3, host


def test_manifest_flags_exactly_one_unparseable_page(manifest):
    flagged = [
        d["url"] for p in manifest["profiles"].values() for d in p["documents"] if d["unparseable"]
    ]
    assert flagged == ["http://zjj.qingchuan.sample.test/xwzx/gzdt/202106/t20210618_7781908.html"]


def test_duplicate_notice_is_published_under_two_urls(manifest):
    docs = manifest["profiles"]["sample-suixi-jyj"]["documents"]
    dup = next(d for d in docs if d["duplicate_of"])
    original = next(d for d in docs if d["url"] == dup["duplicate_of"])
    assert dup["title"] == original["title"] and dup["column"] != original["column"]


@pytest.mark.parametrize("host", [LONSUN, GBK, UTF8_TRS])
def test_every_manifest_url_is_served(server, manifest, host):
    for profile in manifest["profiles"].values():
        if profile["host"] != host:
            continue
        urls = profile["start_urls"] + profile["list_urls"] + profile["fragment_urls"]
        urls += [d["url"] for d in profile["documents"]]
        urls += [a["url"] for d in profile["documents"] for a in d["attachments"]]
        assert [u for u in urls if via_proxy(server, u)[0] != 200] == []


def test_gbk_site_bytes_and_content_type(server):
    url = "http://rsj.qingxi.sample.test/xxgk/rsrm/202104/t20210412_3456901.html"
    status, headers, body = via_proxy(server, url)
    assert status == 200
    assert headers["Content-Type"] == "text/html"  # no charset, as the real server sends
    assert b'charset=gb2312"' in body
    assert "镕".encode("gbk") in body and "喆".encode("gbk") in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")  # really outside GB2312: a gb2312 decoder must fail
    assert "关于李镕、王喆同志职务任免的通知" in body.decode("gb18030")


def test_utf8_sites_declare_charset_in_header(server, manifest):
    status, headers, body = via_proxy(server, manifest["seed_url"])
    assert status == 200 and headers["Content-Type"] == "text/html;charset=UTF-8"
    text = body.decode("utf-8")
    assert "县教育局在信息公开网上主动公开政府信息1520条" in text
    assert "来源:濉溪县教育局</span><span>发布时间:2022-02-22 08:23" in text


def test_seed_text_is_verbatim():
    seed = (
        Path(__file__).parents[2]
        / "crawler/samplesites/content/seed/suixi-education-2021-disclosure-summary.txt"
    )
    shared = Path("/work/shared/seed/suixi-education-2021-disclosure-summary.txt")
    if shared.exists():
        assert seed.read_bytes() == shared.read_bytes()
    html = (SITES_DIR / LONSUN / "zwgk/public/37/62710901.html").read_text(encoding="utf-8")
    for paragraph in seed.read_text(encoding="utf-8").split("\n")[4:-2]:
        if paragraph.strip():
            assert paragraph.strip() in html


def test_xss_title_is_entity_escaped_in_html():
    html = (
        SITES_DIR / UTF8_TRS / "zwgk/zfxxgk/fdzdgknr/tzgg/202109/t20210914_7781901.html"
    ).read_text("utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_origin_form_with_host_header(server):
    status, headers, body = via_origin(server, LONSUN, "/public/column/11521?type=4&action=list")
    assert status == 200 and "濉溪县教育局".encode() in body


def test_lonsun_column_query_routing(server):
    status, _, body = via_proxy(
        server,
        "http://www.sxx.sample.test/public/column/11521?type=4&action=list&nav=3&catId=161233761",
    )
    assert status == 200 and b"pageCount:2" in body and "工作动态".encode() in body


def test_lonsun_ajax_endpoint_pages(server, manifest):
    fragments = [
        u
        for u in manifest["profiles"]["sample-suixi-jyj"]["fragment_urls"]
        if "catId=161233761" in u
    ]
    assert len(fragments) == 2
    first = via_proxy(server, fragments[0])[2].decode()
    second = via_proxy(server, fragments[1])[2].decode()
    assert first.count('class="xxgk_navli"') == 6 and second.count('class="xxgk_navli"') == 4
    beyond = via_proxy(server, fragments[1].replace("pageIndex=2", "pageIndex=9"))
    assert beyond[0] == 200 and "暂无相关信息" in beyond[2].decode()


def test_unknown_host_is_502_and_logged(server):
    status, _, _ = via_proxy(server, "http://www.gov.cn/")
    assert status == 502
    assert any(r["host"] == "www.gov.cn" and r["status"] == 502 for r in server.requests)


def test_unknown_path_is_a_realistic_404(server):
    status, headers, body = via_proxy(server, "http://rsj.qingxi.sample.test/xxgk/nope.html")
    assert status == 404 and "页面不存在".encode("gbk") in body


def test_gzip_when_asked(server, manifest):
    status, headers, body = via_proxy(server, manifest["seed_url"], {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert "濉溪县教育局2021年政务公开工作总结" in gzip.decompress(body).decode()


def test_attachments_have_their_types(server, manifest):
    types = {}
    for profile in manifest["profiles"].values():
        for doc in profile["documents"]:
            for a in doc["attachments"]:
                types[a["url"].rsplit(".", 1)[1]] = via_proxy(server, a["url"])[1]["Content-Type"]
    assert types["pdf"] == "application/pdf" and types["xls"] == "application/vnd.ms-excel"
    assert {"pdf", "doc", "docx", "xls", "xlsx"} <= set(types)


def test_requests_are_recorded_with_absolute_urls(server):
    via_proxy(server, "http://zjj.qingchuan.sample.test/")
    last = server.requests[-1]
    assert last["url"] == "http://zjj.qingchuan.sample.test/" and last["form"] == "absolute"
    assert last["method"] == "GET" and last["status"] == 200


def test_urllib_proxy_client(server):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": server.url}))
    with opener.open("http://zjj.qingchuan.sample.test/zwgk/zcjd/") as response:
        assert (
            response.status == 200 and b"createPageHTML(countPage, currentPage" in response.read()
        )


def test_requests_on_one_keep_alive_connection_share_a_peer_port(server):
    """bench/connection_reuse.py counts connections by the client port the server records."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    for url in ("http://zjj.qingchuan.sample.test/", "http://rsj.qingxi.sample.test/xxgk/tzgg/"):
        conn.request("GET", url)
        conn.getresponse().read()
    reused = server.requests[-2:]
    via_proxy(server, "http://zjj.qingchuan.sample.test/")  # a new connection
    fresh = server.requests[-1]
    assert reused[0]["peer_port"] == reused[1]["peer_port"] == conn.sock.getsockname()[1]
    assert fresh["peer_port"] != reused[0]["peer_port"]
    conn.close()


# --- Hanweb, Kaipu and gkmlpt sample sites (issue 11) ---------------------------------

HANWEB, KAIPU, GKMLPT = (
    "sthjj.minghu.sample.test",
    "jyj.fengjiang.sample.test",
    "www.lingnan.sample.test",
)


def via_post(server, url: str, form: dict) -> tuple[int, dict, bytes]:
    body = urllib.parse.urlencode(form)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", url, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


@pytest.mark.parametrize("host", [HANWEB, KAIPU, GKMLPT])
def test_new_platform_sites_hold_at_least_20_documents_and_serve_every_url(server, manifest, host):
    (name,) = [n for n, p in manifest["profiles"].items() if p["host"] == host]
    profile = manifest["profiles"][name]
    assert len(profile["documents"]) >= 20
    urls = profile["start_urls"] + profile["list_urls"] + profile["fragment_urls"]
    urls += [d["url"] for d in profile["documents"]]
    assert [u for u in urls if via_proxy(server, u)[0] != 200] == []
    for request in profile["requests"]:
        status, headers, body = via_post(server, request["url"], request["form"])
        assert status == 200 and body.startswith(b"<datastore><totalrecord>")


def test_hanweb_pager_answers_the_window_asked_for_and_only_for_its_own_ids(server, manifest):
    request = manifest["profiles"]["sample-minghu-sthjj"]["requests"][0]
    status, headers, body = via_post(server, request["url"], request["form"])
    assert headers["Content-Type"].startswith("text/xml")
    assert body.count(b"<record>") == 6 and b"<totalrecord>9</totalrecord>" in body
    wrong_unit = {**request["form"], "unitid": "1"}
    assert b"<recordset></recordset>" in via_post(server, request["url"], wrong_unit)[2]


def test_gkmlpt_index_shows_nothing_without_javascript(server):
    status, _, body = via_proxy(server, f"http://{GKMLPT}/lnsfj/gkmlpt/index")
    text = body.decode("utf-8")
    assert status == 200 and '<div id="app"></div>' in text and "SID: '755031'" in text
    assert "/gkmlpt/content/" not in text  # no link to any document in the markup


def test_gkmlpt_api_is_json_and_checks_its_site_id(server, manifest):
    url = manifest["profiles"]["sample-lingnan-sfj"]["fragment_urls"][0]
    status, headers, body = via_proxy(server, url)
    data = json.loads(body)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert set(data) == {"classify", "articles"} and data["classify"]["post_count"] >= 1
    assert via_proxy(server, url.replace("sid=755031", "sid=2"))[0] == 404
    assert via_proxy(server, url.replace("page=1", "page=99"))[0] == 404
    assert via_proxy(server, url.replace("page=1", "page=0"))[2] == body


def test_kaipu_list_parks_its_rows_and_pager_in_a_comment(server, manifest):
    url = manifest["profiles"]["sample-fengjiang-jyj"]["start_urls"][0]
    text = via_proxy(server, url)[2].decode("utf-8")
    comment = text.split("<!--", 1)[1].split("-->", 1)[0]
    assert "createPageHTML('page_div'," in comment and ".shtml" in comment


def test_latency_and_concurrent_requests_per_host_are_recorded():
    import concurrent.futures

    slow = serve(port=0, latency=0.3)
    try:
        urls = [f"http://{UTF8_TRS}/zwgk/zcjd/", f"http://{UTF8_TRS}/xwzx/gzdt/", f"http://{GBK}/"]
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            statuses = [r[0] for r in pool.map(lambda u: via_proxy(slow, u), urls)]
    finally:
        slow.stop()
    assert statuses == [200, 200, 200]
    # The two requests for one host overlapped for the 0.3 s latency; the other host saw one.
    assert slow.max_active == {UTF8_TRS: 2, GBK: 1}
    assert sorted(r["active"] for r in slow.requests if r["host"] == UTF8_TRS) == [1, 2]
