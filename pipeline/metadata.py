"""Page metadata: ``<meta>`` tags and the 信息公开 label/value block, whatever its layout.

The label scan is layout-agnostic on purpose: Lonsun's ``table.table_suoyin`` (label in
``td.pmingcheng``, value in the next cell), gov.cn's policy table (``<td><b>索 引 号：</b></td>``),
TRS ``xxgk`` tables, ``<dl><dt>``/``<dd>`` pairs and ``<li><span>label</span>value</li>`` lines
all reduce to "an element whose text starts with a known label; the value follows it".
"""

from __future__ import annotations

import re

from lxml import etree

from pipeline.dates import DATE_PATTERN, more_precise, parse_date
from pipeline.selectors import Selectors
from pipeline.text import inline_text, normalise_space

# Values that mean "none" in a metadata cell; missing is None, not the word 无.
EMPTY_VALUES = frozenset({"", "无", "-", "--", "—", "/", "暂无", "null", "none"})
_MAX_LABEL_TEXT = 200  # a label element with more own text than this is prose, not a label
_SPACES = re.compile(r"[\s\xa0\u3000]+")
# Inline elements a label may be typeset with: 索<span style="padding-left:.5em"></span>引号,
# <span>名</span>称：. Their text belongs to the label, not to a separate element.
_INLINE = frozenset("span b strong font em i u label small big sup sub a".split())
_CELLS = ("td", "th")
_NEXT_LABEL = re.compile(r"\s+[^\s:：]{1,6}[:：]")


def meta_tags(root: etree._Element, selectors: Selectors) -> dict[str, str]:
    """Known ``<meta name=... content=...>`` values by field (first non-empty one wins)."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        field = selectors.meta.get(name)
        content = normalise_space(meta.get("content") or "")
        if field and content and (field not in found or _finer(found[field], content, field)):
            found[field] = content
    return found


def _finer(current: str, candidate: str, field: str) -> bool:
    """A later date meta of the same day that also gives the time (publishdate 2024-06-13,
    then PubDate 2024-06-13 14:54)."""
    return field in ("published_at", "written_at") and more_precise(
        parse_date(current), parse_date(candidate)
    )


def _clean(value: str, selectors: Selectors) -> str | None:
    # Several labels on one line (索引号：X 发布机构：Y): the value stops at the next label.
    cut = selectors.label_inline.search(value)
    if cut:
        value = value[: cut.start()]
    stop = selectors.value_stop.search(value)
    if stop:
        value = value[: stop.start()]
    # "来源：北京市教育委员会 分享： X": a short word with a colon after a space is the next label.
    following = _NEXT_LABEL.search(value)
    if following:
        value = value[: following.start()]
    value = normalise_space(value).strip(" :：|【[")
    return None if value.lower() in EMPTY_VALUES else value


def _before_date(value: str) -> str | None:
    """来源：广西日报 2024-10-17 08:03 — an agency's value stops where a date begins."""
    date = DATE_PATTERN.search(value)
    return (value[: date.start()].strip() or None) if date else value


def _next_text(element: etree._Element) -> str:
    """Text of the element right after ``element`` (its tail, else its next sibling)."""
    if element.tail and element.tail.strip():
        return element.tail
    sibling = element.getnext()
    while sibling is not None and not isinstance(sibling.tag, str):
        sibling = sibling.getnext()
    return inline_text(sibling) if sibling is not None else ""


def _may_start_label(element: etree._Element, starts: frozenset[str]) -> bool:
    """Cheap test before ``head_text``: the element's first visible character can begin a
    label (索, 发, 文 …)."""
    first = (element.text or "").lstrip(" \t\r\n\xa0\u3000")
    if not first:
        child = element[0]
        first = (child.text or "").lstrip() if isinstance(child.tag, str) else ""
    return not first or first[0] in starts


def head_text(element: etree._Element) -> str:
    """The element's text up to its first block child, inline children's text included.

    ``索<span></span>引<span></span>号：`` reads 索引号：, as a person sees it.
    """
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            if child.tag.lower() not in _INLINE:
                break
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
        if sum(map(len, parts)) > _MAX_LABEL_TEXT:
            break
    return "".join(parts)


