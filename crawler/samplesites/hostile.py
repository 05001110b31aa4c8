"""The hostile corpus: one sample host whose every page fights back, each in its own way.

``hostile.sample.test`` answers the cases listed, with the outcome a crawl must record for
each, in ``hostile/cases.yml`` (data); this module is only how the server misbehaves:
challenges (``crawler.samplesites.challenge``), soft-404s at 200 and 500, a truncated page,
a 60 MB page, binary served as HTML, invalid UTF-8, 10,000 nested elements, a redirect loop
and an off-host redirect, a trickle of one byte a second, an empty 200, a Content-Length that
lies, a gzip body that inflates to 2 GiB, an attachment named with ``../`` and NUL, and a
DOCX whose one member inflates to 1 GiB. The bombs are built from repeated deflate blocks,
so they cost milliseconds and a few megabytes, never the gigabytes they claim.

The crawl profile is ``hostile/sample-hostile.yml`` (small timeouts and limits, so the whole
corpus is crawled in seconds); it is not under ``crawler/profiles/``, so neither ``gongkai
demo`` nor ``crawl --samples`` ever meets it.
"""

from __future__ import annotations

import asyncio
import struct
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from crawler.samplesites.challenge import Challenges

HOST = "hostile.sample.test"
HERE = Path(__file__).with_name("hostile")
CASES = HERE / "cases.yml"
PROFILE = HERE / "sample-hostile.yml"
MIB = 1 << 20
HTML = {"Content-Type": "text/html; charset=utf-8", "Server": "nginx"}


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]


def page(title: str, body: str) -> bytes:
    """A plain document page of the corpus (the generic extractor reads it)."""
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<h1>{title}</h1><div class="TRS_Editor"><p>{title}。</p>{body}</div></body></html>'
    ).encode()


DOCUMENT_BODY = "".join(
    f"<p>第{n}条 为规范政府信息公开工作，各单位应当按照规定及时、准确公开政府信息。</p>"
    for n in range(1, 9)
)


@lru_cache(maxsize=4)
def deflated_zeros(mib: int, wbits: int) -> tuple[bytes, int]:
    """``mib`` MiB of zero bytes, deflated (wbits 31: gzip, -15: raw), and their CRC-32.

    After a full flush the compressor forgets its history, so every further MiB of zeros
    compresses to the same bytes: one block, repeated.
    """
    chunk = b"\0" * MIB
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    body = first + block * (mib - 1) + end
    if wbits == 31:  # the gzip trailer: CRC-32 and size mod 2**32 of the inflated bytes
        body += struct.pack("<II", crc, (mib * MIB) & 0xFFFFFFFF)
    return body, crc


def zip_bomb(member: str = "word/document.xml", mib: int = 1024) -> bytes:
    """A one-member ZIP (a DOCX by its member's name) that inflates to ``mib`` MiB."""
    raw, crc = deflated_zeros(mib, -15)
    name, size = member.encode(), mib * MIB
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(raw), size, len(name), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(raw), size, len(name),
        0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(name), len(local) + len(name) + len(raw), 0
    )  # fmt: skip
    return local + name + raw + central + name + end


