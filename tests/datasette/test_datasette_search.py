"""The stock ?_search= box on documents finds exactly the rows a substring scan finds."""

import sqlite3

import pytest


def scan(archive_path, query: str) -> list[int]:
    terms = query.split()
    where = " and ".join("(instr(title, ?) > 0 or instr(body, ?) > 0)" for _ in terms)
    params = [t for term in terms for t in (term, term)]
    with sqlite3.connect(archive_path) as conn:
        return [
            r[0]
            for r in conn.execute(f"select id from documents where {where} order by id", params)
        ]


def search(client, query: str) -> list[int]:
    response = client.get(
        "/gongkai/documents.json",
        params={"_search": query, "_shape": "objects", "_size": "max", "_col": "id"},
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["next"] is None, "more than one page: raise the page size or paginate"
    return sorted(row["id"] for row in data["rows"])


@pytest.mark.parametrize(
    "query", ["教育", "政务公开", "教育 招生", "社会保障", "评审", "局", "育招", "2021年"], ids=str
)
def test_search_box_matches_substring_scan(client, archive_path, query):
    expected = scan(archive_path, query)
    assert expected, "the fixture archive should contain " + query
    assert search(client, query) == expected


def test_two_terms_need_both(client, archive_path):
    both = set(search(client, "教育 招生"))
    assert both == set(scan(archive_path, "教育")) & set(scan(archive_path, "招生"))
    assert both < set(search(client, "教育"))


@pytest.mark.parametrize("query", ["！？", '"', "AND (", "教育" * 150, "不存在的词"], ids=str)
def test_odd_queries_give_rows_or_none_never_an_error(client, archive_path, query):
    assert search(client, query) == (scan(archive_path, query) if query.strip('！？"AND (') else [])


def test_search_page_renders_chinese_query(client):
    response = client.get("/gongkai/documents", params={"_search": "政务公开"})
    assert response.status_code == 200
    assert 'value="政务公开"' in response.text
    assert "search matches" in response.text


def test_column_search_uses_bigrams_too(client, archive_path):
    response = client.get(
        "/gongkai/documents.json",
        params={"_search_title": "政务公开", "_shape": "objects", "_size": "max", "_col": "id"},
    )
    with sqlite3.connect(archive_path) as conn:
        expected = [
            r[0]
            for r in conn.execute(
                "select id from documents where instr(title, '政务公开') order by id"
            )
        ]
    assert expected
    assert sorted(row["id"] for row in response.json()["rows"]) == expected
