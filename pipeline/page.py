"""One fetched page through the pipeline, once: decode, verdict, extract, classify, row.

``read_page`` is everything gongkai computes about a capture before it is archived: what the
fetch says about its URL (the observation that drives removal detection), and, for a document
page, the ``documents`` row. Pure: a capture dict and a profile dict in, a PageReading out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.attachments import HTML, OCTET, sniff
from pipeline.encoding import Decoded, content_type, decode_html, header_charset
from pipeline.extract import ExtractionError, extract
from pipeline.record import document_row
from pipeline.soft404 import (
    BLOCKED,
    ERROR,
    NEEDS_BROWSER,
    OK,
    Verdict,
    challenge_of,
    failure_verdict,
    observe,
    page_verdict,
)  # fmt: skip
from pipeline.taxonomy import Taxonomy
from pipeline.urls import canonical_url


@dataclass
class PageReading:
    """What the pipeline read from one capture; ``stat`` names it for the crawl's stats."""

    observation: Verdict
    row: dict[str, Any] | None = None
    error: str | None = None
    declared_encoding: str | None = None
    used_encoding: str | None = None
    stat: str | None = None

    def as_observation(self) -> dict[str, str | None]:
        return {"outcome": self.observation.outcome, "reason": self.observation.reason}


def is_html(headers: Mapping[str, str] | None) -> bool:
    declared = content_type(dict(headers or {}))
    return declared is None or "html" in declared.lower() or "xml" in declared.lower()


def _decode(capture: Mapping[str, Any], profile: Mapping[str, Any]) -> Decoded:
    return decode_html(
        capture["body"], header_charset(capture.get("headers")), profile.get("encoding")
    )


def list_verdict(status: int | None, error: str | None) -> Verdict:
    """A list page, fragment or failure: its status, or the error of an unreadable answer."""
    verdict = failure_verdict(status, error)
    if verdict.outcome == OK and error:  # e.g. a JSON list API that answered an HTML page
        return Verdict(ERROR, error[:200])
    return verdict


def read_page(
    capture: Mapping[str, Any], profile: Mapping[str, Any], taxonomy: Taxonomy | None = None
) -> PageReading:
    """Read one capture (a PageItem as a dict) under its profile (``Profile.as_dict()``)."""
    reading = _read(capture, profile, taxonomy)
    return _with_render_note(reading, capture.get("render_note"))


def _read(
    capture: Mapping[str, Any], profile: Mapping[str, Any], taxonomy: Taxonomy | None
) -> PageReading:
    kind = capture.get("kind") or "detail"
    status, error, body = capture.get("status"), capture.get("error"), capture.get("body")
    headers = capture.get("headers") or {}
    if kind != "detail":
        return PageReading(_listing_verdict(capture, profile))
    if error or not body:
        # No document here; the body may still name a challenge (a 521 from 加速乐, say).
        decoded = _decode(capture, profile) if body else None
        text = decoded.text if decoded else None
        if not body and not error and status is not None and status < 300 and status != 204:
            return PageReading(Verdict(ERROR, f"empty body (HTTP {status})"), stat="failed")
        verdict = observe(
            status, error, text, capture["url"], capture.get("final_url"), headers=headers
        )
        return _without_document(verdict, error, decoded)
    if not is_html(headers):
        reason = "not an HTML page: " + (content_type(headers) or "?")
        return PageReading(Verdict(ERROR, reason), error=reason, stat="not_html")
    binary = binary_type(body)
    if binary:
        reason = f"binary content ({binary}) served as {content_type(headers) or 'HTML'}"
        return PageReading(Verdict(ERROR, reason), error=reason, stat="not_html")
    decoded = _decode(capture, profile)
    url = capture.get("final_url") or capture["url"]
    # A soft-404 or challenge page must not become (or overwrite) a document.
    verdict = page_verdict(decoded.text, capture["url"], capture.get("final_url"), status, headers)
    if verdict.outcome != OK:
        return _without_document(verdict, verdict.reason, decoded, stat=verdict.outcome)
    try:
        document = extract(decoded.text, url, profile.get("selectors"))
    except ExtractionError as exc:
        reason = f"extraction failed: {exc}"
        return _without_document(Verdict(ERROR, reason[:200]), reason, decoded, stat="failed")
    if not document.get("column") and capture.get("column"):
        document["column"] = capture["column"]
        document.setdefault("sources", {})["column"] = "list page"
    document["site"] = profile["name"]
    document["canonical_url"] = canonical_url(url, profile.get("ignored_params", ()))
    row = document_row(
        document, profile["name"], profile.get("agency"), profile.get("columns"), taxonomy
    )
    return PageReading(
        Verdict(OK), row, None, decoded.declared, decoded.used, stat="documents"
    )  # fmt: skip


def binary_type(body: bytes) -> str | None:
    """What a body served as HTML really is when it is binary (an image, a PDF, a ZIP…)."""
    media = sniff(body[:4096])
    if media and media not in (HTML, OCTET):  # a magic number: PNG, PDF, ZIP, OLE2…
        return media
    head = body[:1024]
    if head.count(b"\x00") > len(head) // 10:  # UTF-16 text has NULs too, but starts with a BOM
        return "binary data" if not head.startswith((b"\xff\xfe", b"\xfe\xff")) else None
    return None


def _listing_verdict(capture: Mapping[str, Any], profile: Mapping[str, Any]) -> Verdict:
    """List pages and attachments: their status or the error of an unreadable answer, and for
    a list page a challenge it shows."""
    verdict = list_verdict(capture.get("status"), capture.get("error"))
    body = capture.get("body")
    if capture.get("kind") in ("list", "fragment") and body and is_html(capture.get("headers")):
        status = capture.get("status")
        found = challenge_of(status, capture.get("headers"), _decode(capture, profile).text)
        if found and verdict.outcome != "missing":
            prefix = f"HTTP {status}: " if status and status != 200 else ""
            return Verdict(BLOCKED, prefix + found.name)
    return verdict


def _with_render_note(reading: PageReading, note: str | None) -> PageReading:
    """A challenge left standing says why: no browser installed, or the browser failed too."""
    if note and reading.observation.outcome == BLOCKED:
        reason = note if note == NEEDS_BROWSER else f"{reading.observation.reason}; {note}"
        reading.observation = Verdict(BLOCKED, reason[:300])
    return reading


def _without_document(
    verdict: Verdict, error: str | None, decoded: Decoded | None, stat: str | None = None
) -> PageReading:
    declared, used = (decoded.declared, decoded.used) if decoded else (None, None)
    return PageReading(verdict, None, error, declared, used, stat)


def observation_of(capture: Mapping[str, Any], has_document: bool) -> dict[str, str | None]:
    """The observation of a capture written without ``read_page`` (tools, tests, replays)."""
    if (capture.get("kind") or "detail") != "detail":
        verdict = list_verdict(capture.get("status"), capture.get("error"))
    else:
        body = capture.get("body")
        text = _decode(capture, {}).text if body and not has_document else None
        verdict = observe(
            capture.get("status"), capture.get("error"), text, capture["url"],
            capture.get("final_url"), has_document,
        )  # fmt: skip
    return {"outcome": verdict.outcome, "reason": verdict.reason}
