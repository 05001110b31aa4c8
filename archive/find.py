"""Whole-archive search: one query over document text, attachment text and reports.

A *hit* is one (document, source) match: source ``document`` (title or body of an ordinary
document), ``report`` (title or body of an annual disclosure report: a document with a
``reports`` row) or ``attachment`` (the extracted text of a file the document links; one hit
per file). Hits are ranked by FTS5 bm25 (title weighted above body) and filtered by agency,
category, year and source. The SQL is built here and run by the caller (Datasette, so its
time limit applies, or a plain connection for exports); queries are always parameterised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.search import to_fts_query

SOURCES = {
    "document": "正文 Document text",
    "attachment": "附件 Attachment text",
    "report": "年报 Annual report",
}
PAGE_SIZE = 20
# Title matches count five times a body match: a query naming a notice should find it first.
DOCUMENT_RANK = "bm25(documents_fts, 5.0, 1.0)"
NOTHING = '""'


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
        return {
            "fts": self.fts,
            "agency": self.agency,
            "category": self.category,
            "year": self.year,
            "source": self.source,
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


def hits_sql(search: Search, ranked: bool = True) -> str:
    """``SELECT`` of the filtered hits: source, document_id, file_id, attachment_name, rank."""
    rank = DOCUMENT_RANK if ranked else "0"
    is_report = (
        "CASE WHEN d.id IN (SELECT document_id FROM reports) THEN 'report' ELSE 'document' END"
        if "reports" in search.tables
        else "'document'"
    )
    parts = [
        f"""SELECT {is_report} AS source, d.id AS document_id, NULL AS file_id,
               NULL AS attachment_name, {rank} AS rank
        FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
        WHERE documents_fts MATCH :fts"""
    ]
    if "attachment_files_fts" in search.tables:
        # files -> the captures that fetched them -> the attachment links -> documents; one
        # hit per (document, file). bm25 cannot sit in an aggregate, so it is computed in a
        # subquery that LIMIT -1 keeps SQLite from flattening into the GROUP BY.
        parts.append(
            f"""SELECT 'attachment', a.document_id, m.id, min(a.name), min(m.rank)
            FROM (SELECT rowid AS id, {"bm25(attachment_files_fts)" if ranked else "0"} AS rank
                  FROM attachment_files_fts WHERE attachment_files_fts MATCH :fts LIMIT -1) m
            JOIN attachment_files f ON f.id = m.id
            JOIN captures c ON c.sha256 = f.sha256 AND c.kind = 'attachment' AND c.error IS NULL
            JOIN attachments a ON a.url = c.url
            GROUP BY a.document_id, m.id"""
        )
    union = "\nUNION ALL\n".join(parts)
    return f"""SELECT h.source, h.document_id, h.file_id, h.attachment_name, h.rank
FROM ({union}) h JOIN documents d ON d.id = h.document_id
WHERE (:agency = '' OR d.agency = :agency)
  AND (:category = '' OR d.category = :category)
  AND (:year = '' OR d.published_year = :year)
  AND (:source = '' OR h.source = :source)"""


def page_sql(search: Search) -> str:
    """One page of ranked hits with what a result line shows (body/text for the snippet)."""
    text = (
        "(SELECT text FROM attachment_files WHERE id = h.file_id)"
        if "attachment_files_fts" in search.tables
        else "NULL"
    )
    return f"""SELECT h.source, h.document_id, h.file_id, h.attachment_name,
       d.title, d.agency, d.published_at, d.category, d.published_year,
       CASE WHEN h.source = 'attachment' THEN {text} ELSE d.body END AS text
FROM ({hits_sql(search)}) h JOIN documents d ON d.id = h.document_id
ORDER BY h.rank, d.published_at DESC, h.document_id DESC
LIMIT :limit OFFSET :offset"""


def count_sql(search: Search) -> str:
    return f"SELECT count(*) FROM ({hits_sql(search, ranked=False)})"


FACETS = {
    "source": "h.source",
    "agency": "d.agency",
    "category": "d.category",
    "year": "d.published_year",
}


def facet_sql(search: Search, facet: str) -> str:
    """Counts of the filtered hits per value of one facet (most hits first)."""
    expression = FACETS[facet]
    return f"""SELECT {expression} AS value, count(*) AS n
FROM ({hits_sql(search, ranked=False)}) h JOIN documents d ON d.id = h.document_id
GROUP BY value ORDER BY n DESC, value"""


def pages(total: int, size: int) -> int:
    """Number of result pages (at least 1, so page 1 of nothing is still a page)."""
    return max(1, -(-total // size))
