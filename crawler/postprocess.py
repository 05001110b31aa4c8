"""Whole-archive steps that run after a crawl: near-duplicate grouping, annual-report parsing."""

from __future__ import annotations

from pathlib import Path

from archive.db import open_archive
from archive.dedupe import group_near_duplicates
from archive.reports import parse_reports


def after_crawl(db_path: Path) -> dict[str, dict]:
    """Run each post-crawl step on the archive; returns their counts by step name."""
    db = open_archive(db_path, check=False)  # the crawl checked it
    try:
        return {
            "near_duplicates": group_near_duplicates(db),
            "reports": parse_reports(db),
        }
    finally:
        db.conn.close()
