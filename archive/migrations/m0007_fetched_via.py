"""How each capture was fetched: ``captures.fetched_via`` is "browser" when Chromium fetched it
(a page behind a JavaScript challenge, crawler.render) and NULL for a plain HTTP fetch.

Numbered 7: 6 is taken by another line of work on the archive's schema.
"""

from __future__ import annotations

import sqlite_utils


def apply(db: sqlite_utils.Database) -> None:
    """Add captures.fetched_via (idempotent)."""
    if "fetched_via" not in db["captures"].columns_dict:
        db["captures"].add_column("fetched_via", str)
