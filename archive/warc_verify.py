"""Fixity checks: every WARC record the archive points to, re-read and re-digested.

For each capture with a WARC pointer: the gzip member at (file, offset, length) must
decompress, be the record named by warc_record_id, and carry a WARC-Block-Digest and (for
responses) a WARC-Payload-Digest that match its bytes; the payload, after undoing its
Content-Encoding, must hash to the capture's sha256. A revisit must name a response record
with the same payload. A capture whose body is not in SQLite (page_bodies = 'warc') must have
such a record, so every body the archive holds is proven readable and intact. Downloaded
attachment files are re-hashed too.

Parsing is done here rather than with warcio's iterator so each problem names its record,
file and offset, and so a flipped byte anywhere in a member is caught (gzip CRC).
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from archive.db import connect_readonly
from archive.warc_read import (
    RecordError,
    decode_payload,
    http_parts,
    parse_record,
    read_member,
)

CAPTURE_QUERY = """
SELECT id, url, warc_file, warc_offset, warc_length, warc_record_id, warc_type,
       warc_payload_digest, sha256
FROM captures WHERE warc_file IS NOT NULL ORDER BY warc_file, warc_offset
"""


# A body not kept in SQLite must be in the capture's WARC record (page_bodies = 'warc', m0008).
LOST_BODIES = """
SELECT id, url FROM captures
WHERE body IS NULL AND size > 0 AND (warc_file IS NULL OR warc_type NOT IN ('response', 'revisit'))
"""


@dataclass
class VerifyResult:
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def check_record(data: bytes, row: sqlite3.Row, sha_by_record: dict[str, str]) -> str:
    """Check one record against its capture row; return its type."""
    headers, block = parse_record(data)
    if headers.get("warc-record-id") != row["warc_record_id"]:
        raise RecordError(f"record id is {headers.get('warc-record-id')}")
    if headers.get("warc-block-digest") != sha1_b32(block):
        raise RecordError("block digest mismatch")
    kind = headers.get("warc-type")
    if kind != row["warc_type"]:
        raise RecordError(f"record type is {kind}, archive says {row['warc_type']}")
    digest = headers.get("warc-payload-digest")
    if digest != row["warc_payload_digest"]:
        raise RecordError("payload digest differs from the archive's")
    http, payload = http_parts(block)
    if kind == "response":
        if digest != sha1_b32(payload):
            raise RecordError("payload digest mismatch")
        body_sha = hashlib.sha256(decode_payload(payload, http.get("content-encoding")))
        if row["sha256"] is not None and body_sha.hexdigest() != row["sha256"]:
            raise RecordError("decoded payload does not match the archive's sha256")
    elif kind == "revisit":
        original = headers.get("warc-refers-to")
        if original not in sha_by_record:
            raise RecordError(f"revisit refers to unknown record {original}")
        if row["sha256"] is not None and sha_by_record[original] != row["sha256"]:
            raise RecordError("revisit's sha256 differs from the record it refers to")
    return kind


def verify_captures(conn: sqlite3.Connection, base: Path, result: VerifyResult) -> None:
    conn.row_factory = sqlite3.Row
    rows = conn.execute(CAPTURE_QUERY).fetchall()
    sha_by_record = {r["warc_record_id"]: r["sha256"] for r in rows if r["warc_type"] == "response"}
    handles: dict[str, object] = {}
    try:
        for row in rows:
            result.counts["records"] += 1
            where = "record {} (capture {}, {}) in {} at offset {}".format(
                row["warc_record_id"], row["id"], row["url"], row["warc_file"], row["warc_offset"]
            )
            path = base / row["warc_file"]
            if row["warc_file"] not in handles:
                handles[row["warc_file"]] = path.open("rb") if path.is_file() else None
                result.counts["files"] += 1
            handle = handles[row["warc_file"]]
            if handle is None:
                result.problems.append(f"{where}: WARC file is missing")
                continue
            try:
                data = read_member(handle, row["warc_offset"], row["warc_length"])
                result.counts[check_record(data, row, sha_by_record)] += 1
            except (RecordError, OSError, UnicodeDecodeError, zlib.error, EOFError) as exc:
                result.problems.append(f"{where}: {exc}")
    finally:
        for handle in handles.values():
            if handle is not None:
                handle.close()  # type: ignore[attr-defined]
    result.counts["ok"] = result.counts["records"] - len(result.problems)


def verify_files(conn: sqlite3.Connection, base: Path, result: VerifyResult) -> None:
    """Re-hash every stored attachment file against its content address."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'attachment_files'").fetchone():
        return
    for sha, stored in conn.execute("SELECT sha256, stored_path FROM attachment_files"):
        result.counts["attachment files"] += 1
        path = base / stored
        if not path.is_file():
            result.problems.append(f"attachment file {sha} ({stored}) is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            result.problems.append(f"attachment file {sha} ({stored}) does not match its sha256")


def verify_archive(db_path: str | os.PathLike) -> VerifyResult:
    """Check every WARC record and attachment file the archive at ``db_path`` refers to."""
    db_path = Path(db_path)
    result = VerifyResult()
    conn = connect_readonly(db_path)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(captures)")}
        if "warc_file" in columns:
            verify_captures(conn, db_path.resolve().parent, result)
            result.counts["captures without WARC"] = conn.execute(
                "SELECT count(*) FROM captures WHERE warc_file IS NULL AND status IS NOT NULL"
            ).fetchone()[0]
            lost = conn.execute(LOST_BODIES).fetchall()
            result.problems += [f"capture {i} ({url}): body kept nowhere" for i, url in lost]
        verify_files(conn, db_path.resolve().parent, result)
    finally:
        conn.close()
    return result


def archive_figures(db_path: str | os.PathLike) -> dict[str, object]:
    """WARC bytes per 1,000 captures and attachment reading outcomes, for the verify summary."""
    db_path = Path(db_path)
    base = db_path.resolve().parent
    conn = connect_readonly(db_path)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "attachment_files" not in tables:
            return {}
        files = [row[0] for row in conn.execute("SELECT DISTINCT warc_file FROM captures")]
        size = sum((base / f).stat().st_size for f in files if f and (base / f).is_file())
        pages = conn.execute(
            "SELECT count(*) FROM captures WHERE warc_file IS NOT NULL"
        ).fetchone()[0]
        html_pages, html_bytes = conn.execute(
            "SELECT count(*), coalesce(sum(warc_length), 0) FROM captures"
            " WHERE warc_file IS NOT NULL AND kind IN ('list', 'fragment', 'detail')"
        ).fetchone()
        statuses = dict(conn.execute("SELECT status, count(*) FROM attachment_files GROUP BY 1"))
        not_fetched = conn.execute(
            "SELECT count(DISTINCT url) FROM attachment_status WHERE fetch_error IS NOT NULL"
        ).fetchone()[0]
    finally:
        conn.close()
    return {
        "warc_bytes": size, "captures": pages, "html_pages": html_pages,
        "html_bytes": html_bytes, "statuses": statuses, "not_fetched": not_fetched,
    }  # fmt: skip
