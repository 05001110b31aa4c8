"""The taxonomy is data: the Anhui file matches the seed, and a bad file fails in one line."""

import re
from pathlib import Path

import pytest

from pipeline.classify import classify
from pipeline.taxonomy import TaxonomyError, available_taxonomies, label_key, load_taxonomy

SEED = Path(__file__).parents[1] / "fixtures/seed/suixi-education-2021-disclosure-summary.txt"
SEED_CATEGORIES = [
    "政策法规", "重大决策预公开", "规划计划", "决策部署落实情况", "建议提案办理", "机构领导", "机构设置",
    "财政资金", "精准脱贫", "应急管理", "权责清单和动态调整情况", "公共服务清单和中介服务", "行政权力运行",
    "招标采购", "新闻发布", "上级政策解读", "本级政策解读", "回应关切", "监督保障", "新媒体应用",
    "政府网站工作年度报告", "国民经济和社会发展规划", "“三大”攻坚战", "重大建设项目批准和实施",
    "社会公益事业建设及重点民生领域",
]  # fmt: skip

MINIMAL = """\
name: tiny
article20: {1: 行政法规、规章和规范性文件, 7: 财政预算、决算信息}
categories:
  - {name: 政策法规, article20: [1], aliases: [规范性文件]}
  - {name: 财政资金, article20: [7], aliases: [部门预算]}
"""


def test_anhui_lists_the_seed_categories_in_order():
    assert list(load_taxonomy("anhui").names) == SEED_CATEGORIES


def test_seed_list_is_what_the_report_counts():
    listed = re.search(r"其中包括:(.*?)。", SEED.read_text(encoding="utf-8")).group(1)
    assert [re.sub(r"\d+条$", "", x) for x in listed.split(",")] == SEED_CATEGORIES


def test_every_article20_item_is_covered():
    tax = load_taxonomy("anhui")
    assert sorted(tax.article20) == list(range(1, 16))
    assert {i for c in tax.categories for i in c.article20} == set(range(1, 16))


@pytest.mark.parametrize(
    "alias,category",
    [("财政预决算", "财政资金"), ("部门预算", "财政资金"), ("人事任免", "机构领导"),
     ("政策解读", "本级政策解读"), ("招投标信息", "招标采购"), ("规范性文件", "政策法规"),
     ("三大攻坚战", "“三大”攻坚战")],
    ids=["财政预决算", "部门预算", "人事任免", "政策解读", "招投标信息", "规范性文件", "三大攻坚战"],
)  # fmt: skip
def test_real_column_names_are_aliases(alias, category):
    assert load_taxonomy("anhui").index[label_key(alias)] == category


def test_another_taxonomy_needs_no_code(tmp_path):
    path = tmp_path / "tiny.yml"
    path.write_text(MINIMAL, encoding="utf-8")
    tax = load_taxonomy(path)
    assert tax.names == ("政策法规", "财政资金")
    assert tax.unclassified == "未分类"


@pytest.mark.parametrize(
    "edit,message",
    [
        (("aliases: [部门预算]", "aliases: [部门预算, 规范性文件]"),
         "tiny.yml: category 财政资金: duplicate alias '规范性文件' (already 政策法规)"),
        (("aliases: [部门预算]", "aliases: [部门预算], colour: red"),
         "tiny.yml: category 财政资金: unknown key 'colour'"),
        (("name: tiny", "name: tiny\nprovince: 安徽"), "tiny.yml: top level: unknown key 'province'"),
        (("article20: [7]", "article20: [16]"),
         "tiny.yml: category 财政资金: article20 item 16 is not defined"),
    ],
    ids=["duplicate-alias", "unknown-category-key", "unknown-top-key", "unknown-article20-item"],
)  # fmt: skip
def test_bad_taxonomy_is_one_line_naming_file_and_entry(tmp_path, edit, message):
    path = tmp_path / "tiny.yml"
    path.write_text(MINIMAL.replace(*edit), encoding="utf-8")
    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(path)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_unknown_taxonomy_name_lists_the_available_ones():
    with pytest.raises(TaxonomyError, match="available: .*anhui"):
        load_taxonomy("atlantis")


@pytest.mark.parametrize("name", available_taxonomies())
def test_every_bundled_taxonomy_loads(name):
    assert load_taxonomy(name).name == name


def test_article20_taxonomy_is_selected_by_name_and_reuses_profile_mappings():
    tax = load_taxonomy("article20")
    assert [c.article20 for c in tax.categories] == [(i,) for i in range(1, 16)]
    document = {"title": "2021年部门预算公开", "column": "部门预算"}
    assert classify(document, taxonomy=tax)[:2] == ("财政预算决算", "column")
    # Profiles name Anhui categories; article20 knows them as aliases.
    notice = {"title": "某工程", "column": "采购公告栏"}
    assert classify(notice, {"采购公告栏": "招标采购"}, tax)[:2] == (
        "政府集中采购",
        "profile_column",
    )
