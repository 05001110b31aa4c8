"""Page metadata: ``<meta>`` tags and the 信息公开 label/value block, whatever its layout.

The label scan is layout-agnostic on purpose: Lonsun's ``table.table_suoyin`` (label in
``td.pmingcheng``, value in the next cell), gov.cn's policy table (``<td><b>索 引 号：</b></td>``),
TRS ``xxgk`` tables, ``<dl><dt>``/``<dd>`` pairs and ``<li><span>label</span>value</li>`` lines
all reduce to "an element whose text starts with a known label; the value follows it".
"""

from __future__ import annotations

import re

from lxml import etree

from pipeline.dates import DATE_PATTERN
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


def meta_tags(root: etree._Element, selectors: Selectors) -> dict[str, str]:
    """Known ``<meta name=... content=...>`` values by field (first non-empty one wins)."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        field = selectors.meta.get(name)
        content = normalise_space(meta.get("content") or "")
        if field and content and field not in found:
            found[field] = content
    return found


def _clean(value: str, selectors: Selectors) -> str | None:
    # Several labels on one line (索引号：X 发布机构：Y): the value stops at the next label.
    cut = selectors.label_inline.search(value)
    if cut:
        value = value[: cut.start()]
    stop = selectors.value_stop.search(value)
    if stop:
        value = value[: stop.start()]
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

    Only for a header row (every cell of the label's row is a label): an empty value cell
    beside its label (文号：&nbsp;) means "no value", not "look below".
    """
    cell = element
    while cell is not None and cell.tag not in _CELLS:
        cell = cell.getparent()
    row = cell.getparent() if cell is not None else None
    if row is None or row.tag != "tr":
        return ""
    cells = [c for c in row if c.tag in _CELLS]
    if not all(selectors.label_pattern.match(head_text(c)) for c in cells):
        return ""
    index = cells.index(cell)
    below = row.getnext()
    while below is not None and below.tag != "tr":
        below = below.getnext()
    cells = [c for c in below if c.tag in _CELLS] if below is not None else []
    return inline_text(cells[index]) if index < len(cells) else ""


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
    value = _following(element, label_text)
    if not value.strip() or selectors.label_pattern.match(value):
        return _cell_below(element, selectors) or value
    return value


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
    for element in root.iter(etree.Element):
        text = head_text(element) if len(element) else element.text
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
