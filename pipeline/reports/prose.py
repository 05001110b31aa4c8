"""Counts stated in a report's prose: "主动公开政府信息1520条。其中包括:政策法规34条,…".

Numbers may be Arabic or Chinese numerals; a number we cannot read with confidence becomes None
and a warning, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.reports.numbers import chinese_to_int

NUM = r"(?P<num>\d[\d,，]*|[零〇一二两三四五六七八九十百千万亿余多几数近约超]+)"
# The figure is often set apart by markup (信息<span>1520</span>条, &nbsp;1520&nbsp;条): in the
# page text that leaves spaces around it, never a different wording.
_INFO = r"(?:各类)?(?:政府|政务)?信息(?:共计|共|合计|总计|累计)?\s*"
_PROACTIVE = re.compile(
    r"(?:主动公开"
    + _INFO
    + r"|(?:全年|本年度?|年内)?(?:共|累计)?发布(?:各类(?:政府|政务)?|政府|政务)"
    r"信息(?:共计|共|合计|总计|累计)?\s*)" + NUM + r"\s*[条件篇]"
)
# 主动公开规章13件，行政规范性文件60件，…: counts per kind with no stated total.
_PROACTIVE_LIST = re.compile(r"主动公开(?=[^。，,；;]{1,20}?\d[\d,，]*\s*[条件篇])")
_BREAKDOWN_START = re.compile(r"其中(?:包括|包含)?\s*[:：,，]?")
_ITEM = re.compile(r"(?P<label>[^,，、;；:：。\d]{2,30}?)(?:共)?" + NUM + r"\s*[条件篇]")
_APPLICATIONS = re.compile(
    r"(?:受理|收到|新收)(?:政府信息公开|依申请公开)?申请(?:共计|共)?" + NUM + r"\s*件"
)
_REVIEWS = re.compile(r"行政复议(?:案件)?(?:共)?" + NUM + r"\s*[件起]")
_LAWSUITS = re.compile(r"(?:行政)?诉讼(?:案件)?(?:共)?" + NUM + r"\s*[件起]")
_NONE_REVIEW = re.compile(r"(?:未发生|没有|无)[^。]{0,40}?行政复议")
_NONE_LAWSUIT = re.compile(r"(?:未发生|没有|无)[^。]{0,40}?诉讼")
_NO_FEES = re.compile(
    r"没有[^。]{0,20}?收费|未收取[^。]{0,20}?费|全[是为]免费|不收取[^。]{0,10}?费"
)

CategoryLookup = Callable[[str], str | None]
_SPACED = re.compile(r"[ \t\xa0\u3000]+")


def read_number(text: str, warnings: list[str]) -> int | None:
    """An Arabic or Chinese count; None plus a warning when it is vague or unreadable."""
    cleaned = text.replace(",", "").replace("，", "")
    if cleaned.isdigit():
        return int(cleaned)
    value = chinese_to_int(cleaned)
    if value is None:
        warnings.append(f"could not read the number {text!r}")
    else:
        warnings.append(f"read the Chinese numeral {text!r} as {value}")
    return value


def _clean_label(label: str) -> str:
    label = label.strip(" \u3000\t\n·•")
    return re.sub(r"^(?:和|及|以及|另有|还有|此外|其中)", "", label)


def proactive_claims(
    text: str, lookup: CategoryLookup | None = None
) -> tuple[int | None, list[dict], list[str]]:
    """(total, claims, warnings) from the first "主动公开…N条。其中…" passage of the text.

    Each claim is {category, label, count}: ``label`` as printed, ``category`` the taxonomy name
    when ``lookup`` knows it (else the printed label).
    """
    warnings: list[str] = []
    text = _SPACED.sub(" ", text)
    match = _PROACTIVE.search(text)
    if match is None:
        listed = _PROACTIVE_LIST.search(text)
        if listed is None:
            return None, [], warnings
        passage = text[listed.end() :].split("。", 1)[0]
        return None, _claims(passage, lookup, warnings), warnings
    total = read_number(match.group("num"), warnings)
    rest = text[match.end() :]
    start = _BREAKDOWN_START.match(rest.lstrip("。，,;；")) if rest else None
    if start is None:
        return total, [], warnings
    passage = rest.lstrip("。，,;；")[start.end() :].split("。", 1)[0]
    return total, _claims(passage, lookup, warnings), warnings


def _claims(passage: str, lookup: CategoryLookup | None, warnings: list[str]) -> list[dict]:
    """Every "label N条" of a passage; an unmapped label stays a claim under its own name."""
    claims = []
    for item in _ITEM.finditer(passage):
        label = _clean_label(item.group("label"))
        if not label:
            continue
        count = read_number(item.group("num"), warnings)
        category = (lookup(label) if lookup else None) or label
        claims.append({"category": category, "label": label, "count": count})
    return claims


def _first(pattern: re.Pattern[str], text: str, warnings: list[str]) -> int | None:
    match = pattern.search(text)
    return read_number(match.group("num"), warnings) if match else None


def other_counts(text: str) -> tuple[dict, list[str]]:
    """依申请 applications, 行政复议 and 诉讼 counts, and fees, when the prose states them."""
    warnings: list[str] = []
    counts = {
        "applications": _first(_APPLICATIONS, text, warnings),
        "reviews": _first(_REVIEWS, text, warnings),
        "lawsuits": _first(_LAWSUITS, text, warnings),
        "fees_yuan": None,
    }
    # "未发生…行政复议、诉讼" states zero in words; it is a statement, not a guess.
    if counts["reviews"] is None and _NONE_REVIEW.search(text):
        counts["reviews"] = 0
    if counts["lawsuits"] is None and _NONE_LAWSUIT.search(text):
        counts["lawsuits"] = 0
    if _NO_FEES.search(text):
        counts["fees_yuan"] = 0
    return counts, warnings
