"""A million documents on one machine? Build an archive of N documents and measure it. Run by hand:

    .venv/bin/python bench/scale.py --docs 100000 [--json] [--workdir DIR] [--keep] [--reuse]

1. Builds an archive of N synthetic bureau documents (bench/synthetic.py) through the project's
   own path: ``pipeline.record.document_row`` (classification, hashes) and
   ``pipeline.writing.write_page`` into ``archive.store.ArchiveWriter``, each page's HTML
   written to WARC first (crawler.warc.WarcFileWriter), as a crawl does. In a child process,
   so its peak RSS is the build's own. ``build docs/s`` is documents per second of time spent
   in the writer; the time spent making rows and WARC records is printed beside it.
2. Runs the post-crawl step (near-duplicates, reports) once, then again with nothing changed,
   and the archive side of an unchanged re-crawl (open the writer, load what the spider and
   the WARC middleware load, write 200 unchanged pages, close, post-crawl): time and peak RSS.
3. Serves the archive with ``gongkai serve`` and times ``--requests`` requests (after one
   warm-up) of ``/-/search`` for a word in ~70% of documents, one in ~3%, a 4-character
   phrase, an AND query, a rare and an absent word, each again with an agency filter, page 50,
   and the table page with ``_search``. Each beside a ``LIKE`` scan of the same database in
   the same run, with the counts compared. Then other pages a journalist opens (agency
   overview, table pages, canned queries, a document page) and the CSV exports.

``--json`` prints one object: {docs, build_docs_per_s, bytes_per_doc, peak_rss_mb,
export_rows_per_s, postcrawl_s, postcrawl_rss_mb, searches: [{name, query, share, p50_ms,
p95_ms, like_ms, count, like_count, exact}]}. Without it, markdown tables for the README.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import math
import os
import re
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

COMMON, MEDIUM, PHRASE, AND, RARE, ABSENT = (
    "教育",
    "扶贫",
    "乡村振兴",
    "教育 招生",
    "镕喆",
    "量子纠缠",
)
SEARCHES = [("70% word", COMMON), ("3% word", MEDIUM), ("4-char phrase", PHRASE),
            ("AND query", AND), ("rare word", RARE), ("absent word", ABSENT)]  # fmt: skip
HTTP_TIMEOUT = 900


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- 1. build -------------------------------------------------------------------------------


def build(db: Path, n: int, seed: int) -> dict:
    """Child: write N documents through the writer (and their pages to WARC)."""
    from scrapy.http import HtmlResponse, Request
    from synthetic import Corpus

    from archive.store import ArchiveWriter
    from crawler.warc import WarcFileWriter
    from pipeline.record import document_row
    from pipeline.writing import write_page

    corpus = Corpus(n, seed)
    warc = WarcFileWriter(db.parent / "warc", "gongkai-bench", {"software": "bench"},
                          relative_to=db.parent)  # fmt: skip
    timers = {"rows": 0.0, "warc": 0.0, "writer": 0.0}
    started = time.perf_counter()
    clock = time.perf_counter
    writer = ArchiveWriter(db)
    crawl = writer.start_crawl("bench")
    outcomes: dict[str, int] = {}

    def page(url: str, html: bytes, kind: str, row: dict | None, site: str) -> None:
        t0 = clock()
        request = Request(url)
        response = HtmlResponse(url, status=200, body=html, request=request,
                                headers={"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
        pointer = warc.write_exchange(request, response)
        t1 = clock()
        capture = {"crawl_id": crawl, "profile": site, "url": url, "final_url": url,
                   "status": 200, "headers": {"Content-Type": "text/html; charset=utf-8"},
                   "body": html, "kind": kind, "fetched_at": "2025-01-01T00:00:00Z",
                   "used_encoding": "utf-8", "warc": pointer}  # fmt: skip
        outcome = write_page(writer, capture, row)
        t2 = clock()
        timers["warc"] += t1 - t0
        timers["writer"] += t2 - t1
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    for doc in corpus:
        t0 = clock()
        html = doc.html()
        row = document_row(doc.extraction(), doc.site, doc.agency)
        timers["rows"] += clock() - t0
        page(doc.url, html, "detail", row, doc.site)
        if corpus.repost_of(doc.number):
            url = doc.url.replace("/zwgk/", "/xxgk/")
            t0 = clock()
            repost = document_row({**doc.extraction(), "url": url, "canonical_url": url}, doc.site)
            timers["rows"] += clock() - t0
            page(url, html, "detail", repost, doc.site)
        if doc.number % 20 == 0:  # a list page every 20 documents, as a crawl fetches them
            links = "".join(f"<li><a href='{doc.number - i}.html'>{i}</a></li>" for i in range(20))
            page(f"http://{doc.site}.bench.test/list/{doc.number}.html",
                 f"<html><body><ul>{links}</ul></body></html>".encode(), "list", None, doc.site)  # fmt: skip
    t0 = clock()
    writer.finish_crawl(crawl, "finished", {"pages_fetched": n})
    writer.close()
    timers["writer"] += clock() - t0
    warc.close()
    return {"docs": n, "seconds": clock() - started, **timers, "outcomes": outcomes,
            "peak_rss_mb": peak_rss_mb()}  # fmt: skip


# --- 2. post-crawl --------------------------------------------------------------------------


def postcrawl(db: Path) -> dict:
    """Child: one post-crawl step over the archive; its time and peak RSS."""
    from pipeline.postcrawl import after_crawl

    started = time.perf_counter()
    counts = after_crawl(db)
    return {"seconds": time.perf_counter() - started, "rss_mb": peak_rss_mb(), "counts": counts}


def recrawl(db: Path, n: int, seed: int) -> dict:
    """Child: the archive side of a re-crawl of one site that finds nothing changed."""
    from synthetic import Corpus

    from archive.store import ArchiveWriter
    from crawler.revisit import load_known
    from crawler.warc import known_payloads
    from pipeline.postcrawl import after_crawl
    from pipeline.record import document_row
    from pipeline.writing import write_page

    started = time.perf_counter()
    corpus = Corpus(n, seed)
    site = corpus.document(1).site
    known = load_known(db, site)
    payloads = known_payloads(db)
    writer = ArchiveWriter(db)
    crawl = writer.start_crawl(site)
    outcomes: dict[str, int] = {}
    for number in range(1, min(n, 200) + 1):
        doc = corpus.document(number)
        capture = {"crawl_id": crawl, "profile": doc.site, "url": doc.url, "status": 304,
                   "body": None, "kind": "detail", "fetched_at": "2025-01-02T00:00:00Z"}  # fmt: skip
        outcome = write_page(writer, capture, document_row(doc.extraction(), doc.site, doc.agency))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    writer.finish_crawl(crawl, "finished", {"pages_fetched": 200})
    writer.close()
    after_crawl(db)
    del payloads, known
    return {"seconds": time.perf_counter() - started, "rss_mb": peak_rss_mb(), "outcomes": outcomes}


def child(kind: str, db: Path, n: int, seed: int) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--db", str(db), "--docs", str(n),
               "--seed", str(seed)]  # fmt: skip
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"child {kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- 3. serving -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``gongkai serve`` in a subprocess, and a keep-alive client for it."""

    def __init__(self, db: Path) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "serve", "--db", str(db), "--port", str(self.port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.conn = None
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                if self.get("/-/versions.json")[0] == 200:
                    return
            except OSError:
                self.conn = None
                time.sleep(0.5)
        raise SystemExit("gongkai serve did not start: " + self.proc.stderr.read().decode()[-2000:])

    def get(self, path: str) -> tuple[int, str, float]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        started = time.perf_counter()
        try:
            self.conn.request("GET", path)
            response = self.conn.getresponse()
            body = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        return response.status, body, time.perf_counter() - started

    def stream_csv(self, path: str) -> tuple[int, int, float, bool]:
        """(status, data rows, seconds, complete): the whole download, parsed as it arrives."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        rows, complete = -1, True
        try:
            for _ in csv.reader(io.TextIOWrapper(response, encoding="utf-8-sig", newline="")):
                rows += 1
        except (http.client.IncompleteRead, OSError, csv.Error):
            complete = False
        conn.close()
        return response.status, max(rows, 0), time.perf_counter() - started, complete

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def timed_requests(server: Server, path: str, requests: int, budget: float) -> dict:
    """One warm-up, then up to ``requests`` timed GETs (at least 3, within ``budget`` s)."""
    status, body, _ = server.get(path)
    times, statuses = [], {status}
    spent = 0.0
    while len(times) < requests and (len(times) < 3 or spent < budget):
        status, body, seconds = server.get(path)
        statuses.add(status)
        times.append(seconds * 1000)
        spent += seconds
    return {"p50_ms": statistics.median(times), "p95_ms": quantile(times, 0.95), "n": len(times),
            "status": sorted(statuses), "body": body}  # fmt: skip


def page_count(html: str) -> int | None:
    """The exact count a search or table page states (None when it states none)."""
    if "没有找到结果" in html:
        return 0
    found = re.search(r"共 <strong>([\d,]+)</strong> 条", html) or re.search(
        r"([\d,]+) rows? where search matches", html
    )
    return int(found.group(1).replace(",", "")) if found else None


def like_count(conn: sqlite3.Connection, q: str, agency: str = "") -> tuple[int, float]:
    """The truth: documents whose title or body contains every term, by a LIKE scan."""
    terms = q.split()
    where = " AND ".join(f"(title LIKE :t{i} OR body LIKE :t{i})" for i in range(len(terms)))
    params = {f"t{i}": f"%{t}%" for i, t in enumerate(terms)}
    if agency:
        where += " AND agency = :agency"
        params["agency"] = agency
    started = time.perf_counter()
    count = conn.execute(f"SELECT count(*) FROM documents WHERE {where}", params).fetchone()[0]
    return count, (time.perf_counter() - started) * 1000


def searches(server: Server, db: Path, agency: str, requests: int, budget: float) -> list[dict]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    plan = [(name, q, {"q": q}, "") for name, q in SEARCHES]
    plan += [(f"{name} + agency", q, {"q": q, "agency": agency}, agency) for name, q in SEARCHES]
    plan += [("70% word, page 50", COMMON, {"q": COMMON, "page": 50}, "")]
    out = []
    for name, q, params, filter_agency in plan:
        timing = timed_requests(server, "/-/search?" + urlencode(params), requests, budget)
        out.append(result(name, q, timing, *like_count(conn, q, filter_agency), docs))
    path = "/gongkai/documents?" + urlencode({"_search": COMMON})
    timing = timed_requests(server, path, requests, budget)
    out.append(result("table page _search", COMMON, timing, *like_count(conn, COMMON), docs))
    conn.close()
    return out


def result(name: str, q: str, timing: dict, truth: int, like_ms: float, docs: int) -> dict:
    count = page_count(timing["body"]) if timing["status"] == [200] else None
    return {"name": name, "query": q, "share": round(truth / max(docs, 1), 5),
            "p50_ms": round(timing["p50_ms"], 1), "p95_ms": round(timing["p95_ms"], 1),
            "like_ms": round(like_ms, 1), "count": count, "like_count": truth,
            "exact": count == truth, "n": timing["n"], "status": timing["status"]}  # fmt: skip


def other_pages(server: Server, db: Path, agency: str, requests: int, budget: float) -> list[dict]:
    """Pages a journalist opens besides search: overview, table pages, canned queries, a document."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    year = conn.execute("SELECT max(substr(published_at, 1, 4)) FROM documents").fetchone()[0]
    conn.close()
    a = quote(agency)
    paths = [
        "/", "/gongkai", "/-/agencies", f"/-/agency?agency={a}", "/gongkai/documents",
        f"/gongkai/documents?agency={a}", "/gongkai/documents/1", "/gongkai/captures",
        "/gongkai/events", "/gongkai/sightings", "/gongkai/near_dup_groups", "/gongkai/reports",
        f"/gongkai/agency_year?agency={a}&year={year}", "/gongkai/documents_per_category?agency=&year=",
        "/gongkai/documents_per_column?agency=", "/gongkai/latest_added?since=",
        "/gongkai/near_duplicate_groups", "/gongkai/documents_seen_under_several_urls",
        "/gongkai/changed_documents", "/gongkai/unclassified_documents",
        "/gongkai/reconciliation?agency=&year=", "/gongkai/parse_coverage",
        "/gongkai/removed_or_changed?agency=", "/gongkai/attachment_list?agency=",
    ]  # fmt: skip
    out = []
    for path in paths:
        timing = timed_requests(server, path, max(3, requests // 4), budget / 4)
        out.append({"page": path, "p50_ms": round(timing["p50_ms"], 1),
                    "p95_ms": round(timing["p95_ms"], 1), "status": timing["status"]})  # fmt: skip
    return out


def exports(server: Server, db: Path) -> dict:
    """Browser CSV exports (all documents; every hit of the 70% word) and the CLI export."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    conn.close()
    out = {}
    for name, path in (("all documents", "/-/export.csv"),
                       ("search 70% word", "/-/export.csv?" + urlencode({"q": COMMON}))):  # fmt: skip
        status, rows, seconds, complete = server.stream_csv(path)
        out[name] = {"status": status, "rows": rows, "seconds": round(seconds, 2),
                     "rows_per_s": round(rows / seconds), "complete": complete}  # fmt: skip
    out["all documents"]["expected"] = docs
    started = time.perf_counter()
    cli = subprocess.run([sys.executable, "-m", "crawler.cli", "export", "--db", str(db),
                          "--out", os.devnull], cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - started
    out["gongkai export (CLI)"] = {"status": cli.returncode, "rows": docs,
                                   "seconds": round(seconds, 2), "rows_per_s": round(docs / seconds)}  # fmt: skip
    return out


# --- report ---------------------------------------------------------------------------------


def db_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())


def warc_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in (db.parent / "warc").glob("*.warc.gz"))


def print_tables(report: dict) -> None:
    b = report["build"]
    print(
        f"\n### {report['docs']:,} documents (SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores)\n"
    )
    print("| measure | value |\n|---|---|")
    rows = [
        ("build: docs/s in the writer", f"{report['build_docs_per_s']:,.0f}"),
        ("build: s making rows (pipeline) / WARC / writer",
         f"{b['rows']:.0f} / {b['warc']:.0f} / {b['writer']:.0f}"),
        ("build: peak RSS", f"{report['peak_rss_mb']:.0f} MB"),
        ("database bytes per document", f"{report['bytes_per_doc']:,.0f}"),
        ("WARC bytes per document", f"{report['warc_bytes_per_doc']:,.0f}"),
        ("post-crawl, first run", f"{report['postcrawl_first']['seconds']:.1f} s, "
                                  f"{report['postcrawl_first']['rss_mb']:.0f} MB"),
        ("post-crawl, nothing changed", f"{report['postcrawl_s']:.1f} s, {report['postcrawl_rss_mb']:.0f} MB"),
        ("unchanged re-crawl, archive side", f"{report['recrawl']['seconds']:.1f} s, "
                                             f"{report['recrawl']['rss_mb']:.0f} MB"),
    ]  # fmt: skip
    for name, value in rows:
        print(f"| {name} | {value} |")
    for name, e in report["exports"].items():
        print(
            f"| export {name} | {e['rows']:,} rows in {e['seconds']} s = {e['rows_per_s']:,} rows/s"
            f" ({'exit' if 'CLI' in name else 'HTTP'} {e['status']}{'' if e.get('complete', True) else ', cut'}) |"
        )
    print("\n| search | query | share | p50 ms | p95 ms | LIKE ms | count | LIKE count | exact |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s in report["searches"]:
        status = "" if s["status"] == [200] else f" (HTTP {s['status']})"
        print(f"| {s['name']}{status} | {s['query']} | {s['share']:.2%} | {s['p50_ms']:,.0f} | "
              f"{s['p95_ms']:,.0f} | {s['like_ms']:,.0f} | {s['count']} | {s['like_count']} | "
              f"{'yes' if s['exact'] else '**no**'} |")  # fmt: skip
    print("\n| page | p50 ms | p95 ms | status |\n|---|---|---|---|")
    for p in report["pages"]:
        print(f"| `{p['page']}` | {p['p50_ms']:,.0f} | {p['p95_ms']:,.0f} | {p['status']} |")


def run(args: argparse.Namespace) -> dict:
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="gongkai-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "scale.db"
    try:
        if not (args.reuse and db.exists()):
            for stale in [*workdir.glob("scale.db*"), workdir / "warc"]:
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)
            built = child("build", db, args.docs, args.seed)
            (workdir / "build.json").write_text(json.dumps(built))
        built = json.loads((workdir / "build.json").read_text())
        if args.build_only:
            return {"build": built}
        size, warc = db_bytes(db), warc_bytes(db)
        first = child("postcrawl", db, args.docs, args.seed)
        again = child("postcrawl", db, args.docs, args.seed)
        report = {
            "docs": args.docs,
            "build_docs_per_s": round(args.docs / built["writer"], 1),
            "bytes_per_doc": round(size / args.docs),
            "peak_rss_mb": round(built["peak_rss_mb"]),
            "postcrawl_s": round(again["seconds"], 2),
            "postcrawl_rss_mb": round(again["rss_mb"]),
            "build": built, "warc_bytes_per_doc": round(warc / args.docs),
            "postcrawl_first": first,
        }  # fmt: skip
        report["recrawl"] = child("recrawl", db, args.docs, args.seed)
        server = Server(db)
        try:
            from synthetic import Corpus

            agency = Corpus(args.docs, args.seed).largest_agency
            report["searches"] = searches(server, db, agency, args.requests, args.budget)
            report["pages"] = other_pages(server, db, agency, args.requests, args.budget)
            report["exports"] = exports(server, db)
            report["export_rows_per_s"] = report["exports"]["all documents"]["rows_per_s"]
        finally:
            server.close()
        return report
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


CONTRACT = ("docs", "build_docs_per_s", "bytes_per_doc", "peak_rss_mb", "export_rows_per_s",
            "postcrawl_s", "postcrawl_rss_mb", "searches")  # fmt: skip
SEARCH_KEYS = (
    "name",
    "query",
    "share",
    "p50_ms",
    "p95_ms",
    "like_ms",
    "count",
    "like_count",
    "exact",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per search")
    parser.add_argument(
        "--budget", type=float, default=120, help="seconds per search at most (>= 3 requests)"
    )
    parser.add_argument("--workdir", help="where to build (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the archive afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse an archive built in --workdir")
    parser.add_argument("--build-only", action="store_true", help="build (with --keep) and stop")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task = {"build": lambda: build(Path(args.db), args.docs, args.seed),
                "postcrawl": lambda: postcrawl(Path(args.db)),
                "recrawl": lambda: recrawl(Path(args.db), args.docs, args.seed)}[args.child]  # fmt: skip
        print(json.dumps(task(), default=str))
        return
    report = run(args)
    if args.build_only:
        print(json.dumps(report["build"]))
    elif args.json:
        contract = {k: report[k] for k in CONTRACT}
        contract["searches"] = [{k: s[k] for k in SEARCH_KEYS} for s in report["searches"]]
        print(json.dumps(contract, ensure_ascii=False))
    else:
        print_tables(report)
        (Path(tempfile.gettempdir()) / f"gongkai-scale-{args.docs}.json").write_text(
            json.dumps(report, ensure_ascii=False, default=str)
        )


if __name__ == "__main__":
    main()
