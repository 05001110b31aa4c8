"""Labels however they are typeset, dates as printed, titles from the page's heading (issue 12)."""

import pytest

from pipeline.extract import extract


def page(body: str, head: str = "<title>关于做好防汛工作的通知</title>") -> dict:
    return extract(f"<html><head>{head}</head><body>{body}</body></html>", "http://a.test/x.html")


@pytest.mark.parametrize(
    "label",
    [
        '索<span style="padding-left:.5em"></span>引<span style="padding-left:.5em"></span>号：',
        "<span>索</span><span>引</span>号：",
        "索\u3000引\u3000号：",
        "索&nbsp;引&nbsp;号:",
        "<b>索 引 号</b>：",
    ],
    ids=["lonsun-spans", "saic-spans", "ideographic-space", "nbsp-halfwidth-colon", "bold"],
)
def test_index_number_whatever_the_typesetting(label):
    record = page(f"<table><tr><th>{label}</th><td>K16185922-201704-00036</td></tr></table>")
    assert record["index_no"] == "K16185922-201704-00036"


def test_label_row_above_value_row():
    record = page(
        "<table><tr><th>索引号</th><th>发布机构</th><th>文号</th><th>有效性</th><th>主题分类</th></tr>"
        "<tr><td>0001/2021-01</td><td>某县水利局</td><td>某水〔2021〕3号</td><td>有效</td>"
        "<td>农业、林业、水利</td></tr></table><div><p>各乡镇：做好防汛。</p></div>"
    )
    assert (record["index_no"], record["agency"], record["doc_no"]) == (
        "0001/2021-01",
        "某县水利局",
        "某水〔2021〕3号",
    )
    assert (record["validity"], record["category_label"]) == ("有效", "农业、林业、水利")


def test_empty_value_cell_beside_its_label_is_missing_not_the_cell_below():
    record = page(
        "<table><tr><th>文号：</th><td>&nbsp;</td><th>有效性：</th><td>有效</td></tr>"
        "<tr><th>语种：</th><td>中文</td><th>索引号：</th><td>A-1</td></tr></table>"
    )
    assert record["doc_no"] is None and record["index_no"] == "A-1"


def test_printed_date_beats_meta_and_the_meta_value_is_kept_in_a_warning():
    record = page(
        "<h1>关于做好防汛工作的通知</h1><p>发布时间：2021-04-07</p><div><p>各乡镇：做好防汛。</p></div>",
        head='<title>关于做好防汛工作的通知</title><meta name="PubDate" content="2021-04-09 10:21">',
    )
    assert record["published_at"] == "2021-04-07"
    assert record["sources"]["published_at"] == "table"  # a 发布时间： label line
    assert "published_at: table says 2021-04-07, meta says 2021-04-09 10:21" in record["warnings"]


def test_meta_adds_the_time_to_the_same_printed_day():
    record = page(
        "<p>日期：2021-07-13</p><div><p>正文。</p></div>",
        head='<title>通知</title><meta name="PubDate" content="2021-07-13 10:11">',
    )
    assert record["published_at"] == "2021-07-13 10:11"


@pytest.mark.parametrize("label", ["生成日期", "成文日期", "发文日期", "印发日期"])
def test_written_date_labels(label):
    record = page(f"<table><tr><th>{label}：</th><td>2017-04-12</td></tr></table><p>正文。</p>")
    assert record["written_at"] == "2017-04-12"
    assert record["published_at"] is None


def test_unlabelled_printed_date_container():
    record = page(
        '<h2>成交公告</h2><p><span id="pubTime">2021年06月10日 17:35</span></p><p>正文</p>'
    )
    assert record["published_at"] == "2021-06-10 17:35"


def test_column_and_site_title_gives_way_to_the_heading():
    record = page(
        '<div class="xxgk_title">重庆文旅之窗成功首秀</div><div id="zoom"><p>正文。</p></div>',
        head="<title>工作动态_重庆市文化和旅游发展委员会</title>",
    )
    assert record["title"] == "重庆文旅之窗成功首秀"


def test_site_name_at_the_start_of_a_title_without_separator_is_kept():
    record = page(
        "<p>正文。</p>",
        head='<meta name="SiteName" content="江西省人民政府">'
        '<meta name="ArticleTitle" content="江西省人民政府办公厅关于印发方案的通知">',
    )
    assert record["title"] == "江西省人民政府办公厅关于印发方案的通知"


def test_nothing_found_is_null_with_warnings_naming_what_is_missing():
    record = extract(
        "<html><body><div><p>各单位：请自查。</p></div></body></html>", "http://a.test/"
    )
    assert record["title"] is None and record["published_at"] is None
    assert "no title found" in record["warnings"]
    assert "no publication date (发布日期/发布时间) found" in record["warnings"]


def test_attachment_named_by_its_link_text():
    record = page(
        '<div id="zoom"><p>附件下载：<a href="/Read.aspx?AttachID=7a00">补充公告.docx</a></p></div>'
    )
    assert record["attachments"] == [
        {"url": "http://a.test/Read.aspx?AttachID=7a00", "name": "补充公告.docx"}
    ]


def test_breadcrumb_separated_only_by_spaces():
    record = page(
        '<div class="position">当前位置：首页 政务公开 部门预算</div><div id="zoom"><p>正文</p></div>'
    )
    assert record["breadcrumb"] == ["首页", "政务公开", "部门预算"]
    assert record["column"] == "部门预算"


