"""Does a polite crawl reuse keep-alive connections? Run by hand:

    .venv/bin/python bench/connection_reuse.py

Crawls the sample sites with polite settings (per-site concurrency 2, below
CONCURRENT_REQUESTS 16, small delay) once per Twisted reactor, in the same run, and prints how
many TCP connections the local server saw for how many requests. Each crawl runs in its own
process; the server runs in this one and tells connections apart by the client's port.
The third row is the asyncio reactor with scrapy-playwright's download handler installed
(crawler.render; Chromium must be installed), which hands plain requests to Scrapy's own
HTTP/1.1 handler. The sample bureau behind a challenge is left out of all three, so the rows
compare the same plain requests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.samplesites.server import SampleServer  # noqa: E402

EPOLL = "twisted.internet.epollreactor.EPollReactor"
ASYNCIO = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
RUNS = {  # name: (reactor, browser handler installed)
    "epoll": (EPOLL, False),
    "asyncio": (ASYNCIO, False),
    "asyncio+browser": (ASYNCIO, True),
}

CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from crawler.profile import load_all
from crawler.run import run_spiders
profiles = [p for p in load_all() if p.sample and p.name != "sample-lanshan-fgw"]
slots = {{d: {{"concurrency": 2, "delay": 0.05}} for p in profiles for d in p.allowed_domains}}
overrides = {{"TWISTED_REACTOR": {reactor!r}, "RENDER_ENABLED": {browser!r},
             "CONCURRENT_REQUESTS": 16, "ROBOTSTXT_OBEY": False,
             "ITEM_PIPELINES": {{}}, "WARC_ENABLED": False, "LOG_LEVEL": "ERROR",
             "DOWNLOAD_SLOTS": slots}}
result = run_spiders(profiles, Path({db!r}), proxy={proxy!r}, overrides=overrides)
print(result.total("pages"), round(result.seconds, 2))
"""


def main() -> None:
    server = SampleServer(port=0).start_in_thread()
    try:
        for name, (reactor, browser) in RUNS.items():
            before = len(server.requests)
            code = CHILD.format(
                root=str(ROOT),
                reactor=reactor,
                browser=browser,
                proxy=server.url,
                db=f"/tmp/gongkai-conn-{name.replace('+', '-')}.db",
            )
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
            pages, seconds = out.stdout.split()[-2:]
            seen = server.requests[before:]
            connections = len({r["peer_port"] for r in seen})
            print(
                f"{name:16} reactor: {len(seen)} requests on {connections} TCP connections "
                f"({len(seen) / max(connections, 1):.0f} per connection), {seconds}s"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
