"""The writer of a distributed crawl: ``gongkai writer --redis URL --db PATH``.

The only process that opens the archive and writes its WARC files. It holds the archive's
lock like a crawl, and for each site workers announce it opens a crawls row and publishes
the site's known URL state. Then, in a loop: take up to a batch of messages from the
``items`` list into its ``processing`` list (one Lua script), write them through
``pipeline.writing.write_page`` and ``ArchiveWriter`` (so observations, diffs, events and
exact duplicates work as in a single-process crawl), flush the WARC files, commit the batch in
one transaction, and only then drop the processing list. Killed at any point, it leaves a
committed batch or none; restarted, it replays the processing list, skipping the captures a
committed batch already holds. Between batches it reaps dead workers and declares finished
the sites nobody works on any more (``cluster.FINISH``); when a site's end marker comes out of
the list, its listing (delistings) and crawls row are recorded. When every site is finished
and no worker is left, it runs the post-crawl steps and clears the run's keys.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import Any

import redis

from archive.db import open_archive
from archive.lock import archive_lock
from archive.read import capture_stored
from archive.store import ArchiveWriter, mark_interrupted_crawls
from crawler import settings as defaults
from crawler.distributed import codec
from crawler.distributed.cluster import Cluster, RedisLost, Site
from crawler.revisit import load_known, parse_policy
from crawler.run import CrawlRun
from crawler.warc import SOFTWARE, Exchange, WarcFileWriter, default_warc_dir, known_payloads
from pipeline.counts import CrawlCounts, capture_stats
from pipeline.postcrawl import after_crawl
from pipeline.writing import write_page

logger = logging.getLogger(__name__)
BATCH_SIZE = 200
TAKE_WAIT = 0.2  # seconds the writer blocks on an empty items list between its chores
SITE_KEYS = ("config", "ready", "known", "requests", "dupefilter", "inflight", "listed",
             "lists_incomplete", "unlisted_claim", "unlisted_done", "members", "done",
             "finalized")  # fmt: skip


class WriterBusy(Exception):
    """Another writer serves this Redis: one line for the CLI."""


@dataclass
class SiteCrawl:
    """A site of the run as the writer sees it: its crawls row and counts so far."""

    name: str
    crawl_id: int | None
    revisit: bool = True
    stats: dict[str, Any] = field(default_factory=dict)
    finalized: bool = False

    def add(self, key: str, count: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + count

    def merge(self, stats: dict[str, Any]) -> None:
        """A worker's Scrapy stats: numbers add up across workers, the rest keep the first."""
        self.add("distributed/workers")
        for key, value in stats.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.add(key, value)
            else:
                self.stats.setdefault(key, value)


def exchange_from(data: dict) -> Exchange:
    data = dict(data)
    for name in ("request_headers", "response_headers"):
        data[name] = [tuple(pair) for pair in data[name]]
    return Exchange(**data)


