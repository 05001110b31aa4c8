"""Hand one page to the archive: its observation, its documents row and what changed.

The Scrapy archive stage, the tools and the tests all write through ``write_page``, so a
page is judged and diffed by the pipeline exactly once, whoever writes it.
"""

from __future__ import annotations

from typing import Any

from archive.store import ArchiveWriter
from pipeline.diff import document_change
from pipeline.page import observation_of


def write_page(writer: ArchiveWriter, capture: dict[str, Any], row: dict[str, Any] | None) -> str:
    """Queue ``capture`` and its document ``row`` (or None) in ``writer``; return the outcome.

    A capture that did not come through ``pipeline.page.read_page`` gets its observation
    here; a row whose text differs from the stored one carries the diff (``row["change"]``).
    """
    if not capture.get("observation"):
        capture["observation"] = observation_of(capture, row is not None)
    if row is not None:
        stored = writer.replaced_version(row)
        if stored is not None:
            row = {**row, "change": document_change(stored, row)}
    return writer.add_page(capture, row)
