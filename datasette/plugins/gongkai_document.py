"""The document page's extra sections, and archived HTML served only as a sandboxed copy.

The row page of ``documents`` (templates/row-gongkai-documents.html) gets the document's
attachments, captures, versions with a paragraph diff, sightings, and citations: what it
cites by 文号 (linked when the archive holds it, as text when not) and what cites it. Archived
HTML is never rendered inside the archive's pages; ``/-/capture/<id>`` serves a capture's bytes
as received (read from its WARC record when the archive keeps page bodies only there),
with a Content-Security-Policy that sandboxes it (no scripts, no forms, a unique origin) and
forbids every load except inline styles and our own/data images.
"""

from __future__ import annotations

import difflib

from datasette import hookimpl
from datasette.utils.asgi import Response

from archive.read import capture_body
from archive.serve import DATABASE_NAME
from archive.warc_read import RecordError

ARCHIVED_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
HTML_KINDS = ("detail", "list")


def paragraph_diff(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """(op, paragraph) with op ' ' kept, '-' removed, '+' added; unchanged runs shortened."""
    before = [p.strip() for p in (old or "").split("\n") if p.strip()]
    after = [p.strip() for p in (new or "").split("\n") if p.strip()]
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after).get_opcodes():
        if tag == "equal":
            kept = before[i1:i2]
            out += [(" ", p) for p in kept] if len(kept) <= 2 else [
                (" ", kept[0]), (" ", f"…（{len(kept) - 2} 段未变 unchanged paragraphs）…"),
                (" ", kept[-1])]  # fmt: skip
            continue
        out += [("-", p) for p in before[i1:i2]] + [("+", p) for p in after[j1:j2]]
    return out


async def document_extras(datasette, document_id: int) -> dict:
    db = datasette.get_database(DATABASE_NAME)
    tables = set(await db.table_names()) | set(await db.view_names())
    params = {"id": document_id}
    attachments_sql = (
        "SELECT url, name, ext, http_status, text_status, text_chars, media_type"
        " FROM attachment_status WHERE document_id = :id ORDER BY id"
        if "attachment_status" in tables
        else "SELECT url, name, ext FROM attachments WHERE document_id = :id ORDER BY id"
    )
    extras = {
        "attachments": [dict(r) for r in await db.execute(attachments_sql, params)],
        "captures": [dict(r) for r in await db.execute(
            "SELECT id, fetched_at, status, kind, error, size,"
            " body IS NOT NULL OR (size > 0 AND warc_file IS NOT NULL) AS has_body"
            " FROM captures WHERE document_id = :id ORDER BY fetched_at DESC, id DESC", params)],
        "versions": [],
        "sightings": [],
    }  # fmt: skip
    if "document_versions" in tables:
        versions = [dict(r) for r in await db.execute(
            "SELECT v.version, v.title, coalesce(v.body, d.body) AS body, v.published_at,"
            " v.first_seen, v.last_seen, v.capture_id FROM document_versions v"
            " JOIN documents d ON d.id = v.document_id"
            " WHERE v.document_id = :id ORDER BY v.version", params)]  # fmt: skip
        for older, newer in zip(versions, versions[1:], strict=False):
            newer["diff"] = paragraph_diff(older["body"], newer["body"])
            newer["title_changed"] = older["title"] != newer["title"]
        extras["versions"] = versions
    if "sightings" in tables:
        extras["sightings"] = [dict(r) for r in await db.execute(
            "SELECT url, column_name, first_seen, last_seen, times_seen FROM sightings"
            " WHERE document_id = :id ORDER BY first_seen", params)]  # fmt: skip
    if "citations" in tables:
        extras.update(await citation_extras(db, params))
    return extras


async def citation_extras(db, params: dict) -> dict:
    """What the document cites (resolved or as text) and which documents cite it."""
    cites = await db.execute(
        "SELECT c.doc_no, c.title, c.raw, c.cited_id, d.title AS cited_title,"
        " d.agency AS cited_agency, d.published_at AS cited_published_at"
        " FROM citations c LEFT JOIN documents d ON d.id = c.cited_id"
        " WHERE c.document_id = :id ORDER BY c.position, c.cited_id",
        params,
    )
    cited_by = await db.execute(
        "SELECT DISTINCT d.id, d.title, d.agency, d.published_at, d.doc_no"
        " FROM citations c JOIN documents d ON d.id = c.document_id"
        " WHERE c.cited_id = :id ORDER BY d.published_at DESC, d.id DESC",
        params,
    )
    return {"cites": [dict(r) for r in cites], "cited_by": [dict(r) for r in cited_by]}


@hookimpl
def extra_template_vars(view_name, table, request, datasette):
    if view_name != "row" or table != "documents" or request is None:
        return {}

    async def inner():
        try:
            document_id = int(request.url_vars.get("pks", ""))
        except ValueError:
            return {}
        return {"gongkai": await document_extras(datasette, document_id)}

    return inner


def archived_page(conn, capture_id: int) -> tuple[bytes, str] | None:
    """(body, charset) of an HTML page capture, from SQLite or its WARC record; else None."""
    row = conn.execute(
        "SELECT body, size, warc_file, warc_offset, warc_length, used_encoding,"
        " declared_encoding, kind FROM captures WHERE id = ?",
        [capture_id],
    ).fetchone()
    if row is None or row[7] not in HTML_KINDS:
        return None
    try:
        body = capture_body(conn, row[0], row[1], row[2:5])
    except (RecordError, OSError):
        return None
    return (body, row[5] or row[6] or "utf-8") if body is not None else None


async def archived_copy(datasette, request):
    """A capture's HTML as received, sandboxed; 404 for anything but an HTML page capture."""
    db = datasette.get_database(DATABASE_NAME)
    capture_id = int(request.url_vars["capture_id"])
    found = await db.execute_fn(lambda conn: archived_page(conn, capture_id))
    if found is None:
        return Response.text("没有可显示的存档网页 No archived page here.", status=404)
    body, charset = found
    return Response(
        body,
        content_type=f"text/html; charset={charset}",
        headers={
            "Content-Security-Policy": ARCHIVED_CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "private, max-age=3600",
        },
    )


@hookimpl
def register_routes():
    return [(r"^/-/capture/(?P<capture_id>\d+)$", archived_copy)]
