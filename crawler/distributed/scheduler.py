"""scrapy-redis' scheduler with leases: a request a worker took is lost by nobody.

scrapy-redis pops a request and forgets it: a worker killed while fetching takes its requests
with it. Here the pop is a lease (``cluster.Site.pop``), and the lease is finished only when
the request's callback (or errback) has run to its end and every item it yielded has been
shipped, so its follow-up requests are already in the shared frontier. Retries, redirects and
429/503 back-offs of a leased request stay in this worker under the same lease. A new
request's fingerprint and its place in the frontier are written in one Lua script: a worker
dying between the two would leave a URL that counts as seen and that nobody fetches.

Settings: ``REDIS_ENABLED``, ``REDIS_URL``, ``REDIS_KEY_PREFIX``, ``REDIS_WORKER_ID`` (set by
``crawler.distributed.worker``), ``REDIS_POLL_INTERVAL`` (seconds between looks at the shared
frontier while this worker has nothing to do).
"""

from __future__ import annotations

import inspect
import logging
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import arg_to_iter
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.distributed import codec
from crawler.distributed.cluster import Site, cluster_of
from crawler.render import FOLLOW_UP

logger = logging.getLogger(__name__)
LEASE = "gongkai_lease"  # request.meta: the lease token of the frontier request it continues
FED = "gongkai_fed"  # request.meta: popped by the poll loop, handed to the engine


class Lease:
    """One leased request's progress: has its callback finished, which items are in flight."""

    def __init__(self, token: str):
        self.token = token
        self.items: set[int] = set()
        self.exhausted = False
        self.failed = False


class Leases:
    """Finish each lease once its callback is done and its items are through the pipeline."""

    def __init__(self, crawler: Crawler, site: Site):
        self.crawler, self.site = crawler, site
        self.open: dict[str, Lease] = {}
        self.items: dict[int, Lease] = {}
        for signal in (signals.item_scraped, signals.item_dropped):
            crawler.signals.connect(self.item_done, signal=signal)
        crawler.signals.connect(self.item_failed, signal=signals.item_error)

    def hold(self, request: Request, token: str) -> Request:
        """Tie ``request`` to its lease: its callbacks report when they are done."""
        lease = self.open[token] = Lease(token)
        request.meta[LEASE] = token
        spider = self.crawler.spider
        callback = request.callback or spider.parse
        request.callback = self._wrap(callback, lease)
        request.errback = self._wrap(request.errback, lease)
        return request

    def _wrap(self, function: Any, lease: Lease) -> Any:
        def tracked(result: Any, *args: Any, **kwargs: Any) -> Any:
            if function is None:  # no errback: the failure is logged as usual, the lease ends
                self._exhausted(lease)
                result.raiseException()
            output = function(result, *args, **kwargs)
            if hasattr(output, "__aiter__"):
                return self._track_async(output, lease)
            if inspect.iscoroutine(output):
                return self._track_coroutine(output, lease)
            return self._track(arg_to_iter(output), lease)

        return tracked

    def _track(self, output: Iterable[Any], lease: Lease) -> Iterator[Any]:
        # GeneratorExit (the engine stopping mid-output) is not an end: the lease stays open
        # and the request goes back to the frontier when this worker is gone.
        try:
            for element in output:
                yield self._pass(element, lease)
        except Exception:
            self._exhausted(lease)
            raise
        self._exhausted(lease)

    async def _track_async(self, output: AsyncIterator[Any], lease: Lease) -> AsyncIterator[Any]:
        try:
            async for element in output:
                yield self._pass(element, lease)
        except Exception:
            self._exhausted(lease)
            raise
        self._exhausted(lease)

    async def _track_coroutine(self, output: Any, lease: Lease) -> AsyncIterator[Any]:
        for element in self._track(arg_to_iter(await output), lease):
            yield element

    def _pass(self, element: Any, lease: Lease) -> Any:
        if isinstance(element, Request):
            element.meta.pop(LEASE, None)  # a new request of its own, not a continuation
        elif element is not None:
            lease.items.add(id(element))
            self.items[id(element)] = lease
        return element

    def _exhausted(self, lease: Lease) -> None:
        lease.exhausted = True
        self._maybe_finish(lease)

    def item_done(self, item: Any, **kwargs: Any) -> None:
        lease = self.items.pop(id(item), None)
        if lease is not None:
            lease.items.discard(id(item))
            self._maybe_finish(lease)

    def item_failed(self, item: Any, **kwargs: Any) -> None:
        lease = self.items.get(id(item))
        if lease is not None:
            lease.failed = True
        self.item_done(item)

    def _maybe_finish(self, lease: Lease) -> None:
        if not lease.exhausted or lease.items or self.open.pop(lease.token, None) is None:
            return
        if self.site.cluster.lost:  # an item may not have been shipped: leave the lease open
            return
        if lease.failed:  # an item did not reach the writer: fetch it again
            self.site.release(lease.token, reason="an item could not be shipped")
        else:
            self.site.ack(lease.token)

    def release_all(self, reason: str) -> None:
        """Whatever this worker still holds goes back to the frontier (a clean stop)."""
        for token in list(self.open):
            del self.open[token]
            self.site.release(token, reason)


