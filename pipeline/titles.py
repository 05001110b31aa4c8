"""The document title from ``<title>``: the page's own words minus the site's name.

CMSs decorate ``<title>`` with the site and column: "标题_某县人民政府", "某县人民政府 - 标题",
"标题-政务公开-某县人民政府" (TRS, no spaces), "某市人民政府 通知公告 标题" (Hanweb). We cut at
the separators and keep the longest part, then peel off leading/trailing segments that are
the site's or column's name. An unspaced "-" or a space only separates when the piece it
would cut off looks like a site name, so "2021-2025年规划" stays whole.
"""

from __future__ import annotations

import re

from lxml import etree

from pipeline.text import normalise_space

_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|——|—| - | – )\s*")
_WEAK_SEPARATORS = re.compile(r"\s*[-–－]\s*|\s+")
# Endings of site and organisation names that a document title never ends with.
_SITE_NAME = re.compile(r"(?:人民政府|政府网|门户网站|网站|网)$")
_ORGANISATION = re.compile(
    r"^[^，。、“”《》（）()\s]{2,30}(?:人民政府|政府网|门户网站|网站|总局|局|委员会|厅|办公室|办公厅)$"
)
MIN_TITLE_CHARS = 4
MAX_TITLE_CHARS = 150  # a "title" container longer than this holds the article, not its name
# What templates print in the title box after the title: ( 2024-05-11), 2023-08-19 来源：…
_INFO_TAIL = re.compile(
    r"\s+[（(]?\s*(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
    r"|(?:信息来源|来源|发布时间|发布日期|字号|字体)\s*[:：]).*$"
)
_LITERAL_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)


def clean_title_tag(
    root: etree._Element,
    site_name: str | None,
    column: str | None,
    column_words: frozenset[str] = frozenset(),
) -> str | None:
    """``<title>`` minus the site (and column) names; None when nothing is left.

    "工作动态_重庆市文化和旅游发展委员会" (栏目_站名) names no document: None, so the title comes
    from the page's heading.
    """
    element = root.find(".//title")
    text = normalise_space("".join(element.itertext())) if element is not None else ""
    text = _LITERAL_BREAK.sub(" ", text)  # an escaped <br> in the CMS's title field
    if not text:
        return None
    names = {n for n in (site_name, column) if n}
    parts = [p for p in _SEPARATORS.split(text) if p and p not in names]
    if len(parts) > 1:
        parts = [p for p in parts if not is_organisation(p)] or parts
    parts = [p for p in parts if p not in column_words]
    if not parts:
        return None
    return _peel(max(parts, key=len), names)


def heading_text(text: str) -> str | None:
    """A title container's text as a title: the info line printed after it cut off, and
    None when what is left is too short or too long to be a document's name."""
    text = _INFO_TAIL.sub("", _LITERAL_BREAK.sub(" ", text)).strip()
    if text.endswith((":", "：")):  # 相关稿件： heads a list, it names no document
        return None
    return text if MIN_TITLE_CHARS <= len(text) <= MAX_TITLE_CHARS else None


def is_organisation(text: str) -> bool:
    """True for a bare site or organisation name (某县人民政府, 国家工商行政管理总局, 某委员会)."""
    return bool(_ORGANISATION.match(text))


def _is_site(piece: str, names: set[str]) -> bool:
    return piece in names or bool(_SITE_NAME.search(piece))


def _peel(title: str, names: set[str]) -> str:
    """Drop site-name pieces joined by a weak separator at either end of ``title``."""
    while True:
        pieces = _WEAK_SEPARATORS.split(title)
        if len(pieces) < 2:
            return title
        if _is_site(pieces[-1], names):
            rest = title[: title.rfind(pieces[-1])]
        elif _is_site(pieces[0], names):
            rest = title[len(pieces[0]) :]
        else:
            return title
        rest = rest.strip(" -–－\u3000")
        if len(rest) < MIN_TITLE_CHARS:
            return title
        title = rest


_CENTRED = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
MAX_HEADING_LINES = 2


def heading_in_body(body: etree._Element | None) -> str | None:
    """The document's heading set as the body's first centred, bold paragraphs (a content-only
    fragment has no other title): at most two such lines, joined. None when there are none."""
    if body is None:
        return None
    lines: list[str] = []
    for paragraph in body.iter("p"):
        text = normalise_space("".join(paragraph.itertext()))
        if not text:
            continue
        bold = normalise_space(
            "".join(t for b in paragraph.iter("strong", "b") for t in b.itertext())
        )
        centred = paragraph.get("align") == "center" or _CENTRED.search(
            paragraph.get("style") or ""
        )
        if not (centred and bold == text) or len(lines) == MAX_HEADING_LINES:
            break
        lines.append(text)
    title = "".join(lines)
    return title if len(title) >= MIN_TITLE_CHARS else None
