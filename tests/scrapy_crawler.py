"""A Scrapy crawler for unit tests, built with ``scrapy.utils.test.get_crawler`` on the
project's own settings (``crawler.settings``, the one home of their defaults)."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

import crawler.settings
from crawler.spiders.bureau import BureauSpider
from crawler.suffixes import use_bundled_suffix_list

# The reactor is get_crawler's business in tests; the rest is the project's.
PROJECT_SETTINGS = {
    name: getattr(crawler.settings, name)
    for name in dir(crawler.settings)
    if name.isupper() and name != "TWISTED_REACTOR"
}


def bureau_crawler(profile: str = "sample-suixi-jyj", **settings: Any) -> Crawler:
    """A crawler for the bureau spider with ``profile``, its spider created, not started."""
    use_bundled_suffix_list()
    built = get_crawler(BureauSpider, {**PROJECT_SETTINGS, **settings})
    built.spider = built._create_spider(profile=profile)
    return built
