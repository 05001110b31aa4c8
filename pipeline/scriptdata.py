"""Documents a page carries only in its script data, shown as the browser would show them.

Guangdong's 政府信息公开目录平台 (gkmlpt) renders its detail pages with JavaScript: the saved
HTML has no body text, only ``window._CONFIG = {…, DETAIL: {"title", "content", "publisher",
…}, …}``. ``with_script_detail`` puts DETAIL's title and content into the page as ordinary
markup (``div.gkmlpt-detail``, a body container in selectors.yml), so the extraction cascade
reads them like any other page. Nothing is added that the page's own data does not say.
"""

from __future__ import annotations

import html as html_module
import json
import re

_DETAIL = re.compile(r"window\._CONFIG\s*=\s*\{.*?\bDETAIL\s*:\s*(?=\{)", re.DOTALL)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def script_detail(page: str) -> dict | None:
    """The gkmlpt DETAIL object of a page, or None when it has none (or it is not JSON)."""
    match = _DETAIL.search(page[:2_000_000])
    if match is None:
        return None
    try:
        detail, _ = json.JSONDecoder().raw_decode(page, match.end())
    except ValueError:
        return None
    return detail if isinstance(detail, dict) and detail.get("content") else None


def with_script_detail(page: str) -> str:
    """``page`` with its script-only document added as markup; unchanged when there is none."""
    detail = script_detail(page)
    if detail is None:
        return page
    title = html_module.escape(str(detail.get("title") or ""))
    block = (
        '<div class="gkmlpt-detail">'
        + (f'<h1 class="gkmlpt-title">{title}</h1>' if title else "")
        + f'<div class="gkmlpt-content">{detail["content"]}</div></div>'
    )
    ends = list(_BODY_END.finditer(page))
    if not ends:
        return page + block
    at = ends[-1].start()
    return page[:at] + block + page[at:]
