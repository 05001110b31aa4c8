"""How much does the full pipeline cost on top of bare Scrapy? Run by hand:

    .venv/bin/python bench/crawl_overhead.py [--rounds 3] [--copies 5]

Serves the bundled sample sites from memory in a separate process, then crawls all of them
``--rounds`` times with the same spider and settings twice per round: once *bare* (no item
pipelines: Scrapy fetches and follows links only) and once *full* (extraction, normalisation and
batched SQLite writes). Each crawl runs in its own process because Twisted's reactor cannot
restart. Prints the median times, pages/s, docs/s and the ratio full / bare (target <= 1.5).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Politeness off: the benchmark measures CPU cost per page, not the sites' patience.
FAST = {
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_DELAY_JITTER": 0,
    "CONCURRENT_REQUESTS": 16,
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "ERROR",
}


def one_crawl(mode: str, proxy: str, db: str, copies: int) -> dict:
    """Child process: crawl every sample profile ``copies`` times at once; counts and seconds.

    Each copy is its own crawler with its own duplicate filter, so every copy fetches every
    page: enough pages for start-up to stop dominating the timing.
    """
    from crawler.profile import load_all
    from crawler.run import run_spiders

    profiles = [p for p in load_all() if p.sample] * copies
    overrides = dict(FAST)
    overrides["DOWNLOAD_SLOTS"] = {
        d: {"concurrency": 8, "delay": 0} for p in profiles for d in p.allowed_domains
    }
    if mode == "bare":
        # Bare: Scrapy fetches and follows links, nothing else of ours runs.
        overrides["ITEM_PIPELINES"] = {}
        overrides["WARC_ENABLED"] = False
    result = run_spiders(profiles, Path(db), proxy=proxy, overrides=overrides)
    docs = sum(result.total(k) for k in ("new", "updated", "unchanged", "duplicates"))
    return {"seconds": result.seconds, "pages": result.total("pages"), "docs": docs}


def start_server() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "sample-sites", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    url = next(word for word in line.split() if word.startswith("http://127.0.0.1:"))
    return proc, url.rstrip(".,")


def child(mode: str, proxy: str, workdir: Path, n: int, copies: int) -> dict:
    db = workdir / f"{mode}-{n}.db"
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--proxy",
            proxy,
            "--db",
            str(db),
            "--copies",
            str(copies),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copies", type=int, default=5, help="crawl each sample site N times")
    parser.add_argument("--child")
    parser.add_argument("--proxy")
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_crawl(args.child, args.proxy, args.db, args.copies)))
        return
    server, proxy = start_server()
    try:
        time.sleep(0.5)
        runs: dict[str, list[dict]] = {"bare": [], "full": []}
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(args.rounds):
                for mode in ("bare", "full"):
                    runs[mode].append(child(mode, proxy, Path(tmp), n, args.copies))
    finally:
        server.terminate()
    bare = statistics.median(r["seconds"] for r in runs["bare"])
    full = statistics.median(r["seconds"] for r in runs["full"])
    pages = runs["full"][0]["pages"]
    docs = runs["full"][0]["docs"]
    print(f"pages per crawl: {pages} (bare {runs['bare'][0]['pages']}), documents: {docs}")
    print(f"bare scrapy : {bare:.3f}s  {pages / bare:.0f} pages/s")
    print(f"full pipeline: {full:.3f}s  {pages / full:.0f} pages/s  {docs / full:.0f} docs/s")
    print(f"ratio full/bare: {full / bare:.2f} (target <= 1.5; median of {args.rounds} rounds)")


if __name__ == "__main__":
    main()
