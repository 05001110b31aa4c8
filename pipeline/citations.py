"""Who cites whom: references to other documents by 文号 (document number) in a text.

Government documents name what they implement or follow by 文号, usually after the title:
``依据《安徽省人民政府关于…的意见》（皖政〔2021〕5号）``. ``find_references(text)`` returns each
document number cited, normalised so that the variants printed on real sites compare equal
(``皖政[2021]5号``, ``皖政（2021）5号``, ``皖政〔2021〕第5号``, ``皖政〔2021〕05号`` are all
``皖政〔2021〕5号``), with the title written before it when there is one. Pure: text in,
references out; resolving them against the archive is ``pipeline.postcrawl.citations``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# 〔〕 is the standard (GB/T 9704); sites also print [] ［］ 【】 () （）.
_OPEN, _CLOSE = r"[〔\[［【(（]", r"[〕\]］】)）]"
# The issuing organ's abbreviation: 皖政, 国办发, 国办公开办函, 濉教, 青人社 …
_ORGAN = r"[\u4e00-\u9fff]{1,10}"
DOC_NO = re.compile(
    rf"(?P<organ>{_ORGAN})\s*{_OPEN}\s*(?P<year>(?:19|20)\d\d)\s*{_CLOSE}"
    rf"\s*第?\s*(?P<number>\d{{1,5}})\s*号"
)
# A title in 《》 right before the number in brackets: 《…》（皖政〔2021〕5号）.
_TITLED = re.compile(r"《(?P<title>[^《》\n]{2,100})》\s*[（(]\s*$")
# Words that run into the organ when a number is cited without brackets around it. Single
# characters only where no organ abbreviation starts with them (经 would cut 经信委).
_LEAD_WORDS = ("根据", "依据", "依照", "按照", "参照", "对照", "贯彻", "落实", "执行", "印发",
               "转发", "关于", "为", "及", "和", "与", "或", "见", "按", "据")  # fmt: skip


@dataclass(frozen=True)
class Reference:
    doc_no: str  # normalised: 皖政〔2021〕5号
    title: str | None  # the 《title》 written before it, if any
    raw: str  # as written in the text
    position: int  # character offset in the text


def _organ(raw: str) -> str:
    """The organ abbreviation without a verb or conjunction the text ran into it."""
    organ = raw
    stripped = True
    while stripped and len(organ) > 1:
        stripped = False
        for word in _LEAD_WORDS:
            if organ.startswith(word) and len(organ) > len(word):
                organ, stripped = organ[len(word) :], True
                break
    return organ


def normalise_doc_no(text: str | None) -> str | None:
    """``皖政〔2021〕5号`` for any printed variant of one document number; None if none."""
    match = DOC_NO.search(text or "")
    if match is None:
        return None
    return f"{_organ(match['organ'])}〔{match['year']}〕{int(match['number'])}号"


def find_references(text: str | None) -> list[Reference]:
    """Every distinct document number cited in ``text``, in order of first mention."""
    found: dict[str, Reference] = {}
    for match in DOC_NO.finditer(text or ""):
        doc_no = f"{_organ(match['organ'])}〔{match['year']}〕{int(match['number'])}号"
        titled = _TITLED.search(text[max(0, match.start() - 104) : match.start()])
        title = titled["title"].strip() if titled else None
        known = found.get(doc_no)
        if known is None:
            start = match.start() + len(match["organ"]) - len(_organ(match["organ"]))
            found[doc_no] = Reference(doc_no, title, text[start : match.end()], start)
        elif title and not known.title:
            found[doc_no] = Reference(doc_no, title, known.raw, known.position)
    return list(found.values())
