"""The crawl runner: the one home of a crawl's orchestration, for ``gongkai crawl`` and ``demo``.

``crawl_archive`` skips sites outside their off-peak window, takes the archive's lock, opens
(and migrates) the archive, runs the bureau spider for every profile in one Scrapy process,
then runs the post-crawl steps. Scrapy's reactor runs once per process, so a multi-site run
is one ``CrawlerProcess`` with one crawler per profile, all writing through one shared writer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.db import ArchiveError, open_archive
from archive.lock import archive_lock
from archive.store import mark_interrupted_crawls
from crawler.politeness import in_window
from crawler.profile import Profile
from crawler.render import find_chromium, playwright_settings
from crawler.spiders.bureau import BureauSpider
from crawler.suffixes import use_bundled_suffix_list
from pipeline.counts import CrawlCounts
from pipeline.postcrawl import after_crawl


@dataclass
class CrawlRun:
    """What one run did: counts per site, how long, which sites sat outside their window."""

    sites: list[CrawlCounts] = field(default_factory=list)
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(site, name) for site in self.sites)

    @property
    def interrupted(self) -> bool:
        """A signal (Ctrl-C, SIGTERM) stopped the crawl before it was done."""
        return any(site.finish_reason == "shutdown" for site in self.sites)

    @property
    def reachable(self) -> bool:
        """Some site answered (vacuously true when every site was skipped)."""
        return not self.sites or any(site.reachable for site in self.sites)

    def summary(self) -> str:
        events: dict[str, int] = {}
        for site in self.sites:
            for kind, count in site.events.items():
                events[kind] = events.get(kind, 0) + count
        changes = ", ".join(f"{n} {k}" for k, n in sorted(events.items())) or "none"
        skipped = f", {len(self.skipped)} skipped (off-peak window)" if self.skipped else ""
        capped = self.total("capped")
        # Only when it happened, so the usual line reads as before.
        cut = f", {capped} pager(s) cut at max_pages" if capped else ""
        return (
            f"gongkai: {len(self.sites)} site(s){skipped}, {self.total('pages')} pages fetched "
            f"({human_bytes(self.total('bytes'))} downloaded, {self.total('not_modified')} "
            f"not modified), documents {self.total('new')} new, "
            f"{self.total('updated')} updated, {self.total('unchanged')} unchanged, "
            f"{self.total('duplicates')} duplicate URLs folded; "
            f"events: {changes}; "
            f"{self.total('unparsed')} unparsed, {self.total('fetch_errors')} fetch errors{cut}"
            f"{self._browser()} in {self.seconds:.1f}s"
        )

    def _browser(self) -> str:
        """What the browser did, when it had anything to do."""
        parts = []
        if self.total("browser_fetches"):
            parts.append(f"{self.total('browser_fetches')} fetched through the browser")
        if self.total("needs_browser"):
            parts.append(
                f"{self.total('needs_browser')} blocked: needs a browser: install chromium"
            )
        return "".join(f", {p}" for p in parts)


def default_log_file(db_path: Path) -> Path:
    """``logs/crawl-<UTC time>.log`` beside the archive."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return db_path.parent / "logs" / f"crawl-{stamp}.log"


def human_bytes(count: int) -> str:
    if count < 1_000_000:
        return f"{count / 1000:.1f} kB"
    return f"{count / 1e6:.1f} MB"


def crawl_archive(
    profiles: Sequence[Profile],
    db_path: Path,
    proxy: str = "",
    log_file: Path | None = None,
    ignore_window: bool = False,
) -> CrawlRun:
    """Crawl ``profiles`` into the archive at ``db_path`` and post-process it.

    Raises ``archive.lock.LockedError`` when another crawl holds the archive and
    ``archive.db.ArchiveError`` (one line) when the archive cannot be used.
    """
    skipped = [p.name for p in profiles if not ignore_window and not in_window(p.off_peak)]
    profiles = [p for p in profiles if p.name not in skipped]
    if not profiles:  # every site is outside its off-peak window: nothing to do, not an error
        return CrawlRun(skipped=skipped)
    if not db_path.parent.is_dir():
        raise ArchiveError(f"{db_path}: directory {db_path.parent} does not exist")
    with archive_lock(db_path):
        _open_for_crawl(db_path)
        run = run_spiders(profiles, db_path, proxy=proxy, log_file=log_file)
        run.skipped = skipped
        after_crawl(db_path)
    return run


def _open_for_crawl(db_path: Path) -> None:
    """Check and migrate the archive before any fetch, so a bad path fails in one line.

    Called under the crawl lock, so crawls left 'running' by a killed run are closed here.
    """
    db = open_archive(db_path)
    try:
        mark_interrupted_crawls(db)
    finally:
        db.conn.close()


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
    _browser_settings(settings, profiles)
    return settings


def _browser_settings(settings: Settings, profiles: Sequence[Profile]) -> None:
    """Hand browser fetches to scrapy-playwright when a profile may render and Chromium is here.

    RENDER_CHROMIUM ends up as the binary found, or "" (then challenges stay blocked with the
    reason "needs a browser: install chromium").
    """
    chromium = find_chromium(settings.get("RENDER_CHROMIUM"))
    wanted = settings.getbool("RENDER_ENABLED") and any(p.render != "never" for p in profiles)
    settings.set("RENDER_CHROMIUM", chromium if wanted and chromium else "", priority="cmdline")
    if wanted and chromium:
        browser = playwright_settings(
            chromium, settings.get("USER_AGENT"), settings.getfloat("RENDER_TIMEOUT")
        )
        for key, value in browser.items():
            settings.set(key, value, priority="cmdline")


def run_spiders(
    profiles: Sequence[Profile],
    db_path: Path,
    proxy: str = "",
    log_file: Path | None = None,
    overrides: dict[str, Any] | None = None,
    spider_cls: type[BureauSpider] = BureauSpider,
) -> CrawlRun:
    """Run the bureau spider once per profile, in this process; returns per-site counts.

    No lock and no post-crawl steps: ``crawl_archive`` adds those (benchmarks call this).
    A distributed worker (crawler.distributed.worker) passes its own spider class.
    """
    use_bundled_suffix_list()
    settings = crawl_settings(profiles, db_path, proxy, log_file, overrides)
    settings.set("LOG_INSTALL_ROOT_HANDLER", log_file is not None, priority="cmdline")
    process = CrawlerProcess(settings)
    if log_file is None:
        logging.getLogger("scrapy").setLevel(logging.WARNING)
    crawlers = []
    for profile in profiles:
        crawler = process.create_crawler(spider_cls)
        crawlers.append((profile, crawler))
        process.crawl(crawler, profile=profile)
    started = time.monotonic()
    process.start()
    run = CrawlRun(seconds=time.monotonic() - started)
    for profile, crawler in crawlers:
        run.sites.append(CrawlCounts.from_stats(profile.name, crawler.stats.get_stats()))
    return run
