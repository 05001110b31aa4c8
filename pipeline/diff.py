"""Field-level and text diffs between two versions of a document (pure functions).

A ``changed`` event says exactly what changed: which fields (title, 有效性, 文号, …) went
from what to what, which attachments were added or dropped, and a unified diff of the body
by paragraph, so a reader sees the edit without fetching both versions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

# Fields compared besides the body, in the order a reader cares about them.
DIFF_FIELDS = (
    "title", "published_at", "validity", "doc_no", "index_no", "written_at", "keywords",
    "agency",
)  # fmt: skip


def field_diff(
    old: Mapping[str, Any], new: Mapping[str, Any], fields: Iterable[str] = DIFF_FIELDS
) -> dict[str, dict[str, Any]]:
    """``{field: {"old": …, "new": …}}`` for every field whose value differs."""
    return {
        name: {"old": old.get(name), "new": new.get(name)}
        for name in fields
        if old.get(name) != new.get(name)
    }


def attachment_diff(
    old: Iterable[Mapping[str, Any]] | None, new: Iterable[Mapping[str, Any]] | None
) -> dict[str, list[dict[str, Any]]]:
    """Attachments added and removed, matched by URL (a renamed link counts as both)."""
    before = {(a.get("url"), a.get("name")): dict(a) for a in old or ()}
    after = {(a.get("url"), a.get("name")): dict(a) for a in new or ()}
    added = [after[k] for k in after if k not in before]
    removed = [before[k] for k in before if k not in after]
    return {"added": added, "removed": removed} if added or removed else {}


def text_diff(old: str | None, new: str | None, context: int = 1) -> str:
    """Unified diff of two bodies, one paragraph per line; "" when they are the same."""
    before = _paragraphs(old)
    after = _paragraphs(new)
    lines = difflib.unified_diff(
        before, after, fromfile="before", tofile="after", n=context, lineterm=""
    )
    return "\n".join(lines)


def _paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split("\n") if p.strip()]


# What a changed event compares besides the body: the fields kept with each version.
CHANGE_FIELDS = (
    "agency", "column_name", "doc_no", "index_no", "published_at", "title", "validity",
    "written_at",
)  # fmt: skip


def document_change(stored: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
    """What changed from the ``stored`` text of a document to its new ``row``.

    ``{"fields": {field: {old, new}} (with "attachments": {added, removed} when the stored
    attachments are known), "text": unified diff of the bodies}``.
    """
    fields = field_diff(stored, row, CHANGE_FIELDS)
    if stored.get("attachments") is not None:
        changed = attachment_diff(stored["attachments"], row.get("attachments"))
        if changed:
            fields["attachments"] = changed
    return {"fields": fields, "text": text_diff(stored.get("body"), row.get("body"))}
