"""Exact-duplicate keys and MinHash near-duplicate groups (pipeline.neardup)."""

from pathlib import Path

import pytest

from pipeline.neardup import (
    DEFAULT_SHINGLE,
    DEFAULT_THRESHOLD,
    dedupe_key,
    group,
    jaccard,
    normalise_text,
    signature,
)

NOTICE = (Path(__file__).parents[1] / "fixtures/neardup/notice.txt").read_text(encoding="utf-8")
REPOST = NOTICE.replace("2021年8月20日", "2021年8月25日")  # only the date changed
ONE_REMOVED = NOTICE.replace("3.新城第二实验学校新建工程；", "")  # one listed project removed
TEMPLATE = (  # the same template filled in for another term
    NOTICE.replace("秋季", "春季").replace("9月1日", "2月20日").replace("8月31日", "2月19日")
    .replace("8月20日", "2月10日").replace("双减", "五项管理")
)  # fmt: skip


def test_normalisation_ignores_whitespace_and_full_half_width_punctuation():
    half = NOTICE.replace("，", ",").replace("：", ":").replace("；", ";").replace("\n\n", "\n")
    assert half != NOTICE
    assert normalise_text(half) == normalise_text(NOTICE)
    assert dedupe_key(half) == dedupe_key(NOTICE)


def test_different_text_different_key():
    assert dedupe_key(REPOST) != dedupe_key(NOTICE)


@pytest.mark.parametrize("body", ["详见附件。", "", None], ids=["one-line", "empty", "none"])
def test_short_bodies_are_never_folded(body):
    assert dedupe_key(body) is None


def test_similarity_does_not_say_what_changed():
    # The measurement: removing a listed project scores about as high as a date-only
    # repost, so a group only says "overlapping text", never "same document".
    repost, removed = jaccard(NOTICE, REPOST), jaccard(NOTICE, ONE_REMOVED)
    assert repost > 0.95
    assert removed > 0.9
    assert abs(repost - removed) < 0.06


def test_longer_shingles_separate_template_notices():
    # 3-grams are shared by all bureau prose; 6-grams keep a reused template below the default
    # threshold while a date-only repost stays far above it.
    scores = [jaccard(NOTICE, TEMPLATE, size) for size in (3, 6, 8)]
    assert scores == sorted(scores, reverse=True)
    assert scores[1] < DEFAULT_THRESHOLD < jaccard(NOTICE, REPOST, DEFAULT_SHINGLE)


def test_group_joins_reposts_and_keeps_others_apart():
    other = "濉溪县教育局2021年部门预算公开说明。" * 10
    sigs = [(1, signature(NOTICE)), (2, signature(REPOST)), (3, signature(other))]
    groups = group(sigs, threshold=0.85)
    assert [g.representative for g in groups] == [1]
    assert set(groups[0].similarity) == {1, 2}
    assert groups[0].similarity[1] == 1.0
    assert groups[0].similarity[2] > 0.85


def test_threshold_is_validated():
    with pytest.raises(ValueError, match="threshold"):
        group([(1, signature(NOTICE))], threshold=0)
