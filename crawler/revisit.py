"""Revisit policy: which known pages to fetch again this run, and how (conditional GET).

List pages are fetched every run (that is how new documents are found). A known document
page is fetched again when it is *due*: recent documents often, older ones less (the
profile's ``revisit.intervals``, by days since publication); a page whose last fetch was not
ok (missing, blocked, unreachable) every run, so that a removal is confirmed or withdrawn
quickly. Every revisit of a page last seen ok sends the stored ``ETag`` / ``Last-Modified``
(``If-None-Match`` / ``If-Modified-Since``): an unchanged page costs a 304 and no body. A
list page answered 304 is re-read from its archived capture.

Profile section (all keys optional)::

    revisit:
      intervals:                 # first match by age wins; the last one has no age bound
        - {younger_than_days: 30, every_hours: 0}     # every run
        - {younger_than_days: 365, every_hours: 24}
        - {every_hours: 168}
      conditional: true          # send If-None-Match / If-Modified-Since
      removed_after: 2           # consecutive missing observations before `removed`
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive import read
from archive.warc_read import RecordError

logger = logging.getLogger(__name__)

DEFAULT_INTERVALS: tuple[tuple[float | None, float], ...] = ((30, 0), (365, 24), (None, 168))
# Cron runs drift by seconds: a page due "every 24 hours" is due after 90% of that.
SLACK = 0.9
ALWAYS_DUE = frozenset({"missing", "blocked", "unreachable"})


@dataclass(frozen=True)
class RevisitPolicy:
    intervals: tuple[tuple[float | None, float], ...] = DEFAULT_INTERVALS
    conditional: bool = True
    removed_after: int = 2

    def every_hours(self, age_days: float | None) -> float:
        """Hours between visits of a document this old; unknown age: the most frequent."""
        if age_days is None:
            return min(hours for _, hours in self.intervals)
        for bound, hours in self.intervals:
            if bound is None or age_days < bound:
                return hours
        return self.intervals[-1][1]


@dataclass
class KnownPage:
    url: str
    kind: str
    state: str
    document_id: int | None
    last_observed_at: str | None
    etag: str | None
    last_modified: str | None
    content_capture_id: int | None
    published_at: str | None
    column: str | None
    listed: int | None


def _number(value: Any, where: str, integer: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{where}: must be a non-negative number, got {value!r}")
    if integer and (not isinstance(value, int) or value < 1):
        raise ValueError(f"{where}: must be a positive integer, got {value!r}")
    return value


def parse_policy(section: Any) -> RevisitPolicy:
    """Validate a profile's ``revisit`` mapping; ValueError("revisit.<field>: problem")."""
    if section is None:
        return RevisitPolicy()
    if not isinstance(section, dict):
        raise ValueError("revisit: must be a mapping")
    unknown = sorted(set(section) - {"intervals", "conditional", "removed_after"})
    if unknown:
        raise ValueError(f"revisit.{unknown[0]}: unknown field")
    conditional = section.get("conditional", True)
    if not isinstance(conditional, bool):
        raise ValueError("revisit.conditional: must be true or false")
    removed_after = int(_number(section.get("removed_after", 2), "revisit.removed_after", True))
    return RevisitPolicy(_intervals(section.get("intervals")), conditional, removed_after)


def _intervals(raw: Any) -> tuple[tuple[float | None, float], ...]:
    if raw is None:
        return DEFAULT_INTERVALS
    if not isinstance(raw, list) or not raw:
        raise ValueError("revisit.intervals: must be a non-empty list")
    out: list[tuple[float | None, float]] = []
    for i, entry in enumerate(raw):
        where = f"revisit.intervals[{i}]"
        if not isinstance(entry, dict) or set(entry) - {"younger_than_days", "every_hours"}:
            raise ValueError(f"{where}: expected {{younger_than_days: N, every_hours: H}}")
        hours = _number(entry.get("every_hours"), f"{where}.every_hours")
        bound = entry.get("younger_than_days")
        if bound is not None:
            bound = _number(bound, f"{where}.younger_than_days")
            if out and (out[-1][0] is None or bound <= out[-1][0]):
                raise ValueError(f"{where}.younger_than_days: must grow down the list")
        elif i != len(raw) - 1:
            raise ValueError(f"{where}: only the last interval may omit younger_than_days")
        out.append((bound, hours))
    return tuple(out)


