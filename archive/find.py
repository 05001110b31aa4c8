"""Whole-archive search: one query over document text, attachment text and reports.

A *hit* is one (document, source) match: source ``document`` (title or body of an ordinary
document), ``report`` (title or body of an annual disclosure report: a document with a
``reports`` row) or ``attachment`` (the extracted text of a file the document links; one hit
per file). The count is exact: every hit, as a substring scan would find it.

Why it stays fast at a million documents (issue 14): hits come from the FTS index joined to
``search_facets`` (m0008), a narrow row of integers per document, never to the documents table;
the count and every facet come from one pass that sorts one integer per hit
(:func:`stats_sql`); the page is ordered without bm25 (which reads every hit's positions and
length) and only its 20 rows are joined to the documents they show (:func:`page_sql`).

Ranking (issue 15): title hits of the whole query first, then titles holding every term, then
texts holding the whole query as typed (``义务教育 招生`` -> 义务教育招生), then the rest, then
attachment text; newest first within each. Near-identical notices (one near-duplicate group)
are folded into the best-ranked of them, which carries ``similar``, the group's hit count;
``Search.similar`` lists one group unfolded. A report is counted under the year it reports on.

The SQL is built here and run by the caller (Datasette, so its time limit applies, or a plain
connection for exports); user input only ever reaches it as parameters.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from archive.search import to_fts_query

SOURCES = {
    "document": "正文 Document text",
    "attachment": "附件 Attachment text",
    "report": "年报 Annual report",
}
PAGE_SIZE = 20
NOTHING = '""'
FACETS = ("source", "agency", "category", "year")
# The facets of a hit packed in one integer, so one sort counts all four: source in 2 bits,
# year code in 16, category code in 14, agency code in the 30 above (facet_codes, per kind).
SOURCE_CODES = {"document": 0, "report": 1, "attachment": 2}
FACET_KEY = "(((h.agency * 16384 + h.category) * 65536 + h.year) * 4 + h.source_code)"


@dataclass(frozen=True)
class Search:
    """A user's search: the query text and the filters, all as typed (empty = no filter)."""

    q: str = ""
    agency: str = ""
    category: str = ""
    year: str = ""
    source: str = ""
    page: int = 1
    size: int = PAGE_SIZE
    tables: frozenset[str] = field(default_factory=frozenset)
    similar: int | None = None  # a near-duplicate group to list unfolded

    @property
    def terms(self) -> list[str]:
        return [t for t in (self.q or "").split() if to_fts_query(t) != NOTHING]

    @property
    def fts(self) -> str:
        return to_fts_query(self.q)

    @property
    def searchable(self) -> bool:
        """False for an empty or punctuation-only query (it would match nothing)."""
        return self.fts != NOTHING

    @property
    def offset(self) -> int:
        return (max(self.page, 1) - 1) * self.size

    def params(self) -> dict[str, object]:
        whole = to_fts_query("".join(self.terms)) if self.terms else NOTHING
        return {
            "fts": self.fts,
            "title_phrase": "{title} : " + whole,
            "title_all": "{title} : (" + self.fts + ")",
            "phrase": whole,
            "agency": self.agency,
            "category": self.category,
            "year": self.year,
            "source": self.source,
            "similar": self.similar,
            "limit": self.size,
            "offset": self.offset,
        }


def sources_available(tables: frozenset[str] | set[str]) -> list[str]:
    """The sources this archive can search (attachment text and reports come with later migrations)."""
    found = ["document"]
    if "attachment_files_fts" in tables:
        found.append("attachment")
    if "reports" in tables:
        found.append("report")
    return found


def _filters(search: Search) -> str:
    """Conditions on search_facets ``f`` for the search's filters (values stay parameters)."""
    where = []
    for name in ("agency", "category", "year"):
        if getattr(search, name):
            where.append(
                f"f.{name} = (SELECT code FROM facet_codes WHERE kind = '{name}' AND value = :{name})"
            )
    if search.source in ("document", "report"):
        where.append("f.report = " + ("1" if search.source == "report" else "0"))
    if search.similar is not None:
        where.append("f.fold = :similar")
    return "".join(f"\n  AND {condition}" for condition in where)


def hits_sql(search: Search) -> str:
    """``SELECT`` of the filtered hits: document_id, source, source_code, file_id,
    attachment_name, agency, category, year (facet codes), day, fold."""
    parts = []
    if search.source in ("", "document", "report"):
        parts.append(
            f"""SELECT f.id AS document_id,
       CASE WHEN f.report THEN 'report' ELSE 'document' END AS source, f.report AS source_code,
       NULL AS file_id, NULL AS attachment_name, f.agency, f.category, f.year, f.day, f.fold
FROM documents_fts JOIN search_facets f ON f.id = documents_fts.rowid
WHERE documents_fts MATCH :fts{_filters(search)}"""
        )
    if search.source in ("", "attachment") and "attachment_files_fts" in search.tables:
        # files -> the captures that fetched them -> the attachment links -> documents; one
        # hit per (document, file).
        parts.append(
            f"""SELECT a.document_id, 'attachment' AS source, 2 AS source_code, m.id AS file_id,
       min(a.name) AS attachment_name, f.agency, f.category, f.year, f.day, f.fold
FROM (SELECT rowid AS id FROM attachment_files_fts WHERE attachment_files_fts MATCH :fts) m
JOIN attachment_files af ON af.id = m.id
JOIN captures c ON c.sha256 = af.sha256 AND c.kind = 'attachment' AND c.error IS NULL
JOIN attachments a ON a.url = c.url
JOIN search_facets f ON f.id = a.document_id
WHERE 1{_filters(search)}
GROUP BY a.document_id, m.id"""
        )
    if not parts:  # an attachment search on an archive without attachment text
        columns = "document_id source source_code file_id attachment_name agency category year"
        return (
            "SELECT "
            + ", ".join(f"NULL AS {c}" for c in (*columns.split(), "day", "fold"))
            + " WHERE 0"
        )
    return "\nUNION ALL\n".join(parts)


