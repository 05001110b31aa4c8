"""A crawl worker: ``gongkai crawl --redis URL …`` on any number of machines.

It checks Redis and the writer, starts beating its heartbeat (and reaping dead workers),
announces its sites (the writer then publishes their known state and opens their crawls rows),
and runs the distributed bureau spider for each, in one Scrapy process like a single-process
crawl. It opens no database and writes no file but its log.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from crawler.distributed.cluster import Cluster, connect, register
from crawler.politeness import in_window
from crawler.profile import Profile
from crawler.run import CrawlRun, human_bytes

# Seconds a worker waits for a writer to serve its Redis, and for its sites to be opened.
WRITER_WAIT = 60.0
POLL = 0.1


class NoWriter(Exception):
    """No ``gongkai writer`` serves this Redis: one line for the CLI."""


@dataclass
class WorkerRun:
    """What one worker did: Scrapy's counts per site, the sites others had finished."""

    worker: str
    crawl: CrawlRun = field(default_factory=CrawlRun)
    finished_elsewhere: list[str] = field(default_factory=list)
    lost: str | None = None

    @property
    def unreachable(self) -> bool:
        """Every fetch this worker tried failed without an answer."""
        return self.crawl.total("pages") == 0 and self.crawl.total("fetch_errors") > 0

    def summary(self) -> str:
        crawl = self.crawl
        skipped = f", {len(crawl.skipped)} skipped (off-peak window)" if crawl.skipped else ""
        done = (
            f", {len(self.finished_elsewhere)} already finished" if self.finished_elsewhere else ""
        )
        return (
            f"gongkai: worker {self.worker}: {len(crawl.sites)} site(s){skipped}{done}, "
            f"{crawl.total('pages')} pages fetched ({human_bytes(crawl.total('bytes'))} "
            f"downloaded), {crawl.total('fetch_errors')} fetch errors in {crawl.seconds:.1f}s"
        )


class Heartbeat(threading.Thread):
    """Keeps this worker alive in Redis and reaps dead ones; a Redis error marks it lost."""

    def __init__(self, cluster: Cluster, ttl: float):
        super().__init__(name="gongkai-heartbeat", daemon=True)
        self.cluster, self.ttl = cluster, ttl
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.ttl / 4):
            try:
                self.cluster.beat(self.ttl)
                self.cluster.reap()
            except redis.RedisError as exc:
                self.cluster.lose(exc)
                return

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)


def worker_settings(cluster: Cluster, url: str, profiles: Sequence[Profile]) -> dict[str, Any]:
    """Settings that turn a crawl into a worker's (crawler.settings, ``REDIS_*``)."""
    slots = {
        domain: {"concurrency": profile.concurrency, "delay": 0.0}  # the cluster keeps delays
        for profile in profiles
        for domain in profile.allowed_domains
    }
    return {
        "REDIS_ENABLED": True,
        "REDIS_URL": url,
        "REDIS_KEY_PREFIX": cluster.prefix,
        "REDIS_WORKER_ID": cluster.wid,
        "ARCHIVE_ENABLED": False,
        "SCHEDULER": "crawler.distributed.scheduler.LeasedScheduler",
        "DOWNLOAD_SLOTS": slots,
    }


def wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL)
    return True


def announce(cluster: Cluster, profiles: Sequence[Profile], revisit: bool = True) -> None:
    """Ask the writer to open these sites (it reads the profile's revisit policy from here)."""
    for profile in profiles:
        config = json.dumps({"profile": profile.raw, "revisit": revisit}, default=str)
        cluster.client.set(cluster.site(profile.name).key("config"), config)
        cluster.client.sadd(cluster.key("sites"), profile.name)


def crawl_worker(
    profiles: Sequence[Profile],
    url: str,
    db_path: Path,
    proxy: str = "",
    log_file: Path | None = None,
    ignore_window: bool = False,
    prefix: str = "gongkai",
    writer_wait: float = WRITER_WAIT,
    overrides: dict[str, Any] | None = None,
) -> WorkerRun:
    """Crawl ``profiles`` as one worker of the cluster at Redis ``url``.

    Raises ``cluster.RedisUnreachable`` and ``NoWriter``; a Redis lost mid-crawl stops the
    spiders cleanly and is reported in ``WorkerRun.lost``. ``overrides``: more settings
    (benchmarks).
    """
    from crawler.distributed.spider import DistributedBureauSpider
    from crawler.run import run_spiders

    skipped = [p.name for p in profiles if not ignore_window and not in_window(p.off_peak)]
    profiles = [p for p in profiles if p.name not in skipped]
    cluster = register(Cluster(connect(url), prefix))
    result = WorkerRun(cluster.wid, CrawlRun(skipped=skipped))
    if not profiles:
        return result
    try:
        if not wait_for(cluster.writer_alive, writer_wait):
            raise NoWriter(f"no gongkai writer serves Redis at {url}: start one first")
        heartbeat = Heartbeat(cluster, cluster.worker_timeout())
        cluster.beat(heartbeat.ttl)
        heartbeat.start()
        try:
            announce(cluster, profiles)
            sites = [cluster.site(p.name) for p in profiles]
            if not wait_for(lambda: all(opened(s) for s in sites), writer_wait):
                raise NoWriter(f"the gongkai writer on {url} did not open the sites")
            result.finished_elsewhere = [s.name for s in sites if s.done()]
            profiles = [p for p in profiles if p.name not in result.finished_elsewhere]
            if profiles:
                settings = {**(overrides or {}), **worker_settings(cluster, url, profiles)}
                result.crawl = run_spiders(
                    profiles, db_path, proxy, log_file, settings, DistributedBureauSpider
                )
                result.crawl.skipped = skipped
        finally:
            heartbeat.stop()
            if not cluster.lost:
                cluster.leave()
    except redis.RedisError as exc:
        cluster.lose(exc)
    result.lost = cluster.lost
    return result


def opened(site: Any) -> bool:
    return bool(site.client.exists(site.key("ready"))) or site.done()
