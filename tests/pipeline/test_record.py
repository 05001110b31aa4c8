"""pipeline.record: an extraction dict becomes exactly the documents row the archive stores."""

from __future__ import annotations

from archive.rows import DOCUMENT_FIELDS
from pipeline.classify import classify_fields
from pipeline.record import content_hash, document_row

PAGE = {
    "url": "http://www.sxx.sample.test/zwgk/public/37/1.html",
    "title": "濉溪县教育局2021年招生工作方案",
    "body": "为做好2021年义务教育阶段招生工作……" * 10,
    "published_at": "2021-05-06",
    "keywords": ["招生", "义务教育"],
    "breadcrumb": ["首页", "信息公开", "招生考试"],
    "attachments": [{"url": "http://www.sxx.sample.test/u/f/方案.PDF?v=2", "name": "方案"}],
    "sources": {"title": "meta"},
}


def test_row_has_every_documents_column():
    row = document_row(PAGE, "sample-suixi-jyj")
    assert set(DOCUMENT_FIELDS) <= set(row)


def test_profile_agency_fills_in_and_says_so():
    row = document_row(PAGE, "sample-suixi-jyj", agency="濉溪县教育局")
    assert (row["agency"], row["field_sources"]) == (
        "濉溪县教育局",
        '{"agency": "profile", "title": "meta"}',
    )
    own = document_row({**PAGE, "agency": "濉溪县人民政府"}, "s", agency="濉溪县教育局")
    assert own["agency"] == "濉溪县人民政府"


def test_lists_are_kept_whole_as_json_and_attachments_get_their_extension():
    row = document_row(PAGE, "sample-suixi-jyj")
    assert row["keywords"] == '["招生", "义务教育"]'
    assert row["breadcrumb"] == '["首页", "信息公开", "招生考试"]'
    assert row["attachment_rows"] == [
        {"url": PAGE["attachments"][0]["url"], "name": "方案", "ext": "pdf"}
    ]


def test_unclassified_page_is_classified_here_with_the_profiles_columns():
    row = document_row(PAGE, "sample-suixi-jyj")
    assert {k: row[k] for k in classify_fields(PAGE)} == classify_fields(PAGE)
    assert row["category"] is not None
    page = {**PAGE, "column": "领导活动专辑", "breadcrumb": None}
    mapped = document_row(page, "s", columns={"领导活动专辑": "回应关切"})
    assert (mapped["category"], mapped["category_source"]) == ("回应关切", "profile_column")


def test_a_classified_document_is_not_classified_again():
    given = {"category": "政策文件", "category_source": "label", "category_raw": "政策文件",
             "category_reason": "label", "genre": None}  # fmt: skip
    row = document_row({**PAGE, **given}, "s")
    assert {k: row[k] for k in given} == given


def test_keys_identify_the_text():
    row = document_row(PAGE, "s")
    assert (
        row["content_sha256"]
        == document_row({**PAGE, "url": "http://x.test/2"}, "s")["content_sha256"]
    )
    assert row["dedupe_key"] is not None
    assert document_row({**PAGE, "body": "详见附件。"}, "s")["dedupe_key"] is None


def test_whitespace_change_is_not_an_update():
    assert content_hash("标题", "第一段\n\n第二段") == content_hash(" 标题", "第一段 第二段 ")
    assert content_hash("标题", "第一段") != content_hash("标题", "第二段")


def test_validity_change_is_an_update():
    before = document_row({**PAGE, "validity": "有效"}, "s")["content_sha256"]
    assert document_row({**PAGE, "validity": "失效"}, "s")["content_sha256"] != before
