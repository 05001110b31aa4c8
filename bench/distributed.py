"""How does a distributed crawl scale with workers? Run by hand (needs redis-server):

    .venv/bin/python bench/distributed.py [--workers 1,2,4] [--latency 0.1] [--copies 4]

Serves the sample sites in a separate process, every answer delayed by ``--latency`` seconds
like a slow county server, and starts a redis-server of its own (no persistence). For each
worker count it runs one ``gongkai writer`` and that many workers on fresh Redis keys and a
fresh archive, and times from the first worker's start to the last worker's exit. The sites
are crawled ``--copies`` times (profile copies under other names: each has its own frontier,
so every copy fetches every page) so that start-up does not dominate. Politeness is raised to
``concurrency: 64`` so that the sites do not cap the cluster; each worker may have
``--per-site`` requests in flight per site (``CONCURRENT_REQUESTS``), so one worker is bound
by latency, as a worker serving thousands of polite sites is. Prints pages/s and the
speed-up against the 1-worker run measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GONGKAI = [sys.executable, "-m", "crawler.cli"]


def make_profiles(directory: Path, copies: int) -> None:
    import yaml

    for path in sorted((ROOT / "crawler/profiles").glob("sample-*.yml")):
        profile = yaml.safe_load(path.read_text("utf-8"))
        for copy in range(copies):
            name = f"{profile['name']}-c{copy}"
            data = {**profile, "name": name, "politeness": {"delay": 0, "concurrency": 64}}
            (directory / f"{name}.yml").write_text(yaml.safe_dump(data, allow_unicode=True))


def worker(args: argparse.Namespace) -> None:
    """Child process: one worker with the benchmark's settings; prints its pages as JSON."""
    from crawler.distributed.worker import crawl_worker
    from crawler.profile import load_all

    profiles = [p for p in load_all(Path(args.profiles)) if p.sample]
    overrides = {"CONCURRENT_REQUESTS": args.per_site, "LOG_LEVEL": "ERROR"}
    run = crawl_worker(
        profiles, args.redis, Path(args.db), proxy=args.proxy,
        log_file=Path(args.db).parent / f"worker-{time.monotonic_ns()}.log", overrides=overrides,
    )  # fmt: skip
    print(json.dumps({"pages": run.crawl.total("pages"), "lost": run.lost}))


def start_server(latency: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [*GONGKAI, "sample-sites", "--port", "0", "--latency", str(latency)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    line = proc.stdout.readline()
    url = next(word for word in line.split() if word.startswith("http://127.0.0.1:"))
    return proc, url.rstrip(".,")


def start_redis(directory: Path) -> tuple[subprocess.Popen, str]:
    from tests.redis_server import free_port

    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("bench/distributed.py needs redis-server: apt-get install redis-server")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(directory)], stdout=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)
    return proc, f"redis://127.0.0.1:{port}/0"


def one_run(n: int, args: argparse.Namespace, proxy: str, redis_url: str, work: Path) -> dict:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    directory = work / f"workers-{n}"
    directory.mkdir()
    db = directory / "gongkai.db"
    writer = subprocess.Popen(
        [*GONGKAI, "writer", "--redis", redis_url, "--db", str(db)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    child = [sys.executable, __file__, "--child", "--redis", redis_url, "--db", str(db),
             "--proxy", proxy, "--profiles", str(work / "profiles"),
             "--per-site", str(args.per_site)]  # fmt: skip
    started = time.monotonic()
    workers = [
        subprocess.Popen(child, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(n)
    ]
    outputs = [json.loads(w.communicate()[0].strip().splitlines()[-1]) for w in workers]
    seconds = time.monotonic() - started
    summary, errors = writer.communicate()
    if writer.returncode != 0 or any(o["lost"] for o in outputs):
        sys.exit(f"run with {n} worker(s) failed: {errors.strip() or outputs}")
    pages = sum(o["pages"] for o in outputs)
    return {"workers": n, "seconds": seconds, "pages": pages, "summary": summary.strip()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--per-site", type=int, default=2, help="requests in flight per site")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--redis")
    parser.add_argument("--db")
    parser.add_argument("--proxy")
    parser.add_argument("--profiles")
    args = parser.parse_args()
    if args.child:
        worker(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "profiles").mkdir()
        make_profiles(work / "profiles", args.copies)
        server, proxy = start_server(args.latency)
        redis_proc, redis_url = start_redis(work)
        try:
            runs = [one_run(int(n), args, proxy, redis_url, work) for n in args.workers.split(",")]
        finally:
            server.terminate()
            redis_proc.terminate()
    base = runs[0]["pages"] / runs[0]["seconds"]
    print(f"latency {args.latency * 1000:.0f} ms, {args.copies} copies of the sample sites, "
          f"{args.per_site} requests in flight per site per worker")  # fmt: skip
    print("workers  seconds  pages  pages/s  speed-up")
    for run in runs:
        rate = run["pages"] / run["seconds"]
        print(f"{run['workers']:>7}  {run['seconds']:7.1f}  {run['pages']:5d}  {rate:7.1f}  "
              f"{rate / base:7.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
