"""Run the bureau spider for one or more profiles in this process and summarise the result.

Used by ``gongkai crawl`` and ``gongkai demo``. Scrapy's reactor runs once per process, so a
multi-site run is one ``CrawlerProcess`` with one crawler per profile, all writing to the same
archive through a shared writer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.profile import Profile
from crawler.spiders.bureau import BureauSpider


@dataclass
class SiteResult:
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
    events: dict[str, int] = field(default_factory=dict)

    @property
    def reachable(self) -> bool:
        return (
            self.new + self.updated + self.unchanged + self.duplicates + self.unparsed > 0
            or self.pages > self.fetch_errors
        )


@dataclass
class RunResult:
    sites: list[SiteResult] = field(default_factory=list)
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)  # outside their off-peak window

    def total(self, name: str) -> int:
        return sum(getattr(site, name) for site in self.sites)

    def summary(self) -> str:
        events = {}
        for site in self.sites:
            for kind, count in site.events.items():
                events[kind] = events.get(kind, 0) + count
        changes = ", ".join(f"{n} {k}" for k, n in sorted(events.items())) or "none"
        skipped = f", {len(self.skipped)} skipped (off-peak window)" if self.skipped else ""
        return (
            f"gongkai: {len(self.sites)} site(s){skipped}, {self.total('pages')} pages fetched "
            f"({human_bytes(self.total('bytes'))} downloaded, {self.total('not_modified')} "
            f"not modified), documents {self.total('new')} new, "
            f"{self.total('updated')} updated, {self.total('unchanged')} unchanged, "
            f"{self.total('duplicates')} duplicate URLs folded; "
            f"events: {changes}; "
            f"{self.total('unparsed')} unparsed, {self.total('fetch_errors')} fetch errors "
            f"in {self.seconds:.1f}s"
        )


def human_bytes(count: int) -> str:
    if count < 1_000_000:
        return f"{count / 1000:.1f} kB"
    return f"{count / 1e6:.1f} MB"


def crawl_settings(
    profiles: Sequence[Profile],
    db_path: Path,
    proxy: str = "",
    log_file: Path | None = None,
    overrides: dict[str, Any] | None = None,
) -> Settings:
    """Project settings plus the run's database, proxy, log file and per-host politeness."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    slots = {}
    for profile in profiles:
        for domain in profile.allowed_domains:
            slots[domain] = {"concurrency": profile.concurrency, "delay": profile.delay}
    settings.set("DOWNLOAD_SLOTS", slots, priority="cmdline")
    settings.set("ARCHIVE_DB_PATH", str(db_path), priority="cmdline")
    settings.set("GONGKAI_PROXY", proxy, priority="cmdline")
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
        settings.set("LOG_FILE_APPEND", False, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def site_result(profile: str, stats: dict[str, Any]) -> SiteResult:
    return SiteResult(
        profile=profile,
        pages=stats.get("response_received_count", 0),
        new=stats.get("archive/new", 0),
        updated=stats.get("archive/updated", 0),
        unchanged=stats.get("archive/unchanged", 0),
        duplicates=stats.get("archive/duplicate", 0),
        unparsed=stats.get("extract/failed", 0) + stats.get("extract/not_html", 0),
        fetch_errors=stats.get("gongkai/fetch_failures", 0) + stats.get("archive/http_errors", 0),
        # As received (compressed bodies and headers, 304s included), not as archived.
        bytes=stats.get("downloader/response_bytes", stats.get("archive/bytes", 0)),
        not_modified=stats.get("gongkai/not_modified", 0),
        events={k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("events/")},
    )


def run_crawl(
    profiles: Sequence[Profile],
    db_path: Path,
    proxy: str = "",
    log_file: Path | None = None,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    """Crawl every profile once, in this process; returns per-site counts."""
    settings = crawl_settings(profiles, db_path, proxy, log_file, overrides)
    settings.set("LOG_INSTALL_ROOT_HANDLER", log_file is not None, priority="cmdline")
    process = CrawlerProcess(settings)
    if log_file is None:
        logging.getLogger("scrapy").setLevel(logging.WARNING)
    crawlers = []
    for profile in profiles:
        crawler = process.create_crawler(BureauSpider)
        crawlers.append((profile, crawler))
        process.crawl(crawler, profile=profile)
    started = time.monotonic()
    process.start()
    result = RunResult(seconds=time.monotonic() - started)
    for profile, crawler in crawlers:
        result.sites.append(site_result(profile.name, crawler.stats.get_stats()))
    return result
