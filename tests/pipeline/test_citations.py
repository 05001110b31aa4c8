"""Who cites whom (issue 15, item 7): 文号 references found, normalised and resolved."""

from __future__ import annotations

import pytest

from pipeline.citations import find_references, normalise_doc_no
from pipeline.postcrawl.citations import citation_rows


@pytest.mark.parametrize(
    "printed",
    ["皖政〔2021〕5号", "皖政[2021]5号", "皖政［2021］5号", "皖政（2021）5号", "皖政(2021)5号",
     "皖政【2021】5号", "皖政〔2021〕第5号", "皖政〔2021〕05号", "皖政 〔2021〕 5 号"],
)  # fmt: skip
def test_printed_variants_normalise_to_one_number(printed) -> None:
    assert normalise_doc_no(printed) == "皖政〔2021〕5号"


def test_title_before_the_number_is_kept() -> None:
    text = "依据《安徽省人民政府关于进一步推进义务教育优质均衡发展的意见》（皖政〔2021〕5号）精神。"
    (ref,) = find_references(text)
    assert (ref.doc_no, ref.title, ref.raw) == (
        "皖政〔2021〕5号",
        "安徽省人民政府关于进一步推进义务教育优质均衡发展的意见",
        "皖政〔2021〕5号",
    )
    assert text[ref.position :].startswith("皖政")


@pytest.mark.parametrize(
    "text, expected",
    [("根据国办公开办函〔2021〕30号要求", "国办公开办函〔2021〕30号"),
     ("按照皖政办秘〔2020〕12号和濉教〔2021〕10号执行", "皖政办秘〔2020〕12号"),
     ("转发国办发〔2019〕60号", "国办发〔2019〕60号")],
)  # fmt: skip
def test_words_run_into_the_organ_are_not_part_of_it(text, expected) -> None:
    assert find_references(text)[0].doc_no == expected


def test_each_number_once_in_order_of_first_mention() -> None:
    text = "按濉教〔2021〕10号执行。另见《关于做好招生工作的通知》（濉教〔2021〕10号）和濉财〔2019〕55号。"
    refs = find_references(text)
    assert [r.doc_no for r in refs] == ["濉教〔2021〕10号", "濉财〔2019〕55号"]
    assert refs[0].title == "关于做好招生工作的通知"  # a later mention may bring the title


@pytest.mark.parametrize(
    "text",
    ["2021年第5号公告", "（2021）皖01民初5号判决", "电话0561-6012345号", "第三条 本办法自2021年5月1日起施行"],
    ids=["announcement", "court-case", "phone", "article"],
)  # fmt: skip
def test_things_that_are_not_document_numbers(text) -> None:
    assert find_references(text) == []


def test_rows_resolve_against_the_archive_and_skip_self_citations() -> None:
    documents = [
        {"id": 1, "doc_no": "濉教〔2021〕10号", "body": "濉教〔2021〕10号\n\n关于招生工作的通知。"},
        {
            "id": 2,
            "doc_no": "濉财[2022]40号",
            "body": "为落实濉教（2021）10号和皖政〔2021〕5号，通知如下。",
        },
        {"id": 3, "doc_no": None, "body": "见濉财〔2022〕40号。"},
    ]
    rows = {(r["document_id"], r["doc_no"]): r["cited_id"] for r in citation_rows(documents)}
    assert rows == {
        (2, "濉教〔2021〕10号"): 1,
        (2, "皖政〔2021〕5号"): None,  # not archived: kept as text
        (3, "濉财〔2022〕40号"): 2,  # the archive printed it with [] brackets
    }
