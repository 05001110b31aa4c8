"""Field-level, attachment and text diffs between two versions (pipeline.diff)."""

from __future__ import annotations

from pipeline.diff import attachment_diff, field_diff, text_diff


def test_field_diff_names_only_what_changed():
    old = {"title": "通知", "validity": "现行有效", "doc_no": "濉教〔2021〕3号"}
    new = {"title": "通知", "validity": "失效", "doc_no": "濉教〔2021〕3号"}
    assert field_diff(old, new) == {"validity": {"old": "现行有效", "new": "失效"}}


def test_field_diff_of_a_value_that_appears_is_from_none():
    assert field_diff({}, {"keywords": "招生"}) == {"keywords": {"old": None, "new": "招生"}}


def test_attachment_diff_by_url_and_name():
    a = {"url": "http://x/a.pdf", "name": "附件1.pdf"}
    b = {"url": "http://x/b.xls", "name": "附件2.xls"}
    renamed = {"url": "http://x/a.pdf", "name": "附件1（更正）.pdf"}
    assert attachment_diff([a], [a]) == {}
    assert attachment_diff([a], [a, b]) == {"added": [b], "removed": []}
    assert attachment_diff([a, b], [renamed, b]) == {"added": [renamed], "removed": [a]}
    assert attachment_diff(None, [b]) == {"added": [b], "removed": []}


def test_text_diff_by_paragraph():
    old = "第一段。\n\n第二段。\n\n第三段。"
    new = "第一段。\n\n第二段已修改。\n\n第三段。"
    assert text_diff(old, new).splitlines() == [
        "--- before", "+++ after", "@@ -1,3 +1,3 @@",
        " 第一段。", "-第二段。", "+第二段已修改。", " 第三段。",
    ]  # fmt: skip
    assert text_diff(old, old) == ""
