"""体裁 (genre) of a disclosure document, read from its title.

Chinese official documents name their type at the end of the title (《…》的通知, …中标公告,
…工作总结), so the ending decides. A title that names no type gets ``None``: nothing is guessed.
"""

from __future__ import annotations

import re

# Title ending -> genre. The 15 公文 types of 《党政机关公文处理工作条例》 plus the forms bureaus
# publish most (公示, 办法, 方案, 总结, 解读 ...). Longer endings are tried first (复函 before 函).
ENDINGS: dict[str, str] = {
    "通知": "通知",
    "通报": "通报",
    "公告": "公告",
    "公示": "公示",
    "通告": "通告",
    "公报": "公报",
    "意见": "意见",
    "实施意见": "意见",
    "指导意见": "意见",
    "办法": "办法",
    "细则": "细则",
    "规定": "规定",
    "决定": "决定",
    "决议": "决议",
    "命令": "命令",
    "批复": "批复",
    "请示": "请示",
    "议案": "议案",
    "报告": "报告",
    "报表": "报告",
    "方案": "方案",
    "函": "函",
    "复函": "函",
    "纪要": "纪要",
    "总结": "总结",
    "解读": "解读",
    "规划": "规划",
    "计划": "计划",
    "要点": "计划",
    "答复": "答复",
    "条例": "条例",
    # 中华人民共和国反不正当竞争法: a law (办法 and 做法 are longer endings, tried first).
    "法": "法律",
    "做法": "做法",
    "规则": "规则",
    "指南": "指南",
    "清单": "清单",
}
# Forms that make a document an interpretation wherever they appear in the title (图解：…的通知).
INTERPRETATION_MARKERS = ("图解", "一图读懂", "一图看懂", "政策解读", "解读")
_TRAILING = re.compile(
    r"(\s|[（(【\[][^（()）【】\[\]]*[)）】\]]|[。.!！?？:：、,，;；\"'“”‘’》]|\s)+$"
)


def title_stem(title: str) -> str:
    """The title without trailing brackets ("(第2号)", "【2021】"), quotes and punctuation."""
    return _TRAILING.sub("", title.strip())


def genre(title: str | None) -> str | None:
    """Return the genre named by ``title``, or ``None`` when the title names none.

    >>> genre("关于印发《濉溪县教育局政务公开工作方案》的通知")
    '通知'
    >>> genre("图解：关于做好2021年秋季学期开学工作的通知")
    '解读'
    """
    if not title:
        return None
    stem = title_stem(title)
    if any(stem.startswith(m) for m in INTERPRETATION_MARKERS[:3]):
        return "解读"
    for ending in sorted(ENDINGS, key=len, reverse=True):
        if stem.endswith(ending):
            return ENDINGS[ending]
    if any(m in stem for m in INTERPRETATION_MARKERS):
        return "解读"
    return None
