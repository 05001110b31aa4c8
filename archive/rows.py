"""Rows for the archive's tables: a capture as a row, and the SQL the writer runs.

Document rows arrive whole from the pipeline (``pipeline.record.document_row``) with the
columns in ``DOCUMENT_FIELDS``; ``archive.store.ArchiveWriter`` does the batching.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from archive.timestamps import utc_now


def _json(value: Any) -> str | None:
    if value is None or value == [] or value == {}:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=isinstance(value, dict))


def capture_row(
    capture: dict, capture_id: int, document_id: int | None, keep_body: bool = True
) -> dict:
    """The captures row of ``capture``; ``keep_body=False`` stores no body (it is in WARC),
    but its size and sha256 all the same."""
    body = capture.get("body")
    sha = capture.get("sha256")
    if sha is None and body is not None:
        sha = hashlib.sha256(body).hexdigest()
    return {
        "id": capture_id,
        "crawl_id": capture.get("crawl_id"),
        "profile": capture["profile"],
        "url": capture["url"],
        "final_url": capture.get("final_url"),
        "status": capture.get("status"),
        "headers": _json(capture.get("headers")),
        "fetched_at": capture.get("fetched_at") or utc_now(),
        "body": body if keep_body else None,
        "size": None if body is None else len(body),
        "sha256": sha,
        "declared_encoding": capture.get("declared_encoding"),
        "used_encoding": capture.get("used_encoding"),
        "kind": capture.get("kind") or "detail",
        "error": capture.get("error"),
        "document_id": document_id,
        "fetched_via": capture.get("fetched_via"),
        **warc_columns(capture.get("warc")),
    }


def warc_columns(pointer: dict | None) -> dict:
    """Captures' WARC pointer columns (m0005) from crawler.warc's pointer; all None if absent."""
    pointer = pointer or {}
    return {
        "warc_file": pointer.get("file"),
        "warc_offset": pointer.get("offset"),
        "warc_length": pointer.get("length"),
        "warc_record_id": pointer.get("record_id"),
        "warc_type": pointer.get("type"),
        "warc_payload_digest": pointer.get("payload_digest"),
        "warc_date": pointer.get("date"),
    }


def _insert_sql(table: str, columns: list[str]) -> str:
    return "INSERT INTO {} ({}) VALUES ({})".format(
        table, ", ".join(columns), ", ".join(":" + c for c in columns)
    )


# Document fields kept with each version besides title/body/published_at, so a change of
# 有效性 or 文号 is visible too; VERSION_FIELDS is what a changed event compares.
VERSION_METADATA = ("doc_no", "index_no", "validity", "written_at", "agency", "column_name")
VERSION_FIELDS = ("title", "body", "published_at", *VERSION_METADATA)

DOCUMENT_FIELDS = [
    "canonical_url", "url", "site", "agency", "title", "published_at", "written_at",
    "index_no", "doc_no", "column_name", "keywords", "validity", "category_label",
    "breadcrumb", "body", "field_sources", "warnings", "content_sha256",
    "category", "category_source", "category_raw", "category_reason", "genre", "dedupe_key",
]  # fmt: skip
INSERT_DOCUMENT = _insert_sql(
    "documents",
    ["id", *DOCUMENT_FIELDS, "first_seen", "last_seen", "latest_capture_id", "capture_count"],
)
UPDATE_DOCUMENT = "UPDATE documents SET {}, last_seen = :last_seen, latest_capture_id = :latest_capture_id, capture_count = capture_count + 1 WHERE id = :id".format(
    ", ".join(f"{c} = :{c}" for c in DOCUMENT_FIELDS if c != "canonical_url")
)
TOUCH_DOCUMENT = (
    "UPDATE documents SET last_seen = :last_seen, latest_capture_id = :latest_capture_id,"
    " capture_count = capture_count + 1 WHERE id = :id"
)
# What each capture showed about its URL (archive.changes, m0004), added by the writer.
OBSERVATION_COLUMNS = ["observation", "observation_reason"]
INSERT_CAPTURE = _insert_sql(
    "captures", [*capture_row({"profile": "", "url": ""}, 0, None), *OBSERVATION_COLUMNS]
)
