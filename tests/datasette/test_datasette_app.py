"""Datasette configuration: database name, read-only, escaping, settings, metadata."""

import sqlite3

import pytest

XSS = "<script>alert('gongkai')</script>"  # as written by conftest.write_archive


def count_crawls(archive_path) -> int:
    with sqlite3.connect(archive_path) as conn:
        return conn.execute("select count(*) from crawls").fetchone()[0]


def test_database_is_named_gongkai_whatever_the_file(client, archive_path):
    assert archive_path.name == "some-crawl.db"
    assert list(client.get("/.json").json()) == ["gongkai"]


@pytest.mark.parametrize(
    "sql",
    [
        "insert into crawls (profile, started_at) values ('x', 'y')",
        "update documents set title = 'x'",
        "delete from documents",
        "drop table documents",
    ],
    ids=["insert", "update", "delete", "drop"],
)
def test_sql_api_refuses_writes(client, archive_path, sql):
    before = count_crawls(archive_path)
    response = client.get("/gongkai.json", params={"sql": sql})
    assert response.status_code == 400
    assert count_crawls(archive_path) == before
    assert client.get("/gongkai/documents.json?_size=0").json()["filtered_table_rows_count"] == 600


def test_connection_itself_is_read_only(client):
    database = client.datasette.get_database("gongkai")

    def write(conn):
        conn.execute("insert into crawls (profile, started_at) values ('x', 'y')")

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        client.loop.run_until_complete(database.execute_fn(write))


def test_no_write_connection_is_ever_opened(client, archive_path):
    """Served mutable (a crawl may be writing), so Datasette's write path must be shut too."""
    database = client.datasette.get_database("gongkai")
    before = count_crawls(archive_path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        client.loop.run_until_complete(
            database.execute_write("insert into crawls (profile, started_at) values ('x', 'y')")
        )
    assert count_crawls(archive_path) == before


def test_row_page_shows_body_as_escaped_paragraphs(client):
    html = client.get("/gongkai/documents/600").text
    assert "<script>alert(" not in html
    assert "<p>第一段&lt;script&gt;alert(&#39;gongkai&#39;)&lt;/script&gt;</p>" in html
    assert "<p>第二段&lt;b&gt;粗体&lt;/b&gt;</p>" in html
    assert "<h1>标题&lt;script&gt;" in html
    assert 'href="http://www.sxx.sample.test/zwgk/public/600.html"' in html


def test_table_page_escapes_archived_fields(client):
    response = client.get("/gongkai/documents", params={"_search": "第二段"})
    assert response.status_code == 200
    assert "标题&lt;script&gt;alert(&#39;gongkai&#39;)&lt;/script&gt;" in response.text
    assert XSS not in response.text
    assert "<b>粗体" not in response.text


def test_documents_default_to_newest_first(client):
    rows = client.get("/gongkai/documents.json?_shape=objects&_col=published_at").json()["rows"]
    dates = [row["published_at"] for row in rows]
    assert dates == sorted(dates, reverse=True)


def test_facet_suggestions_are_off(client):
    data = client.get("/gongkai/documents.json").json()
    assert data["suggested_facets"] == []
    settings = client.get("/-/settings.json").json()
    assert settings["suggest_facets"] is False
    assert settings["allow_download"] is False
    assert settings["sql_time_limit_ms"] > 0


def test_metadata_is_bilingual(client):
    assert "<h1>公开 gongkai</h1>" in client.get("/").text
    html = client.get("/gongkai/documents").text
    assert "One row per canonical URL" in html or "one row per canonical URL" in html
    assert 'data-column-description="发布机构 Publishing agency' in html


def test_search_table_is_hidden(client):
    tables = {t["name"]: t["hidden"] for t in client.get("/gongkai.json").json()["tables"]}
    assert tables["documents"] is False
    assert tables["documents_fts"] is True


def test_pages_left_in_the_wal_by_a_killed_crawl_are_served(tmp_path, client_for):
    """The server reads the WAL as it is, without a checkpoint (it never writes)."""
    import subprocess
    import sys

    path = tmp_path / "killed.db"
    script = (
        "import os, sys\n"
        "from archive.store import ArchiveWriter\n"
        "from pipeline.record import document_row\n"
        "w = ArchiveWriter(sys.argv[1])\n"
        "c = w.start_crawl('sample-test')\n"
        "w.add_page({'crawl_id': c, 'profile': 'sample-test', 'url': 'http://a.test/1'},"
        " document_row({'url': 'http://a.test/1', 'title': '政务公开目录', 'body': '正文'}, 't'))\n"
        "w.flush()\n"
        "os._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=False)
    wal = tmp_path / "killed.db-wal"
    assert wal.stat().st_size > 0
    data = client_for(path).get("/gongkai/documents.json?_search=政务公开&_shape=array").json()
    assert [row["title"] for row in data] == ["政务公开目录"]
    assert wal.stat().st_size > 0  # read where it lies, not folded into the main file


def test_plugin_replaces_datasettes_escape_fts(client):
    rows = client.get(
        "/gongkai.json", params={"sql": "select escape_fts('政务公开') as q", "_shape": "array"}
    ).json()
    assert rows == [{"q": '"政务 务公 公开"'}]


def test_database_file_cannot_be_downloaded(client):
    assert client.get("/gongkai.db").status_code == 403
