"""The watchdog scorecard: one row per bureau and year, read from what the archive holds.

For a year Y and each bureau (site profile and agency) with documents dated Y or a report on
Y: the annual report found (政府信息公开工作年度报告 or 工作总结), whether it was published by
31 January of Y+1 as 条例第四十九条 requires, its tables' internal checks, its claimed counts
per category beside the archive's counts (the ``report_reconciliation`` view), how many of
the bureau's Y documents were later removed or changed (``events``), and the share of those
documents missing 索引号, 发布机构 (from the page itself) or 发布日期.

Read-only SQL over stored rows, like the reconciliation view and the search SQL: the same
function backs ``gongkai scorecard`` and the ``/-/scorecard`` page. A document belongs to
year Y by its 发布日期, else its 成文日期; a document with neither belongs to no year.
"""

from __future__ import annotations

import datetime
import sqlite3
from typing import Any

from archive.db import ArchiveError
from archive.read import rows

# 条例第四十九条: 每年1月31日前公布本行政机关的政府信息公开工作年度报告.
DEADLINE_MONTH_DAY = (1, 31)
NEEDED = ("documents", "reports", "report_checks", "report_reconciliation", "events")

_DOCUMENTS = """
WITH doc AS (
    SELECT id, site, agency, index_no, published_at,
           json_extract(field_sources, '$.agency') AS agency_source
    FROM documents WHERE published_at >= :start AND published_at < :end
    UNION ALL
    SELECT id, site, agency, index_no, published_at,
           json_extract(field_sources, '$.agency') AS agency_source
    FROM documents WHERE published_at IS NULL AND substr(written_at, 1, 4) = :year_text
),
changes AS (
    SELECT e.document_id,
           max(e.type IN ('removed', 'delisted')) AS removed, max(e.type = 'changed') AS changed
    FROM events e JOIN doc ON doc.id = e.document_id
    WHERE e.type IN ('removed', 'delisted', 'changed')
    GROUP BY e.document_id
)
SELECT doc.site, doc.agency, count(*) AS documents,
       sum(coalesce(trim(doc.index_no), '') = '') AS missing_index_no,
       sum(doc.agency IS NULL OR coalesce(doc.agency_source, '') = 'profile') AS missing_agency,
       sum(doc.published_at IS NULL) AS missing_published_at,
       coalesce(sum(c.removed), 0) AS removed, coalesce(sum(c.changed), 0) AS changed
FROM doc LEFT JOIN changes c ON c.document_id = doc.id
GROUP BY doc.site, doc.agency
"""

# Official-table reports before prose summaries, then the earliest published.
_REPORTS = """
SELECT r.id AS report_id, r.document_id AS report_document_id, r.site, r.agency,
       r.title AS report_title, r.published_at AS report_published_at, r.format AS report_format,
       r.proactive_total,
       (SELECT count(*) FROM report_checks k WHERE k.report_id = r.id AND k.ok = 1) AS checks_passed,
       (SELECT count(*) FROM report_checks k WHERE k.report_id = r.id AND k.ok = 0) AS checks_failed,
       (SELECT count(*) FROM report_checks k WHERE k.report_id = r.id AND k.ok IS NULL)
           AS checks_undecided
FROM reports r
WHERE r.year = :year
ORDER BY r.format = 'prose', coalesce(r.published_at, '9999'), r.id
"""

_CLAIMS = """
SELECT category, label, claimed, archived FROM report_reconciliation
WHERE report_id = :report_id AND claimed IS NOT NULL ORDER BY position
"""

_YEARS = """
SELECT year FROM reports WHERE year IS NOT NULL
UNION SELECT CAST(substr(published_at, 1, 4) AS INTEGER) FROM documents
WHERE published_at GLOB '[12][0-9][0-9][0-9]*'
ORDER BY 1 DESC
"""

# How each deadline status reads, Chinese first.
STATUS_LABELS = {
    "on time": "按时 on time",
    "late": "逾期 late",
    "date unknown": "发布日期不明 date unknown",
    "no report": "未找到年报 no report found",
}

# The flat columns of the CSV/XLSX scorecard and of the page, in order: key, label.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("agency", "机构 agency"),
    ("year", "年度 year"),
    ("documents", "当年存档文件数 documents archived"),
    ("report_title", "年度报告 annual report"),
    ("report_published_at", "报告发布时间 report published"),
    ("deadline", "法定期限 deadline (条例第四十九条)"),
    ("deadline_status", "是否按时 on time"),
    ("days_late", "逾期天数 days late"),
    ("checks_passed", "检查通过 checks passed"),
    ("checks_failed", "检查未通过 checks failed"),
    ("checks_undecided", "无法判断 checks undecided"),
    ("proactive_total", "所称主动公开总数 proactive total claimed"),
    ("claims_count", "所称分类数 categories claimed"),
    ("claimed_total", "分类所称合计 claimed in categories"),
    ("archived_total", "对应存档合计 archived in those categories"),
    ("claims_matching", "所称与存档一致的分类数 categories matching"),
    ("claims", "分类对照 claimed/archived per category"),
    ("removed", "后被删除 later removed"),
    ("changed", "后被修改 later changed"),
    ("missing_index_no_share", "缺索引号比例 share missing 索引号"),
    ("missing_agency_share", "缺发布机构比例 share missing 发布机构"),
    ("missing_published_at_share", "缺发布日期比例 share missing 发布日期"),
    ("site", "站点配置 site profile"),
    ("report_id", "年报编号 report id"),
    ("report_document_id", "年报文件编号 report document id"),
)


