"""WARC/1.1 evidence copies of every HTTP exchange, written as the bytes arrived.

Why a downloader middleware at priority 950: Scrapy's HttpCompressionMiddleware (590)
decompresses bodies and drops ``Content-Encoding``, and RedirectMiddleware (600) swallows 3xx
responses; above both (and above HttpCacheMiddleware, 900) ``process_response`` sees each
response as the download handler produced it. The request record is written from the request
as it left the last middleware (cookies, proxy headers included).

What is and is not byte-exact (see README): the payload is exactly the bytes received after
de-chunking (Twisted removes chunked framing, so ``Transfer-Encoding`` is dropped from the
stored headers to keep them true to the stored payload); status line reason phrases, header
order and header-name case are reconstructed by Scrapy/Twisted, not copied from the wire.

Each record is one gzip member; files rotate at ``WARC_MAX_SIZE``; a payload identical to the
last one seen at the same URL (this run or an earlier one in the archive) becomes a ``revisit``
record (profile identical-payload-digest). Each record (one gzip member, written in one call)
is handed to the operating system before its response goes on to the spider, so before any
capture row pointing at it can be committed: a killed crawl leaves no committed row pointing
past the end of its WARC file. Never fsync'ed, like the archive's SQLite writes. A new archive
keeps page bodies only here, so this ordering is what keeps a killed crawl's bodies.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import socket
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.timestamps import utc_now
from crawler import settings as defaults

logger = logging.getLogger(__name__)

SOFTWARE = "gongkai/0.1 (Scrapy; warcio)"
BUFFER_SIZE = 1 << 20  # holds one record at most between flushes
# Hop-by-hop framing already undone by Twisted: keeping it would misdescribe the payload.
DROPPED_RESPONSE_HEADERS = {"transfer-encoding"}


@dataclass
class Seen:
    """The original response record a later identical payload at the same URL refers to."""

    digest: str
    date: str
    record_id: str


def payload_digest(body: bytes) -> str:
    """WARC-style payload digest: ``sha1:`` + base32 of the SHA-1 of the payload bytes."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(moment: datetime | None = None) -> str:
    """WARC/1.1 date with microseconds, UTC."""
    return utc_now(precise=True, moment=moment)


def _header_pairs(headers: Any, dropped: set[str] = frozenset()) -> list[tuple[str, str]]:
    pairs = []
    for key, values in headers.items():
        name = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if name.lower() in dropped:
            continue
        for value in values:
            pairs.append((name, value.decode("latin-1") if isinstance(value, bytes) else value))
    return pairs


def request_head(request: Request) -> StatusAndHeaders:
    """Origin-form request line plus headers, as archival replay tools expect."""
    return StatusAndHeaders(*_request_line_and_headers(request), is_http_request=True)


def _request_line_and_headers(request: Request) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pairs = _header_pairs(request.headers)
    if not any(name.lower() == "host" for name, _ in pairs):
        pairs.insert(0, ("Host", parts.netloc))
    return f"{request.method} {target} HTTP/1.1", pairs


def response_head(response: Response) -> StatusAndHeaders:
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    protocol = response.protocol or "HTTP/1.1"
    pairs = _header_pairs(response.headers, DROPPED_RESPONSE_HEADERS)
    return StatusAndHeaders(f"{response.status} {reason}".strip(), pairs, protocol=protocol)


@dataclass
class Exchange:
    """One HTTP exchange as plain data: what the records are built from, wherever that happens.

    A single-process crawl builds it and writes it at once; a distributed worker ships it to the
    writer (crawler.distributed), the only process that writes WARC files.
    """

    url: str
    date: str
    request_line: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status_line: str
    protocol: str
    response_headers: list[tuple[str, str]]
    body: bytes
    ip: str | None = None
    status: int = 200
    fetched_via: str | None = None  # "browser" for a page Chromium fetched (crawler.render)


def exchange_of(request: Request, response: Response, date: str | None = None) -> Exchange:
    """The exchange of ``request`` and ``response`` as they passed this middleware."""
    head = response_head(response)
    request_line, request_headers = _request_line_and_headers(request)
    ip = getattr(response, "ip_address", None)
    return Exchange(
        url=response.url, date=date or warc_date(),
        request_line=request_line, request_headers=request_headers,
        request_body=request.body or b"", status_line=head.statusline, protocol=head.protocol,
        response_headers=head.headers, body=response.body or b"",
        ip=None if ip is None else str(ip), status=response.status,
        fetched_via="browser" if "browser" in response.flags else None,
    )  # fmt: skip


