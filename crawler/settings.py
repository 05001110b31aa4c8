"""Scrapy settings for gongkai crawls.

Per-site politeness (delay, concurrency) comes from each profile and is applied per host with
``DOWNLOAD_SLOTS`` by ``crawler.run``; the values here are the defaults for any host.
"""

BOT_NAME = "gongkai"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "gongkai/0.1 (archive of government information-disclosure pages)"
ROBOTSTXT_OBEY = True

# The asyncio reactor: scrapy-playwright (crawler.render) needs it. Issue 2 had measured the
# asyncio reactor opening a TCP connection per request under per-site slots; re-measured with
# bench/connection_reuse.py (Scrapy 2.19, Twisted 26.10): epoll and asyncio both keep 5
# connections for 255 requests, with or without the browser handler installed. One reactor on
# every machine, with Chromium or without.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
# 429 and 503 are crawler.politeness's (Retry-After, backoff per host), not blind retries.
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]
# Error pages are evidence too: let 4xx/5xx reach the spider, which archives them.
HTTPERROR_ALLOW_ALL = True
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # Before HttpProxyMiddleware (750), which reads meta["proxy"].
    "crawler.middlewares.ForwardProxyMiddleware": 740,
    # Above HttpCompression (590), Redirect (600) and HttpCache (900): bytes as received.
    "crawler.warc.WarcCaptureMiddleware": 950,
    # Next to RetryMiddleware (550): holds a retried 429/503 until its Retry-After.
    "crawler.politeness.BackoffMiddleware": 560,
    # Distributed workers only (REDIS_ENABLED): exchanges to the writer instead of WARC files,
    # then per-host leases for the whole cluster, last before the wire.
    "crawler.distributed.outbox.ShippingWarcMiddleware": 951,
    "crawler.distributed.hostlease.HostLeaseMiddleware": 960,
    # Above the WARC middleware (950): a browser fetch is recorded as the browser received it.
    "crawler.render.BrowserCaptureMiddleware": 955,
    # Before RedirectMiddleware (600) sees it: a redirect off the allowed domains or back into
    # its own chain is kept, not followed.
    "crawler.middlewares.RedirectGuardMiddleware": 610,
}

ITEM_PIPELINES = {
    "pipeline.stages.ExtractStage": 300,
    "pipeline.stages.AttachmentStage": 400,
    "pipeline.stages.ArchiveStage": 800,
    # Distributed workers only (REDIS_ENABLED, with ARCHIVE_ENABLED off): items to the writer.
    "crawler.distributed.outbox.ShipStage": 810,
}

EXTRACT_ENABLED = True
ARCHIVE_ENABLED = True
ARCHIVE_DB_PATH = "var/gongkai.db"
ARCHIVE_BATCH_SIZE = 200
# WARC evidence copies (crawler.warc): default directory is warc/ beside ARCHIVE_DB_PATH.
WARC_ENABLED = True
WARC_DIR = ""
WARC_MAX_SIZE = 1_000_000_000
# Level 6: measured about 3x faster than warcio's level 9 on HTML for ~2% larger files.
WARC_GZIP_LEVEL = 6
# Attachments linked from document pages are downloaded (size limit per profile) and read.
ATTACHMENTS_ENABLED = True
# Revisit policy and conditional GET of known pages (crawler.revisit; profile `revisit:`).
REVISIT_ENABLED = True
# Retry-After / backoff for 429 and 503 (crawler.politeness).
POLITENESS_BACKOFF_ENABLED = True
POLITENESS_BACKOFF_CODES = [429, 503]
POLITENESS_BACKOFF_RETRIES = 2
POLITENESS_BACKOFF_BASE = 5.0
POLITENESS_BACKOFF_MAX = 600.0
# A real browser for JavaScript challenges (crawler.render; profile `render:`). RENDER_CHROMIUM:
# the binary ("" = $GONGKAI_CHROMIUM, else chromium on PATH); none found = challenges stay
# blocked, "needs a browser: install chromium". RENDER_TIMEOUT: seconds per browser fetch
# (a profile's politeness.timeout wins); RENDER_MAX_CHALLENGES: challenges shown to the browser
# before it gives up.
RENDER_ENABLED = True
RENDER_CHROMIUM = ""
RENDER_TIMEOUT = 30.0
RENDER_MAX_CHALLENGES = 2
# Set by `gongkai demo` and tests: all requests go through the local sample-site server.
GONGKAI_PROXY = ""

# Distributed crawls (crawler.distributed; `gongkai crawl --redis URL`, `gongkai writer`):
# set by crawler.distributed.worker, off for a single-process crawl.
REDIS_ENABLED = False
REDIS_URL = ""
REDIS_KEY_PREFIX = "gongkai"
REDIS_WORKER_ID = ""
# Seconds between looks at the shared frontier while a worker has nothing to fetch.
REDIS_POLL_INTERVAL = 0.1
# Messages waiting for the writer before workers hold items back (Redis memory).
REDIS_OUTBOX_MAX = 2000
# Each profile's concurrency and delay per host for the whole cluster, not per worker.
REDIS_HOST_LEASES_ENABLED = True
