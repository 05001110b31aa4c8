"""Write pages into an archive in tests the way a crawl does: through the pipeline's writer.

``write`` turns an extraction dict into its documents row (``pipeline.record``), lets
``pipeline.writing.write_page`` add the capture's observation and the diff, and queues both.
"""

from __future__ import annotations

from typing import Any

from archive.store import ArchiveWriter
from pipeline.record import document_row
from pipeline.writing import write_page


def write(
    writer: ArchiveWriter,
    capture: dict[str, Any],
    document: dict[str, Any] | None,
    agency: str | None = None,
) -> str:
    """Queue ``capture`` and its extracted ``document`` (or None); return the outcome."""
    row = None if document is None else document_row(document, capture["profile"], agency)
    return write_page(writer, dict(capture), row)
