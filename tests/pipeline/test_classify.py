"""The classification cascade: label, column, breadcrumb, profile mapping, keywords, 未分类."""

from pathlib import Path

import pytest

from crawler.profile import find_profile
from pipeline.classify import classify, classify_fields
from pipeline.encoding import decode_html
from pipeline.extract import extract
from pipeline.taxonomy import TaxonomyError

SEED = Path(__file__).parents[1] / "fixtures/seed/suixi-education-2021-disclosure-summary.txt"

# id -> (document, profile columns, expected (category, source, raw_label))
CASES = {
    "own-label-wins": (
        {"title": "关于2021年招生工作的通知", "category_label": "财政预决算", "column": "通知公告",
         "breadcrumb": ["首页", "招生考试"]},
        {}, ("财政资金", "label", "财政预决算")),
    "column-label": (
        {"title": "关于XX同志任职的通知", "column": "人事任免"}, {},
        ("机构领导", "column", "人事任免")),
    "breadcrumb-deepest-first": (
        {"title": "2021年部门预算", "breadcrumb": ["首页", "信息公开", "财政资金", "部门预算"]}, {},
        ("财政资金", "breadcrumb", "部门预算")),
    "breadcrumb-skips-own-title": (
        {"title": "规范性文件", "breadcrumb": ["首页", "招投标信息", "规范性文件"]}, {},
        ("招标采购", "breadcrumb", "招投标信息")),
    "label-with-path": (
        {"title": "x", "category_label": "政策法规/规范性文件"}, {},
        ("政策法规", "label", "政策法规/规范性文件")),
    "label-containing-alias": (
        {"title": "x", "category_label": "2021年部门预决算公开"}, {},
        ("财政资金", "label", "2021年部门预决算公开")),
    "profile-column-mapping": (
        {"title": "关于开展校园安全检查的通知", "column": "通知公告"}, {"通知公告": "应急管理"},
        ("应急管理", "profile_column", "通知公告")),
    "unknown-label-falls-through": (
        {"title": "濉溪中学南校区建设项目竣工验收", "category_label": "教育"}, {},
        ("重大建设项目批准和实施", "title_keyword", "建设项目")),
    "title-keyword-longest-wins": (
        {"title": "2021年部门决算公开说明"}, {}, ("财政资金", "title_keyword", "部门决算")),
    "interpretation-defaults-to-this-level": (
        {"title": "《濉溪县学生资助办法》政策解读", "column": "政策解读"}, {},
        ("本级政策解读", "column", "政策解读")),
    "interpretation-of-higher-authority": (
        {"title": "解读《安徽省学生资助办法》", "column": "政策解读"}, {},
        ("上级政策解读", "column", "政策解读")),
    "exact-本级-label-is-kept": (
        {"title": "解读《安徽省学生资助办法》", "category_label": "本级政策解读"}, {},
        ("本级政策解读", "label", "本级政策解读")),
    "genre-rule-before-topics": (
        {"title": "关于进一步加强政府采购工作的意见", "column": "通知公告"}, {},
        ("政策法规", "title_genre", "意见")),
    "keyword-before-genre-rule": (
        {"title": "关于张三同志职务任免的通知"}, {}, ("机构领导", "title_keyword", "任免")),
    "topic-when-no-genre": (
        {"title": "2023年校园安全工作情况"}, {},
        ("社会公益事业建设及重点民生领域", "title_topic", "校园安全")),
    "body-keywords-clear-winner": (
        {"title": "公告", "body": "本项目采购预算。采购方式:询价。成交供应商。成交金额。"}, {},
        ("招标采购", "body_keyword", "采购")),
}  # fmt: skip


@pytest.mark.parametrize("document,columns,expected", CASES.values(), ids=list(CASES))
def test_cascade(document, columns, expected):
    assert classify(document, columns)[:3] == expected


def test_seed_gets_a_category_with_its_source():
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    fields = classify_fields({"title": title, "body": body, "breadcrumb": []})
    assert fields == {
        "category": "监督保障",
        "category_source": "title_keyword",
        "category_raw": "政务公开工作",
        "category_reason": "title contains keyword",
        "genre": "总结",
    }


def test_unmatched_document_is_kept_as_未分类_with_a_reason():
    result = classify({"title": "濉溪县教育局", "category_label": "其他", "body": "你好"})
    assert result.category == "未分类"
    assert result.source == "unclassified"
    # 其他 is a generic column (issue 12): it decides nothing, and the reason says so.
    assert "label '其他' says nothing about the subject" in result.reason


