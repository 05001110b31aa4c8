"""The cascade's building blocks: dates, boilerplate, label/value layouts, precedence."""

import pytest

from pipeline.dates import parse_date
from pipeline.extract import ExtractionError, extract
from pipeline.text import is_boilerplate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布时间:2022-02-22 08:23文字大小", "2022-02-22 08:23"),
        ("2021年3月5日", "2021-03-05"),
        ("2018-12-29-11:24:11", "2018-12-29 11:24"),
        ("2019/8/12", "2019-08-12"),
        ("20220222", "2022-02-22"),
        ("2021-02-30", None),
        ("无", None),
        (None, None),
    ],
)
def test_parse_date_keeps_wall_time_and_rejects_impossible_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "chrome",
    [
        "扫一扫在手机打开当前页",
        "【打印本页】",
        "【关闭窗口】",
        "分享到：",
        "上一篇：关于某事的通知",
        "文字大小:[ 大 中 小 ]背景色:",
        "【字体：大 中 小】",
        "冀ICP备05029117号-1",
        "【打印】 【关闭】",
        "[打印本页] [关闭窗口] [返回顶部]",
        "打印本页 | 关闭窗口",
        "【我要纠错】 责任编辑：王某",
        "（责任编辑：张三）",
        "视力保护色：",
    ],
)
def test_chrome_paragraphs_are_boilerplate(chrome):
    assert is_boilerplate(chrome)


@pytest.mark.parametrize(
    "content",
    [
        "各单位要做好打印机等设备的安全检查。",
        "请于上一篇通知规定的时间内完成关闭窗口期前的报送。",
        "分享到户的补贴资金共计120万元，已全部发放到位。" * 5,
        "分享会在县文化馆举行。",
        "编辑：本报记者在现场看到，群众排起长队。",
    ],
)
def test_real_sentences_mentioning_chrome_words_are_kept(content):
    assert not is_boilerplate(content)


LAYOUTS = {
    "dl": "<dl><dt>索 引 号：</dt><dd>X-1</dd><dt>发文字号：</dt><dd>某发〔2021〕1号</dd></dl>",
    "span": "<ul><li><span>索引号：</span>X-1</li><li><span>文号：</span>某发〔2021〕1号</li></ul>",
    "one line": "<p>索引号：X-1　文号：某发〔2021〕1号　发布机构：某局</p>",
    "strong": "<p><strong>索引号</strong>：X-1</p><p><strong>文号</strong>：某发〔2021〕1号</p>",
}


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_label_value_layouts(layout):
    html = f"<html><body>{layout}<div id='zoom'><p>正文内容。</p></div></body></html>"
    record = extract(html, "http://a.test/")
    assert record["index_no"] == "X-1"
    assert record["doc_no"] == "某发〔2021〕1号"
    assert record["sources"]["index_no"] == "table"


def test_table_date_gains_the_time_from_the_text_line():
    html = (
        "<html><body><table><tr><td>发布日期：</td><td>2022-02-22</td></tr></table>"
        "<h1 class='newstitle'>标题一二三</h1><div>来源:某局发布时间:2022-02-22 08:23</div>"
        "<div class='TRS_Editor'><p>正文。</p></div></body></html>"
    )
    record = extract(html, "http://a.test/")
    assert record["published_at"] == "2022-02-22 08:23"
    assert record["sources"]["published_at"] == "text"
    assert record["agency"] == "某局"


def test_profile_selectors_come_first():
    html = "<html><head><title>站点</title></head><body><h1>错</h1><div class='x'>对的标题</div>"
    html += "<div class='y'><p>专用正文</p></div><div id='zoom'><p>通用正文</p></div></body></html>"
    record = extract(html, "http://a.test/", {"title": [".x"], "body": [".y"]})
    assert (record["title"], record["body"]) == ("对的标题", "专用正文")
    assert record["sources"]["title"] == record["sources"]["body"] == "profile"


