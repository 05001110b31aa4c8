"""Steps that run over the archive after a crawl and write rows derived from it.

Each reads through archive's API and has the archive store what it computed:
near-duplicate groups (``neardups``), annual reports (``reports``), who cites whom
(``citations``), and, on demand after a taxonomy edit, re-filing (``refile``).
"""

from __future__ import annotations

from pathlib import Path

from archive.db import open_archive


def after_crawl(db_path: Path) -> dict[str, dict]:
    """Run each post-crawl step on the archive; returns their counts by step name."""
    from pipeline.postcrawl.citations import link_citations
    from pipeline.postcrawl.neardups import group_near_duplicates
    from pipeline.postcrawl.reports import parse_reports

    db = open_archive(db_path, check=False)  # the crawl checked it
    try:
        return {
            "near_duplicates": group_near_duplicates(db),
            "reports": parse_reports(db),
            "citations": link_citations(db),
        }
    finally:
        db.conn.close()
