"""/-/export.csv streams one query (issue 14): an abandoned download stops it, and a query that
fails before its first row answers an error instead of a 200 with a header row."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import pytest
from datasette.plugins import pm

from archive import export as ex
from archive.serve import build_datasette


@pytest.fixture
def plugin(search_archive):
    build_datasette(search_archive)  # loads the configuration directory's plugins
    return next(p for p in pm.get_plugins() if hasattr(p, "CsvExport"))


def run_export(plugin, archive, leave_after: int | None, **params) -> list[dict]:
    """Messages sent for an export whose client leaves after ``leave_after`` body chunks."""
    from datasette.utils.asgi import Request

    datasette = build_datasette(archive)
    request = Request.fake("/-/export.csv?" + urlencode(params))
    sent: list[dict] = []

    async def main():
        left = asyncio.Event()

        async def receive():
            await left.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)
            bodies = [m for m in sent if m["type"] == "http.response.body"]
            if leave_after is not None and len(bodies) >= leave_after:
                left.set()
            await asyncio.sleep(0)

        response = await plugin.export_csv(datasette, request, receive)
        await response.asgi_send(send)

    asyncio.run(main())
    return sent


def test_an_abandoned_download_stops_its_query(plugin, search_archive, monkeypatch):
    monkeypatch.setattr(plugin, "SEND_BYTES", 200)  # a chunk every few rows
    monkeypatch.setattr(plugin, "CHUNK", 3)
    whole = run_export(plugin, search_archive, None)
    bodies = [m for m in whole if m["type"] == "http.response.body"]
    assert len(bodies) > 10 and bodies[-1] == {"type": "http.response.body", "body": b"",
                                               "more_body": False}  # fmt: skip
    cut = run_export(plugin, search_archive, 2)
    cut_bodies = [m for m in cut if m["type"] == "http.response.body"]
    assert 2 <= len(cut_bodies) <= 3  # stopped at once, not run to the end
    assert all(m["more_body"] for m in cut_bodies)  # and never ended as if complete


def test_a_query_failing_before_the_first_row_is_an_error_not_a_200(
    plugin, search_archive, monkeypatch
):
    def broken(*args, **kwargs):
        raise ex.ExportError("database is locked")
        yield

    monkeypatch.setattr(ex, "export_rows", broken)
    sent = run_export(plugin, search_archive, None, q="教育")
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 500
    assert b"Export failed" in b"".join(m.get("body", b"") for m in sent)
