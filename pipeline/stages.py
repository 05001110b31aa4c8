"""Thin Scrapy item-pipeline stages around the pure functions of ``pipeline/``.

``ExtractStage`` reads every capture (``pipeline.page``); ``AttachmentStage`` reads
attachment files in a worker process; ``ArchiveStage`` writes every item (document or not,
parsed or not) through ``pipeline.writing`` to the archive in batches. The logic lives in the
pure modules; these classes only read settings, keep stats and hand data across.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from archive.store import ArchiveWriter
from pipeline.attachments import AttachmentText, extension, extract_attachment, sniff, type_note
from pipeline.counts import CrawlCounts, capture_stats
from pipeline.encoding import content_type
from pipeline.page import PageReading, read_page
from pipeline.soft404 import ERROR, Verdict
from pipeline.writing import write_page

logger = logging.getLogger(__name__)


class ExtractStage:
    """Read every capture once (``pipeline.page.read_page``): its observation, and for a
    document page its documents row; a page that cannot be parsed keeps its error."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractStage:
        if not crawler.settings.getbool("EXTRACT_ENABLED"):
            raise NotConfigured("EXTRACT_ENABLED is off")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        try:
            reading = read_page(_fields(item), self.crawler.spider.profile_data)
        except Exception as exc:  # a bug must not cost the capture: keep it with the error
            logger.exception("reading %s failed", adapter["url"])
            reason = f"internal error while reading the page: {type(exc).__name__}: {exc}"[:500]
            reading = PageReading(Verdict(ERROR, reason[:200]), error=reason, stat="failed")
        adapter["observation"] = reading.as_observation()
        adapter["document"] = reading.row
        if reading.error:
            adapter["error"] = reading.error
        if reading.used_encoding:
            adapter["declared_encoding"] = reading.declared_encoding
            adapter["used_encoding"] = reading.used_encoding
        if reading.stat:
            self.stats.inc_value(f"extract/{reading.stat}")
        return item


class AttachmentReader:
    """Reads attachments in a separate process, so a long PDF never stalls the crawl.

    pdfminer and friends are pure Python: on the reactor thread a 50 MB PDF would stop every
    download for minutes, and a thread would still hold the GIL. One worker process, started
    on the first attachment; a reader that crashes is recorded as a failed reading and
    replaced, never allowed to take the crawl down.
    """

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None

    def read(self, body: bytes) -> AttachmentText:
        """Blocking: called from a reactor thread-pool thread, never the reactor thread."""
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"),
                initializer=reader_process_setup, initargs=(os.getpid(),),
            )  # fmt: skip
        try:
            return self.pool.submit(extract_attachment, body).result()
        except BrokenProcessPool:
            self.pool = None
            return AttachmentText(sniff(body), "failed", error="attachment reader crashed")


