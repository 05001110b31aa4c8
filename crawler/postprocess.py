"""Whole-archive steps that run after a crawl: near-duplicate grouping, annual-report parsing."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

# (module, function): each takes an open sqlite_utils.Database and returns a dict of counts.
STEPS: tuple[tuple[str, str], ...] = (
    ("archive.dedupe", "group_near_duplicates"),
    ("archive.reports", "parse_reports"),
)


def after_crawl(db_path: Path) -> dict[str, dict]:
    """Run every post-crawl step that is installed; returns their counts by step."""
    from archive.db import open_archive

    db = open_archive(db_path, check=False)  # the crawl checked it
    results: dict[str, dict] = {}
    try:
        for module_name, function in STEPS:
            if importlib.util.find_spec(module_name) is None:
                continue
            step = getattr(importlib.import_module(module_name), function, None)
            if step is not None:
                results[f"{module_name}.{function}"] = step(db)
    finally:
        db.conn.close()
    return results