def _cell_below(element: etree._Element, selectors: Selectors) -> str:
    """A label cell whose value sits in the same column of the next row.

    Only for a header row (two or more label cells, the rest short words such as 备注): an
    empty value cell beside its label (文号：&nbsp;) means "no value", not "look below".
    """
    cell = element
    while cell is not None and cell.tag not in _CELLS:
        cell = cell.getparent()
    row = cell.getparent() if cell is not None else None
    if row is None or row.tag != "tr" or inline_text(cell).endswith((":", "：")):
        return ""  # no table row, or 索引号：<value> beside its label (most tables)
    cells = [c for c in row if c.tag in _CELLS]
    texts = [inline_text(c) for c in cells]
    labels = [_is_bare_label(t, selectors) for t in texts]
    if not labels[cells.index(cell)]:
        return ""  # the label shares its cell with its value
    others = [t for t, is_label in zip(texts, labels, strict=True) if not is_label]
    # 文号：<value> and 文号 | (empty) | 关键词 | (empty) put values beside their labels.
    beside = any(t.endswith((":", "：")) or not t for t in texts)
    if beside or sum(labels) < 2 or any(len(o) > 4 or any(c.isdigit() for c in o) for o in others):
        return ""
    below = _next_row(row)
    values = [c for c in below if c.tag in _CELLS] if below is not None else []
    index = cells.index(cell)
    return inline_text(values[index]) if index < len(values) else ""


def _is_bare_label(text: str, selectors: Selectors) -> bool:
    match = selectors.label_pattern.match(text)
    return bool(match) and match.end() == len(text)


def _next_row(row: etree._Element) -> etree._Element | None:
    """The table row after ``row``, also across <thead>/<tbody>."""
    for sibling in row.itersiblings():
        if sibling.tag == "tr":
            return sibling
    section = row.getparent()
    if section is None or section.tag not in ("thead", "tbody", "tfoot"):
        return None
    for sibling in section.itersiblings():
        if sibling.tag == "tr":
            return sibling
        first = sibling.find("tr") if isinstance(sibling.tag, str) else None
        if first is not None:
            return first
    return None


def _label_value(element: etree._Element, match: re.Match[str], selectors: Selectors) -> str:
    own = inline_text(element) if len(element) <= 8 else normalise_space(element.text or "")
    rest = _SPACES.sub(" ", own)
    label_text = normalise_space(match.group(0))
    compact_label = _SPACES.sub("", label_text)
    if rest.startswith(label_text):
        rest = rest[len(label_text) :]
    elif _SPACES.sub("", rest).startswith(compact_label):
        rest = rest[len(rest) - len(rest.lstrip()) :]  # label typeset with inline elements
        rest = _after_compact(rest, compact_label)
    else:
        rest = rest[match.end() :]
    if rest.strip(" :："):
        return rest
    return _cell_below(element, selectors) or _following(element, label_text)


def _after_compact(text: str, compact_label: str) -> str:
    """``text`` after its first ``len(compact_label)`` non-space characters."""
    seen = 0
    for position, char in enumerate(text):
        if seen == len(compact_label):
            return text[position:]
        if not _SPACES.match(char):
            seen += 1
    return ""


def _following(element: etree._Element, label_text: str) -> str:
    # Label alone in its element: the value is what follows it, at this level or, when the
    # label sits inside a cell (<td><b>索引号：</b></td>), after the enclosing cell.
    node = element
    for _ in range(3):
        value = _next_text(node)
        if value.strip():
            return value
        parent = node.getparent()
        if parent is None or normalise_space(inline_text(parent)) != label_text:
            return ""
        node = parent
    return ""


def _pairs(element: etree._Element, label: str, match: re.Match[str], selectors: Selectors):
    """(label, raw value) pairs; one line may hold several (索引号：X 文号：Y 发布机构：Z)."""
    raw = _label_value(element, match, selectors)
    inner = list(selectors.label_inline.finditer(raw))
    yield label, raw[: inner[0].start()] if inner else raw
    for here, after in zip(inner, [*inner[1:], None], strict=False):
        end = after.start() if after else len(raw)
        yield _SPACES.sub("", here.group("label")), raw[here.end() : end]


def label_values(root: etree._Element, selectors: Selectors) -> dict[str, str]:
    """Field -> value from 信息公开 label/value pairs anywhere in the page.

    Within a field the label ranked first in selectors.yml wins (组配分类 before 分类);
    between equal ranks the first in document order wins (the metadata block precedes
    the body, so a 文号 mentioned in the text does not override the table's).
    """
    best: dict[str, tuple[int, str]] = {}
    starts = selectors.label_starts
    for element in root.iter(etree.Element):
        text = element.text
        if len(element) and _may_start_label(element, starts):
            text = head_text(element)
        if not text or len(text) > _MAX_LABEL_TEXT:
            continue
        match = selectors.label_pattern.match(text)
        if not match:
            continue
        has_colon = match.group(0).rstrip().endswith((":", "："))
        if not has_colon and normalise_space(text) != normalise_space(match.group(0)):
            continue  # "分类管理办法…" is prose that starts with a label word, not a label
        for label, raw in _pairs(element, _SPACES.sub("", match.group(1)), match, selectors):
            field = selectors.label_field[label]
            rank = selectors.label_rank[label]
            if field in best and best[field][0] <= rank:
                continue
            value = _clean(raw, selectors)
            if value and field == "agency":
                value = _before_date(value)
            if value:
                best[field] = (rank, value)
    return {field: value for field, (_, value) in best.items()}
