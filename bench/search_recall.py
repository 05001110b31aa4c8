"""Bigram FTS search vs a substring scan: recall, precision and time. Run by hand:

    .venv/bin/python bench/search_recall.py 100000 [--queries 200] [--seed 1] [--direct]

Writes N synthetic documents (county-bureau vocabulary, so words run into their neighbours
as on real pages: 社会保障 inside 社会保障局) through ArchiveWriter into a temporary archive,
then runs 1-4 character and two-term queries both as ``documents_fts MATCH escape_fts(q)``
and as a ``LIKE '%q%'`` scan. The scan is the truth (instr semantics); prints recall and
precision per query length and the median/max time of each method. ``--direct`` skips the
writer (classification, duplicate folding...) and inserts rows and bigram text itself, to
measure search at sizes the full writer takes long to build.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.db import open_archive  # noqa: E402
from archive.search import cjk_bigrams, register  # noqa: E402
from archive.store import ArchiveWriter  # noqa: E402
from pipeline.record import document_row  # noqa: E402
from pipeline.writing import write_page  # noqa: E402

VOCABULARY = (
    "政务 公开 政务公开 信息公开 教育 教育局 义务教育 招生 招生工作 学校 学生 资助 评审 专家评审 "
    "社会保障 社会保障局 人力资源 财政 预算 决算 财政预算 三公经费 濉溪县 人民政府 办公室 关于 "
    "印发 通知 实施方案 工作总结 年度 报告 公示 结果 项目 建设 招标 采购 中标 乡镇 农村 扶贫 "
    "脱贫 攻坚 卫生 健康 疫情 防控 安全 生产 检查 监督 管理 规定 办法 意见 的 和 与 对 在 "
    "进一步 加强 做好 开展 2021年 2022年 第3号 一 二 〇 教 育 公 开 局 镕 喆"
).split()
PUNCTUATION = ["", "", "", "，", "。", "、", "：", "；", "（", "）", "\n\n"]


def synthetic_text(rng: random.Random, words: int) -> str:
    return "".join(rng.choice(VOCABULARY) + rng.choice(PUNCTUATION) for _ in range(words))


def build(path: Path, n: int, seed: int) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    with ArchiveWriter(path) as writer:
        crawl = writer.start_crawl("bench")
        for i in range(n):
            url = f"http://bench.test/{i}.html"
            title, body = synthetic_text(rng, 6), synthetic_text(rng, rng.randint(20, 400))
            capture = {"crawl_id": crawl, "profile": "bench", "url": url, "status": 200,
                       "body": None, "kind": "detail", "fetched_at": "2024-01-01T00:00:00Z"}  # fmt: skip
            write_page(
                writer, capture, document_row({"url": url, "title": title, "body": body}, "bench")
            )
        writer.finish_crawl(crawl, "finished")
    return time.perf_counter() - started


def build_direct(path: Path, n: int, seed: int) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    db = open_archive(path)
    for first in range(0, n, 1000):
        rows = [(i, synthetic_text(rng, 6), synthetic_text(rng, rng.randint(20, 400)))
                for i in range(first + 1, min(n, first + 1000) + 1)]  # fmt: skip
        with db.atomic():
            db.conn.executemany(
                "INSERT INTO documents (id, canonical_url, url, site, title, body, first_seen,"
                " last_seen, content_sha256) VALUES (?1, 'u' || ?1, 'u' || ?1, 'bench', ?2, ?3,"
                " '', '', '')",
                rows,
            )
            db.conn.executemany(
                "INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)",
                [(i, cjk_bigrams(t), cjk_bigrams(b)) for i, t, b in rows],
            )
    db.close()
    return time.perf_counter() - started


def queries(count: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    runs = [r for r in re.findall("[\u4e00-\u9fff〇]+", synthetic_text(rng, 5000)) if len(r) >= 4]
    out = []
    for length in (1, 2, 3, 4):
        for _ in range(count // 5):
            run = rng.choice(runs)
            start = rng.randrange(len(run) - length + 1)
            out.append(run[start : start + length])
    out += [f"{rng.choice(out)} {rng.choice(out)}" for _ in range(count // 5)]
    return out + ["教育", "政务公开", "教育 招生", "社会保障", "评审"]


def timed(conn: sqlite3.Connection, sql: str, params: list) -> tuple[set[int], float]:
    started = time.perf_counter()
    rows = {row[0] for row in conn.execute(sql, params)}
    return rows, time.perf_counter() - started


def compare(conn: sqlite3.Connection, query: str) -> tuple[set[int], set[int], float, float]:
    fts, fts_time = timed(
        conn,
        "select rowid from documents_fts where documents_fts match escape_fts(?)",
        [query],
    )
    terms = query.split()
    where = " and ".join("(title like ? or body like ?)" for _ in terms)
    params = [f"%{t}%" for t in terms for _ in (0, 1)]
    scan, scan_time = timed(conn, f"select id from documents where {where}", params)
    return fts, scan, fts_time, scan_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", type=int, nargs="?", default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--direct", action="store_true", help="build without ArchiveWriter")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        write_seconds = (build_direct if args.direct else build)(path, args.documents, args.seed)
        print(f"wrote {args.documents} documents in {write_seconds:.1f}s "
              f"({args.documents / write_seconds:.0f} docs/s), {path.stat().st_size / 1e6:.0f} MB")  # fmt: skip
        conn = sqlite3.connect(path)
        register(conn)
        by_kind: dict[str, list] = {}
        for query in queries(args.queries, args.seed):
            kind = "two terms" if " " in query else f"{len(query)} chars"
            by_kind.setdefault(kind, []).append(compare(conn, query))
        print(f"{'query':<10}{'n':>5}{'recall':>9}{'precision':>11}"
              f"{'fts median/max ms':>20}{'LIKE median/max ms':>21}")  # fmt: skip
        for kind, results in sorted(by_kind.items()):
            found = sum(len(f & s) for f, s, _, _ in results)
            truth = sum(len(s) for _, s, _, _ in results)
            returned = sum(len(f) for f, _, _, _ in results)
            fts_ms = [t * 1000 for _, _, t, _ in results]
            scan_ms = [t * 1000 for _, _, _, t in results]
            print(f"{kind:<10}{len(results):>5}{found / max(truth, 1):>9.4f}"
                  f"{found / max(returned, 1):>11.4f}"
                  f"{statistics.median(fts_ms):>11.1f}/{max(fts_ms):<8.1f}"
                  f"{statistics.median(scan_ms):>12.1f}/{max(scan_ms):<8.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
