"""The bureau spider as one of many workers on a site.

It crawls exactly as ``BureauSpider`` does; what it knows and what it learns about the site is
shared instead of kept in the process:

- the known URL state (validators for conditional GET, the revisit schedule, whether the lists
  linked a page last time) comes from Redis, where the writer published it from the archive
  before any worker started on the site (workers need no copy of the database);
- the document URLs this run's list pages link, and whether every list page was read, go to
  Redis, so the delisting pass sees what *all* workers saw;
- the delisting pass (fetch known pages the lists no longer link) runs once, by whichever
  worker first finds the site's frontier and leases empty, and the spider closes only when
  the whole cluster is done with the site.

One difference, on purpose: list pages are fetched whole every run. A single-process crawl
asks for them conditionally and re-reads the archived copy on a 304; a worker has no archive
to re-read from, so the writer publishes list pages without their validators.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider

from crawler.distributed.cluster import Site, cluster_of
from crawler.revisit import KnownPage, RevisitPlan, RevisitPolicy, is_due
from crawler.spiders.bureau import BureauSpider

# Seconds a worker has to enqueue the delisting pass before another worker may take it over.
UNLISTED_CLAIM_TTL = 60.0


class SharedListed:
    """``RevisitPlan.listed`` for a cluster: what list pages link goes to Redis."""

    def __init__(self, site: Site):
        self.site = site

    def update(self, urls: Iterable[str]) -> None:
        self.site.add_listed(urls)

    def add(self, url: str) -> None:
        self.site.add_listed([url])


class SharedRevisitPlan(RevisitPlan):
    """A site's revisit plan with its known pages from the writer and its listing in Redis."""

    def __init__(self, policy: RevisitPolicy, site: Site):
        self.site = site
        super().__init__(policy)
        self.listed = SharedListed(site)  # type: ignore[assignment]

    @property  # type: ignore[override]
    def lists_complete(self) -> bool:
        return not self.site.lists_incomplete()

    @lists_complete.setter
    def lists_complete(self, complete: bool) -> None:
        if not complete:
            self.site.mark_lists_incomplete()

    def load(self, db_path: Path | str, site: str, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        self.known = {url: KnownPage(*json.loads(row)) for url, row in self.site.known().items()}
        self.due = {
            url for url, page in self.known.items()
            if page.kind == "detail" and is_due(page, self.policy, now)
        }  # fmt: skip
        self.loaded = True

    def unlisted_known(self) -> list[tuple[str, str | None]]:
        listed = self.site.listed()
        return [
            (page.url, page.column) for page in self.known.values()
            if page.kind == "detail" and page.listed == 1 and page.state != "removed"
            and page.url not in listed and page.url not in self.requested
        ]  # fmt: skip

    def replay(self, response: Any) -> None:
        return None  # never asked: list pages are published without validators


class DistributedBureauSpider(BureauSpider):
    """``BureauSpider`` on a site shared through Redis (``gongkai crawl --redis``)."""

    def __init__(self, *args: Any, site: Site | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if site is None:
            raise ValueError("the distributed spider needs its site in Redis")
        self.site = site
        self.revisit = SharedRevisitPlan(self.revisit.policy, site)
        self.joined = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DistributedBureauSpider:
        profile = kwargs["profile"]
        kwargs["site"] = cluster_of(crawler.settings).site(profile.name)
        return super().from_crawler(crawler, *args, **kwargs)

    async def start(self) -> AsyncIterator[Request]:
        # A site whose crawl finished while this worker started has nothing left to do.
        self.joined = self.site.join()
        if not self.joined:
            return
        async for request in super().start():
            yield request

    def on_idle(self) -> None:
        if not self.site_finished():
            raise DontCloseSpider

    def site_finished(self) -> bool:
        """True when the cluster is done with this site; runs the delisting pass once."""
        site = self.site
        if not self.joined or site.cluster.lost:
            return True
        if not site.idle():
            return False
        if site.unlisted_done():
            return True
        if site.claim_unlisted(UNLISTED_CLAIM_TTL):
            # A failed list page hides what it links: that says nothing about those pages.
            pending = self.revisit.unlisted_known() if self.revisit.lists_complete else []
            for url, column in pending:
                self.crawler.engine.crawl(self._request(url, "detail", column, force=True))
            site.unlisted_finished()
        return False
