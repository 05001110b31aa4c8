"""Content-addressed store of downloaded attachment files, and their searchable text.

A file's bytes are written once to ``<db dir>/files/<sha256[:2]>/<sha256[2:4]>/<sha256>``
however many documents link it, and ``attachment_files`` has one row per sha256 with the
sniffed type, what the URL and server claimed, the extraction outcome and the text. The
text is indexed in ``attachment_files_fts`` in the same bigram form as documents_fts, so
``archive.search.to_fts_query`` finds attachments exactly as it finds documents.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from archive.search import cjk_bigrams

FILES_DIR = "files"
INSERT_FILE = """
INSERT OR IGNORE INTO attachment_files
    (sha256, size, media_type, declared_type, extension, type_note, stored_path, extractor,
     status, error, text, text_chars, first_url, first_seen)
VALUES (:sha256, :size, :media_type, :declared_type, :extension, :type_note, :stored_path,
        :extractor, :status, :error, :text, :text_chars, :first_url, :first_seen)
"""


def stored_path(sha256: str) -> str:
    """Where a file lives, relative to the database's directory."""
    return f"{FILES_DIR}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_bytes(base: Path, data: bytes) -> tuple[str, str]:
    """Write ``data`` under its sha256 unless already there; return (sha256, relative path).

    Written to a temporary file and renamed, so a crash never leaves a partial file under a
    content address.
    """
    sha = hashlib.sha256(data).hexdigest()
    relative = stored_path(sha)
    target = base / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    return sha, relative


def file_row(base: Path, capture: dict[str, Any], reading: dict[str, Any]) -> dict[str, Any]:
    """Store an attachment capture's body and return its attachment_files row."""
    body = capture.get("body") or b""
    sha, relative = store_bytes(base, body)
    text = reading.get("text")
    return {
        "sha256": sha,
        "size": len(body),
        "media_type": reading.get("media_type"),
        "declared_type": reading.get("declared_type"),
        "extension": reading.get("extension"),
        "type_note": reading.get("type_note"),
        "stored_path": relative,
        "extractor": reading.get("extractor"),
        "status": reading.get("status") or "not read",
        "error": reading.get("error"),
        "text": text,
        "text_chars": None if text is None else len(text),
        "first_url": capture.get("final_url") or capture["url"],
        "first_seen": capture.get("fetched_at"),
    }


def write_attachment_files(conn: sqlite3.Connection, base: Path, captures: list[dict]) -> int:
    """Store every successfully fetched attachment among ``captures``; return rows added.

    Call inside the writer's transaction. A capture counts when its kind is "attachment",
    it has no error and carries the pipeline's ``attachment`` reading.
    """
    added = 0
    for capture in captures:
        reading = capture.get("attachment")
        if capture.get("kind") != "attachment" or capture.get("error") or reading is None:
            continue
        row = file_row(base, capture, reading)
        if conn.execute(INSERT_FILE, row).rowcount:
            added += 1
            rowid = conn.execute(
                "SELECT id FROM attachment_files WHERE sha256 = ?", [row["sha256"]]
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO attachment_files_fts (rowid, text) VALUES (?, ?)",
                [rowid, cjk_bigrams(row["text"])],
            )
    return added
