"""The extraction cascade: one saved government page in, one flat record out.

Steps: (0) the profile's selectors, (1) <meta> tags, (2) the 信息公开 label/value block,
title selectors and <title>, (3) text patterns from the title on, (4) known body containers,
(5) the largest text block, (6) a fragment's heading from its body. Each field is filled by the
first step that finds it, in the order given by ``FIELD_STEPS`` (dates printed on the page come
before <meta>); ``sources`` records which step that was. Nothing is guessed: a field no step
finds is None, and a missing title or date is named in ``warnings``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from lxml import etree

from pipeline.body import Body, attachments, find_body
from pipeline.dates import more_precise, parse_date
from pipeline.metadata import label_values, meta_tags
from pipeline.scriptdata import with_script_detail
from pipeline.selectors import Selectors, applicable, compile_css, load_selectors, page_names
from pipeline.text import inline_text, normalise_space, paragraphs
from pipeline.titles import clean_title_tag, heading_in_body, heading_text, is_organisation

FIELDS = tuple(
    "url title agency published_at index_no doc_no written_at column keywords validity"
    " category_label breadcrumb body attachments sources warnings".split()
)
METADATA_FIELDS = tuple(
    "agency published_at index_no doc_no written_at column keywords validity category_label".split()
)
# Per field, which steps may fill it and in what order. Agency prefers the page's own
# 发布机构/来源 over the ContentSource meta, which some CMSs fill with the site's name.
# The publication date is the one printed on the page (发布日期 in the 信息公开 table, 发布时间
# under the title, a date container): sites re-publish and migrate, and <meta name="PubDate">
# then changes while the printed date does not. Meta only adds the time to the same day.
FIELD_STEPS: dict[str, tuple[str, ...]] = {
    "title": ("profile", "meta", "selector", "title_tag", "table", "heading"),
    "published_at": ("profile", "table", "text", "date_selector", "meta"),
    "agency": ("table", "text", "meta"),
    "keywords": ("table", "meta"),
    "column": ("meta", "breadcrumb"),
}
DEFAULT_STEPS = ("meta", "table", "text")
DATE_FIELDS = ("published_at", "written_at")
# Fields every document page is expected to state; a page without one says so in a warning.
_MISSING = (("title", "title"), ("published_at", "publication date (发布日期/发布时间)"))
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Bytes no HTML page contains: a binary file decoded as text.
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a\ufffd]")
_MARKUP = re.compile(r"<(?:[a-z][a-z0-9]*|!doctype)[\s/>]", re.IGNORECASE)
_SITE_PREFIX_SEPARATOR = re.compile(r"^\s*(?:_|\||｜|--|——|—|-|–|:|：)\s*")
_CRUMB_LABEL = re.compile(r"(?:当前位置|您的位置|您现在的位置|所在位置|当前的位置)[:：]?")
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|›|»|→|/|＞|\\)\s*")
_NON_COLUMN_CRUMBS = frozenset({"正文", "详情", "内容", "详细内容", "文章", "正文内容", "阅读"})
# Plain lxml.etree, not lxml.html: the latter looks up a Python class for every element
# touched, which was the single largest cost per page.
# huge_tree: libxml2 otherwise stops at 256 levels of nesting and drops the rest of the page
# silently; some CMS templates nest layout tables and divs that deep.
_HTML_PARSER = etree.HTMLParser(remove_comments=False, remove_blank_text=False, huge_tree=True)
_LAYOUT_TAGS = re.compile(r"</?(?:div|span|font|center|section)\b[^>]*>", re.IGNORECASE)


class ExtractionError(Exception):
    """The page has neither a title nor a body: nothing worth archiving as a document."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_html(html: str) -> etree._Element:
    """Parse once with lxml; raise ExtractionError on an empty or unparseable page."""
    html = _XML_DECL.sub("", html, count=1)  # lxml refuses str input with an encoding decl
    if not html.strip():
        raise ExtractionError("empty page")
    head = html[:4096]
    if len(_BINARY.findall(head)) > 8 or not _MARKUP.search(html[:65536]):
        raise ExtractionError("not an HTML page")
    try:
        root = etree.fromstring(html, parser=_HTML_PARSER)
        if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _HTML_PARSER.error_log):
            # Nested past libxml2's 2,048 levels even with huge_tree (a hostile page): the
            # text below would be dropped. Layout-only tags carry no text: parse without them.
            root = etree.fromstring(_LAYOUT_TAGS.sub(" ", html), parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"unparseable HTML: {exc}") from exc
    if root is None:
        raise ExtractionError("unparseable HTML: no document element")
    return root


