"""archive.snippet: readable snippets cut from the real text, matching what the index matches."""

import pytest

from archive.snippet import highlight, query_pieces, snippet


def marked(segments) -> str:
    return "".join(f"[{text}]" if hit else text for text, hit in segments)


@pytest.mark.parametrize(
    ("q", "pieces"),
    [("义务教育招生", ["义务教育招生"]), ("教育 招生", ["教育", "招生"]),
     ("政务，公开", ["政务", "公开"]), ("ＡＢＣ２０２１", ["abc2021"]), ("，。！", [])],
    ids=["phrase", "two-terms", "punctuation-splits", "full-width", "punctuation-only"],
)  # fmt: skip
def test_query_pieces(q, pieces):
    assert query_pieces(q) == pieces


def test_snippet_is_a_window_around_the_match():
    text = "甲" * 200 + "义务教育招生" + "乙" * 200
    out = marked(snippet(text, ["义务教育招生"], width=40))
    assert out.startswith("…") and out.endswith("…")
    assert "[义务教育招生]" in out and len(out) < 60


def test_snippet_prefers_the_window_with_most_terms():
    text = "招生" + "丙" * 300 + "教育与招生" + "丁" * 300
    assert "[教育]与[招生]" in marked(snippet(text, ["教育", "招生"], width=40))


def test_full_width_text_matches_half_width_query_at_the_right_place():
    assert (
        marked(highlight("年度ＡＢＣ２０２１报告", query_pieces("abc2021")))
        == "年度[ＡＢＣ２０２１]报告"
    )


def test_no_match_gives_the_opening_and_paragraphs_become_spaces():
    assert marked(snippet("第一段。\n\n第二段。", ["无"], width=100)) == "第一段。 第二段。"


def test_segments_are_text_not_html():
    assert snippet("<b>教育</b>", ["教育"]) == [("<b>", False), ("教育", True), ("</b>", False)]
