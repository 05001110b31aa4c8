"""Plain text from an lxml element: paragraphs kept, whitespace normalised, page chrome removed.

Boilerplate is removed one *whole paragraph* at a time and only when the paragraph is short
and made of chrome (扫一扫在手机打开当前页, 【打印本页】, 文字大小 …): a sentence of real content
that merely mentions 打印 is never touched.
"""

from __future__ import annotations

import re

from lxml import etree

# Tags whose start and end break a paragraph.
BLOCK_TAGS = frozenset(
    "p div br tr li ul ol table tbody thead h1 h2 h3 h4 h5 h6 section article header footer"
    " aside nav dl dt dd blockquote pre hr form center address figure figcaption caption".split()
)
CELL_TAGS = frozenset({"td", "th"})
# Never text: code, styling, controls and embedded objects.
SKIP_TAGS = frozenset(
    "script style noscript template iframe object embed select option button input textarea"
    " svg canvas video audio map head title".split()
)
_BREAK = "\x00"  # paragraph marker while walking; never appears in decoded HTML text
# A cell with more text than this holds prose, so its row is layout, not a data table.
MAX_CELL_CHARS = 500
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u3000\u2002\u2003\u2009\u200b\ufeff]+")

# Chrome that CMS templates put around or inside the body. Anchored: the paragraph must be
# nothing but this, optionally in brackets, so real sentences survive.
BOILERPLATE = [
    r"扫一扫在手机(上)?(打开|查看)(当前页|本页)?(面)?",
    # One or more controls in a row: 【打印本页】【关闭窗口】, [打印] | [关闭], 打印 关闭 …
    r"(?:[【\[]?\s*(?:打印本页|打印此页|打印文章|我要打印|打印|关闭窗口|关闭本页|关闭|返回顶部|"
    r"返回列表|返回|收藏本页|收藏|保存本页|加入收藏|我要纠错|纠错)\s*[】\]]?[\s|｜/]*)+",
    r"(视力保护色|护眼模式|语音播报)[:：]?.{0,40}",
    r"分享[:：].{0,40}",
    # The web editor's byline under the text (【我要纠错】 责任编辑：王某, （责任编辑：张三）).
    r"(【我要纠错】|【纠错】)?\s*[（(]?\s*(责任编辑|编辑|审核|校对)[:：]\s*[^\s。]{1,12}\s*[)）]?",
    r".{0,40}文字大小[:：]?.{0,20}",
    r".{0,40}背景色[:：]?.{0,20}",
    r"(【|\[)?\s*(字体|字号)[:：]?\s*\[?\s*(大|中|小|默认|[ 　|]){2,}\s*\]?\s*(】|\])?.{0,40}",
    r"分享到[:：]?.{0,40}",
    r"(上一篇|下一篇|上一条|下一条)[:：].{0,120}",
    r"(上一篇|下一篇|上一条|下一条)[:：]?\s*(没有了|无)?",
    r"相关链接[:：]?",
    r"来源[:：].{0,40}发布时间[:：].{0,40}",
    r"(访问量|浏览次数|阅读次数|点击数|访问次数)[:：]?\s*\d*.{0,10}",
    r"当前位置[:：].{0,120}|您的位置[:：].{0,120}|您现在的位置[:：].{0,120}",
    # Site footer lines; a document never consists of these.
    r".{0,60}(ICP备|ICP证|公网安备|网站标识码|版权所有|Copyright|技术支持[:：]|主办单位[:：]|主办[:：]).{0,80}",
    r"(网站地图|联系我们|网站声明|返回首页|设为首页|加入收藏|帮助)([\s|｜]+(网站地图|联系我们|网站声明|返回首页|设为首页|加入收藏|帮助))*",
]
_BOILERPLATE = re.compile("^(?:" + "|".join(f"(?:{p})" for p in BOILERPLATE) + r")[\s:：]*$")
_MAX_BOILERPLATE_LEN = 160


def normalise_space(text: str) -> str:
    """Collapse every kind of whitespace (incl. &nbsp; and the ideographic space) to one space."""
    return _WS.sub(" ", text).strip()


def _walk(element: etree._Element, out: list[str]) -> None:
    """Append the text of ``element`` and its tail to ``out``, marking block breaks.

    A data row of a table stays one line: inside it, paragraphs and line breaks within a cell
    are spaces, and the row ends with a break. Iterative, not recursive: a page of 10,000
    nested elements (seen on hostile sites) would exceed Python's recursion limit.
    """
    # (node, leaving, inside a data row, this node is a data row)
    stack: list[tuple[etree._Element, bool, bool, bool]] = [(element, False, False, False)]
    while stack:
        node, leaving, in_row, row = stack.pop()
        tag = node.tag.lower() if isinstance(node.tag, str) else None
        brk = " " if in_row else _BREAK
        if leaving:
            if tag in BLOCK_TAGS:
                out.append(_BREAK if row else brk)
            elif tag in CELL_TAGS:
                out.append(" ")
            if node.tail:
                out.append(node.tail)
            continue
        if tag is None or tag in SKIP_TAGS:  # comments, processing instructions, code
            if node.tail:
                out.append(node.tail)
            continue
        row = tag == "tr" and not in_row and _is_data_row(node)
        if tag in BLOCK_TAGS:
            out.append(brk)
        if node.text:
            out.append(node.text)
        stack.append((node, True, in_row, row))
        stack.extend((child, False, in_row or row, False) for child in reversed(node))


def _is_data_row(row: etree._Element) -> bool:
    """A table row of data (two or more cells with text, no nested table, no long prose cell)
    rather than a layout row holding a whole page column."""
    cells = [c for c in row if isinstance(c.tag, str) and c.tag.lower() in CELL_TAGS]
    filled = 0
    for cell in cells:
        if cell.find(".//table") is not None:
            return False
        size = len("".join(cell.itertext()).strip())
        if size > MAX_CELL_CHARS:
            return False
        filled += size > 0
    return filled >= 2


def paragraphs(element: etree._Element) -> list[str]:
    """The element's text as a list of normalised, non-empty paragraphs (no script/style)."""
    out: list[str] = []
    # The element's own tail is outside it: walk children directly.
    if element.text:
        out.append(element.text)
    for child in element:
        _walk(child, out)
    parts = (normalise_space(part) for part in "".join(out).split(_BREAK))
    return [part for part in parts if part]


def is_boilerplate(paragraph: str) -> bool:
    """True for a short paragraph that is only page chrome (扫一扫…, 【打印本页】, 文字大小…)."""
    return len(paragraph) <= _MAX_BOILERPLATE_LEN and bool(_BOILERPLATE.match(paragraph))


def strip_boilerplate(parts: list[str]) -> list[str]:
    """Drop chrome paragraphs; keep everything else in order."""
    return [part for part in parts if not is_boilerplate(part)]


def element_text(element: etree._Element) -> str:
    """Body text: paragraphs without chrome, joined by a blank line."""
    return "\n\n".join(strip_boilerplate(paragraphs(element)))


def inline_text(element: etree._Element) -> str:
    """The element's text on one line (for titles, table cells, crumbs)."""
    return normalise_space(" ".join(paragraphs(element)))