def extract(html: str, url: str, selectors: dict | None = None) -> dict[str, Any]:
    """Extract one document from a decoded page; ``selectors`` are a profile's CSS overrides.

    Raises ExtractionError when neither a title nor a body can be found.
    """
    html = with_script_detail(html)  # gkmlpt: the document lives in the page's script data
    known = _for_page(load_selectors(), html)
    root = parse_html(html)
    warnings: list[str] = []
    found, crumbs = _steps(root, known, selectors or {}, html, warnings)

    record: dict[str, Any] = {field: None for field in FIELDS}
    sources: dict[str, str] = {}
    _fill(record, sources, found, warnings, "title")
    if not record["title"]:  # the last title step walks the whole tree: only when needed
        found["heading"] = {"title": _fallback_title(root, known)}
        _fill(record, sources, found, warnings, "title")
    body, body_step, body_element = _body(root, known, found, record, sources, html)
    # (3) text patterns (来源:X发布时间:Y, 发布日期：…) searched from the title onward.
    body_root = root.find("body")
    page_text = "\n".join(paragraphs(body_root if body_root is not None else root))
    found["text"] = _text_patterns(page_text, record["title"], known)
    for field in METADATA_FIELDS:
        _fill(record, sources, found, warnings, field)

    if body:
        sources["body"] = body_step
    if not record["title"] and not body:
        raise ExtractionError("no title and no body found")
    if not body:
        warnings.append("no body text found")
    warnings.extend(f"no {what} found" for field, what in _MISSING if not record[field])
    record.update(
        url=url,
        body=body or None,
        breadcrumb=crumbs,
        attachments=attachments(root, body_element, url, known),
        sources=sources,
        warnings=warnings,
    )
    return record


