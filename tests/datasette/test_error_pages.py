"""A 404 is a quiet Chinese-first page, never a traceback in the server's terminal (issue 15)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path", ["/nonexistent", "/gongkai/nosuchtable", "/gongkai/documents/99999999"]
)
def test_not_found_is_a_page_without_a_traceback(client, capfd, path) -> None:
    capfd.readouterr()
    response = client.get(path)
    assert response.status_code == 404
    assert "未找到 Not found" in response.text
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and out + err == ""


def test_not_found_json_keeps_datasettes_shape(client) -> None:
    response = client.get("/gongkai/nosuchtable.json")
    assert response.status_code == 404
    assert response.json()["ok"] is False and response.json()["status"] == 404
