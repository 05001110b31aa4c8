"""The reconciliation view read from its covering index (m0010) gives the rows of m0003's
original view, which read every document of a site: same claims, same archived counts."""

from __future__ import annotations

import random

from archive.db import open_archive
from archive.migrations import m0003_reports

COLUMNS = "report_id, agency, year, position, category, label, claimed, archived, difference"


def test_indexed_view_equals_the_original_on_awkward_data(tmp_path):
    rng = random.Random(11)
    db = open_archive(tmp_path / "archive.db", create=True)
    conn = db.conn
    sites, agencies = ("s1", "s2"), ("甲局", "乙局", None)
    categories = ("政策法规", "财政资金", "人事信息", None)
    for i in range(1, 400):
        conn.execute(
            "INSERT INTO documents (id, url, canonical_url, site, agency, category, published_at,"
            " first_seen, last_seen, content_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, 't', 't', ?)",
            [i, f"http://a.test/{i}", f"http://a.test/{i}", rng.choice(sites),
             rng.choice(agencies), rng.choice(categories),
             rng.choice([f"{rng.choice((2020, 2021, 2022))}-0{rng.randint(1, 9)}-01", None]), str(i)],
        )  # fmt: skip
    for report in range(1, 13):  # a report with no agency, one with no claims, one about 2021
        doc = rng.randrange(1, 400)
        conn.execute(
            "INSERT INTO reports (id, document_id, site, agency, year, parsed_at)"
            " VALUES (?, ?, ?, ?, ?, 't')",
            [report, doc, rng.choice(sites), rng.choice(agencies), rng.choice((2020, 2021))],
        )
        for position, category in enumerate(rng.sample(categories[:3], rng.randint(0, 2))):
            conn.execute(
                "INSERT INTO report_claims (report_id, position, category, label, count)"
                " VALUES (?, ?, ?, ?, ?)",
                [report, position, category, category, rng.randint(0, 40)],
            )
    conn.execute(
        m0003_reports.RECONCILIATION_VIEW.replace(
            "CREATE VIEW report_reconciliation", "CREATE TEMP VIEW original"
        )
    )
    new = sorted(conn.execute(f"SELECT {COLUMNS} FROM report_reconciliation").fetchall(), key=repr)
    old = sorted(conn.execute(f"SELECT {COLUMNS} FROM original").fetchall(), key=repr)
    assert new == old
    assert any(row[6] is None for row in new) and any(row[7] for row in new)
    plan = " ".join(
        row[3] for row in conn.execute("EXPLAIN QUERY PLAN SELECT * FROM report_reconciliation")
    )
    assert "COVERING INDEX documents_bureau_year" in plan