class _NoFlush(io.RawIOBase):
    """Collects one record's bytes; warcio flushes after every record, which we don't want."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        return self.buffer.write(data)

    def flush(self) -> None:
        pass


class WarcFileWriter:
    """Append gzip-per-record WARC/1.1 files under ``directory``, rotating at ``max_size``.

    ``write_exchange`` returns the pointer the archive stores: {file, offset, length,
    record_id, type, payload_digest, date}; ``file`` is relative to ``relative_to``.
    """

    def __init__(
        self,
        directory: Path,
        prefix: str,
        info: dict[str, str],
        max_size: int = defaults.WARC_MAX_SIZE,
        relative_to: Path | None = None,
        seen: dict[str, Seen] | KnownPayloads | None = None,
        gzip_level: int = defaults.WARC_GZIP_LEVEL,
    ) -> None:
        self.directory, self.prefix, self.info = Path(directory), prefix, info
        self.max_size, self.relative_to = max_size, relative_to
        self.seen = seen if seen is not None else {}
        self.gzip_level = gzip_level
        self._builder = WARCWriter(_NoFlush(), gzip=False, warc_version="1.1")
        self._file: Any = None
        self._path: Path | None = None
        self._serial = 0
        self.files: list[Path] = []

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        while True:
            self._serial += 1
            name = f"{self.prefix}-{stamp}-{self._serial:05d}-{socket.gethostname()}.warc.gz"
            path = self.directory / name
            if not path.exists():
                break
        self._path = path
        self._file = open(path, "xb", buffering=BUFFER_SIZE)  # noqa: SIM115 - closed in close()
        self.files.append(path)
        record = self._builder.create_warcinfo_record(name, self.info)
        self._append(record)

    def _append(self, record: Any) -> tuple[int, int]:
        sink = _NoFlush()
        self._builder.out = sink
        self._builder.write_record(record)
        compressor = zlib.compressobj(self.gzip_level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        member = compressor.compress(sink.buffer.getvalue()) + compressor.flush()
        offset = self._file.tell()
        self._file.write(member)
        self._file.flush()  # to the OS now: its capture row may be committed next (soak test)
        return offset, len(member)

    def _file_name(self) -> str:
        if self.relative_to is not None:
            try:
                return self._path.relative_to(self.relative_to).as_posix()
            except ValueError:
                pass
        return str(self._path)

    def write_exchange(
        self, request: Request, response: Response, date: str | None = None
    ) -> dict[str, Any]:
        """Write the request and its response (or a revisit); return the response's pointer."""
        return self.write(exchange_of(request, response, date))

    def write(self, exchange: Exchange) -> dict[str, Any]:
        """Write one exchange's response (or revisit) and request records; return the pointer."""
        if self._file is None or self._file.tell() >= self.max_size:
            self.rotate()
        date, body, url = exchange.date, exchange.body, exchange.url
        digest = payload_digest(body)
        earlier = self.seen.get(url)
        http_headers = StatusAndHeaders(
            exchange.status_line, exchange.response_headers, protocol=exchange.protocol
        )
        if body and earlier is not None and earlier.digest == digest:
            record = self._builder.create_revisit_record(
                url, digest, url, earlier.date, http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": earlier.record_id},
            )  # fmt: skip
            kind = "revisit"
        else:
            record = self._builder.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Payload-Digest": digest},
            )  # fmt: skip
            kind = "response"
        if exchange.ip is not None:
            record.rec_headers.add_header("WARC-IP-Address", exchange.ip)
        if exchange.fetched_via == "browser":  # crawler.render: Chromium's view, body decoded
            record.rec_headers.add_header("WARC-Gongkai-Fetched-Via", "browser")
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        offset, length = self._append(record)
        if kind == "response" and body and 200 <= exchange.status < 300:
            # Only a 2xx is sure to become a capture: a 5xx or 429 may be retried, and a
            # revisit must never refer to a record no capture points at.
            self.seen[url] = Seen(digest, date, record_id)
        request_head = StatusAndHeaders(
            exchange.request_line, exchange.request_headers, is_http_request=True
        )
        req_record = self._builder.create_warc_record(
            url, "request", payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body), http_headers=request_head,
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id},
        )  # fmt: skip
        self._append(req_record)
        self._file.flush()
        return {
            "file": self._file_name(), "offset": offset, "length": length,
            "record_id": record_id, "type": kind, "payload_digest": digest, "date": date,
        }  # fmt: skip

    def flush(self) -> None:
        """Hand buffered records to the OS (the distributed writer does so before each commit)."""
        if self._file is not None:
            self._file.flush()

    def rotate(self) -> None:
        self.close()
        self._open()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if isinstance(self.seen, KnownPayloads):
            self.seen.close()