def _age_days(published_at: str | None, now: datetime) -> float | None:
    try:
        day = datetime.strptime((published_at or "")[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None
    return (now - day).total_seconds() / 86400


def _utc(text: str) -> datetime | None:
    try:
        return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def is_due(page: KnownPage, policy: RevisitPolicy, now: datetime) -> bool:
    """Whether a known document page should be fetched again in a run at ``now`` (UTC)."""
    last = _utc(page.last_observed_at or "")
    if page.state in ALWAYS_DUE or last is None:
        return True
    if page.state == "removed":  # still checked, at the slowest pace, so a return is seen
        hours = policy.intervals[-1][1]
    else:
        hours = policy.every_hours(_age_days(page.published_at, now))
    return (now - last).total_seconds() >= hours * 3600 * SLACK


def conditional_headers(page: KnownPage | None, policy: RevisitPolicy) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a page last seen ok (and, for lists, re-readable)."""
    if page is None or not policy.conditional or page.state != "ok":
        return {}
    if page.kind != "detail" and page.content_capture_id is None:
        return {}  # a list page we could not re-read on 304 must be fetched whole
    headers = {}
    if page.etag:
        headers["If-None-Match"] = page.etag
    if page.last_modified:
        headers["If-Modified-Since"] = page.last_modified
    return headers


def _connect(db_path: Path | str) -> sqlite3.Connection | None:
    from archive.db import connect_readonly

    path = Path(db_path)
    return connect_readonly(path) if path.is_file() else None


def load_known(db_path: Path | str, site: str) -> dict[str, KnownPage]:
    """Every URL of ``site`` the archive has fetched before, by URL (empty for a new archive)."""
    conn = _connect(db_path)
    if conn is None:
        return {}
    try:
        return {row[0]: KnownPage(*row) for row in read.known_pages(conn, site)}
    finally:
        conn.close()


def archived_page(db_path: Path | str, capture_id: int) -> tuple[bytes, dict[str, str]] | None:
    """Body and headers of an archived capture (to re-read a list page answered 304), from
    SQLite or its WARC record; None (logged) when the record cannot be read back."""
    conn = _connect(db_path)
    if conn is None:
        return None
    try:
        return read.capture_page(conn, capture_id)
    except (RecordError, OSError) as exc:
        logger.warning("archived copy of capture %s cannot be read: %s", capture_id, exc)
        return None
    finally:
        conn.close()


class RevisitPlan:
    """One run's view of a site's known pages: what to fetch, with which headers, what lists showed.

    The spider asks :meth:`wants` before requesting a document page, adds every document
    URL a list page links to :attr:`listed`, and clears :attr:`lists_complete` when a list
    page fails; the archive stage hands both to the archive at the end (delistings).
    """

    def __init__(self, policy: RevisitPolicy) -> None:
        self.policy = policy
        self.db_path: Path | None = None
        self.known: dict[str, KnownPage] = {}
        self.due: set[str] = set()
        self.listed: set[str] = set()
        self.requested: set[str] = set()
        self.lists_complete = True
        self.loaded = False

    def load(self, db_path: Path | str, site: str, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        self.db_path = Path(db_path)
        self.known = load_known(self.db_path, site)
        self.due = {
            url for url, page in self.known.items()
            if page.kind == "detail" and is_due(page, self.policy, now)
        }  # fmt: skip
        self.loaded = True

    def due_pages(self) -> list[tuple[str, str | None]]:
        """Known document pages due this run, (url, column), oldest observation first."""
        pages = sorted((self.known[u] for u in self.due), key=lambda p: p.last_observed_at or "")
        return [(p.url, p.column) for p in pages]

    def wants(self, url: str) -> bool:
        """Fetch this document page now? New pages always; known ones when due."""
        return url not in self.known or url in self.due

    def headers(self, url: str) -> dict[str, str]:
        return conditional_headers(self.known.get(url), self.policy)

    def unlisted_known(self) -> list[tuple[str, str | None]]:
        """Known pages the lists linked last time but not this run, and not fetched yet.

        Fetched at the end of the run whatever their schedule: a page missing from the lists
        is either delisted (still there) or gone, and only a fetch tells which.
        """
        return [
            (page.url, page.column) for page in self.known.values()
            if page.kind == "detail" and page.listed == 1 and page.state != "removed"
            and page.url not in self.listed and page.url not in self.requested
        ]  # fmt: skip

    def replay(self, response: Any) -> Any:
        """The archived copy of a list page answered 304, as a response to parse, or None."""
        from scrapy.http import HtmlResponse

        page = self.known.get(response.request.url if response.request else response.url)
        if page is None or page.content_capture_id is None or self.db_path is None:
            return None
        archived = archived_page(self.db_path, page.content_capture_id)
        if archived is None:
            return None
        body, headers = archived
        return HtmlResponse(url=response.url, body=body, headers=headers, request=response.request)