def test_script_style_and_nbsp_never_reach_the_body():
    html = "<html><body><div id='zoom'><script>var a='脚本';</script><style>p{}</style>"
    html += "<p>&nbsp;&nbsp;第一段&nbsp;</p><p>第二段</p></div></body></html>"
    assert extract(html, "http://a.test/")["body"] == "第一段\n\n第二段"


def test_attachment_urls_are_absolute_and_named_by_link_text():
    html = "<html><body><div id='zoom'><p>见附件。</p><a href='../f/a.pdf'>附件1.pdf</a>"
    html += "<a href='/dl.jsp?filename=b.xlsx'>表格</a><a href='page.html'>不是附件</a></div></body></html>"
    record = extract(html, "http://a.test/x/y/z.html")
    assert record["attachments"] == [
        {"url": "http://a.test/x/f/a.pdf", "name": "附件1.pdf"},
        {"url": "http://a.test/dl.jsp?filename=b.xlsx", "name": "表格"},
    ]


@pytest.mark.parametrize("html", ["", "   ", "<html><head><meta charset='utf-8'>"])
def test_pages_without_title_or_body_raise(html):
    with pytest.raises(ExtractionError):
        extract(html, "http://a.test/")


@pytest.mark.parametrize(
    ("title_tag", "expected"),
    [
        ("关于印发某办法的通知_某县人民政府", "关于印发某办法的通知"),
        ("关于印发某办法的通知-某县人民政府", "关于印发某办法的通知"),
        ("某县人民政府 关于印发某办法的通知", "关于印发某办法的通知"),
        ("某县2021-2025年发展规划", "某县2021-2025年发展规划"),
        ("关于印发某办法的通知 | 某县教育局", "关于印发某办法的通知"),
    ],
)
def test_title_tag_loses_the_site_name(title_tag, expected):
    html = f"<html><head><title>{title_tag}</title></head><body><p>正文内容。</p></body></html>"
    assert extract(html, "http://a.test/")["title"] == expected


def test_written_date_is_not_taken_for_the_publication_date():
    html = "<html><head><title>关于某事的通知</title></head><body>"
    html += "<div>成文日期：2021-01-02</div><div id='zoom'><p>正文。</p></div></body></html>"
    record = extract(html, "http://a.test/")
    assert record["published_at"] is None and record["written_at"] == "2021-01-02"


@pytest.mark.parametrize(
    ("line", "agency"),
    [
        ("信息来源：市应急管理局　浏览次数：12　【字体：大 中 小】", "市应急管理局"),
        ("来源：本站　发布时间：2021-03-05", None),
    ],
)
def test_agency_stops_at_page_chrome_and_is_never_the_site_itself(line, agency):
    html = f"<html><head><title>关于某事的通知</title></head><body><div>{line}</div>"
    html += "<div id='zoom'><p>正文。</p></div></body></html>"
    assert extract(html, "http://a.test/")["agency"] == agency


def test_deeply_nested_page_keeps_its_body():
    """libxml2 stops at 256 levels unless told otherwise, silently dropping the rest."""
    paragraph = "<p>这是深层嵌套页面中的正文内容，用于测试解析器的深度限制。</p>"
    html = (
        "<html><head><title>深层嵌套</title></head><body>"
        + "<div>" * 400 + paragraph + "</div>" * 400 + "</body></html>"
    )  # fmt: skip
    assert extract(html, "http://x.gov.cn/a.html")["body"] == (
        "这是深层嵌套页面中的正文内容，用于测试解析器的深度限制。"
    )


def test_a_page_of_10000_nested_elements_is_read_without_recursion():
    # A hostile page's nesting once ended in RecursionError inside pipeline.text._walk.
    depth = 10_000
    html = ("<html><head><title>一万层嵌套</title></head><body><div class='TRS_Editor'>"
            + "<div>" * depth + "<p>第一段正文。</p><p>第二段正文。</p>" + "</div>" * depth
            + "</div></body></html>")  # fmt: skip
    record = extract(html, "http://a.gov.cn/1.html")
    assert record["title"] == "一万层嵌套"
    assert "第一段正文。" in record["body"] and "第二段正文。" in record["body"]
