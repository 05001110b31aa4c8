"""Reading one list page for link discovery: parse once, then links, scripts and comments.

Plain lxml, as everywhere a page is read on every crawl; the page object is what the platform
readers share so that no reader parses the page again.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html

# huge_tree: past 256 levels of nesting libxml2 silently drops the rest of the page's links.
_PARSER = lxml.html.HTMLParser(huge_tree=True)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
SKIPPED_SCHEMES = ("#", "javascript:", "mailto:", "tel:")


@dataclass
class ListPage:
    """One fetched list page: its text, URL and (parsed on first use) its document."""

    text: str
    url: str
    _doc: lxml.html.HtmlElement | None = field(default=None, repr=False)

    @property
    def doc(self) -> lxml.html.HtmlElement:
        if self._doc is None:
            self._doc = parse(self.text, self.url)
        return self._doc

    @cached_property
    def scripts(self) -> str:
        """The text of every <script>, joined (JavaScript comments included)."""
        return "\n".join(s.text or "" for s in self.doc.iter("script"))

    @cached_property
    def comments(self) -> str:
        """The text of every HTML comment, joined: some templates park the list in one."""
        return "\n".join(c.text or "" for c in self.doc.iter(lxml.etree.Comment))

    def links(self, in_comments: bool = False) -> list[str]:
        """Absolute URLs of <a>/<area> links, fragments dropped, host lower-cased."""
        hrefs = [a.get("href") or "" for a in self.doc.iter("a", "area")]
        if in_comments:
            found = _HREF.finditer(self.comments)
            hrefs += [html.unescape(next(g for g in m.groups() if g is not None)) for m in found]
        return absolute_links(hrefs, self.url)

    def column_name(self) -> str | None:
        for meta in self.doc.iter("meta"):
            name, content = (meta.get("name") or "").lower(), (meta.get("content") or "").strip()
            if name == "columnname" and content:
                return content
        return None


def parse(html: str, url: str) -> lxml.html.HtmlElement:
    """The page as an lxml document; an empty or unparseable page is an empty document."""
    html = _XML_DECLARATION.sub("", html or "", count=1)  # lxml refuses str with a declaration
    try:
        return lxml.html.document_fromstring(html or "<html></html>", parser=_PARSER, base_url=url)
    except (lxml.etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html></html>", base_url=url)


def absolute_links(hrefs: list[str], base: str) -> list[str]:
    out = []
    for href in hrefs:
        href = href.strip()
        if not href or href.startswith(SKIPPED_SCHEMES):
            continue
        parts = urlsplit(urljoin(base, href))
        out.append(
            urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))
        )
    return out


def js_int(scripts: str, token: str) -> int | None:
    """A number literal, or the value of ``var token = N`` in the scripts."""
    if token.isdigit():
        return int(token)
    found = re.search(r"\b(?:var\s+)?" + re.escape(token) + r"\s*=\s*(\d+)", scripts)
    return int(found.group(1)) if found else None