def stats_sql(search: Search) -> str:
    """Hits per combination of the four facets (one integer key each, see FACET_KEY), and the
    near-duplicate groups among document hits (how many, how many hits they hold)."""
    return f"""WITH h AS MATERIALIZED ({hits_sql(search)})
SELECT 'key' AS kind, {FACET_KEY} AS value, count(*) AS n FROM h GROUP BY 2
UNION ALL
SELECT 'folds', count(DISTINCT fold), count(fold) FROM h WHERE source != 'attachment'"""


def _tier(search: Search, hit: str) -> str:
    """Rank class of hit ``hit``: 0 whole query in the title, 1 every term in the title,
    2 whole query in the text, 3 the rest, 4 attachment text. Each class is one FTS query,
    run once into a set of rowids."""
    matching = (
        f"WHEN {hit}.document_id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH"
    )
    tiers = [f"WHEN {hit}.source = 'attachment' THEN 4", f"{matching} :title_phrase) THEN 0"]
    if len(search.terms) > 1:
        tiers += [f"{matching} :title_all) THEN 1", f"{matching} :phrase) THEN 2"]
    return "CASE " + " ".join(tiers) + " ELSE 3 END"


def _order(alias: str = "") -> str:
    a = f"{alias}." if alias else ""
    return f"{a}tier, {a}day DESC, {a}document_id DESC, {a}source, coalesce({a}file_id, 0)"


def page_sql(search: Search) -> str:
    """One page of ranked result lines with what a line shows (body/text for the snippet)."""
    text = (
        "(SELECT text FROM attachment_files WHERE id = l.file_id)"
        if "attachment_files_fts" in search.tables
        else "NULL"
    )
    if search.similar is None:
        lines = """SELECT document_id, source, file_id, attachment_name, tier, day, fold,
       1 AS similar FROM h WHERE fold IS NULL OR source = 'attachment'
UNION ALL
SELECT document_id, source, file_id, attachment_name, tier, day, fold, similar FROM (
    SELECT h.*, count(*) OVER fold AS similar,
           row_number() OVER (fold ORDER BY tier, day DESC, document_id DESC) AS place
    FROM h WHERE fold IS NOT NULL AND source != 'attachment'
    WINDOW fold AS (PARTITION BY fold))
WHERE place = 1"""
    else:
        lines = """SELECT document_id, source, file_id, attachment_name, tier, day, fold,
       1 AS similar FROM h"""
    return f"""WITH h AS MATERIALIZED (
    SELECT hits.*, {_tier(search, "hits")} AS tier FROM ({hits_sql(search)}) hits),
lines AS ({lines})
SELECT l.source, l.document_id, l.file_id, l.attachment_name, l.similar, l.fold,
       d.title, d.agency, d.published_at, d.category,
       (SELECT value FROM facet_codes WHERE kind = 'year' AND code = f.year) AS year,
       CASE WHEN l.source = 'attachment' THEN {text} ELSE d.body END AS text
FROM (SELECT * FROM lines ORDER BY {_order()} LIMIT :limit OFFSET :offset) l
JOIN documents d ON d.id = l.document_id
JOIN search_facets f ON f.id = l.document_id
ORDER BY {_order("l")}"""


@dataclass
class Stats:
    """What the search page says about all hits: the count, the facets, the lines to page."""

    total: int
    lines: int
    facets: dict[str, list[tuple[str | None, int]]]


def read_stats(rows: list[tuple[str, int, int]], codes: dict[tuple[str, int], str]) -> Stats:
    """Stats from stats_sql's rows and the facet codes ((kind, code) -> value)."""
    by_facet = {name: Counter() for name in FACETS}
    sources = {code: name for name, code in SOURCE_CODES.items()}
    total = grouped_hits = groups = 0
    for kind, value, n in rows:
        if kind == "folds":
            groups, grouped_hits = value, n
            continue
        total += n
        by_facet["source"][sources[value & 3]] += n
        by_facet["year"][codes.get(("year", (value >> 2) & 0xFFFF))] += n
        by_facet["category"][codes.get(("category", (value >> 18) & 0x3FFF))] += n
        by_facet["agency"][codes.get(("agency", value >> 32))] += n
    facets = {
        name: sorted(
            counts.items(), key=lambda item: (-item[1], item[0] is not None, item[0] or "")
        )
        for name, counts in by_facet.items()
    }
    return Stats(total, total - grouped_hits + groups, facets)


CODES_SQL = "SELECT kind, code, value FROM facet_codes"


def pages(total: int, size: int) -> int:
    """Number of result pages (at least 1, so page 1 of nothing is still a page)."""
    return max(1, -(-total // size))
