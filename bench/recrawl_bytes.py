"""Bytes an unchanged re-crawl downloads, as a fraction of the first crawl. Run by hand:

    .venv/bin/python bench/recrawl_bytes.py

Crawls every bundled sample site twice into a fresh archive with ``gongkai crawl``, nothing
changing in between, and prints the bytes received per crawl (crawls.bytes_downloaded:
headers and bodies as received, 304s included) for two revisit policies: the profiles'
default (recent documents every run, older ones daily or weekly) and *every run* (every known
page re-requested each time, conditionally). Target: <= 10% of the first crawl.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.samplesites.server import SampleServer  # noqa: E402

POLICIES = {"default": None, "every run": {"intervals": [{"every_hours": 0}]}}


def profiles(directory: Path, revisit: dict | None) -> Path:
    directory.mkdir(parents=True)
    for path in (ROOT / "crawler/profiles").glob("sample-*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if revisit is not None:
            data["revisit"] = revisit
        (directory / path.name).write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return directory


def measure(tmp: Path, proxy: str, revisit: dict | None) -> tuple[int, int, int, int, int]:
    """(first bytes, its attachment bytes, second bytes, second-run responses, their 304s)."""
    db = tmp / "gongkai.db"
    command = [sys.executable, "-m", "crawler.cli", "crawl", "--samples", "--profiles-dir",
               str(profiles(tmp / "profiles", revisit)), "--proxy", proxy, "--db", str(db)]  # fmt: skip
    for _ in range(2):
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    conn = sqlite3.connect(db)
    runs = conn.execute(
        "select (id - 1) / 4, sum(bytes_downloaded), sum(pages_fetched),"
        " sum(coalesce(json_extract(stats, '$.\"gongkai/not_modified\"'), 0))"
        " from crawls group by 1 order by 1"
    ).fetchall()
    (_, first, _, _), (_, second, pages, not_modified) = runs
    attachments = conn.execute(
        "select coalesce(sum(size), 0) from captures where kind = 'attachment' and crawl_id <= 4"
    ).fetchone()[0]
    return first, attachments, second, pages, not_modified


def main() -> None:
    server = SampleServer(port=0).start_in_thread()
    try:
        for name, revisit in POLICIES.items():
            with tempfile.TemporaryDirectory() as tmp:
                first, files, second, pages, not_modified = measure(Path(tmp), server.url, revisit)
            print(
                f"revisit {name:>9}: first crawl {first:>9,} B, unchanged re-crawl {second:>7,} B"
                f" = {second / first:6.2%} ({pages} responses, {not_modified} of them 304);"
                f" without the first crawl's {files:,} B of attachments:"
                f" {second / (first - files):6.2%}"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
