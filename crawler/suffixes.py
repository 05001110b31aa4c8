"""The public-suffix list the crawler uses, from the copy bundled with tldextract, never fetched.

Scrapy's cookie middleware splits cookie domains with ``tldextract``, whose default fetches the
list from publicsuffix.org on first use. A crawler must not leave its profiles' domains, and on a
machine without internet that fetch fails and logs a traceback into every crawl's log. The
bundled snapshot is what the fetch falls back to anyway.
"""

from __future__ import annotations

import scrapy.downloadermiddlewares.cookies as cookies
from tldextract import TLDExtract


def use_bundled_suffix_list() -> None:
    """Point Scrapy's cookie-domain splitter at tldextract's bundled list (no network, no cache)."""
    cookies._split_domain = TLDExtract(  # noqa: SLF001 — Scrapy exposes no setting for this
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )
