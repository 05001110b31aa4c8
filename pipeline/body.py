"""Steps (4) and (5) of the cascade: the document body, and the attachments linked from it.

The body is the first known container with text (selectors.yml ``body``), the content
between Hanweb's ``<!--ZJEG_RSS.content.begin/end-->`` markers, or else the block owning
the most non-link text. Metadata lines and the repeated title are dropped from its start.
"""

from __future__ import annotations

import re
from copy import deepcopy
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from pipeline.dates import DATE_PATTERN
from pipeline.selectors import Selectors
from pipeline.text import element_text, inline_text, normalise_space, paragraphs, strip_boilerplate

MIN_BODY_CHARS = 2
MAX_LINK_DENSITY = 0.5
# How many levels above a link outside the body we look for its 附件 heading.
ATTACHMENT_ANCESTORS = 2
_CONTAINERS = frozenset({"div", "td", "article", "section", "main", "body", "form", "center"})
_NOT_CONTENT = frozenset(
    "a script style noscript option select button title head li h1 h2 h3 label textarea".split()
)
_MARK_BEGIN, _MARK_END = "ZJEG_RSS.content.begin", "ZJEG_RSS.content.end"
# A short line that only says when/where the page was published (时间：… 来源：… 阅读量：…).
_INFO_LINE = re.compile(
    r"^[【\[]?\s*(?:发布时间|发布日期|时间|日期|来源|信息来源|作者|浏览次数|阅读量|点击数)\s*[:：]"
)
Body = tuple[str | None, str, "etree._Element | None"]
_SPACES = re.compile(r"[\s\xa0\u3000]+")


def find_body(
    root: etree._Element, known: Selectors, profile_body: list, title: str | None, html: str
) -> Body:
    """(text, step, element): profile selectors, known containers, markers, largest block."""
    for step, selectors in (("profile", profile_body), ("container", known.body)):
        for _css, selector, *_ in selectors:
            best: tuple[int, str, etree._Element | None] = (0, "", None)
            for element in selector(root):
                text = _cleaned(element_text(element), known, title)
                if len(text) > best[0]:
                    best = (len(text), text, element)
            if best[0] >= MIN_BODY_CHARS and not _mostly_links(best[2], best[1], known):
                return best[1], step, best[2]
    if _MARK_BEGIN in html:
        found = _between_markers(root, known, title)
        if found[0]:
            return found
    element = _largest_block(root)
    if element is not None:
        text = _cleaned(element_text(element), known, title)
        if len(text) >= MIN_BODY_CHARS and not _mostly_links(element, text, known):
            return text, "largest_block", element
    return None, "", None


def _between_markers(root: etree._Element, known: Selectors, title: str | None) -> Body:
    """Hanweb (大汉) pages mark the article with comments; the parent holds both markers."""
    for comment in root.iter(etree.Comment):
        if _MARK_BEGIN not in (comment.text or ""):
            continue
        parent = comment.getparent()
        if parent is None:
            continue
        out: list[str] = []
        node = comment.getnext()
        while node is not None and not (
            node.tag is etree.Comment and _MARK_END in (node.text or "")
        ):
            if isinstance(node.tag, str):
                out.extend(paragraphs(_wrapped(node)))
            if node.tail and node.tail.strip():
                out.append(normalise_space(node.tail))
            node = node.getnext()
        first = normalise_space(comment.tail or "")
        text = _cleaned(
            "\n\n".join(strip_boilerplate([first, *out] if first else out)), known, title
        )
        if len(text) >= MIN_BODY_CHARS:
            return text, "markers", parent
    return None, "", None


def _wrapped(node: etree._Element) -> etree._Element:
    """``paragraphs`` walks an element's children: wrap a copy (tail dropped, it is read
    separately) so the node's own tag and text count."""
    holder = etree.Element("div")
    copy = deepcopy(node)
    copy.tail = None
    holder.append(copy)
    return holder


def _mostly_links(element: etree._Element | None, text: str, known: Selectors) -> bool:
    """A navigation box, not a document: most of its text is link text.

    A generic selector such as ``.content`` can match a page-wide wrapper whose only text
    left after removing the metadata block is the menu. ``text`` is the cleaned body text;
    links to documents (附件.pdf) are content, not navigation.
    """
    if element is None:
        return True
    total = len(text)
    linked = sum(
        len(normalise_space("".join(a.itertext())))
        for a in element.iter("a")
        if not attachment_ext(a.get("href") or "", known.attachment_extensions)
    )
    return total > 0 and linked / total > MAX_LINK_DENSITY