def check_archive(conn: sqlite3.Connection) -> None:
    """Raise ArchiveError (one line) unless the connection holds an archive with reports."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    missing = [name for name in NEEDED if name not in names]
    if missing:
        raise ArchiveError(f"not a gongkai archive with reports (no {', '.join(missing)})")


def years(conn: sqlite3.Connection) -> list[int]:
    """Years with a report or a dated document, newest first."""
    return [r[0] for r in conn.execute(_YEARS) if r[0]]


def default_year(conn: sqlite3.Connection) -> int | None:
    """The latest year some report is about, else the latest year with documents."""
    row = conn.execute("SELECT max(year) FROM reports").fetchone()
    return row[0] if row and row[0] else next(iter(years(conn)), None)


def deadline(year: int) -> datetime.date:
    return datetime.date(year + 1, *DEADLINE_MONTH_DAY)


def deadline_status(
    year: int, published_at: str | None, has_report: bool
) -> tuple[str, int | None]:
    """("on time" | "late" | "date unknown" | "no report", days late or None)."""
    if not has_report:
        return "no report", None
    try:
        published = datetime.date.fromisoformat((published_at or "")[:10])
    except ValueError:
        return "date unknown", None
    late = (published - deadline(year)).days
    return ("late", late) if late > 0 else ("on time", 0)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _bureau(year: int, site: str, agency: str | None) -> dict[str, Any]:
    return {"agency": agency, "site": site, "year": year, "documents": 0, "missing_index_no": 0,
            "missing_agency": 0, "missing_published_at": 0, "removed": 0, "changed": 0}  # fmt: skip


def _match(bureaus: dict, report: dict) -> tuple | None:
    """The bureau a report belongs to: same site and agency; a report naming no agency goes
    to its site's only bureau."""
    key = (report["site"], report["agency"])
    if key in bureaus or report["agency"]:
        return key
    same_site = [k for k in bureaus if k[0] == report["site"]]
    return same_site[0] if len(same_site) == 1 else key


def scorecard(conn: sqlite3.Connection, year: int) -> list[dict[str, Any]]:
    """One dict per bureau for ``year`` (keys: COLUMNS' keys, the counts behind the shares,
    and ``claims``: [{category, label, claimed, archived}]), sorted by agency."""
    check_archive(conn)
    params = {"year": year, "year_text": f"{year:04d}",
              "start": f"{year:04d}", "end": f"{year + 1:04d}"}  # fmt: skip
    bureaus: dict[tuple, dict[str, Any]] = {}
    for row in rows(conn, _DOCUMENTS, params):
        bureaus[(row["site"], row["agency"])] = {**_bureau(year, row["site"], row["agency"]), **row}
    for report in rows(conn, _REPORTS, params):
        key = _match(bureaus, report)
        entry = bureaus.setdefault(key, _bureau(year, *key))
        if "report_id" not in entry:  # the first report in _REPORTS order wins
            entry.update(report, site=key[0], agency=key[1])
    return [_complete(entry, conn) for _, entry in sorted(bureaus.items(), key=_order)]


def _order(item: tuple) -> tuple:
    (site, agency), _ = item
    return (agency or "", site or "")


def _complete(entry: dict[str, Any], conn: sqlite3.Connection) -> dict[str, Any]:
    """Add the deadline, the claims beside the archive, and the shares."""
    year, report_id = entry["year"], entry.get("report_id")
    status, late = deadline_status(year, entry.get("report_published_at"), report_id is not None)
    claims = list(rows(conn, _CLAIMS, {"report_id": report_id})) if report_id else []
    complete = [c for c in claims if c["claimed"] is not None and c["archived"] is not None]
    for key in ("report_id", "report_document_id", "report_title", "report_published_at",
                "report_format", "proactive_total", "checks_passed", "checks_failed",
                "checks_undecided"):  # fmt: skip
        entry.setdefault(key, None)
    entry.update(
        deadline=deadline(year).isoformat(),
        deadline_status=status,
        days_late=late,
        claims=claims,
        claims_count=len(claims) if report_id else None,
        claimed_total=sum(c["claimed"] for c in complete) if report_id else None,
        archived_total=sum(c["archived"] for c in complete) if report_id else None,
        claims_matching=sum(c["claimed"] == c["archived"] for c in complete) if report_id else None,
    )
    for field in ("index_no", "agency", "published_at"):
        entry[f"missing_{field}_share"] = _share(entry[f"missing_{field}"], entry["documents"])
    return entry


def claims_text(claims: list[dict[str, Any]]) -> str:
    """``政策法规 34/6; 规划计划 14/0; …`` (claimed/archived) for one CSV cell."""
    return "; ".join(
        f"{c['category']} {_dash(c['claimed'])}/{_dash(c['archived'])}" for c in claims
    )


def _dash(value: Any) -> str:
    return "—" if value is None else str(value)


def flat_row(entry: dict[str, Any]) -> list[Any]:
    """One scorecard row as the values of COLUMNS (claims as text, the status in words)."""
    text = {"claims": claims_text(entry["claims"]),
            "deadline_status": STATUS_LABELS[entry["deadline_status"]]}  # fmt: skip
    return [text.get(key, entry.get(key)) for key, _ in COLUMNS]