def test_table_rows_stay_rows_and_cells_keep_reading_order():
    record = page(
        '<div id="zoom"><p>成交结果如下：</p><table>'
        "<tr><td><p>序号</p></td><td><p>供应商</p></td><td><p>金额</p><p>(万元)</p></td></tr>"
        "<tr><td>1</td><td><p>湖南东晖耀建设有限公司</p></td><td>294.8</td></tr>"
        "</table></div>"
    )
    assert (
        record["body"]
        == "成交结果如下：\n\n序号 供应商 金额 (万元)\n\n1 湖南东晖耀建设有限公司 294.8"
    )


def test_a_layout_table_keeps_its_paragraphs():
    record = page('<table><tr><td id="zoom"><p>第一段。</p><p>第二段。</p></td></tr></table>')
    assert record["body"] == "第一段。\n\n第二段。"


def test_a_body_that_repeats_the_title_over_two_lines_starts_after_it():
    record = page(
        '<h1>绿化养护服务采购项目预中标结果公示</h1><div id="zoom"><p><strong>绿化养护服务采购项目</strong></p>'
        "<p><strong>预中标结果公示</strong></p><p>一、项目名称：绿化养护。</p></div>",
        head="<title>绿化养护服务采购项目预中标结果公示</title>",
    )
    assert record["body"] == "一、项目名称：绿化养护。"


def test_header_row_in_thead_with_an_unlabelled_header_word():
    record = page(
        "<table><thead><tr><td>索取号</td><td>发布时间</td><td>发布机构</td><td>文件编号</td>"
        "<td>备注</td></tr></thead><tbody><tr><td>076478684Q/2024-00112</td><td></td>"
        "<td>上海市卫生健康委员会</td><td>沪卫基层〔2024〕5号</td><td></td></tr></tbody></table>"
    )
    assert (record["index_no"], record["agency"], record["doc_no"]) == (
        "076478684Q/2024-00112",
        "上海市卫生健康委员会",
        "沪卫基层〔2024〕5号",
    )


def test_unlabelled_date_line_under_the_title_beats_meta():
    record = page(
        "<h1>绵阳开展服务企业活动月系列活动</h1><p>2020年09月15日 09时32分</p><p>来源: 绵阳市政务网</p>"
        "<div id='zoom'><p>正文。</p></div>",
        head="<title>绵阳开展服务企业活动月系列活动</title>"
        '<meta name="PubDate" content="2022-10-14 10:16:14">',
    )
    assert record["published_at"] == "2020-09-15 09:32"
    assert record["agency"] == "绵阳市政务网"


def test_a_signature_date_far_below_the_title_is_not_the_publication_date():
    filler = "<p>" + "正文内容。" * 60 + "</p>"
    record = page(
        f"<h1>食品安全监督抽检信息通告</h1><div id='zoom'>{filler}<p>2020年3月11日</p></div>"
        "<p>来源：江西省市场监督管理局</p>",
        head="<title>食品安全监督抽检信息通告</title><meta name='PubDate' content='2020-03-12 16:43'>",
    )
    assert record["published_at"] == "2020-03-12 16:43"


def test_ratio_colon_and_the_finer_of_two_date_metas():
    record = page(
        "<p>正文。</p>",
        head='<meta name="publishdate" content="2024-06-13"><meta name="PubDate" content="2024-06-13 14:54">'
        '<meta name="ArticleTitle" content="某通知">',
    )
    assert record["published_at"] == "2024-06-13 14:54"
    assert (
        page("<p>正文。</p>", head='<meta name="PubDate" content="2023-08-19 10∶08">')[
            "published_at"
        ]
        == "2023-08-19 10:08"
    )


@pytest.mark.parametrize(
    ("line", "agency"),
    [
        ("来源：北京市教育委员会 分享： X", "北京市教育委员会"),
        ("来源：采育镇 日期：2024-09-27 15:28", "采育镇"),
        ("信息来源: 发布日期：2024-07-05 13:57", None),
    ],
)
def test_an_agency_stops_at_the_next_label_and_an_empty_one_stays_empty(line, agency):
    record = page(f"<h1>县人大常委会召开会议</h1><p>{line}</p><div id='zoom'><p>正文。</p></div>")
    assert record["agency"] == agency


@pytest.mark.parametrize(
    ("box", "title"),
    [
        (
            "关于开展世界家庭医生日主题宣传活动的通知 ( 2024-05-11)",
            "关于开展世界家庭医生日主题宣传活动的通知",
        ),
        (
            "第十届出版传媒论坛在沪召开 2023-08-19 来源：解放日报 字号： 大 中 小",
            "第十届出版传媒论坛在沪召开",
        ),
        (
            "供需对接活动在成都举行 &lt;br&gt;现场发布供需清单",
            "供需对接活动在成都举行 现场发布供需清单",
        ),
    ],
    ids=["date-in-brackets", "info-line", "escaped-br"],
)
def test_title_box_keeps_the_title_only(box, title):
    record = page(f'<div class="xxgk_title">{box}</div><div id="zoom"><p>正文。</p></div>', head="")
    assert record["title"] == title


def test_a_title_classed_element_when_title_names_only_column_and_site():
    record = page(
        '<div class="zwxl-title"><p class="tit">重庆文旅之窗成功首秀</p></div>'
        '<div class="related-title">相关稿件：</div><div id="zoom"><p>正文。</p></div>',
        head="<title>工作动态_重庆市文化和旅游发展委员会</title>",
    )
    assert (record["title"], record["sources"]["title"]) == ("重庆文旅之窗成功首秀", "heading")
