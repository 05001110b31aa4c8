"""Page metadata: ``<meta>`` tags and the 信息公开 label/value block, whatever its layout.

The label scan is layout-agnostic on purpose: Lonsun's ``table.table_suoyin`` (label in
``td.pmingcheng``, value in the next cell), gov.cn's policy table (``<td><b>索 引 号：</b></td>``),
TRS ``xxgk`` tables, ``<dl><dt>``/``<dd>`` pairs and ``<li><span>label</span>value</li>`` lines
all reduce to "an element whose text starts with a known label; the value follows it".
"""

from __future__ import annotations

import re

from lxml import etree

from pipeline.selectors import Selectors
from pipeline.text import inline_text, normalise_space

# Values that mean "none" in a metadata cell; missing is None, not the word 无.
EMPTY_VALUES = frozenset({"", "无", "-", "--", "—", "/", "暂无", "null", "none"})
_MAX_LABEL_TEXT = 200  # a label element with more own text than this is prose, not a label
_SPACES = re.compile(r"[\s\xa0\u3000]+")


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


def _next_text(element: etree._Element) -> str:
    """Text of the element right after ``element`` (its tail, else its next sibling)."""
    if element.tail and element.tail.strip():
        return element.tail
    sibling = element.getnext()
    while sibling is not None and not isinstance(sibling.tag, str):
        sibling = sibling.getnext()
    return inline_text(sibling) if sibling is not None else ""


def _label_value(element: etree._Element, match: re.Match[str]) -> str:
    own = inline_text(element) if len(element) <= 8 else normalise_space(element.text or "")
    rest = _SPACES.sub(" ", own)
    label_text = normalise_space(match.group(0))
    rest = rest[len(label_text) :] if rest.startswith(label_text) else rest[match.end() :]
    if rest.strip(" :："):
        return rest
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
    raw = _label_value(element, match)
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
        text = element.text
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
            if value:
                best[field] = (rank, value)
    return {field: value for field, (_, value) in best.items()}
