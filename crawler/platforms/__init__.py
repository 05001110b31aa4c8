"""Link discovery for the CMS platforms bureau sites run: what to fetch next from a page.

Pure functions (no Scrapy): the generic spider hands over the page text, its URL and the
profile dict and gets back detail, list and fragment URLs and form requests, already filtered
to the profile's allowed domains and to the columns the crawl was started on
(``crawler.platforms.scope``). Knowledge of each platform is data (``platforms.yml``: URL
patterns, required start URL, settings) plus one small reader per platform for its pager:

- ``trs``: ``createPageHTML(count, current, "index", "html")``;
- ``lonsun``: the ``publicInfoList`` label script and its ``/site/label/8888`` fragments;
- ``hanweb``: the ``<datastore>`` of a column page and the jpage ``dataproxy.jsp`` POST pager;
- ``kaipu``: the six-argument ``createPageHTML('page_div', pages, current, name, ext, total)``;
- ``gkmlpt``: the index page's ``SID``/``TREE`` and the JSON API ``/gkmlpt/api/all/<column>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crawler.platforms import gkmlpt, hanweb, kaipu, lonsun, trs
from crawler.platforms.lonsun import lonsun_fragment_url, lonsun_fragment_urls, lonsun_label_params
from crawler.platforms.page import ListPage
from crawler.platforms.result import Discovered, FetchRequest
from crawler.platforms.scope import in_scope
from crawler.platforms.spec import max_pages, page_kind, patterns, platform_spec
from crawler.platforms.trs import trs_page_urls
from pipeline.urls import within_domains

__all__ = [
    "Discovered",
    "FetchRequest",
    "discover",
    "lonsun_fragment_url",
    "lonsun_fragment_urls",
    "lonsun_label_params",
    "max_pages",
    "page_kind",
    "patterns",
    "platform_spec",
    "trs_page_urls",
]

# Each platform's pager reader: (page, profile, kind, max_pages, found) -> None.
PAGERS = {
    "trs_wcm": trs.pager,
    "lonsun": lonsun.pager,
    "hanweb": hanweb.pager,
    "kaipu": kaipu.pager,
    "gkmlpt": gkmlpt.pager,
}
# Fragment answers that are not HTML pages: the reader parses the whole answer.
ANSWER_READERS = {"hanweb": hanweb.read_answer, "gkmlpt": gkmlpt.read_answer}


def discover(html: str, url: str, profile: Mapping, column: str | None = None) -> Discovered:
    """Everything worth fetching from one page. ``column`` is inherited (e.g. by a fragment)."""
    kind = page_kind(url, profile)
    if kind == "detail":
        return Discovered(column=column)
    platform = profile.get("platform", "generic")
    limit = max_pages(profile)
    allowed = profile.get("allowed_domains") or []
    if kind == "fragment" and platform in ANSWER_READERS:
        return _filtered(ANSWER_READERS[platform](html, url, profile, column, limit), allowed)
    page = ListPage(html, url)
    found = Discovered(column=page.column_name() or column)
    pats = patterns(profile)
    scoped = not profile.get("list_url_patterns")
    starts = profile.get("start_urls") or []
    in_comments = bool(platform_spec(platform).get("links_in_comments"))
    for link in page.links(in_comments):
        if any(p.search(link) for p in pats["detail"]):
            found.detail_urls.append((link, found.column))
        elif link != url and any(p.search(link) for p in pats["list"]):
            if not scoped or in_scope(link, starts):
                found.list_urls.append(link)
    if platform in PAGERS:
        PAGERS[platform](page, profile, kind, limit, found)
    return _filtered(found, allowed)


def _filtered(found: Discovered, allowed: list[str]) -> Discovered:
    def keep(urls: Iterable[str]) -> list[str]:
        return list(dict.fromkeys(u for u in urls if within_domains(u, allowed)))

    seen: dict[str, str | None] = {}
    for link, col in found.detail_urls:
        if within_domains(link, allowed):
            seen.setdefault(link, col)
    found.detail_urls = list(seen.items())
    found.list_urls = keep(found.list_urls)
    found.fragment_urls = keep(found.fragment_urls)
    found.requests = list(
        dict.fromkeys(r for r in found.requests if within_domains(r.url, allowed))
    )
    return found
