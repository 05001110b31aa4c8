"""CSV for Excel/WPS: `gongkai export` and the /-/export.csv link give UTF-8 with BOM, all rows."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from crawler.cli.export import export

BOM = b"\xef\xbb\xbf"


def run(*args):
    return CliRunner().invoke(export, [str(a) for a in args])


def rows_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def sql_count(path, sql, *params) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchone()[0]


def test_cli_csv_has_bom_and_round_trips_chinese(search_archive, tmp_path):
    out = tmp_path / "all.csv"
    result = run("--db", search_archive, "--out", out)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(BOM)
    rows = rows_of(data)
    assert len(rows) == sql_count(search_archive, "select count(*) from documents") == 63
    titles = {row["title"] for row in rows}
    assert "关于做好2021年义务教育招生工作的通知" in titles
    assert "关于网站发现<script>alert(1)</script>问题的通报" in titles
    assert "exported 63 documents" in result.output


def test_cli_filters_count_equals_the_querys_count(search_archive, tmp_path):
    out = tmp_path / "edu-2021.csv"
    result = run("--db", search_archive, "--agency", "濉溪县教育局", "--since", "2021-01-01",
                 "--until", "2021-12-31", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = sql_count(
        search_archive,
        "select count(*) from documents where agency = ? and published_at between ? and ?",
        "濉溪县教育局", "2021-01-01", "2021-12-31 99",
    )  # fmt: skip
    rows = rows_of(out.read_bytes())
    assert len(rows) == expected == 32
    assert {row["agency"] for row in rows} == {"濉溪县教育局"}


def test_cli_category_filter(search_archive, tmp_path):
    out = tmp_path / "c.csv"
    assert run("--db", search_archive, "--category", "财政资金", "--out", out).exit_code == 0
    assert len(rows_of(out.read_bytes())) == 22


def test_cli_no_bom(search_archive, tmp_path):
    out = tmp_path / "nobom.csv"
    assert run("--db", search_archive, "--no-bom", "--out", out).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"id,agency,title")


def test_cli_jsonl(search_archive, tmp_path):
    out = tmp_path / "all.jsonl"
    assert run("--db", search_archive, "--format", "jsonl", "--out", out).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 63
    assert "关于做好2021年义务教育招生工作的通知" in {json.loads(line)["title"] for line in lines}


def test_cli_xlsx(search_archive, tmp_path):
    out = tmp_path / "all.xlsx"
    assert run("--db", search_archive, "--format", "xlsx", "--out", out).exit_code == 0
    sheet = load_workbook(out, read_only=True).active
    values = list(sheet.values)
    assert values[0][:3] == ("id", "agency", "title")
    assert len(values) == 64
    assert any(row[2] == "长文" for row in values[1:])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "不存在的局"], "unknown agency '不存在的局'"),
        (["--category", "不存在的类"], "unknown category '不存在的类'"),
        (["--since", "2021-02-30"], "--since must be a date"),
        (["--until", "yesterday"], "--until must be a date"),
        (["--since", "2022-01-01", "--until", "2021-01-01"], "is after --until"),
    ],
    ids=["agency", "category", "since", "until", "reversed"],
)
def test_cli_bad_input_is_one_line_exit_2(search_archive, args, message):
    result = run("--db", search_archive, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_cli_missing_database(tmp_path):
    result = run("--db", tmp_path / "none.db")
    assert result.exit_code == 2 and "does not exist" in result.output


def search_count(client, **params) -> int:
    html = client.get("/-/search", params=params).text
    return int(re.search(r"共 <strong>([\d,]+)</strong>", html).group(1).replace(",", ""))


@pytest.mark.parametrize(
    "params",
    [{"q": "教育"}, {"q": "教育", "year": "2022"}, {"q": "教育", "source": "attachment"},
     {"q": "义务教育 招生", "agency": "濉溪县教育局"}],
    ids=["q", "q+year", "q+source", "multi-term+agency"],
)  # fmt: skip
def test_export_link_rows_equal_the_search_count(search_client, params):
    response = search_client.get("/-/export.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(BOM)
    rows = rows_of(response.content)
    assert len(rows) == search_count(search_client, **params)
    assert all(row["source"] in {"document", "report", "attachment"} for row in rows)


def test_export_link_streams_past_one_chunk(search_client, monkeypatch):
    """Documents read in chunks: none dropped or repeated between them."""
    from datasette.plugins import pm

    plugin = next(p for p in pm.get_plugins() if getattr(p, "CHUNK", None))
    monkeypatch.setattr(plugin, "CHUNK", 7)
    rows = rows_of(search_client.get("/-/export.csv", params={"q": "教育"}).content)
    assert len(rows) == 49 and len({(r["id"], r["source"]) for r in rows}) == 49
    docs = rows_of(search_client.get("/-/export.csv").content)
    assert len(docs) == 63 and len({r["id"] for r in docs}) == 63


def test_export_link_without_query_matches_the_cli(search_client, search_archive, tmp_path):
    out = tmp_path / "cli.csv"
    run("--db", search_archive, "--agency", "濉溪县教育局", "--since", "2021-01-01",
        "--until", "2021-12-31", "--out", out)  # fmt: skip
    web = search_client.get("/-/export.csv", params={"agency": "濉溪县教育局", "year": "2021"})
    assert web.content == out.read_bytes()


def test_export_link_bad_filter_is_400(search_client):
    response = search_client.get("/-/export.csv", params={"agency": "不存在的局"})
    assert response.status_code == 400
    assert "unknown agency" in response.text


def test_export_link_without_bom(search_client):
    response = search_client.get("/-/export.csv", params={"q": "教育", "bom": "0"})
    assert response.content.startswith(b"id,agency")


def test_documents_table_page_links_to_the_same_export(search_client):
    html = search_client.get(
        "/gongkai/documents", params={"agency": "濉溪县教育局", "published_year": "2021",
                                      "title__contains": "简报"}
    ).text  # fmt: skip
    link = re.search(r'class="gongkai-export" href="([^"]+)"', html).group(1)
    assert (
        link
        == "/-/export.csv?agency=%E6%BF%89%E6%BA%AA%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80&amp;year=2021"
    )
    assert "export ignores: title__contains" in html
    rows = rows_of(search_client.get(link.replace("&amp;", "&")).content)
    assert len(rows) == 32
