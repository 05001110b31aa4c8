"""``gongkai events``: what changed in the archive — new, changed, removed, restored, … pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from archive.changes import EVENT_TYPES
from crawler.cli.errors import fail
from crawler.cli.options import db_option

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?Z?)?$")
JSON_COLUMNS = ("field_diff", "attachments")


def since_bound(value: str | None) -> str | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS][Z]`` (UTC) as the stored "…Z" text form."""
    if value is None:
        return None
    if not DATE.match(value):
        fail(f"--since {value!r}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC)")
    return value.replace(" ", "T").rstrip("Z")


def event_json(event: dict) -> str:
    row = dict(event)
    for column in JSON_COLUMNS:
        if row.get(column) is not None:
            row[column] = json.loads(row[column])
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def event_line(event: dict) -> str:
    where = f" [{event['interval_start']} .. {event['interval_end']}]" if event["type"] in (
        "removed", "restored") else ""  # fmt: skip
    reason = f" ({event['reason']})" if event.get("reason") else ""
    return f"{event['observed_at']}\t{event['type']}\t{event['url']}\t{event['title'] or ''}{where}{reason}"


@click.command()
@db_option("Archive database.")
@click.option("--since", default=None, help="Only events observed at or after this UTC date/time.")
@click.option("--type", "kind", default=None, help="Only this type: " + ", ".join(EVENT_TYPES))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def events(db_path: Path, since: str | None, kind: str | None, as_json: bool) -> None:
    """Print the archive's change events, oldest first.

    With --json each line is one object with the keys id, type, observed_at (UTC), crawl_id,
    document_id, url, site, agency, category, title, reason, interval_start, interval_end
    (removed: last ok .. first missing), before_capture_id, after_capture_id, from_version,
    to_version, field_diff ({field: {old, new}}, attachments: {added, removed}), text_diff
    (unified diff of the body by paragraph) and attachments; missing values are null.

    \b
    Example:
        gongkai events --db var/gongkai.db --since 2024-05-01 --type removed --json
    """
    from archive.changes import list_events
    from archive.db import ArchiveError, open_archive

    if kind is not None and kind not in EVENT_TYPES:
        fail(f"--type {kind!r}: expected one of {', '.join(EVENT_TYPES)}")
    bound = since_bound(since)
    try:
        db = open_archive(db_path, create=False)
    except ArchiveError as exc:
        fail(str(exc))
    try:
        rows = list_events(db.conn, bound, kind)
    finally:
        db.conn.close()
    for event in rows:
        click.echo(event_json(event) if as_json else event_line(event))