def reader_process_setup(parent: int) -> None:
    """In the reader process: leave Ctrl-C to the crawl, and end with the crawl.

    Ctrl-C in a terminal reaches the whole process group, and the crawl (or the server
    `gongkai demo` starts after it) decides when to stop; a worker left to die of it prints a
    traceback for nothing. And when the crawl that started it is gone (kill -9 included), the
    reader ends rather than wait forever for work as an orphan.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


_READER = AttachmentReader()


class AttachmentStage:
    """Read downloaded attachments: sniffed type, extracted text or the reason there is none."""

    # Readings by sha256 of the bytes: the same form or table is often attached to many
    # notices, and reading one costs milliseconds to minutes.
    CACHE_SIZE = 256

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.readings: dict[str, AttachmentText] = {}

    async def read(self, body: bytes) -> AttachmentText:
        key = hashlib.sha256(body).hexdigest()
        reading = self.readings.get(key)
        if reading is None:
            # maybe_deferred_to_future: awaitable under the asyncio reactor as well as epoll.
            reading = await maybe_deferred_to_future(deferToThread(_READER.read, body))
            if len(self.readings) >= self.CACHE_SIZE:
                self.readings.pop(next(iter(self.readings)))
            self.readings[key] = reading
        return reading

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AttachmentStage:
        if not crawler.settings.getbool("ATTACHMENTS_ENABLED"):
            raise NotConfigured("ATTACHMENTS_ENABLED is off")
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if adapter["kind"] != "attachment" or adapter["error"] or adapter["body"] is None:
            return item
        reading = await self.read(adapter["body"])
        url = adapter["final_url"] or adapter["url"]
        declared = content_type(adapter["headers"])
        adapter["attachment"] = {
            **asdict(reading),
            "extension": extension(url),
            "declared_type": declared,
            "type_note": type_note(url, declared, reading.media_type),
        }
        self.stats.inc_value(f"attachments/{reading.status}")
        return item


_WRITERS: dict[str, tuple[ArchiveWriter, int]] = {}


def shared_writer(path: str, batch_size: int) -> ArchiveWriter:
    """One writer per database per process, shared by the crawlers of a multi-site run."""
    writer, users = _WRITERS.get(path, (None, 0))
    if writer is None:
        # Batches are written in a thread of their own while the crawl goes on (issue 14).
        writer = ArchiveWriter(path, batch_size=batch_size, background=True)
    _WRITERS[path] = (writer, users + 1)
    return writer


def release_writer(path: str) -> None:
    writer, users = _WRITERS[path]
    if users <= 1:
        del _WRITERS[path]
        writer.close()
    else:
        writer.flush()
        _WRITERS[path] = (writer, users - 1)


class ArchiveStage:
    """Write every capture and its document to the SQLite archive, in batches."""

    def __init__(self, crawler: Crawler, db_path: str, batch_size: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = db_path
        self.batch_size = batch_size
        self.writer: ArchiveWriter | None = None
        self.crawl_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveStage:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured("ARCHIVE_ENABLED is off")
        return cls(crawler, settings.get("ARCHIVE_DB_PATH"), settings.getint("ARCHIVE_BATCH_SIZE"))

    def open_spider(self) -> None:
        self.writer = shared_writer(self.db_path, self.batch_size)
        self.crawl_id = self.writer.start_crawl(self.crawler.spider.profile.name)
        revisit = getattr(self.crawler.spider, "revisit", None)
        if revisit is not None:
            name = self.crawler.spider.profile.name
            self.writer.changes.removed_after[name] = revisit.policy.removed_after

    def process_item(self, item: Any) -> Any:
        data = _fields(item)
        row = data.pop("document", None)
        data["crawl_id"] = self.crawl_id
        outcome = write_page(self.writer, data, row)
        for key, count in capture_stats(data, outcome).items():
            self.stats.inc_value(key, count)
        return item

    def close_spider(self) -> None:
        revisit = getattr(self.crawler.spider, "revisit", None)
        if revisit is not None and revisit.loaded:
            self.writer.record_listing(
                self.crawl_id, self.crawler.spider.profile.name, revisit.listed,
                revisit.lists_complete,
            )  # fmt: skip
        for kind, count in self.writer.changes.event_counts(self.crawl_id).items():
            self.stats.set_value(f"events/{kind}", count)
        stats = self.stats.get_stats()
        counts = CrawlCounts.from_stats(self.crawler.spider.profile.name, stats)
        # An unchanged site answers 304s and yields no document: that is a finished crawl too.
        status = "finished" if counts.reachable else "failed"
        self.writer.finish_crawl(self.crawl_id, status, counts.archive_columns(), _json_safe(stats))
        release_writer(self.db_path)


def _fields(item: Any) -> dict[str, Any]:
    """The item's fields as a new dict, values shared: ItemAdapter.asdict and
    dataclasses.asdict deep-copy every body and header (a tenth of a page's cost, issue 14)."""
    if hasattr(item, "__dataclass_fields__"):
        return {name: getattr(item, name) for name in item.__dataclass_fields__}
    return dict(item)


def _json_safe(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items()}
