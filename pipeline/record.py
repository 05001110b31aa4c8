"""An extracted document as the archive stores it: one ``documents`` row, computed once.

Everything the archive keeps about a document is decided here, in the pipeline: the agency
(the page's, else the profile's), the category, the content hash that decides "updated",
the exact-duplicate key and the JSON form of list fields. ``archive/`` stores the row as
given (its columns are ``archive.rows.DOCUMENT_FIELDS``).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from pipeline.attachments import extension
from pipeline.classify import classify_fields
from pipeline.neardup import dedupe_key
from pipeline.taxonomy import Taxonomy

# Fields whose edit is a change of the document (issue 6); the column and breadcrumb are not:
# they depend on which list page led to the URL.
HASHED_METADATA = ("validity", "doc_no", "index_no", "written_at", "keywords")


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


def hashed_metadata(document: Mapping[str, Any]) -> dict[str, Any]:
    metadata = {k: as_text(document.get(k)) for k in HASHED_METADATA}
    metadata["attachments"] = sorted(
        (a.get("url") or "", a.get("name") or "") for a in document.get("attachments") or []
    )
    return metadata


def as_json(value: Any) -> str | None:
    if value is None or value == [] or value == {}:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=isinstance(value, dict))


def as_text(value: Any) -> str | None:
    """Strings stay strings; lists (e.g. keywords) are kept whole as JSON, never joined."""
    return value if value is None or isinstance(value, str) else as_json(value)


def document_row(
    document: Mapping[str, Any],
    site: str,
    agency: str | None = None,
    columns: Mapping[str, str] | None = None,
    taxonomy: Taxonomy | None = None,
) -> dict[str, Any]:
    """The ``documents`` row of an extraction dict (``gongkai extract --json`` shape).

    ``agency`` (the profile's) fills in when the page names none; the category comes from
    the document when it was classified already, else from ``classify_fields`` with the
    profile's ``columns`` mapping. ``attachments`` rides along for the attachments table.
    """
    sources = dict(document.get("sources") or {})
    page_agency = document.get("agency")
    if not page_agency and agency:
        page_agency = agency
        sources["agency"] = "profile"
    title, body = document.get("title"), document.get("body")
    classified = (
        document if "category" in document else classify_fields(document, columns, taxonomy)
    )
    return {
        "canonical_url": document.get("canonical_url") or document["url"],
        "url": document["url"],
        "site": document.get("site") or site,
        "agency": page_agency,
        "title": title,
        "published_at": document.get("published_at"),
        "written_at": document.get("written_at"),
        "index_no": as_text(document.get("index_no")),
        "doc_no": as_text(document.get("doc_no")),
        "column_name": as_text(document.get("column")),
        "keywords": as_text(document.get("keywords")),
        "validity": as_text(document.get("validity")),
        "category_label": as_text(document.get("category_label")),
        "breadcrumb": as_json(document.get("breadcrumb")),
        "body": body,
        "field_sources": as_json(sources),
        "warnings": as_json(document.get("warnings")),
        "content_sha256": content_hash(title, body, hashed_metadata(document)),
        "category": classified.get("category"),
        "category_source": classified.get("category_source"),
        "category_raw": classified.get("category_raw"),
        "category_reason": classified.get("category_reason"),
        "genre": classified.get("genre"),
        "dedupe_key": dedupe_key(body),
        # Not columns: the attachment links as announced (events, diffs) and as stored.
        "attachments": list(document.get("attachments") or []),
        "attachment_rows": [
            {"url": a["url"], "name": a.get("name"), "ext": extension(a["url"])}
            for a in document.get("attachments") or ()
            if a.get("url")
        ],
    }
