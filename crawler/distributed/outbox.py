"""What a worker sends the writer: items with their WARC exchange, stray exchanges, stats.

Messages (MessagePack, on the ``items`` list; ``p`` is the site):

- ``{"t": "page", "item": {...}}``: a ``PageItem`` after extraction and attachment reading, its
  ``warc`` holding ``{"exchange": {...}}`` (``crawler.warc.Exchange``) instead of a pointer;
- ``{"t": "exchange", "x": {...}}``: an exchange no item carries (robots.txt, the hops of a
  redirect or a retry), written to the WARC like a single-process crawl writes it;
- ``{"t": "stats", "s": {...}}``: the worker's Scrapy stats for the site, when it closes;
- ``{"t": "end"}``: pushed by ``cluster.FINISH`` behind the site's last message.

Settings: ``REDIS_ENABLED``; ``REDIS_OUTBOX_MAX`` (messages waiting for the writer before
workers hold items back, so a slow writer does not fill Redis' memory).
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep

from crawler.distributed.cluster import Site
from crawler.warc import exchange_of

logger = logging.getLogger(__name__)
OUTBOX_POLL = 0.05  # seconds between looks at a full outbox


def ship_orphan(site: Site, exchange: dict) -> None:
    """An exchange that no item will carry; lost only with Redis itself (worker stops)."""
    if site.cluster.lost:
        return
    try:
        site.ship({"t": "exchange", "x": exchange})
    except Exception as exc:  # redis.RedisError
        site.cluster.lose(exc)


def json_safe(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items()}


class ShipStage:
    """The last item-pipeline stage of a worker: each item goes to the writer through Redis.

    At the end it sends the worker's stats for the site (the crawls row and the summary are
    counted from them) and leaves the site, in that order, so the writer never finishes a
    site before its stats are in.
    """

    def __init__(self, crawler: Crawler, outbox_max: int) -> None:
        self.crawler, self.stats, self.outbox_max = crawler, crawler.stats, outbox_max

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ShipStage:
        if not crawler.settings.getbool("REDIS_ENABLED"):
            raise NotConfigured("REDIS_ENABLED is off")
        return cls(crawler, crawler.settings.getint("REDIS_OUTBOX_MAX"))

    @property
    def site(self) -> Site:
        return self.crawler.spider.site

    async def process_item(self, item: Any) -> Any:
        while self.site.outbox_size() > self.outbox_max:
            self.stats.inc_value("ship/waits")
            await sleep(OUTBOX_POLL)
        if self.site.cluster.lost:  # not shipped: its lease stays open, it is fetched again
            return item
        data = asdict(item) if hasattr(item, "__dataclass_fields__") else dict(item)
        try:
            self.site.ship({"t": "page", "item": data})
        except redis.RedisError as exc:
            self.site.cluster.lose(exc)
            return item
        self.stats.inc_value("ship/pages")
        self.stats.inc_value("ship/bytes", len(data.get("body") or b""))
        return item

    def close_spider(self) -> None:
        spider = self.crawler.spider
        if not getattr(spider, "joined", False) or self.site.cluster.lost:
            return
        try:
            self.site.ship({"t": "stats", "w": self.site.cluster.wid,
                            "s": json_safe(self.stats.get_stats())})  # fmt: skip
        except Exception as exc:  # redis.RedisError
            self.site.cluster.lose(exc)
            return
        self.site.leave()


class ShippingWarcMiddleware:
    """The WARC middleware of a worker: exchanges go to the writer, which writes the files.

    Priority 950 like ``crawler.warc.WarcCaptureMiddleware`` (which a worker turns off), for
    the same reason: bytes as received, redirects and compression not yet undone.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ShippingWarcMiddleware:
        settings = crawler.settings
        if not settings.getbool("REDIS_ENABLED"):
            raise NotConfigured("REDIS_ENABLED is off")
        if not settings.getbool("WARC_ENABLED"):
            raise NotConfigured("WARC_ENABLED is off")
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        site = self.crawler.spider.site
        exchange = asdict(exchange_of(request, response))
        if "kind" not in request.meta:  # robots.txt: no item will carry it
            ship_orphan(site, exchange)
        else:
            earlier = (request.meta.get("warc") or {}).get("exchange")
            if earlier is not None:  # a redirect hop or a retried answer, kept as evidence
                ship_orphan(site, earlier)
            request.meta["warc"] = {"exchange": exchange}
        self.crawler.stats.inc_value("warc/shipped")
        return response