class HostileSite:
    """Answers ``hostile.sample.test``: the index links every case; each path misbehaves."""

    def __init__(self, challenges: Challenges) -> None:
        self.challenges = challenges
        self.cases = {case["path"]: case for case in load_cases()}

    def index(self) -> bytes:
        links = "".join(
            f'<li><a href="{path}">{case["id"]}</a></li>'
            for path, case in self.cases.items()
            if case.get("kind", "detail") == "detail"
        )
        return page("敌意样本站点", f"<ul>{links}</ul>")

    async def respond(self, request: web.Request) -> web.StreamResponse:
        path = request.url.raw_path  # still percent-encoded: %2F and %00 stay as sent
        if path in ("/", "/index.html"):
            return web.Response(body=self.index(), headers=HTML)
        case = self.cases.get(path)
        if case is None:
            return web.Response(status=404, body=page("404", "页面不存在"), headers=HTML)
        serve = case["serve"]
        handler = getattr(self, f"_{serve['how']}")
        return await handler(request, serve)

    async def _challenge(self, request: web.Request, serve: dict) -> web.StreamResponse:
        gate = self.challenges.gate(serve["kind"], dict(request.cookies))
        return gate or web.Response(body=page(serve["title"], DOCUMENT_BODY), headers=HTML)

    async def _page(self, request: web.Request, serve: dict) -> web.StreamResponse:
        body = (
            serve.get("html", "").encode()
            if "html" in serve
            else page(serve["title"], DOCUMENT_BODY)
        )
        return web.Response(status=serve.get("status", 200), body=body, headers=HTML)

    async def _bytes(self, request: web.Request, serve: dict) -> web.StreamResponse:
        """Literal bytes (``hex`` or an escaped ``text``) under the given Content-Type."""
        body = bytes.fromhex(serve["hex"]) if "hex" in serve else serve["text"].encode("latin-1")
        headers = {"Content-Type": serve["type"], "Server": "nginx"}
        if serve.get("disposition"):
            headers["Content-Disposition"] = serve["disposition"]
        return web.Response(status=200, body=body, headers=headers)

    async def _nested(self, request: web.Request, serve: dict) -> web.StreamResponse:
        depth = serve["depth"]
        inner = "<div>" * depth + DOCUMENT_BODY + "</div>" * depth
        return web.Response(body=page(serve["title"], inner), headers=HTML)

    async def _invalid_utf8(self, request: web.Request, serve: dict) -> web.StreamResponse:
        """Declares UTF-8; holds bytes that are not (a lone FF FE, a cut sequence, a surrogate)."""
        body = page(serve["title"], DOCUMENT_BODY + "<p>坏字节：@@ 之后的正文。</p>")
        return web.Response(body=body.replace(b"@@", b"\xff\xfe\xc3\x28\xed\xa0\x80"), headers=HTML)

    async def _attachments(self, request: web.Request, serve: dict) -> web.StreamResponse:
        """A document page linking every attachment case by its (hostile) name."""
        links = "".join(
            f'<p>附件：<a href="{path}">{case["name"]}</a></p>'
            for path, case in self.cases.items()
            if case.get("kind") == "attachment"
        )
        return web.Response(body=page(serve["title"], DOCUMENT_BODY + links), headers=HTML)

    async def _redirect(self, request: web.Request, serve: dict) -> web.StreamResponse:
        return web.Response(status=302, headers={"Location": serve["to"], "Server": "nginx"})

    async def _empty(self, request: web.Request, serve: dict) -> web.StreamResponse:
        return web.Response(status=200, body=b"", headers=HTML)

    async def _stream(self, request: web.Request, serve: dict) -> web.StreamResponse:
        """A body sent slowly, endlessly or short of its Content-Length."""
        response = web.StreamResponse(status=200, headers=HTML)
        if serve.get("content_length"):
            response.content_length = serve["content_length"]
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            if serve.get("mib"):  # 60 MB of markup, one MiB at a time, until the client hangs up
                chunk = b"<p>" + "很长的页面。".encode() * (MIB // 20) + b"</p>\n"
                for _ in range(serve["mib"]):
                    await response.write(chunk)
            elif serve.get("per_second"):  # one byte a second
                for byte in page(serve["title"], DOCUMENT_BODY):
                    await response.write(bytes([byte]))
                    await asyncio.sleep(1 / serve["per_second"])
            else:  # fewer bytes than promised, then the connection closes
                await response.write(page(serve["title"], "<p>只有开头</p>")[: serve["send"]])
                request.transport.close()
                return response
            await response.write_eof()
        except (ConnectionResetError, asyncio.CancelledError, RuntimeError):
            pass  # the crawler gave up on it, as it should
        return response

    async def _gzip_bomb(self, request: web.Request, serve: dict) -> web.StreamResponse:
        body, _ = deflated_zeros(serve["mib"], 31)
        headers = {**HTML, "Content-Encoding": "gzip"}
        return web.Response(body=body, headers=headers)

    async def _zip_bomb(self, request: web.Request, serve: dict) -> web.StreamResponse:
        headers = {
            "Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
        return web.Response(body=zip_bomb(mib=serve["mib"]), headers=headers)
