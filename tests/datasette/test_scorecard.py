"""The scorecard page `/-/scorecard` on the demo archive (issue 15, item 6): every column of
濉溪县教育局 2021 filled, sortable, each figure linking to the rows behind it, CSV with BOM."""

from __future__ import annotations

import html
import re

import pytest

from archive.db import connect_readonly
from archive.scorecard import COLUMNS, deadline_status, scorecard


@pytest.fixture(scope="module")
def client(demo_archive, client_for):
    return client_for(demo_archive)


@pytest.fixture(scope="module")
def rows(demo_archive) -> dict[str, dict]:
    conn = connect_readonly(demo_archive)
    try:
        return {r["agency"]: r for r in scorecard(conn, 2021)}
    finally:
        conn.close()


def test_the_demo_fills_every_column_for_the_seed_bureau(rows) -> None:
    seed = rows["濉溪县教育局"]
    empty = [key for key, _ in COLUMNS if seed.get(key) in (None, "")]
    assert empty == []
    assert (seed["deadline_status"], seed["days_late"]) == ("late", 22)
    assert (seed["removed"], seed["changed"]) == (1, 1)  # demo history: one deleted, one edited
    assert seed["claims_count"] == 25 and seed["claimed_total"] == 1520


@pytest.mark.parametrize(
    "published, status",
    [("2022-01-31 18:00", ("on time", 0)), ("2022-02-01", ("late", 1)), ("2021-12-30", ("on time", 0)),
     (None, ("date unknown", None)), ("2022年1月", ("date unknown", None))],
)  # fmt: skip
def test_deadline_is_31_january_of_the_next_year(published, status) -> None:
    assert deadline_status(2021, published, has_report=True) == status
    assert deadline_status(2021, published, has_report=False) == ("no report", None)


def seed_row(page: str) -> str:
    rows = re.findall(r"<tr class=\"deadline-[^\"]+\">.*?</tr>", page, re.S)
    return next(r for r in rows if "濉溪县教育局</a>" in r)


def links(fragment: str) -> list[str]:
    return [html.unescape(u) for u in re.findall(r'href="([^"]+)"', fragment)]


def test_page_shows_the_seed_row_late_with_links(client) -> None:
    page = client.get("/-/scorecard?year=2021")
    assert page.status_code == 200
    row = seed_row(page.text)
    assert "濉溪县教育局2021年政务公开工作总结" in row and "逾期 late" in row and "22 天" in row
    assert len(links(row)) >= 12


@pytest.mark.parametrize(
    "pick, expected_rows",
    [(lambda u: "scorecard_documents" in u and u.endswith("field="), 23),
     (lambda u: "report_reconciliation" in u, 25),
     (lambda u: u.endswith("&ok=1"), 1),
     (lambda u: "type=removed" in u, 1),
     (lambda u: "type=changed" in u, 1),
     (lambda u: u.endswith("field=index_no"), 0)],
    ids=["documents", "claims", "checks-passed", "removed", "changed", "missing-index-no"],
)  # fmt: skip
def test_each_figure_links_to_the_rows_behind_it(client, pick, expected_rows) -> None:
    url = next(u for u in links(seed_row(client.get("/-/scorecard?year=2021").text)) if pick(u))
    path, _, query = url.partition("?")
    data = client.get(f"{path}.json?{query}&_shape=array&_size=max")
    assert data.status_code == 200, url
    assert len(data.json()) == expected_rows


def test_sorting_by_a_column_and_its_direction(client) -> None:
    def order(query: str) -> list[str]:
        page = client.get(f"/-/scorecard?year=2021&{query}").text
        return re.findall(r'<td class="agency"><a [^>]*>([^<]+)</a>', page)

    by_documents = order("sort=documents&desc=1")
    assert by_documents[0] == "濉溪县教育局"  # 23 documents, the most in 2021
    assert order("sort=documents&desc=0") == by_documents[::-1]
    assert order("sort=days_late&desc=1")[0] == "濉溪县教育局"  # the only late one
    assert order("sort=no_such_column")  # unknown keys fall back to the agency


def test_csv_has_the_bom_and_every_bureau(client, demo_archive) -> None:
    response = client.get("/-/scorecard.csv?year=2021")
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    conn = connect_readonly(demo_archive)
    try:
        bureaus = {a for (a,) in conn.execute(
            "select distinct agency from documents where substr(published_at, 1, 4) = '2021'"
        )}  # fmt: skip
    finally:
        conn.close()
    assert lines[0].startswith("机构 agency,")
    assert {line.split(",", 1)[0] for line in lines[1:]} == bureaus
    assert not client.get("/-/scorecard.csv?year=2021&bom=0").content.startswith(b"\xef\xbb\xbf")


def test_scorecard_is_in_the_menu_and_survives_a_bad_year(client) -> None:
    assert "/-/scorecard" in client.get("/").text
    assert client.get("/-/scorecard?year=abc").status_code == 200  # the default year


def test_the_demo_history_leaves_events_and_citations_to_look_at(demo_archive) -> None:
    conn = connect_readonly(demo_archive)
    try:
        events = dict(conn.execute("select type, count(*) from events group by type").fetchall())
        cited = conn.execute(
            "select d.doc_no, count(distinct c.document_id) from citations c"
            " join documents d on d.id = c.cited_id group by d.id order by 2 desc, 1"
        ).fetchall()
        unresolved = [
            r[0] for r in conn.execute("select doc_no from citations where cited_id is null")
        ]
    finally:
        conn.close()
    assert events["changed"] == 1 and events["removed"] == 1
    assert cited[0] == ("濉教〔2021〕10号", 2)
    assert unresolved == ["皖政〔2021〕5号"]
