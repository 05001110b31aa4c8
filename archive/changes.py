"""Change history in the archive: observations of known URLs, their state, and events.

The store calls :meth:`ChangeTracker.observe` for every capture inside its batch transaction
(so a killed crawl keeps whole batches of pages *and* their events, or neither), and
:meth:`ChangeTracker.record_listing` once per crawl with the detail URLs its list pages
linked. What a fetch means (the capture's ``observation``) and what changed between versions
(the row's ``change``) arrive decided by the pipeline; this module keeps the state. Rules:

- a URL is ``removed`` only after ``removed_after`` consecutive ``missing`` observations
  (404/410, soft-404), with [last ok, first missing] and the captures on both sides;
  ``blocked`` and ``unreachable`` fetches neither count nor reset that run;
- ``restored`` when a removed URL answers again; ``blocked`` once per spell of challenges;
- ``delisted`` when a page that is still there vanishes from complete list pages;
- ``new`` and ``changed`` when the store creates a document or a new version of it.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, fields
from typing import Any

from archive.rows import VERSION_FIELDS
from archive.timestamps import utc_now

# What one fetch showed about its URL: the pipeline's verdict (pipeline.soft404), stored in
# captures.observation. Only these outcomes move a URL's state.
OK, NOT_MODIFIED, MISSING, BLOCKED, UNREACHABLE = (
    "ok", "not_modified", "missing", "blocked", "unreachable",
)  # fmt: skip
PRESENT = frozenset({OK, NOT_MODIFIED})

DEFAULT_REMOVED_AFTER = 2
EVENT_TYPES = ("new", "changed", "removed", "restored", "delisted", "blocked")
LIST_KINDS = ("list", "fragment")


@dataclass(frozen=True)
class Observation:
    outcome: str
    reason: str | None = None

    @classmethod
    def of(cls, capture: dict, has_document: bool) -> Observation:
        """The capture's observation; a page stored without one is taken as seen if it holds
        a document, else as an error (never as evidence of removal)."""
        given = capture.get("observation")
        if given:
            return cls(given["outcome"], given.get("reason"))
        return cls(OK) if has_document else cls("error", "no observation given")


@dataclass
class UrlState:
    url: str
    site: str
    kind: str
    document_id: int | None = None
    state: str = "ok"
    missing_count: int = 0
    last_outcome: str | None = None
    last_observed_at: str | None = None
    last_ok_at: str | None = None
    last_ok_capture_id: int | None = None
    content_capture_id: int | None = None
    first_missing_at: str | None = None
    first_missing_capture_id: int | None = None
    listed: int | None = None
    last_listed_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None


STATE_COLUMNS = [f.name for f in fields(UrlState)]
SAVE_STATE = "INSERT OR REPLACE INTO url_states ({}) VALUES ({})".format(
    ", ".join(STATE_COLUMNS), ", ".join(":" + c for c in STATE_COLUMNS)
)
EVENT_COLUMNS = [
    "type", "crawl_id", "observed_at", "document_id", "url", "site", "agency", "category",
    "title", "reason", "interval_start", "interval_end", "before_capture_id", "after_capture_id",
    "from_version", "to_version", "field_diff", "text_diff", "attachments",
]  # fmt: skip
INSERT_EVENT = "INSERT INTO events ({}) VALUES ({})".format(
    ", ".join(EVENT_COLUMNS), ", ".join(":" + c for c in EVENT_COLUMNS)
)


def state_row(state: UrlState) -> dict[str, Any]:
    """SAVE_STATE's parameters (dataclasses.asdict deep-copies: a tenth of a page's write)."""
    return {name: getattr(state, name) for name in STATE_COLUMNS}


def load_states(conn: sqlite3.Connection, site: str | None = None) -> dict[str, UrlState]:
    """url -> state, for one site or all."""
    sql = f"SELECT {', '.join(STATE_COLUMNS)} FROM url_states"
    rows = conn.execute(sql + (" WHERE site = ?" if site else ""), [site] if site else [])
    return {row[0]: UrlState(*row) for row in rows}


def header(headers: dict[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def load_state(conn: sqlite3.Connection, url: str) -> UrlState | None:
    row = conn.execute(f"SELECT {', '.join(STATE_COLUMNS)} FROM url_states WHERE url = ?", [url])
    found = row.fetchone()
    return UrlState(*found) if found else None


class ChangeTracker:
    """Observations, per-URL state and events, written on the store's connection.

    States are read by primary key per capture rather than held in memory: a lookup costs
    microseconds next to a page's write, an archive of a million URLs would cost a gigabyte,
    and reads inside the store's batch transaction see that batch's own earlier writes.
    """

    def __init__(self, conn: sqlite3.Connection | None = None) -> None:
        self.removed_after: dict[str, int] = {}
        self._event_counts: dict[int | None, Counter[str]] = {}

    def reload(self, conn: sqlite3.Connection) -> None:
        """Nothing is cached across transactions; kept for the store's rollback path."""

    def event_counts(self, crawl_id: int | None) -> dict[str, int]:
        """Events written so far for a crawl, by type (for the crawl's stats and summary)."""
        return dict(self._event_counts.get(crawl_id, {}))

    def observe(
        self,
        conn: sqlite3.Connection,
        capture: dict,
        capture_id: int,
        document_id: int | None,
        status: str,
        row: dict | None,
    ) -> Observation:
        """Update one capture's URL state from its observation, write any event; return it."""
        if not capture.get("fetched_at"):  # the store stamps such captures "now" too
            capture = {**capture, "fetched_at": utc_now()}
        kind = capture.get("kind") or "detail"
        verdict = Observation.of(capture, document_id is not None)
        if kind not in LIST_KINDS + ("detail", "failure") or capture.get("followed_up"):
            # followed_up: the crawler fetched the URL again at once (a challenge handed to a
            # browser); that later capture answers for the URL, this one is evidence only.
            return verdict
        state = load_state(conn, capture["url"])
        if kind in LIST_KINDS or (kind == "failure" and state and state.kind in LIST_KINDS):
            self._list_seen(conn, capture, capture_id, verdict, state)
            return verdict
        if status == "new":
            self._event(conn, "new", capture, capture_id, document_id, row, to_version=1,
                        attachments=row.get("attachments") or [])  # fmt: skip
        elif status == "updated":
            self._changed(conn, capture, capture_id, document_id, row)
        if state is None and (document_id is None or verdict.outcome not in PRESENT):
            return verdict  # a URL never seen ok is not a known page: nothing to track
        if state is None:
            state = UrlState(capture["url"], capture["profile"], "detail")
        self._detail_seen(conn, state, capture, capture_id, document_id, verdict)
        return verdict

    def _list_seen(self, conn, capture: dict, capture_id: int, verdict: Observation, state) -> None:
        url = capture["url"]
        state = state or UrlState(url, capture["profile"], capture.get("kind"))
        if state.kind not in LIST_KINDS:
            return
        self._touch(state, capture, verdict)
        if verdict.outcome in PRESENT:
            state.state, state.last_ok_at = "ok", state.last_observed_at
            state.last_ok_capture_id = capture_id
            self._validators(state, capture, capture_id)
        conn.execute(SAVE_STATE, state_row(state))

    @staticmethod
    def _touch(state: UrlState, capture: dict, verdict: Observation) -> None:
        state.last_outcome, state.last_observed_at = verdict.outcome, capture.get("fetched_at")

    @staticmethod
    def _validators(state: UrlState, capture: dict, capture_id: int) -> None:
        headers = capture.get("headers")
        if capture.get("status") == 200 and capture.get("body"):
            state.content_capture_id = capture_id
            state.etag = header(headers, "etag")
            state.last_modified = header(headers, "last-modified")
        elif header(headers, "etag"):
            state.etag = header(headers, "etag")

    def _detail_seen(self, conn, state, capture, capture_id, document_id, verdict) -> None:
        self._touch(state, capture, verdict)
        at = state.last_observed_at
        if verdict.outcome in PRESENT:
            if state.state == "removed":
                self._event(conn, "restored", capture, capture_id, state.document_id, None,
                            interval=(state.first_missing_at, at),
                            before=state.first_missing_capture_id)  # fmt: skip
            state.state, state.missing_count = "ok", 0
            state.first_missing_at = state.first_missing_capture_id = None
            state.last_ok_at, state.last_ok_capture_id = at, capture_id
            state.document_id = document_id or state.document_id
            self._validators(state, capture, capture_id)
            if capture.get("status") == 304 and state.document_id:
                conn.execute(
                    "UPDATE documents SET last_seen = max(last_seen, ?) WHERE id = ?",
                    [at, state.document_id],
                )
        elif verdict.outcome == MISSING:
            state.missing_count += 1
            if state.missing_count == 1:
                state.first_missing_at, state.first_missing_capture_id = at, capture_id
            threshold = self.removed_after.get(state.site, DEFAULT_REMOVED_AFTER)
            if state.state != "removed" and state.missing_count >= threshold:
                self._event(conn, "removed", capture, capture_id, state.document_id, None,
                            reason=verdict.reason, interval=(state.last_ok_at, state.first_missing_at),
                            before=state.last_ok_capture_id, after=state.first_missing_capture_id)  # fmt: skip
                state.state = "removed"
            elif state.state != "removed":
                state.state = "missing"
        elif verdict.outcome == BLOCKED and state.state not in ("blocked", "removed"):
            self._event(conn, "blocked", capture, capture_id, state.document_id, None,
                        reason=verdict.reason, before=state.last_ok_capture_id)  # fmt: skip
            state.state = "blocked"
        elif verdict.outcome == UNREACHABLE and state.state == "ok":
            state.state = "unreachable"
        conn.execute(SAVE_STATE, state_row(state))

    def _changed(self, conn, capture: dict, capture_id: int, document_id: int, row: dict) -> None:
        versions = conn.execute(
            "SELECT version, capture_id FROM document_versions WHERE document_id = ?"
            " ORDER BY version DESC LIMIT 2",
            [document_id],
        ).fetchall()
        if len(versions) < 2:
            return
        (new_version, _), (old_version, old_capture) = versions
        change = row.get("change") or {}
        self._event(conn, "changed", capture, capture_id, document_id, row,
                    before=old_capture, from_version=old_version, to_version=new_version,
                    field_diff=change.get("fields"), text_diff=change.get("text"),
                    attachments=row.get("attachments") or [])  # fmt: skip

    def stored_version(self, conn: sqlite3.Connection, document_id: int) -> dict[str, Any] | None:
        """A document's stored VERSION_FIELDS, content hash and last announced attachments."""
        columns = (*VERSION_FIELDS, "content_sha256")
        row = conn.execute(
            f"SELECT {', '.join(columns)} FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if row is None:
            return None
        previous = conn.execute(
            "SELECT attachments FROM events WHERE document_id = ? AND type IN ('new', 'changed')"
            " AND attachments IS NOT NULL ORDER BY id DESC LIMIT 1",
            [document_id],
        ).fetchone()
        stored = dict(zip(columns, row, strict=True))
        stored["attachments"] = json.loads(previous[0]) if previous else None
        return stored

    def _event(self, conn, kind: str, capture: dict, capture_id: int, document_id: int | None,
               row: dict | None, *, reason: str | None = None, interval: tuple = (None, None),
               before: int | None = None, after: int | None = None, **extra: Any) -> None:  # fmt: skip
        doc = row or _document(conn, document_id)
        self._event_counts.setdefault(capture.get("crawl_id"), Counter())[kind] += 1
        diff = extra.get("field_diff")
        conn.execute(INSERT_EVENT, {
            "type": kind, "crawl_id": capture.get("crawl_id"),
            "observed_at": capture.get("fetched_at"), "document_id": document_id,
            "url": capture["url"], "site": doc.get("site") or capture.get("profile"),
            "agency": doc.get("agency"), "category": doc.get("category"),
            "title": doc.get("title"), "reason": reason,
            "interval_start": interval[0], "interval_end": interval[1],
            "before_capture_id": before, "after_capture_id": after or capture_id,
            "from_version": extra.get("from_version"), "to_version": extra.get("to_version"),
            "field_diff": json.dumps(diff, ensure_ascii=False, sort_keys=True) if diff else None,
            "text_diff": extra.get("text_diff") or None,
            "attachments": _json_or_none(extra.get("attachments")),
        })  # fmt: skip

    def record_listing(
        self, conn: sqlite3.Connection, crawl_id: int, site: str, listed: set[str],
        complete: bool, at: str,
    ) -> int:  # fmt: skip
        """Record which known document URLs this crawl's list pages linked; return # delisted.

        Absence only counts when every list page of the crawl was read (``complete``): a list
        page that failed says nothing about what it links. A page older than everything its
        column still lists fell off the end of a paginated list (or past pagination.max_pages):
        not listed any more, but not a delisting either.
        """
        states = [s for s in load_states(conn, site).values() if s.kind == "detail"]
        placed = _column_and_date(conn, site)
        oldest: dict[str | None, str] = {}
        for state in states:
            column, published = placed.get(state.url, (None, None))
            if state.url in listed and published:
                oldest[column] = min(oldest.get(column, published), published)
        delisted = 0
        for state in states:
            if state.url in listed:
                state.listed, state.last_listed_at = 1, at
            elif complete and state.listed != 0:
                was_listed, state.listed = state.listed == 1, 0
                column, published = placed.get(state.url, (None, None))
                inside = column not in oldest or (published or "") > oldest[column]
                if was_listed and inside and state.state == "ok" and state.last_outcome in PRESENT:
                    capture = {"url": state.url, "profile": site, "crawl_id": crawl_id,
                               "fetched_at": at}  # fmt: skip
                    self._event(conn, "delisted", capture, state.last_ok_capture_id,
                                state.document_id, None, reason="not linked from any list page",
                                interval=(state.last_listed_at, at))  # fmt: skip
                    delisted += 1
            else:
                continue
            conn.execute(SAVE_STATE, state_row(state))
        return delisted


def _column_and_date(conn: sqlite3.Connection, site: str) -> dict[str, tuple[str | None, str]]:
    rows = conn.execute(
        "SELECT s.url, d.column_name, d.published_at FROM url_states s"
        " JOIN documents d ON d.id = s.document_id WHERE s.site = ? AND s.kind = 'detail'",
        [site],
    )
    return {url: (column, published) for url, column, published in rows}


def _document(conn: sqlite3.Connection, document_id: int | None) -> dict[str, Any]:
    if document_id is None:
        return {}
    row = conn.execute(
        "SELECT site, agency, category, title FROM documents WHERE id = ?", [document_id]
    ).fetchone()
    return dict(zip(("site", "agency", "category", "title"), row, strict=True)) if row else {}


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def list_events(
    conn: sqlite3.Connection, since: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Events in the order they were recorded, optionally since a UTC time and of one type."""
    where, params = [], []
    if since:
        where.append("observed_at >= ?")
        params.append(since)
    if kind:
        where.append("type = ?")
        params.append(kind)
    sql = "SELECT * FROM events" + (" WHERE " + " AND ".join(where) if where else "")
    cursor = conn.execute(sql + " ORDER BY id", params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
