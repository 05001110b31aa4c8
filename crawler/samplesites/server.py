"""One local HTTP server for all bundled sample sites, dispatching on the host name.

It answers both proxy-style absolute-form requests (``GET http://www.sxx.sample.test/… HTTP/1.1``,
what Scrapy sends through an HTTP proxy) and origin-form requests with a Host header (curl,
browsers). Pages are read into memory once at start. A host that is not a sample site gets
502 and is logged, so tests can prove the crawler never left its allowed domains.

    server = serve(port=0)        # running in a background thread
    server.url                    # http://127.0.0.1:<port> — use as the HTTP proxy
    server.requests               # [{method, url, host, path, status, time, form, data, active, browser}, ...]
    server.max_active             # {host: most requests it was answering at one moment}
    server.stop()

``latency`` (seconds) delays every answer, as a slow county server would; ``active`` in the log is
how many requests the host was answering when this one arrived (itself included), so a test can
show that a crawl never asked one site for more at once than its profile allows.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from aiohttp import web

from crawler.samplesites.challenge import Challenges
from crawler.samplesites.hostile import HOST as HOSTILE_HOST
from crawler.samplesites.hostile import HostileSite

SITES_DIR = Path(__file__).with_name("sites")
logger = logging.getLogger(__name__)
TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "css": "text/css",
    "js": "application/javascript",
    "png": "image/png",
    "jpg": "image/jpeg",
    "json": "application/json;charset=UTF-8",
}


# The Lonsun AJAX list endpoint is generated per request on real sites and sent chunked.
CHUNKED_PATHS = {"/site/label/8888"}
COMPRESSED = {"html", "shtml", "css", "js", "json"}  # served gzipped when the client asks
GKMLPT_API = re.compile(r"/gkmlpt/api/all/\d+$")
HANWEB_PAGER = re.compile(r"/module/(web/)?jpage/dataproxy\.jsp$")
CHUNK_SIZE = 256


@dataclass
class HostFiles:
    info: dict  # _site.json: platform, encoding, content_type
    files: dict[str, bytes]


def load_sites(root: Path = SITES_DIR) -> dict[str, HostFiles]:
    """Read every generated site under root into memory, keyed by host name."""
    sites = {}
    for host_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        info = json.loads((host_dir / "_site.json").read_text())
        files = {
            p.relative_to(host_dir).as_posix(): p.read_bytes()
            for p in host_dir.rglob("*")
            if p.is_file() and p.name != "_site.json"
        }
        sites[host_dir.name] = HostFiles(info, files)
    return sites


def resolve(site: HostFiles, path: str, query: dict[str, str]) -> str | None:
    """The stored file answering path?query, or None (404). Lonsun and gkmlpt route on the query."""
    if site.info["platform"] == "lonsun":
        if path.startswith("/public/column/"):
            organ = path.rsplit("/", 1)[1]
            key = f"public/column/{organ}/{query.get('catId') or 'index'}.html"
            return key if key in site.files else None
        if path == "/site/label/8888":
            if query.get("labelName") != "publicInfoList":
                return None
            key = f"site/label/8888/{query.get('organId')}/{query.get('catId')}/{query.get('pageIndex', '1')}.html"
            # Past the last page the real endpoint answers 200 with its "暂无相关信息" row.
            return key if key in site.files else "site/label/8888/empty.html"
    if site.info["platform"] == "gkmlpt" and GKMLPT_API.search(path):
        # /<base>/gkmlpt/api/all/<column>?page=N&sid=S; page 0 answers as page 1, a wrong sid
        # or a page past the last is a 404 (as reported of a real site).
        if query.get("sid") != str(site.info.get("sid")):
            return None
        page = query.get("page", "1")
        key = f"{path.lstrip('/')}/{'1' if page == '0' else page}.json"
        return key if key in site.files else None
    key = path.lstrip("/")
    if key == "" or key.endswith("/"):
        key += "index.html"
    return key if key in site.files and not key.startswith("_") else None


def hanweb_datastore(site: HostFiles, query: dict[str, str], form: dict[str, str]) -> bytes:
    """The jpage pager's answer: a bare <datastore> with rows startrecord..endrecord.

    The rows are the column's own (``_jpage/<columnid>.txt``, one record per line); a form
    naming another site, an unknown column or a unit that is not the column's gets no rows.
    """
    rows: list[str] = []
    units = site.info.get("units") or {}
    column = form.get("columnid", "")
    if (
        form.get("webid") == str(site.info.get("webid"))
        and units.get(column) == form.get("unitid")
        and form.get("col") == "1"
    ):
        rows = site.files[f"_jpage/{column}.txt"].decode("utf-8").splitlines()
    start, end = _int(query.get("startrecord"), 1), _int(query.get("endrecord"), len(rows))
    perpage = max(_int(query.get("perpage"), 15), 1)
    chosen = rows[max(start, 1) - 1 : end]
    records = "".join(f"<record><![CDATA[{row}]]></record>" for row in chosen)
    return (
        f"<datastore><totalrecord>{len(rows)}</totalrecord>"
        f"<totalpage>{-(-len(rows) // perpage)}</totalpage><recordset>{records}</recordset>"
        "</datastore>"
    ).encode()


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default


class SampleServer:
    """The sample-site server; use ``start_in_thread()`` from sync code or ``start()`` in a loop."""

    def __init__(
        self,
        port: int = 0,
        root: Path = SITES_DIR,
        log_path: Path | None = None,
        overrides: dict | None = None,
        latency: float = 0.0,
    ):
        self.port, self.root, self.log_path = port, root, log_path
        self.latency = latency
        # (host, path) -> crawler.samplesites.mutate.Override: mutation mode's odd answers.
        self.overrides = dict(overrides or {})
        self.sites = load_sites(root)
        self.challenges = Challenges()  # hosts whose _site.json names a challenge
        self.hostile = HostileSite(self.challenges)  # hostile.sample.test: the hostile corpus
        self.requests: list[dict] = []
        self.active: dict[str, int] = {}
        self.max_active: dict[str, int] = {}
        self._gzipped: dict[tuple[str, str], bytes] = {}
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> SampleServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        # A test that leaves a deliberately hanging response open must not wait for it.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    def start_in_thread(self) -> SampleServer:
        """Run the server on its own event loop in a daemon thread; returns once it listens."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the caller below
                errors.append(exc)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self.close())
            pending = asyncio.all_tasks(self._loop)  # responses still hanging on purpose
            for task in pending:
                task.cancel()
            if pending:
                self._loop.run_until_complete(asyncio.wait(pending))
            self._loop.close()

        self._thread = threading.Thread(target=run, name="sample-sites", daemon=True)
        self._thread.start()
        ready.wait()
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._thread = None

    def requested_hosts(self) -> set[str]:
        return {r["host"] for r in self.requests}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        absolute = request.url.is_absolute() and "://" in request.raw_path
        host = (request.url.host if absolute else request.host.split(":")[0]) or ""
        host = host.lower()
        active = self.active[host] = self.active.get(host, 0) + 1
        self.max_active[host] = max(self.max_active.get(host, 0), active)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            return await self._answer(request, host, absolute, active)
        finally:
            self.active[host] -= 1

    async def _answer(
        self, request: web.Request, host: str, absolute: bool, active: int
    ) -> web.StreamResponse:
        path = request.url.path
        site = self.sites.get(host)
        form: dict = {}
        if host == HOSTILE_HOST:
            response = await self.hostile.respond(request)
        elif site is None:
            logger.warning(
                "sample-sites: refused request for unknown host %s (%s)", host, request.raw_path
            )
            response = web.Response(status=502, text="502 Bad Gateway: not a sample site\n")
        elif (host, path) in self.overrides:
            response = await self._override(self.overrides[(host, path)])
        elif site.info.get("challenge") and (
            gate := self.challenges.gate(site.info["challenge"], dict(request.cookies))
        ):
            response = gate
        else:
            if request.method == "POST":
                form = dict(await request.post())
            response = self._respond(request, host, site, path, form)
        self._record(request, host, path, response.status, absolute, active, form)
        if path in CHUNKED_PATHS and request.method == "GET" and response.status == 200:
            return await self._chunked(request, response)
        return response

    async def _chunked(self, request: web.Request, response: web.Response) -> web.StreamResponse:
        """Send the body with Transfer-Encoding: chunked, as dynamic endpoints really do."""
        stream = web.StreamResponse(status=response.status, headers=response.headers)
        stream.headers.pop("Content-Length", None)
        stream.enable_chunked_encoding()
        await stream.prepare(request)
        body = response.body or b""
        for start in range(0, len(body), CHUNK_SIZE):
            await stream.write(body[start : start + CHUNK_SIZE])
        await stream.write_eof()
        return stream

    @staticmethod
    async def _override(override) -> web.Response:
        if override.delay:
            await asyncio.sleep(override.delay)  # a page that hangs: the crawler times out
        headers = {"Server": "nginx", "Content-Type": "text/html; charset=utf-8"}
        if override.retry_after is not None:
            headers["Retry-After"] = str(override.retry_after)
        body = override.body if override.body is not None else b"<html><body>error</body></html>"
        return web.Response(status=override.status or 200, body=body, headers=headers)

    def _respond(
        self, request: web.Request, host: str, site: HostFiles, path: str, form: dict
    ) -> web.Response:
        query = dict(parse_qsl(request.url.query_string, keep_blank_values=True))
        if site.info["platform"] == "hanweb" and HANWEB_PAGER.search(path):
            body = hanweb_datastore(site, query, {k: str(v) for k, v in form.items()})
            return web.Response(
                body=body, headers={"Content-Type": "text/xml;charset=UTF-8", "Server": "nginx"}
            )
        key = resolve(site, path, query)
        status = 200 if key else 404
        key = key or "_404.html"
        body = site.files[key]
        name = key.rsplit("/", 1)[-1]
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else "html"  # /gkmlpt/index
        headers = {
            "Content-Type": site.info["content_type"]
            if ext in ("html", "shtml")
            else TYPES.get(ext, "application/octet-stream"),
            "Server": "nginx",
        }
        if status == 200:
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag, "Server": "nginx"})
        if "gzip" in request.headers.get("Accept-Encoding", "") and ext in COMPRESSED:
            body = self._gzip(host, key, body)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        if request.method == "HEAD":
            return web.Response(
                status=status, headers={**headers, "Content-Length": str(len(body))}
            )
        return web.Response(status=status, body=body, headers=headers)

    def _gzip(self, host: str, key: str, body: bytes) -> bytes:
        cached = self._gzipped.get((host, key))
        if cached is None:
            cached = self._gzipped[(host, key)] = gzip.compress(body, mtime=0)
        return cached

    def _record(
        self,
        request: web.Request,
        host: str,
        path: str,
        status: int,
        absolute: bool,
        active: int,
        data: dict | None = None,
    ) -> None:
        query = request.rel_url.raw_query_string  # as sent, still percent-encoded
        entry = {
            "method": request.method,
            "url": f"http://{host}{path}" + (f"?{query}" if query else ""),
            "host": host,
            "path": path,
            "status": status,
            "time": time.time(),
            "form": "absolute" if absolute else "origin",
            "data": {k: str(v) for k, v in (data or {}).items()},  # a POST's form fields
            "active": active,
            # Chromium sends Upgrade-Insecure-Requests on a navigation, Scrapy never does.
            "browser": "Upgrade-Insecure-Requests" in request.headers,
            # The client's port tells requests on one keep-alive connection from new ones.
            "peer_port": (request.transport.get_extra_info("peername") or (None, None))[1]
            if request.transport
            else None,
        }
        self.requests.append(entry)
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry, ensure_ascii=False) + "\n")


def serve(
    port: int = 0,
    root: Path = SITES_DIR,
    log_path: Path | None = None,
    overrides: dict | None = None,
    latency: float = 0.0,
) -> SampleServer:
    """Start the sample sites in a background thread and return the running server."""
    return SampleServer(
        port=port, root=root, log_path=log_path, overrides=overrides, latency=latency
    ).start_in_thread()
