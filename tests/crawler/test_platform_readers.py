"""The pager readers of Hanweb, Kaipu and gkmlpt (crawler.platforms) on real answers and pages.

Real files are from tests/fixtures/real/platforms (sources in PLATFORMS.md there); the expected
links are the ones written in their .expected.json by reading the files.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from crawler.platforms import discover
from crawler.platforms.gkmlpt import config_tree, leaf_columns
from crawler.platforms.hanweb import pager_form

REAL = Path(__file__).resolve().parents[1] / "fixtures/real/platforms"


def real(name: str) -> tuple[str, dict]:
    stem = name.rsplit(".", 1)[0]
    expected = json.loads((REAL / f"{stem}.expected.json").read_text(encoding="utf-8"))
    return (REAL / name).read_text(encoding="utf-8"), expected


# --- Hanweb ---------------------------------------------------------------------------

HANWEB_DATAPROXY = "https://gxt.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=75&perpage=25"
HANWEB = {"platform": "hanweb", "allowed_domains": ["gxt.jiangsu.gov.cn"]}
# A column page as the public material shows it: the datastore's <nextgroup> link (quoted from
# www.jiangsu.gov.cn col33718 in a public test) and the jpage call with the values the browser
# capture of gxt.jiangsu.gov.cn col89736 sent (webid 23, unitid 405463, sourceContentType 9).
HANWEB_COLUMN = """<html><body><div id="405463"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=23&path=/&columnid=89736&unitid=405463&webname=江苏省工业和信息化厅&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a target="_blank" href="/art/2025/10/29/art_80179_11664839.html" title="t">t</a><b>2025-10-29</b></li>]]></record>
<record><![CDATA[<li><a target="_blank" href="/art/2025/8/14/art_80179_11623340.html" title="u">u</a><b>2025-08-14</b></li>]]></record>
</recordset></datastore></script></div>
<script>$(function(){$('#405463').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp',perPage:25,groupSize:3,totalRecord:756,openCookies:true,barPosition:'bottom',ajaxParam:{col:1,appid:1,webid:23,path:'/',columnid:89736,sourceContentType:9,unitid:'405463',webname:'江苏省工业和信息化厅',permissiontype:0}});});</script>
</body></html>"""
HANWEB_COLUMN_URL = "https://gxt.jiangsu.gov.cn/col/col89736/index.html"


def test_hanweb_pager_answer_gives_every_record():
    text, expected = real("hanweb-gxt-jiangsu-dataproxy.xml")
    found = discover(text, HANWEB_DATAPROXY, HANWEB, column="政策文件")
    urls = [url for url, _ in found.detail_urls]
    assert urls[:10] == expected["detail_links"]
    assert len(urls) == 76 and {c for _, c in found.detail_urls} == {"政策文件"}
    assert found.error is None and found.requests == []


@pytest.mark.parametrize(
    "answer",
    [
        "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        "",
        '{"error": "not xml"}',
    ],
    ids=["html-error-page", "empty", "json"],
)
def test_hanweb_pager_answer_that_is_not_a_datastore_keeps_an_error(answer):
    found = discover(answer, HANWEB_DATAPROXY, HANWEB)
    assert found.detail_urls == [] and found.error.startswith(
        "Hanweb pager answer is not a <datastore>"
    )


def test_hanweb_column_page_gives_its_rows_and_the_pager_posts():
    found = discover(HANWEB_COLUMN, HANWEB_COLUMN_URL, HANWEB)
    assert [u for u, _ in found.detail_urls] == [
        "https://gxt.jiangsu.gov.cn/art/2025/10/29/art_80179_11664839.html",
        "https://gxt.jiangsu.gov.cn/art/2025/8/14/art_80179_11623340.html",
    ]
    # 756 rows, 25 a page, 3 pages a call: 1-75, 76-150, … 751-756.
    assert len(found.requests) == 11
    first, last = found.requests[0], found.requests[-1]
    assert (
        first.url
        == "https://gxt.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=75&perpage=25"
    )
    assert last.url.endswith("startrecord=751&endrecord=756&perpage=25")
    assert first.method == "POST" and dict(first.headers) == {"X-Requested-With": "XMLHttpRequest"}
    assert first.form == (
        ("col", "1"), ("appid", "1"), ("webid", "23"), ("path", "/"), ("columnid", "89736"),
        ("sourceContentType", "9"), ("unitid", "405463"), ("webname", "江苏省工业和信息化厅"),
        ("permissiontype", "0"),
    )  # fmt: skip


def test_hanweb_pager_claiming_ten_thousand_pages_stops_at_max_pages():
    page = HANWEB_COLUMN.replace("totalRecord:756", "totalRecord:250000")
    found = discover(page, HANWEB_COLUMN_URL, {**HANWEB, "pagination": {"max_pages": 6}})
    assert [r.url.split("?")[1] for r in found.requests] == [
        "startrecord=1&endrecord=75&perpage=25",
        "startrecord=76&endrecord=150&perpage=25",
    ]
    assert found.capped == [
        f"Hanweb pager of {HANWEB_COLUMN_URL}: 10000 pages claimed, 6 taken (max_pages)"
    ]


def test_hanweb_form_values_come_from_the_page_then_the_profile():
    nextgroup_only = HANWEB_COLUMN.split("<script>$(function")[0]
    form, endpoint = pager_form(nextgroup_only, HANWEB_COLUMN_URL, {"source_content_type": 9})
    assert endpoint == "https://gxt.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp"
    assert (form["webid"], form["columnid"], form["unitid"]) == ("23", "89736", "405463")
    assert form["sourceContentType"] == "9"  # the page does not say it here: the profile does
    assert pager_form(nextgroup_only, HANWEB_COLUMN_URL, {})[0]["sourceContentType"] == "1"


def test_hanweb_column_page_without_pager_values_keeps_its_rows_and_says_why():
    page = HANWEB_COLUMN.replace("<nextgroup>", "<x>").replace("ajaxParam", "other")
    found = discover(page, HANWEB_COLUMN_URL, HANWEB)
    assert len(found.detail_urls) == 2 and found.requests == []
    assert "not the pager's webid, columnid, unitid" in found.error


# --- Kaipu ----------------------------------------------------------------------------

GANSU_URL = "https://jyt.gansu.gov.cn/jyt/c110634/zwgklist.shtml"
KAIPU = {"platform": "kaipu", "allowed_domains": ["jyt.gansu.gov.cn"], "start_urls": [GANSU_URL]}


def test_kaipu_list_parked_in_a_comment_is_read_with_its_pager():
    text, expected = real("kaipu-jyt-gansu-list.html")
    found = discover(text, GANSU_URL, KAIPU)
    assert [u for u, _ in found.detail_urls][:10] == expected["detail_links"]
    assert len(found.detail_urls) == 20 and found.column == "文件通知"
    # createPageHTML('page_div',10, 1,'zwgklist','shtml',200): pages 2..10, nothing else.
    assert found.list_urls == [
        f"https://jyt.gansu.gov.cn/jyt/c110634/zwgklist_{n}.shtml" for n in range(2, 11)
    ]


def test_kaipu_pager_is_cut_at_max_pages_and_not_expanded_from_later_pages():
    text, _ = real("kaipu-jyt-gansu-list.html")
    capped = discover(text, GANSU_URL, {**KAIPU, "pagination": {"max_pages": 3}})
    assert [u.rsplit("/", 1)[1] for u in capped.list_urls] == [
        "zwgklist_2.shtml",
        "zwgklist_3.shtml",
    ]
    assert capped.capped
    later = text.replace("createPageHTML('page_div',10, 1,", "createPageHTML('page_div',10, 2,")
    second = "https://jyt.gansu.gov.cn/jyt/c110634/zwgklist_2.shtml"
    assert discover(later, second, KAIPU).list_urls == []


# --- gkmlpt ---------------------------------------------------------------------------

ZQ_API = "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/api/all/21023?page=1&sid=758019"
GKMLPT = {"platform": "gkmlpt", "allowed_domains": ["www.zhaoqing.gov.cn"]}
# The index page's _CONFIG as a public crawler reads it (SID: '…', TREE: [...], SERVICE_AREA_ID).
INDEX = """<html><body><div id="app"></div><script>
window._CONFIG = {SID: '758019', TREE: [{"id":21022,"name":"建设项目环境影响评价信息","parent":0,
"children":[{"id":21023,"name":"受理公告","parent":21022},{"id":21024,"name":"审批公告","parent":21022},
{"id":21030,"name":"外链","parent":21022,"jump_url":"http://x/"}]},{"id":5,"name":"其他","parent":0}],
SERVICE_AREA_ID: 1};</script><script src="/gkmlpt/static/js/app.js"></script></body></html>"""
INDEX_URL = "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/index"


def test_gkmlpt_api_answer_gives_articles_and_the_other_pages():
    text, expected = real("gkmlpt-zhaoqing-hjj-api.json")
    found = discover(text, ZQ_API, {**GKMLPT, "pagination": {"max_pages": 5}})
    assert [u for u, _ in found.detail_urls] == expected["detail_links"]
    assert found.column == "受理公告"
    # post_count 203 in pages of 2 (the fixture is trimmed): 102 pages, cut at 5.
    assert [dict(parse_qsl(urlsplit(u).query))["page"] for u in found.fragment_urls] == [
        "2",
        "3",
        "4",
        "5",
    ]
    assert found.capped == ["gkmlpt column 21023: 102 pages claimed, 5 taken (max_pages)"]
    later = discover(text, ZQ_API.replace("page=1", "page=2"), GKMLPT)
    assert later.fragment_urls == [] and len(later.detail_urls) == 2


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("<html><body>系统繁忙</body></html>", "gkmlpt API answer is not JSON"),
        ('{"classify": {"id": 1', "gkmlpt API answer is not JSON"),
        ('{"data": []}', "gkmlpt API answer has no 'articles' list"),
        ("<script>alert('请输入验证码');</script>", "gkmlpt API answer is not JSON"),
    ],
    ids=["html", "truncated-json", "other-json", "captcha-alert"],
)
def test_gkmlpt_api_answer_that_cannot_be_read_keeps_an_error(answer, error):
    found = discover(answer, ZQ_API, GKMLPT)
    assert found.error.startswith(error) and found.detail_urls == [] and found.fragment_urls == []


def test_gkmlpt_api_without_a_count_is_followed_page_by_page_until_max_pages():
    answer = json.dumps(
        {
            "articles": [
                {"url": "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/content/3/3255/post_3255421.html"}
            ]
        }
    )
    found = discover(answer, ZQ_API, GKMLPT)
    assert found.fragment_urls == [ZQ_API.replace("page=1", "page=2")]
    last = discover(answer, ZQ_API.replace("page=1", "page=200"), GKMLPT)
    assert last.fragment_urls == [] and last.capped
    assert discover('{"articles": []}', ZQ_API, GKMLPT).fragment_urls == []


def test_gkmlpt_index_page_asks_the_api_for_every_leaf_column():
    found = discover(INDEX, INDEX_URL, GKMLPT)
    assert found.fragment_urls == [
        "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/api/all/21023?page=1&sid=758019",
        "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/api/all/21024?page=1&sid=758019",
        "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/api/all/5?page=1&sid=758019",
    ]
    assert found.detail_urls == [] and found.error is None


def test_gkmlpt_columns_from_the_start_url_or_the_profile():
    tree = config_tree(INDEX)
    assert leaf_columns(tree, [21022]) == [21023, 21024]
    start = {**GKMLPT, "start_urls": [INDEX_URL + "#21024"]}
    assert [
        u.split("?")[0].rsplit("/", 1)[1] for u in discover(INDEX, INDEX_URL, start).fragment_urls
    ] == ["21024"]
    chosen = {**GKMLPT, "gkmlpt": {"columns": [5]}}
    assert len(discover(INDEX, INDEX_URL, chosen).fragment_urls) == 1


def test_gkmlpt_index_page_without_sid_uses_the_profile_or_says_why():
    page = INDEX.replace("SID: '758019', ", "")
    assert "no SID" in discover(page, INDEX_URL, GKMLPT).error
    found = discover(page, INDEX_URL, {**GKMLPT, "gkmlpt": {"sid": 758019}})
    assert found.error is None and all(u.endswith("sid=758019") for u in found.fragment_urls)