def _cleaned(text: str, known: Selectors, title: str | None) -> str:
    """Drop 信息公开 label lines (索引号：… 发布机构：…) that templates put inside the body box,
    and, at its start, the repeated title and the 时间：…来源：… line under it."""
    parts = text.split("\n\n")
    kept = _without_label_runs(parts, known)
    head = 0
    while head < min(len(kept), 3):
        lines = _title_lines(kept[head:], title)
        if lines:
            head += lines
        elif _is_info_line(kept[head]):
            head += 1
        else:
            break
    kept = kept[head:]
    return "\n\n".join(kept) if len(kept) != len(parts) else text


def _without_label_runs(parts: list[str], known: Selectors) -> list[str]:
    """Drop the 信息公开 label lines a template puts inside the body box.

    A metadata block is a run of label lines (索引号：… 发布机构：… 文号：…), or a label line at
    the very top or bottom. A single label-like line amid the text (名 称：某局 in a
    procurement notice's contact list) is the document's own words and stays.
    """
    labels = [len(p) <= 100 and bool(known.label_inline.match(p)) for p in parts]
    kept = []
    for i, part in enumerate(parts):
        beside = (i > 0 and labels[i - 1]) or (i + 1 < len(parts) and labels[i + 1])
        edge = i == 0 or i == len(parts) - 1
        if not (labels[i] and (beside or edge)):
            kept.append(part)
    return kept


def _title_lines(parts: list[str], title: str | None) -> int:
    """How many leading paragraphs repeat the title: one, or a heading set over two lines
    (建德市更楼街道绿化养护服务采购项目 / 预中标结果公示); spaces and line breaks do not count."""
    if not title or not parts:
        return 0
    want = _SPACES.sub("", title)
    if _SPACES.sub("", parts[0]) == want:
        return 1
    if len(parts) > 1 and _SPACES.sub("", parts[0] + parts[1]) == want:
        return 2
    return 0


def _is_info_line(paragraph: str) -> bool:
    return (
        len(paragraph) <= 100
        and bool(_INFO_LINE.match(paragraph))
        and (DATE_PATTERN.search(paragraph) is not None or "来源" in paragraph[:6])
    )


def _largest_block(root: etree._Element) -> etree._Element | None:
    """(5) The container owning the most non-link text, counting its inline children's."""
    scores: dict[etree._Element, int] = {}
    for element in root.iter(etree.Element):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in _NOT_CONTENT:
            continue
        own = len((element.text or "").strip()) + sum(
            len((child.tail or "").strip()) for child in element
        )
        if not own:
            continue
        target = element
        while target is not None and target.tag not in _CONTAINERS:
            target = target.getparent()
        if target is not None:
            scores[target] = scores.get(target, 0) + own
    return max(scores, key=scores.__getitem__) if scores else None


def attachment_ext(href: str, extensions: frozenset[str]) -> bool:
    """True when the link's path or one of its query values ends in a document extension."""
    parts = urlsplit(href)
    for candidate in (parts.path, *parts.query.split("&")):
        tail = unquote(candidate).rsplit(".", 1)
        if len(tail) == 2 and tail[1].lower().strip() in extensions:
            return True
    return False


def _named_as_file(link: etree._Element, extensions: frozenset[str]) -> bool:
    """The link's text is a file name (施工补充公告修改.docx) though its URL names no file."""
    text = "".join(link.itertext()).strip()
    return "." in text and text.rsplit(".", 1)[1].lower() in extensions


def _labelled_attachment(link: etree._Element) -> bool:
    """A link outside the body counts when its nearby block says 附件 (附件：<a>…</a>)."""
    node = link
    for _ in range(ATTACHMENT_ANCESTORS + 1):
        node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            return False
        if "附件" in "".join(node.itertext())[:2000]:
            return True
    return False


def attachments(
    root: etree._Element, body: etree._Element | None, url: str, known: Selectors
) -> list[dict[str, str]]:
    """Links to documents (.pdf .doc .xls …), absolute, named by their link text.

    The body's own links come first; links elsewhere count only under a 附件 heading,
    because Lonsun and TRS templates list attachments just below the body, outside its
    container, while a sidebar's 政府信息公开申请表.doc is not the document's.
    """
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    scope = body if body is not None else root
    inside = set(scope.iter("a")) if body is not None else None
    for element in (*scope.iter("a"), *root.iter("a")):
        href = (element.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        if not (
            attachment_ext(href, known.attachment_extensions)
            or _named_as_file(element, known.attachment_extensions)  # downfile.aspx?id=… a.docx
        ):
            continue
        if inside is not None and element not in inside and not _labelled_attachment(element):
            continue
        absolute = urljoin(url, href)
        if absolute in seen:
            continue
        seen.add(absolute)
        name = inline_text(element) or element.get("title") or unquote(absolute.rsplit("/", 1)[-1])
        out.append({"url": absolute, "name": normalise_space(name)})
    return out
