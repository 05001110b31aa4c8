"""One crawl's counts, read from its Scrapy stats: the summary line and the crawls row.

The stages count with namespaced stats keys (``archive/new``, ``extract/failed``, …); this is
the one place that turns those keys into the figures a user sees and the archive records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def capture_stats(capture: Mapping[str, Any], outcome: str) -> dict[str, int]:
    """The stats one archived capture adds: the archive stage and the distributed writer."""
    stats = {f"archive/{outcome}": 1, "archive/bytes": len(capture.get("body") or b"")}
    if (capture.get("status") or 0) >= 400 and not capture.get("followed_up"):
        # A challenge fetched again (in the browser) is answered by that later capture.
        stats["archive/http_errors"] = 1
    return stats


@dataclass
class CrawlCounts:
    profile: str
    pages: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    unparsed: int = 0
    fetch_errors: int = 0
    bytes: int = 0
    not_modified: int = 0
    errors: int = 0  # captures kept with an error and no document, whatever the cause
    finish_reason: str | None = None  # Scrapy's: "finished", "shutdown" (a signal stopped it)
    # List answers kept with an error (an API that answered HTML, malformed JSON) and pagers
    # cut at the profile's pagination.max_pages.
    list_errors: int = 0
    capped: int = 0
    browser_fetches: int = 0  # pages fetched in Chromium (crawler.render)
    needs_browser: int = 0  # challenges left blocked because no Chromium is installed
    events: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_stats(cls, profile: str, stats: Mapping[str, Any]) -> CrawlCounts:
        return cls(
            profile=profile,
            pages=stats.get("response_received_count", 0),
            new=stats.get("archive/new", 0),
            updated=stats.get("archive/updated", 0),
            unchanged=stats.get("archive/unchanged", 0),
            duplicates=stats.get("archive/duplicate", 0),
            unparsed=stats.get("extract/failed", 0) + stats.get("extract/not_html", 0),
            fetch_errors=stats.get("gongkai/fetch_failures", 0)
            + stats.get("archive/http_errors", 0)
            + stats.get("gongkai/list_errors", 0),
            # As received (compressed bodies and headers, 304s included), not as archived.
            bytes=stats.get("downloader/response_bytes", stats.get("archive/bytes", 0)),
            not_modified=stats.get("gongkai/not_modified", 0),
            errors=stats.get("archive/error", 0),
            finish_reason=stats.get("finish_reason"),
            list_errors=stats.get("gongkai/list_errors", 0),
            capped=stats.get("gongkai/pagers_capped", 0),
            browser_fetches=stats.get("render/browser_fetches", 0),
            needs_browser=stats.get("render/needs_browser", 0),
            events={k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("events/")},
        )

    @property
    def documents(self) -> int:
        return self.new + self.updated + self.unchanged + self.duplicates

    @property
    def reachable(self) -> bool:
        return self.documents + self.unparsed > 0 or self.pages > self.fetch_errors

    def archive_columns(self) -> dict[str, int]:
        """The crawls row's counts (archive.store.CRAWL_COUNTS)."""
        return {
            "pages_fetched": self.pages,
            "documents_new": self.new,
            "documents_updated": self.updated,
            "errors": self.errors,
            "bytes_downloaded": self.bytes,
        }