class LeasedQueue(PriorityQueue):
    """scrapy-redis' priority queue (one per site) whose pop is a lease."""

    def pop_leased(self, site: Site, token: str) -> Request | None:
        data = site.pop(token)
        return None if data is None else self._decode_request(data)


class LeasedScheduler(Scheduler):
    """The shared frontier and duplicate filter of one site, for every worker crawling it."""

    def __init__(self, crawler: Crawler, poll_interval: float, **kwargs: Any):
        super().__init__(**kwargs)
        self.crawler = crawler
        self.poll_interval = poll_interval
        self.local: deque[Request] = deque()
        self.site: Site | None = None
        self.leases: Leases | None = None
        self._poll: task.LoopingCall | None = None
        self._closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        settings = crawler.settings
        scheduler = cls(
            crawler, settings.getfloat("REDIS_POLL_INTERVAL"),
            server=cluster_of(settings).client, persist=True, serializer=codec,
        )  # fmt: skip
        scheduler.stats = crawler.stats
        return scheduler

    def open(self, spider: Any) -> None:
        self.spider = spider
        self.site = spider.site
        self.queue = LeasedQueue(self.server, spider, self.site.key("requests"), codec)
        self.df = RFPDupeFilter(self.server, key=self.site.key("dupefilter"))
        self.leases = Leases(self.crawler, self.site)
        self._poll = task.LoopingCall(self._tick)
        self._poll.start(self.poll_interval, now=False)

    def close(self, reason: str) -> None:
        if self._poll is not None and self._poll.running:
            self._poll.stop()
        self.local.clear()
        if self.leases is not None:
            self.leases.release_all(f"the worker stopped ({reason})")

    def enqueue_request(self, request: Request) -> bool:
        if self.site.cluster.lost:  # stopping: the parent request will be fetched again
            return False
        if (
            request.meta.pop(FED, False)
            or request.meta.get(LEASE) is not None
            or request.meta.get(FOLLOW_UP)
        ):
            # Popped by the poll loop, or a retry, redirect or back-off of a request this
            # worker holds: it stays here under its lease, unfiltered (a redirect target
            # marked seen here would be lost with this worker; fetched twice is the lesser harm).
            # So does a challenge's follow-up (crawler.render): it needs this worker's browser
            # and the cookie its jar earned.
            self.local.append(request)
            return True
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        data = self.queue._encode_request(request)
        if not self.site.enqueue(fingerprint, data, request.priority):
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.local:
            return self.local.popleft()
        return self._lease()

    def _lease(self) -> Request | None:
        token = self.site.cluster.token()
        request = self.queue.pop_leased(self.site, token)
        if request is None:
            return None
        self.stats.inc_value("scheduler/dequeued/redis")
        return self.leases.hold(request, token)

    def has_pending_requests(self) -> bool:
        return bool(self.local) or self.site.frontier_size() > 0

    def __len__(self) -> int:
        return len(self.local) + self.site.frontier_size()

    def _tick(self) -> None:
        """Feed an idle engine from the shared frontier; close the spider when the site is done.

        Scrapy looks at its scheduler after each download, or every 5 s when it has none: a
        worker whose frontier ran dry while others were still reading list pages would sit out
        those seconds. Popping one request and handing it to the engine wakes it.
        """
        engine = self.crawler.engine
        if self._closing or engine is None:
            return
        if self.site.cluster.lost:
            self._close("redis_lost")
            return
        if not self.local and not engine.downloader.active:
            request = self._lease()
            if request is not None:
                request.meta[FED] = True
                engine.crawl(request)
                return
        try:
            idle = engine.spider_is_idle()
        except RuntimeError:  # the engine is closing
            return
        if idle and self.spider.site_finished():
            self._close("finished")

    def _close(self, reason: str) -> None:
        self._closing = True
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))
