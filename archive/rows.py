"""Rows for the archive's tables: how a capture or an extracted document becomes a row.

Pure functions and the SQL the writer runs; ``archive.store.ArchiveWriter`` does the batching.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.classify import classify_fields
from pipeline.neardup import dedupe_key


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise_text(text: str | None) -> str:
    """NFKC and collapsed whitespace: the form whose hash decides "updated"."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def content_hash(title: str | None, body: str | None, metadata: dict | None = None) -> str:
    """sha256 of the normalised title and body: layout or whitespace changes are not updates.

    ``metadata`` (有效性, 文号, attachments, …; see HASHED_METADATA) joins the hash when any of
    it is present, so a page whose only edit is 现行有效 -> 失效 becomes a new version too.
    """
    text = normalise_text(title) + "\n" + normalise_text(body)
    present = {k: v for k, v in (metadata or {}).items() if v not in (None, "", [], {})}
    if present:
        text += "\n" + json.dumps(present, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Fields whose edit is a change of the document (issue 6); the column and breadcrumb are not:
# they depend on which list page led to the URL.
HASHED_METADATA = ("validity", "doc_no", "index_no", "written_at", "keywords")


def hashed_metadata(document: dict) -> dict:
    metadata = {k: _text(document.get(k)) for k in HASHED_METADATA}
    metadata["attachments"] = sorted(
        (a.get("url") or "", a.get("name") or "") for a in document.get("attachments") or []
    )
    return metadata


def _json(value: Any) -> str | None:
    if value is None or value == [] or value == {}:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=isinstance(value, dict))


def _text(value: Any) -> str | None:
    """Strings stay strings; lists (e.g. keywords) are kept whole as JSON, never joined."""
    return value if value is None or isinstance(value, str) else _json(value)


def extension_of(url: str) -> str | None:
    suffix = Path(url.split("?", 1)[0].split("#", 1)[0]).suffix.lower().lstrip(".")
    return suffix if suffix and suffix.isalnum() and len(suffix) <= 8 else None


def document_row(document: dict, profile: str, profile_agency: str | None) -> dict:
    """Columns of a documents row from an extraction dict (see contracts.md)."""
    sources = dict(document.get("sources") or {})
    agency = document.get("agency")
    if not agency and profile_agency:
        agency = profile_agency
        sources["agency"] = "profile"
    title, body = document.get("title"), document.get("body")
    # The pipeline stage classifies with the profile's column mapping; a caller that did not
    # (tests, replays) still gets the taxonomy's answer rather than no category.
    classified = document if "category" in document else classify_fields(document)
    return {
        "canonical_url": document.get("canonical_url") or document["url"],
        "url": document["url"],
        "site": document.get("site") or profile,
        "agency": agency,
        "title": title,
        "published_at": document.get("published_at"),
        "written_at": document.get("written_at"),
        "index_no": _text(document.get("index_no")),
        "doc_no": _text(document.get("doc_no")),
        "column_name": _text(document.get("column")),
        "keywords": _text(document.get("keywords")),
        "validity": _text(document.get("validity")),
        "category_label": _text(document.get("category_label")),
        "breadcrumb": _json(document.get("breadcrumb")),
        "body": body,
        "field_sources": _json(sources),
        "warnings": _json(document.get("warnings")),
        "content_sha256": content_hash(title, body, hashed_metadata(document)),
        "category": classified.get("category"),
        "category_source": classified.get("category_source"),
        "category_raw": classified.get("category_raw"),
        "category_reason": classified.get("category_reason"),
        "genre": classified.get("genre"),
        "dedupe_key": dedupe_key(body),
        # Not a column: written to the attachments table, ignored by the named-parameter SQL.
        "attachments": document.get("attachments") or [],
    }


def capture_row(capture: dict, capture_id: int, document_id: int | None) -> dict:
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
        "body": body,
        "size": None if body is None else len(body),
        "sha256": sha,
        "declared_encoding": capture.get("declared_encoding"),
        "used_encoding": capture.get("used_encoding"),
        "kind": capture.get("kind") or "detail",
        "error": capture.get("error"),
        "document_id": document_id,
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
