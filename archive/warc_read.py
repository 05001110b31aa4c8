"""Read page bodies back from the WARC records the archive points to.

An archive whose ``page_bodies`` option is 'warc' (the default for new archives, m0008) keeps a
capture's body only in its WARC record: the row has the pointer (file relative to the
database's directory, offset, length of one gzip member), the body's size and sha256. This
module turns a pointer back into the body as Scrapy saw it: the record's HTTP payload with its
Content-Encoding undone; a ``revisit`` record is followed to the response it refers to.
``archive.warc_verify`` checks the same records with the same parsing.
"""

from __future__ import annotations

import gzip
import sqlite3
import zlib
from pathlib import Path

POINTER = "SELECT warc_file, warc_offset, warc_length FROM captures WHERE warc_record_id = ?"


class RecordError(Exception):
    """One record failed a check; the message says which check."""


def parse_record(data: bytes) -> tuple[dict[str, str], bytes]:
    """WARC headers (names lower-cased) and the record block of one uncompressed record."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"WARC/"):
        raise RecordError("not a WARC record")
    headers: dict[str, str] = {}
    for line in head.decode("utf-8").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    try:
        length = int(headers["content-length"])
    except (KeyError, ValueError):
        raise RecordError("no valid Content-Length") from None
    if len(rest) < length:
        raise RecordError(f"block truncated: {len(rest)} of {length} bytes")
    return headers, rest[:length]


def http_parts(block: bytes) -> tuple[dict[str, str], bytes]:
    head, sep, payload = block.partition(b"\r\n\r\n")
    if not sep:
        raise RecordError("HTTP headers not terminated")
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers, payload


def decode_payload(payload: bytes, encoding: str | None) -> bytes:
    """Undo Content-Encoding the way a client would, to compare with the archived body."""
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            payload = gzip.decompress(payload)
        elif coding == "deflate":
            try:
                payload = zlib.decompress(payload)
            except zlib.error:
                payload = zlib.decompress(payload, -zlib.MAX_WBITS)
        elif coding != "identity":
            raise RecordError(f"cannot decode Content-Encoding {coding!r}")
    return payload


def read_member(handle: object, offset: int, length: int) -> bytes:
    handle.seek(offset)  # type: ignore[attr-defined]
    raw = handle.read(length)  # type: ignore[attr-defined]
    if len(raw) != length:
        raise RecordError(f"file ends at {offset + len(raw)}, record needs {offset + length}")
    try:
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        data = decompressor.decompress(raw) + decompressor.flush()
    except zlib.error as exc:
        raise RecordError(f"gzip member is corrupt ({exc})") from None
    if not decompressor.eof or decompressor.unused_data:
        raise RecordError("pointer does not cover exactly one gzip member")
    return data


def read_record(base: Path, file: str, offset: int, length: int) -> tuple[dict[str, str], bytes]:
    """WARC headers (lower-cased names) and block of the record at (file, offset, length)."""
    with (base / file).open("rb") as handle:
        return parse_record(read_member(handle, offset, length))


def archive_directory(conn: sqlite3.Connection) -> Path:
    """The directory of the database ``conn`` is connected to (WARC paths are relative to it)."""
    return Path(conn.execute("PRAGMA database_list").fetchone()[2]).parent


def warc_body(conn: sqlite3.Connection, file: str, offset: int, length: int) -> bytes:
    """The body of the response a record holds, or (for a revisit) the record it refers to.

    Raises RecordError (or OSError) when the record cannot be read back as one.
    """
    base = archive_directory(conn)
    headers, block = read_record(base, file, offset, length)
    if headers.get("warc-type") == "revisit":
        target = conn.execute(POINTER, [headers.get("warc-refers-to")]).fetchone()
        if target is None or None in target:
            raise RecordError(f"revisit refers to unknown record {headers.get('warc-refers-to')}")
        headers, block = read_record(base, *target)
    if headers.get("warc-type") != "response":
        raise RecordError(f"record type is {headers.get('warc-type')}, not a response")
    http, payload = http_parts(block)
    return decode_payload(payload, http.get("content-encoding"))
