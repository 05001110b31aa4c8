"""gongkai's extraction and filing on real government pages, beside trafilatura. Run by hand:

    .venv/bin/pip install trafilatura          # only for this benchmark; not a project dependency
    .venv/bin/python bench/real_pages.py [--misses]

Reads every page of the evaluation set in tests/fixtures/real/ (see pipeline/evaluation.py),
extracts and classifies it as `gongkai extract --json` does, and prints per-field accuracy,
body F1 over the pages' must / must-not contain snippets, and filing accuracy overall and per
rule, and the title once more with <meta name="ArticleTitle"> removed from every page (how much
rests on that one tag). trafilatura (its defaults, tables included) is scored on the same pages
for the fields it has: title, the publication day, and the body. ``--misses`` lists every wrong
value.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.classify import classify_fields  # noqa: E402
from pipeline.encoding import decode_html  # noqa: E402
from pipeline.evaluation import RealPage, Scores, load_real_pages, score_pages  # noqa: E402
from pipeline.extract import ExtractionError, extract  # noqa: E402

REAL = ROOT / "tests" / "fixtures" / "real"
FIELDS = ("title", "published_at", "written_at", "agency", "index_no", "doc_no", "column")
FIELDS += ("category_label", "validity", "keywords", "breadcrumb", "attachments")


def _text(page: RealPage) -> str:
    return decode_html(page.html.read_bytes(), page.expected.get("header_charset")).text


def gongkai(page: RealPage) -> dict:
    try:
        record = extract(_text(page), page.expected["url"])
    except ExtractionError:
        return {}
    return {**record, **classify_fields(record)}


_ARTICLE_TITLE = re.compile(r"<meta[^>]*articletitle[^>]*>", re.IGNORECASE)


def gongkai_without_meta_title(page: RealPage) -> dict:
    """The title when the page had no <meta name="ArticleTitle">: how much rests on it."""
    try:
        return extract(_ARTICLE_TITLE.sub("", _text(page)), page.expected["url"])
    except ExtractionError:
        return {}


def trafilatura_run(page: RealPage) -> dict:
    import trafilatura

    text = _text(page)
    meta = trafilatura.extract_metadata(text, default_url=page.expected["url"])
    body = trafilatura.extract(text, url=page.expected["url"], include_tables=True)
    return {
        "title": meta.title if meta else None,
        "published_at": meta.date if meta else None,
        "body": body,
    }


def _same_day(want, got) -> bool:
    return (want or "")[:10] == (got or "")[:10]


def _attachments(want, got) -> bool:
    return all(a in (got or []) for a in want)


def report(name: str, scores: Scores, fields: tuple[str, ...]) -> None:
    print(f"\n{name}")
    for field in fields:
        hits, total = scores.fields[field]
        if total:
            print(f"  {field:<15} {hits:>3}/{total:<3} {hits / total:6.1%}")
    tp, fn, fp = scores.body
    print(
        f"  {'body F1':<15} {scores.body_f1():6.1%}   (snippets: {tp} found, {fn} missed, {fp} unwanted)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong value")
    args = parser.parse_args()
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        print(
            "bench/real_pages.py: trafilatura is not installed: .venv/bin/pip install trafilatura"
        )
        return 2
    pages = load_real_pages(REAL)
    hosts = {p.expected["url"].split("/")[2].split(":")[0] for p in pages}
    print(f"{len(pages)} real pages from {len(hosts)} hosts")
    compare = {"attachments": _attachments}
    ours = score_pages(pages, gongkai, FIELDS, compare)
    theirs = score_pages(
        pages, trafilatura_run, ("title", "published_at"), {"published_at": _same_day}
    )
    day = score_pages(pages, gongkai, ("published_at",), {"published_at": _same_day})
    no_meta = score_pages(pages, gongkai_without_meta_title, ("title",))
    report("gongkai", ours, FIELDS)
    print(f"  {'published day':<15} {day.accuracy('published_at'):6.1%}")
    hits, total = no_meta.fields["title"]
    print(
        f"  {'title w/o meta':<15} {hits:>3}/{total:<3} {hits / total:6.1%}   (ArticleTitle removed)"
    )
    report("trafilatura (title, publication day, body)", theirs, ("title", "published_at"))
    right = sum(want == got for _, want, got, _ in ours.categories)
    print(f"\nfiling: {right}/{len(ours.categories)} {ours.category_accuracy():.1%} right")
    for rule, (ok, total) in ours.per_rule().items():
        print(f"  {rule:<15} {ok:>3}/{total:<3} {ok / total:6.1%}")
    if args.misses:
        print("\nmisses (gongkai):")
        for line in ours.misses:
            print("  " + line)
        for page, want, got, rule in ours.categories:
            if want != got:
                print(f"  {page}: category want {want}, got {got} ({rule})")
        print("\nmisses (trafilatura):")
        for line in theirs.misses:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