def _steps(
    root: etree._Element, known: Selectors, overrides: dict, html: str, warnings: list[str]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """What each cascade step finds (step -> {field: value}), and the breadcrumb."""
    found: dict[str, dict[str, Any]] = {}
    # (0) the site profile's own selectors, tried before any default.
    found["profile"] = _profile_values(root, overrides)
    # (1) <meta> tags (ArticleTitle, PubDate, ContentSource, ColumnName …).
    found["meta"] = _site_name_removed(meta_tags(root, known), warnings)
    # (2) the 信息公开 metadata table or label/value list.
    found["table"] = label_values(root, known)
    # Title selectors and <title> come before text patterns, which search near the title.
    title_tag = clean_title_tag(
        root, found["meta"].get("site_name"), found["meta"].get("column"), known.column_words
    )
    found["selector"] = {"title": _selected_title(root, known, title_tag)}
    if title_tag and is_organisation(title_tag) and found["table"].get("title"):
        title_tag = None  # <title> is the site's name; the 名称 label names the document
    found["title_tag"] = {"title": title_tag}
    found["date_selector"] = {"published_at": _first_text(root, known.date)}
    crumbs = _breadcrumb(root, known, search_labels="位置" in html)
    found["breadcrumb"] = {"column": _column_from_crumbs(crumbs)}
    return found, crumbs


def _body(
    root: etree._Element,
    known: Selectors,
    found: dict[str, dict[str, Any]],
    record: dict[str, Any],
    sources: dict[str, str],
    html: str,
) -> Body:
    """(4) body containers, (5) the largest text block; (6) a fragment's heading as its title."""
    profile_body = found["profile"].get("body")
    body = find_body(root, known, profile_body, record["title"], html)
    heading = None if record["title"] else heading_in_body(body[2])
    if heading:
        # A content-only fragment: its heading is the body's first centred bold lines.
        record["title"], sources["title"] = heading, "body_heading"
        body = find_body(root, known, profile_body, heading, html)
    return body


def _site_name_removed(meta: dict[str, str], warnings: list[str]) -> dict[str, str]:
    """Meta values minus the site's own name: it is neither the title nor the agency.

    Some CMSs prefix ArticleTitle with the site name ("保定市人民政府网——…") or put the
    site name in ContentSource; taking it as the publishing agency would invent one.
    """
    site = meta.get("site_name")
    if not site:
        return meta
    if meta.get("agency") == site:
        del meta["agency"]
        warnings.append("ContentSource is the site name, not an agency: ignored")
    title = meta.get("title") or ""
    rest = title[len(site) :]
    # Only a prefix set off by a separator is the site's name: 江西省人民政府办公厅关于… starts
    # with the site name 江西省人民政府 but is the issuing office's own title.
    if title.startswith(site) and _SITE_PREFIX_SEPARATOR.match(rest):
        meta["title"] = _SITE_PREFIX_SEPARATOR.sub("", rest, count=1).strip() or title
    return meta


def _for_page(known: Selectors, html: str) -> Selectors:
    """The default selectors that can possibly match this page (see ``applicable``)."""
    names = page_names(html)
    return replace(
        known,
        title=applicable(known.title, names),
        title_generic=applicable(known.title_generic, names),
        title_fallback=applicable(known.title_fallback, names),
        date=applicable(known.date, names),
        body=applicable(known.body, names),
        breadcrumb=applicable(known.breadcrumb, names),
    )


def _fill(record: dict, sources: dict, found: dict, warnings: list[str], field: str) -> None:
    """Take the field from the first step that has it; dates may gain a time later."""
    for step in FIELD_STEPS.get(field, DEFAULT_STEPS):
        raw = found.get(step, {}).get(field)
        if not raw or (field == "agency" and raw in _agency_ignore()):
            continue
        value = parse_date(raw) if field in DATE_FIELDS else raw
        if value is None:
            warnings.append(f"{field}: unparseable date {raw!r} ({step})")
            continue
        if record[field] is None:
            record[field], sources[field] = value, step
        elif field in DATE_FIELDS and more_precise(record[field], value):
            record[field], sources[field] = value, step
        elif field in DATE_FIELDS and value[:10] != record[field][:10]:
            # Keep the earlier step's date, but say the page disagrees with itself.
            warnings.append(f"{field}: {sources[field]} says {record[field]}, {step} says {value}")


def _agency_ignore() -> frozenset[str]:
    return load_selectors().agency_ignore


def _first_text(
    root: etree._Element, selectors: list[tuple[str, Any]], minimum: int = 1
) -> str | None:
    for _css, selector, *_ in selectors:
        for element in selector(root):
            text = inline_text(element)
            if len(text) >= minimum:
                return text
    return None


def _selected_title(root: etree._Element, known: Selectors, title_tag: str | None) -> str | None:
    """A known title container's text; a bare <h1> only when <title> confirms it."""
    for _css, selector, *_ in known.title:
        for element in selector(root):
            text = heading_text(inline_text(element))
            if text:
                return text
    for _css, selector, *_ in known.title_generic:
        for element in selector(root):
            text = heading_text(inline_text(element))
            if text and (title_tag is None or text in title_tag or title_tag in text):
                return text
    return None


def _fallback_title(root: etree._Element, known: Selectors) -> str | None:
    """A title-classed element's text, when nothing better named the document."""
    for _css, selector, *_ in known.title_fallback:
        for element in selector(root):
            text = heading_text(inline_text(element))
            if text and not is_organisation(text) and text not in known.column_words:
                return text
    return None


def _profile_values(root: etree._Element, overrides: dict) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in ("title", "published_at", "agency"):
        chosen = [(css, compile_css(css)) for css in overrides.get(field) or []]
        values[field] = _first_text(root, chosen) if chosen else None
    values["body"] = [(css, compile_css(css)) for css in overrides.get("body") or []]
    return values


def _text_patterns(page_text: str, title: str | None, known: Selectors) -> dict[str, str]:
    """(3) 来源:X发布时间:Y and friends, looked for from the title's position on."""
    start = page_text.find(title) if title else -1
    region = page_text[start:] if start >= 0 else page_text
    values: dict[str, str] = {}
    for field, patterns in known.text_patterns.items():
        for pattern, near_title in patterns:
            match = pattern.search(region[:near_title] if near_title and start >= 0 else region)
            if match and match.group("v").strip():
                values[field] = match.group("v").strip()
                break
    return values


def _breadcrumb(root: etree._Element, known: Selectors, search_labels: bool) -> list[str]:
    """Crumb texts of the 当前位置 trail, without the label itself."""
    for _css, selector, *_ in known.breadcrumb:
        for element in selector(root):
            crumbs = _crumbs_of(element)
            if crumbs:
                return crumbs
    if not search_labels:
        return []
    for element in root.iter(etree.Element):
        if element.text and _CRUMB_LABEL.search(element.text) and len(element.text) < 40:
            container = element if len(element) else element.getparent()
            crumbs = _crumbs_of(container) if container is not None else []
            if crumbs:
                return crumbs
    return []


def _crumbs_of(element: etree._Element) -> list[str]:
    text = inline_text(element)
    if len(text) > 200:
        return []
    match = _CRUMB_LABEL.search(text)
    text = text[match.end() :] if match else text
    crumbs = [c for c in (normalise_space(c) for c in _CRUMB_SPLIT.split(text)) if c]
    if len(crumbs) == 1 and " " in crumbs[0]:  # "首页 政务公开 政策文件": spaces separate
        crumbs = crumbs[0].split(" ")
    return crumbs


def _column_from_crumbs(crumbs: list[str]) -> str | None:
    tail = [c for c in crumbs if c not in _NON_COLUMN_CRUMBS]
    return tail[-1] if len(tail) >= 2 else None
