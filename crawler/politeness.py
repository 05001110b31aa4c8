"""Politeness beyond delay and concurrency: Retry-After, 429/503 backoff, off-peak windows.

- :class:`BackoffMiddleware` (downloader middleware): a 429 or 503 is retried after the
  server's ``Retry-After`` (seconds or an HTTP date) or, without one, after an exponential
  backoff; the whole host slows down meanwhile (its download slot's delay is raised, then
  relaxed again as answers come back normally). After ``POLITENESS_BACKOFF_RETRIES`` tries,
  or when the server asks for longer than ``POLITENESS_BACKOFF_MAX`` seconds, the 429/503 is
  kept as the answer (archived; the archive counts it as ``unreachable``, never a removal).
  Scrapy's own RetryMiddleware is told to leave these two codes alone (settings).
- :func:`in_window`: a profile's ``politeness: {off_peak: "22:00-06:00"}`` — Beijing time,
  the bureau's — says when its site may be crawled; ``gongkai crawl`` skips it otherwise.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime
from datetime import time as clock
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # profiles validate windows without importing Scrapy
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)
BEIJING = ZoneInfo("Asia/Shanghai")
WINDOW = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    now = now or datetime.now(when.tzinfo)
    return max(0.0, (when - now).total_seconds())


def parse_window(text: str) -> tuple[clock, clock]:
    """``"22:00-06:00"`` -> (22:00, 06:00); raises ValueError on anything else."""
    match = WINDOW.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a window like '22:00-06:00'")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if (h1, m1) == (h2, m2):
        raise ValueError(f"{text!r} is an empty window")
    return clock(h1, m1), clock(h2, m2)


def in_window(window: str | None, now: datetime | None = None) -> bool:
    """True when ``now`` (default: the current time) falls in the window, Beijing time.

    A window may wrap midnight ("22:00-06:00"); its start is inclusive, its end exclusive.
    No window means any time.
    """
    if not window:
        return True
    start, end = parse_window(window)
    local = (now or datetime.now(BEIJING)).astimezone(BEIJING).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


class BackoffMiddleware:
    """Honour Retry-After and back off on 429/503, per host."""

    def __init__(
        self,
        crawler: Crawler,
        codes: set[int],
        retries: int,
        base: float,
        maximum: float,
    ) -> None:
        self.crawler = crawler
        self.codes, self.retries, self.base, self.maximum = codes, retries, base, maximum
        self.normal_delay: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffMiddleware:
        from scrapy.exceptions import NotConfigured

        settings = crawler.settings
        if not settings.getbool("POLITENESS_BACKOFF_ENABLED"):
            raise NotConfigured("POLITENESS_BACKOFF_ENABLED is off")
        return cls(
            crawler,
            {int(c) for c in settings.getlist("POLITENESS_BACKOFF_CODES")},
            settings.getint("POLITENESS_BACKOFF_RETRIES"),
            settings.getfloat("POLITENESS_BACKOFF_BASE"),
            settings.getfloat("POLITENESS_BACKOFF_MAX"),
        )

    async def process_request(self, request: Request) -> None:
        wait = request.meta.get("backoff_not_before", 0.0) - time.monotonic()
        if wait > 0:
            from scrapy.utils.asyncio import sleep

            await sleep(wait)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        slot = self._slot(request)
        if response.status not in self.codes:
            self._relax(slot)
            return response
        tries = request.meta.get("backoff_tries", 0)
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        wait = asked if asked is not None else self.base * 2**tries
        stats = self.crawler.stats
        if tries >= self.retries or wait > self.maximum:
            stats.inc_value("politeness/gave_up")
            return response
        stats.inc_value("politeness/backoff")
        logger.info("HTTP %s from %s: retrying in %.1fs", response.status, request.url, wait)
        if slot is not None:
            key, current = slot
            self.normal_delay.setdefault(key, current.delay)
            current.delay = max(current.delay, min(wait, self.maximum))
        retry = request.replace(dont_filter=True)
        retry.meta["backoff_tries"] = tries + 1
        retry.meta["backoff_not_before"] = time.monotonic() + wait
        return retry

    def _slot(self, request: Request) -> tuple[str, object] | None:
        key = request.meta.get("download_slot")  # set once the downloader queued it
        if key is None:
            return None
        try:
            downloader = self.crawler.engine.downloader
        except RuntimeError:  # no engine: a component test
            return None
        if key not in downloader.slots:
            return None
        return key, downloader.slots[key]

    def _relax(self, slot: tuple[str, object] | None) -> None:
        # Halve the raised delay per normal answer, back down to the profile's own.
        if slot is None or slot[0] not in self.normal_delay:
            return
        key, current = slot
        normal = self.normal_delay[key]
        current.delay = max(normal, current.delay / 2)
        if current.delay == normal:
            del self.normal_delay[key]
