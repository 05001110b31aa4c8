"""Atom feeds of new, changed and removed documents, per agency or per category.

Pure functions over event rows (dicts from the events table) so a Datasette route, a CLI or a
test can build the same feed. Entries are plain text (``type="text"``): a changed entry
carries its field diff and the body's text diff; nothing archived is ever sent as HTML.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
FEED_TYPES = ("new", "changed", "removed")
FEED_KEYS = ("agency", "category")
DEFAULT_LIMIT = 100
LABELS = {"new": "新增", "changed": "变更", "removed": "删除"}


def feed_sql(key: str) -> str:
    """SQL for the latest feed events of one agency or category (params :value, :limit)."""
    if key not in FEED_KEYS:
        raise ValueError(f"no feed by {key!r}")
    kinds = ", ".join(f"'{k}'" for k in FEED_TYPES)
    return (
        f"SELECT * FROM events WHERE type IN ({kinds}) AND {key} = :value"
        " ORDER BY observed_at DESC, id DESC LIMIT :limit"
    )


def entry_text(event: dict[str, Any]) -> str:
    """What an entry says, as plain text: where, what changed (with the diff), or the gap."""
    lines = [event.get("url") or ""]
    if event["type"] == "changed":
        diff = json.loads(event["field_diff"]) if event.get("field_diff") else {}
        for name, change in sorted(diff.items()):
            if name == "attachments":
                for a in change.get("added", []):
                    lines.append(f"+ 附件 attachment: {a.get('name')} {a.get('url')}")
                for a in change.get("removed", []):
                    lines.append(f"- 附件 attachment: {a.get('name')} {a.get('url')}")
            else:
                lines.append(f"{name}: {change.get('old')} -> {change.get('new')}")
        if event.get("text_diff"):
            lines += ["", event["text_diff"]]
    elif event["type"] == "removed":
        lines.append(
            f"last seen {event.get('interval_start')}, missing since {event.get('interval_end')}"
            f" ({event.get('reason')})"
        )
        lines.append(
            f"captures: {event.get('before_capture_id')} (before), "
            f"{event.get('after_capture_id')} (after)"
        )
    return "\n".join(lines)


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text
    return element


def atom_feed(title: str, feed_url: str, events: list[dict[str, Any]], updated: str) -> str:
    """An Atom 1.0 document for ``events`` (newest first); ``updated`` when there are none."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", feed_url)
    _text(feed, "title", title)
    _text(feed, "updated", events[0]["observed_at"] if events else updated)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": feed_url})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "gongkai")
    for event in events:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"{feed_url.split('/-/', 1)[0]}/-/events/{event['id']}")
        label = LABELS.get(event["type"], event["type"])
        _text(entry, "title", f"[{label} {event['type']}] {event.get('title') or event['url']}")
        _text(entry, "updated", event["observed_at"])
        ET.SubElement(entry, f"{{{ATOM}}}link", {"href": event["url"]})
        if event.get("category"):
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": event["category"]})
        _text(entry, "content", entry_text(event), type="text")
    return ET.tostring(feed, encoding="unicode", xml_declaration=True)
