"""Politeness for the whole cluster: a profile's concurrency and delay per host, in Redis.

Each worker's own download slots only see that worker's requests: three workers with a
profile's ``concurrency: 2`` would ask a county server for six pages at once. This downloader
middleware sits last before the wire (priority 960, after the WARC middleware): a request
waits until it holds one of the host's ``concurrency`` leases and the host's ``delay`` has
passed since the cluster's last start there (Redis' clock, the same for every machine), and
gives the lease back as soon as the answer (or the failure) is in. A lease also expires on its
own after the download timeout, and the reaper frees those of a dead worker at once. A
429/503 pushes the host's next start back for the whole cluster (``Retry-After`` or
``POLITENESS_BACKOFF_BASE``). Hosts shared by several profiles get one set of leases.

Settings: ``REDIS_HOST_LEASES_ENABLED`` (with ``REDIS_ENABLED``).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep

from crawler.distributed.cluster import Cluster, cluster_of, guarded
from crawler.politeness import retry_after_seconds

logger = logging.getLogger(__name__)
HOST_LEASE = "gongkai_host_lease"  # request.meta: (host, token) while the request holds one
# Seconds a lease outlives the download timeout before Redis frees it by itself.
LEASE_MARGIN = 10.0
LONGEST_WAIT = 1.0  # a full host is asked again at least this often


class HostLeaseMiddleware:
    def __init__(
        self,
        crawler: Crawler,
        cluster: Cluster,
        timeout: float,
        backoff_codes: set[int],
        backoff_base: float,
        backoff_max: float,
    ) -> None:
        self.crawler, self.cluster, self.timeout = crawler, cluster, timeout
        self.backoff_codes, self.backoff_base = backoff_codes, backoff_base
        self.backoff_max = backoff_max
        self.hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostLeaseMiddleware:
        settings = crawler.settings
        if not settings.getbool("REDIS_ENABLED"):
            raise NotConfigured("REDIS_ENABLED is off")
        if not settings.getbool("REDIS_HOST_LEASES_ENABLED"):
            raise NotConfigured("REDIS_HOST_LEASES_ENABLED is off")
        return cls(
            crawler, cluster_of(settings), settings.getfloat("DOWNLOAD_TIMEOUT"),
            {int(c) for c in settings.getlist("POLITENESS_BACKOFF_CODES")},
            settings.getfloat("POLITENESS_BACKOFF_BASE"),
            settings.getfloat("POLITENESS_BACKOFF_MAX"),
        )  # fmt: skip

    def _limits(self) -> tuple[int, float]:
        profile = self.crawler.spider.profile
        return max(1, int(profile.concurrency)), max(0.0, float(profile.delay))

    async def process_request(self, request: Request) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        concurrency, delay = self._limits()
        timeout = float(request.meta.get("download_timeout") or self.timeout)
        token = self.cluster.token()
        while True:
            wait = self._acquire(host, token, concurrency, delay, timeout + LEASE_MARGIN)
            if wait is None:  # Redis is gone: this worker stops, the request is fetched later
                raise IgnoreRequest("lost Redis: not fetched by this worker")
            if wait == 0:
                break
            self.crawler.stats.inc_value("politeness/cluster_waits")
            await sleep(min(LONGEST_WAIT, wait / 1000) if wait > 0 else 0.02)
        request.meta[HOST_LEASE] = (host, token)

    @guarded(None)
    def _acquire(
        self, host: str, token: str, concurrency: int, delay: float, lease: float
    ) -> int | None:
        if host not in self.hosts:
            self.cluster.client.sadd(self.cluster.key("hosts"), host)
            self.hosts.add(host)
        keys = [self.cluster.key("host", host, "leases"), self.cluster.key("host", host, "next")]
        args = [token, concurrency, int(delay * 1000), int(lease * 1000)]
        return int(self.cluster.script("acquire_host", keys, args))

    @guarded(None)
    def _release(self, request: Request) -> None:
        held = request.meta.pop(HOST_LEASE, None)
        if held is not None:
            host, token = held
            self.cluster.client.zrem(self.cluster.key("host", host, "leases"), token)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        if response.status in self.backoff_codes:
            self._slow_down(request, response)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    @guarded(None)
    def _slow_down(self, request: Request, response: Response) -> None:
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        wait = min(self.backoff_max, asked if asked is not None else self.backoff_base)
        host = (urlsplit(request.url).hostname or "").lower()
        keys = [self.cluster.key("host", host, "next")]
        self.cluster.script("slow_host", keys, [int(wait * 1000)])