def test_outside_catalogue_label_decides_nothing_and_is_recorded():
    result = classify({"title": "2021年政府信息公开工作年度报告", "column": "政府信息公开年报"})
    assert result[:3] == ("监督保障", "title_keyword", "信息公开工作")
    assert "column '政府信息公开年报' is outside the" in result.reason


def test_outside_catalogue_label_alone_is_未分类_with_the_reason():
    result = classify({"title": "2021年年报", "column": "政府信息公开年报"})
    assert result.category == "未分类"
    assert "column '政府信息公开年报' is outside the" in result.reason


def test_ambiguous_body_is_not_guessed():
    body = "招生 招生 招生 学校 审计 审计 审计"
    result = classify({"title": "x", "body": body})
    assert result.category == "未分类"
    assert "body keywords ambiguous" in result.reason


def test_profile_mapping_to_unknown_category_is_a_config_error():
    with pytest.raises(TaxonomyError, match="column '通知公告' maps to '通知'"):
        classify({"title": "x", "column": "通知公告"}, {"通知公告": "通知"})


def test_seed_page_as_served_by_the_sample_site_gets_a_category_with_its_source():
    url = "http://www.sxx.sample.test/zwgk/public/37/62710901.html"
    html = Path(__file__).parents[2] / "crawler/samplesites/sites/www.sxx.sample.test"
    html = (html / "zwgk/public/37/62710901.html").read_bytes()
    document = extract(decode_html(html, None, None).text, url)
    result = classify(document, find_profile("sample-suixi-jyj").columns)
    assert result[:3] == ("监督保障", "title_keyword", "政务公开工作")
    assert "'政府信息公开年报' is outside the" in result.reason


# Issue 12: filing that holds on real sites.


def test_generic_crumbs_never_decide():
    result = classify({"title": "某某事项", "breadcrumb": ["首页", "政务公开", "信息公开"]})
    assert result.category == "未分类"
    assert "'信息公开/政务公开/首页' says nothing about the subject" in result.reason


def test_breadcrumb_arriving_as_one_string_is_split():
    result = classify({"title": "某某事项", "breadcrumb": ["首页 政务公开 政府信息公开 部门预算"]})
    assert (result.category, result.source, result.raw_label) == (
        "财政资金",
        "breadcrumb",
        "部门预算",
    )


def test_a_catch_all_column_yields_to_the_titles_genre():
    result = classify({"title": "关于鹰潭港总体规划的批复", "column": "工作动态"})
    assert (result.category, result.source) == ("规划计划", "title_keyword")
    assert "'工作动态' is a catch-all column" in result.reason
    news = classify({"title": "县长调研春耕生产", "column": "工作动态"})
    assert (news.category, news.source) == ("新闻发布", "column")


def test_a_newspaper_source_is_news():
    result = classify({"title": "下六甲灌区工程重要节点全面开工", "agency": "广西日报"})
    assert (result.category, result.source) == ("新闻发布", "source")


def test_a_subject_classification_is_not_a_column():
    result = classify(
        {
            "title": "国务院办公厅关于推进政务新媒体健康有序发展的意见",
            "category_label": "综合政务\\政务公开",
        }
    )
    assert result.category != "监督保障"
    assert "is a 主题分类 subject" in result.reason


def test_the_agencys_own_level_is_no_higher_authority():
    own = {"title": "《江西省市场监管局关于…的实施意见》解读", "agency": "江西省市场监督管理局"}
    assert classify({**own, "column": "解读材料"}).category == "本级政策解读"
    county = {**own, "agency": "濉溪县市场监督管理局", "column": "解读材料"}
    assert classify(county).category == "上级政策解读"


def test_a_quoted_document_name_does_not_hide_the_titles_keyword():
    result = classify(
        {"title": "关于征求《“一照含证”改革工作方案》意见的公告", "column": "工作动态"}
    )
    assert (result.category, result.raw_label) == ("重大决策预公开", "征求意见")


@pytest.mark.parametrize("column", ["镇街动态", "基层党建动态", "教育新闻", "行业传真", "区县热点"])
def test_a_news_column_is_known_by_its_ending(column):
    result = classify({"title": "某街道开展书法交流活动", "column": column})
    assert (result.category, result.source) == ("新闻发布", "column")
    assert result.reason.startswith("column suffix match")
