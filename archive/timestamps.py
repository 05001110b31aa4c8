"""The one way gongkai writes a moment: UTC, ISO 8601, ``Z``; sortable as text."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now(precise: bool = False, moment: datetime | None = None) -> str:
    """``2024-05-01T08:00:00Z``; ``precise`` adds microseconds (fetch times, WARC-Date)."""
    moment = moment or datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if precise else "%Y-%m-%dT%H:%M:%SZ")