class Writer:
    def __init__(
        self, cluster: Cluster, db_path: Path, worker_timeout: float = 30.0,
        batch_size: int = BATCH_SIZE,
    ) -> None:  # fmt: skip
        self.cluster, self.client = cluster, cluster.client
        self.db_path, self.worker_timeout, self.batch_size = db_path, worker_timeout, batch_size
        self.items, self.processing = cluster.key("items"), cluster.key("processing")
        self.sites: dict[str, SiteCrawl] = {}
        self.warcs: dict[str, WarcFileWriter] = {}
        self.crawl = CrawlRun()
        self.archive: ArchiveWriter | None = None
        self.started: float | None = None

    def run(self) -> CrawlRun:
        """Serve one run, from the first announced site until every site is finished."""
        with archive_lock(self.db_path), self._serving():
            self._open_archive()
            try:
                self._open_sites()
                self._replay()
                while not self._over():
                    self._step()
            except redis.RedisError as exc:
                self.cluster.lose(exc)
                raise RedisLost(f"lost Redis mid-crawl: {self.cluster.lost}") from None
            finally:
                self._close_archive()
            after_crawl(self.db_path)
            self._clear()
        self.crawl.seconds = time.monotonic() - (self.started or time.monotonic())
        return self.crawl

    @contextmanager
    def _serving(self) -> Iterator[None]:
        me = f"{socket.gethostname()}:{os.getpid()}"
        if not self.client.set(self.cluster.key("writer"), me, nx=True, px=self._ttl_ms()):
            holder = (self.client.get(self.cluster.key("writer")) or b"?").decode()
            raise WriterBusy(f"another gongkai writer ({holder}) serves this Redis")
        self.client.hset(self.cluster.key("config"), "worker_timeout", self.worker_timeout)
        try:
            yield
        finally:
            if not self.cluster.lost:
                self.client.delete(self.cluster.key("writer"))

    def _ttl_ms(self) -> int:
        return int(max(10.0, self.worker_timeout) * 1000)

    def _open_archive(self) -> None:
        db = open_archive(self.db_path)
        try:
            mark_interrupted_crawls(db)  # a resumed site's row becomes finished again
        finally:
            db.conn.close()
        # Batches are the writer's own (one per take), so the store never flushes by itself.
        self.archive = ArchiveWriter(self.db_path, batch_size=1 << 30)

    def _close_archive(self) -> None:
        for warc in self.warcs.values():
            warc.close()
        if self.archive is not None:
            self.archive.close()

    def _step(self) -> None:
        self.client.set(self.cluster.key("writer"), "serving", px=self._ttl_ms())
        self._open_sites()
        messages = self._take()
        if messages:
            self._write(messages)
        self.cluster.reap()
        self._finish_sites()

    # Sites -----------------------------------------------------------------------------------

    def _open_sites(self) -> None:
        for raw in self.client.smembers(self.cluster.key("sites")):
            name = raw.decode()
            if name not in self.sites:
                self.sites[name] = self._open_site(self.cluster.site(name))

    def _open_site(self, site: Site) -> SiteCrawl:
        config = json.loads(self.client.get(site.key("config")) or "{}")
        policy = parse_policy((config.get("profile") or {}).get("revisit"))
        self.archive.changes.removed_after[site.name] = policy.removed_after
        crawl = SiteCrawl(site.name, None, revisit=config.get("revisit", True))
        self.started = self.started or time.monotonic()
        ready = self.client.get(site.key("ready"))
        if ready is not None:  # opened by a writer before this one: carry on with its row
            crawl.crawl_id = int(ready)
            crawl.finalized = bool(self.client.exists(site.key("finalized")))
            return crawl
        crawl.crawl_id = self.archive.start_crawl(site.name)
        self._publish_known(site)
        self.client.set(site.key("ready"), crawl.crawl_id)
        logger.info("site %s open: crawl %s", site.name, crawl.crawl_id)
        return crawl

    def _publish_known(self, site: Site) -> None:
        """The site's known URLs for the workers; list pages without validators (see spider)."""
        self.client.delete(site.key("known"))
        rows = {}
        for url, page in load_known(self.db_path, site.name).items():
            row = list(astuple(page))
            if page.kind != "detail":
                row[7] = None  # content_capture_id: no archived copy to re-read on a 304
            rows[url] = json.dumps(row, ensure_ascii=False)
            if len(rows) >= 1000:
                self.client.hset(site.key("known"), mapping=rows)
                rows = {}
        if rows:
            self.client.hset(site.key("known"), mapping=rows)

    def _finish_sites(self) -> None:
        for crawl in self.sites.values():
            if crawl.finalized:
                continue
            site = self.cluster.site(crawl.name)
            keys = [site.key(k) for k in ("done", "unlisted_done", "members", "requests",
                                          "inflight")] + [self.items]  # fmt: skip
            self.cluster.script("finish", keys, [codec.dumps({"t": "end", "p": crawl.name})])

    def _finalize(self, crawl: SiteCrawl) -> None:
        site = self.cluster.site(crawl.name)
        if crawl.revisit:
            complete = not self.client.exists(site.key("lists_incomplete"))
            self.archive.record_listing(crawl.crawl_id, crawl.name, site.listed(), complete)
        for kind, count in self.archive.changes.event_counts(crawl.crawl_id).items():
            crawl.stats[f"events/{kind}"] = count
        counts = CrawlCounts.from_stats(crawl.name, crawl.stats)
        status = "finished" if counts.reachable else "failed"
        self.archive.finish_crawl(crawl.crawl_id, status, counts.archive_columns(), crawl.stats)
        self.client.set(site.key("finalized"), "1")
        crawl.finalized = True
        self.crawl.sites.append(counts)
        logger.info("site %s finished: %s", crawl.name, status)

    def _over(self) -> bool:
        if not self.sites or not all(c.finalized for c in self.sites.values()):
            return False
        if self.client.llen(self.items) or self.client.llen(self.processing):
            return False
        return not self.cluster.live_workers()

    def _clear(self) -> None:
        """The run is over: its frontier, fingerprints and states go, for the next run."""
        keys = [site_key for name in self.sites for site_key in
                (self.cluster.site(name).key(k) for k in SITE_KEYS)]  # fmt: skip
        keys += [self.cluster.key(k) for k in ("sites", "hosts", "config")]
        keys += [self.items, self.processing]
        self.client.delete(*keys)

    # Messages --------------------------------------------------------------------------------

    def _take(self) -> list[bytes]:
        keys, args = [self.items, self.processing], [self.batch_size]
        messages = self.cluster.script("take", keys, args)
        if messages:
            return messages
        first = self.client.blmove(self.items, self.processing, TAKE_WAIT, "RIGHT", "LEFT")
        if first is None:
            return []
        return [first, *self.cluster.script("take", keys, [self.batch_size - 1])]

    def _replay(self) -> None:
        """Messages a killed writer had taken but maybe not committed: write what is missing."""
        pending = self.client.lrange(self.processing, 0, -1)
        if pending:
            logger.info("replaying %d messages of an interrupted batch", len(pending))
            self._write(list(reversed(pending)), replay=True)

    def _write(self, messages: list[bytes], replay: bool = False) -> None:
        ends = []
        for raw in messages:
            message = codec.loads(raw)
            kind, name = message["t"], message["p"]
            if kind == "page":
                self._write_page(name, message["item"], replay)
            elif kind == "exchange":
                self._warc(name).write(exchange_from(message["x"]))
            elif kind == "stats" and name in self.sites:
                self.sites[name].merge(message["s"])
            elif kind == "end" and name in self.sites:
                ends.append(self.sites[name])
        for warc in self.warcs.values():
            warc.flush()  # records on disk before the rows that point at them
        self.archive.flush()
        self.client.delete(self.processing)
        for crawl in ends:
            if not crawl.finalized:
                self._finalize(crawl)

    def _write_page(self, name: str, item: dict, replay: bool) -> None:
        if replay and capture_stored(self.archive.db.conn, item["url"], item["fetched_at"]):
            return
        crawl = self.sites.get(name)
        row = item.pop("document", None)
        warc = item.get("warc") or {}
        if "exchange" in warc:
            item["warc"] = self._warc(name).write(exchange_from(warc["exchange"]))
        item["crawl_id"] = crawl.crawl_id if crawl else None
        outcome = write_page(self.archive, item, row)
        if crawl is not None:
            for key, count in capture_stats(item, outcome).items():
                crawl.add(key, count)

    def _warc(self, name: str) -> WarcFileWriter:
        """The site's WARC file (one per site per run, like a single-process crawl's)."""
        if name not in self.warcs:
            info = {
                "software": SOFTWARE, "format": "WARC File Format 1.1",
                "conformsTo": "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                "isPartOf": name, "robots": "obey" if defaults.ROBOTSTXT_OBEY else "ignore",
                "http-header-user-agent": defaults.USER_AGENT, "hostname": socket.gethostname(),
            }  # fmt: skip
            self.warcs[name] = WarcFileWriter(
                default_warc_dir(self.db_path), f"gongkai-{name}", info,
                relative_to=self.db_path.resolve().parent, seen=known_payloads(self.db_path),
            )  # fmt: skip
        return self.warcs[name]


def write_run(
    url: str, db_path: Path, worker_timeout: float = 30.0, log_file: Path | None = None
) -> CrawlRun:
    """Connect, then serve one run into the archive at ``db_path`` (``gongkai writer``).

    Raises ``cluster.RedisUnreachable``, ``WriterBusy``, ``archive.lock.LockedError``,
    ``archive.db.ArchiveError`` and ``cluster.RedisLost``; each message is one line.
    """
    from archive.db import ArchiveError
    from crawler.distributed.cluster import connect

    if not db_path.parent.is_dir():
        raise ArchiveError(f"{db_path}: directory {db_path.parent} does not exist")
    cluster = Cluster(connect(url))
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        logging.basicConfig(
            filename=log_file, level=logging.INFO,
            format="%(asctime)s [%(name)s] %(levelname)s: %(message)s",
        )  # fmt: skip
    return Writer(cluster, db_path, worker_timeout).run()