def default_warc_dir(db_path: str | os.PathLike) -> Path:
    """WARC files live beside the archive database, so the two move together."""
    return Path(db_path).resolve().parent / "warc"


class WarcCaptureMiddleware:
    """Downloader middleware: every response (and its request) into WARC; pointer in meta.

    Settings: ``WARC_ENABLED`` (bool), ``WARC_DIR`` (default ``<db dir>/warc``),
    ``WARC_MAX_SIZE`` (bytes per file before rotation), ``WARC_GZIP_LEVEL``.
    The pointer is ``response.meta["warc"]``; the spider copies it into the item.
    """

    def __init__(self, writer_factory: Any, stats: Any = None) -> None:
        self.writer_factory = writer_factory
        self.writer: WarcFileWriter | None = None
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED"):
            raise NotConfigured("WARC_ENABLED is off")
        if settings.getbool("REDIS_ENABLED"):  # a worker: the writer writes its exchanges
            raise NotConfigured("REDIS_ENABLED: crawler.distributed.outbox ships exchanges")
        db_path = settings.get("ARCHIVE_DB_PATH")
        directory = Path(settings.get("WARC_DIR") or default_warc_dir(db_path))
        max_size = settings.getint("WARC_MAX_SIZE")
        level = settings.getint("WARC_GZIP_LEVEL")
        robots = "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"

        def factory(spider: Any) -> WarcFileWriter:
            profile = getattr(getattr(spider, "profile", None), "name", spider.name)
            info = {
                "software": SOFTWARE, "format": "WARC File Format 1.1",
                "conformsTo": "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                "isPartOf": profile, "robots": robots,
                "http-header-user-agent": settings.get("USER_AGENT") or "",
                "hostname": socket.gethostname(),
            }  # fmt: skip
            return WarcFileWriter(
                directory, f"gongkai-{profile}", info, max_size=max_size,
                relative_to=Path(db_path).resolve().parent, seen=known_payloads(db_path),
                gzip_level=level,
            )  # fmt: skip

        middleware = cls(factory, crawler.stats)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Any) -> None:
        self.writer = self.writer_factory(spider)

    def spider_closed(self, spider: Any) -> None:
        if self.writer is not None:
            self.writer.close()

    def process_response(self, request: Request, response: Response) -> Response:
        if self.writer is None:
            return response
        pointer = self.writer.write_exchange(request, response)
        request.meta["warc"] = pointer
        if self.stats is not None:
            self.stats.inc_value(f"warc/{pointer['type']}")
            self.stats.inc_value("warc/bytes", pointer["length"])
        return response


class KnownPayloads:
    """url -> Seen: the latest response record at a URL, from this run or the archive.

    This run's records are kept in memory; an earlier run's are looked up in the archive when
    a URL is written (two index lookups), never loaded as a whole: the old full scan of the
    captures table per profile held every URL of a million-document archive in memory.
    """

    def __init__(self, db_path: str | os.PathLike) -> None:
        self.db_path = Path(db_path)
        self.recent: dict[str, Seen] = {}
        self.conn = None

    def get(self, url: str) -> Seen | None:
        if url in self.recent:
            return self.recent[url]
        if self.conn is None:
            from archive.db import connect_readonly

            if not self.db_path.exists():
                return None
            self.conn = connect_readonly(self.db_path)
        from archive.read import latest_response

        found = latest_response(self.conn, url)
        return Seen(*found) if found else None

    def __setitem__(self, url: str, seen: Seen) -> None:
        self.recent[url] = seen

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def known_payloads(db_path: str | os.PathLike) -> KnownPayloads:
    """Latest response record per URL already in the archive, for revisits across runs."""
    return KnownPayloads(db_path)
