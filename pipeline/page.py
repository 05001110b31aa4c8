"""One fetched page through the pipeline, once: decode, verdict, extract, classify, row.

``read_page`` is everything gongkai computes about a capture before it is archived: what the
fetch says about its URL (the observation that drives removal detection), and, for a document
page, the ``documents`` row. Pure: a capture dict and a profile dict in, a PageReading out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.encoding import Decoded, content_type, decode_html, header_charset
from pipeline.extract import ExtractionError, extract
from pipeline.record import document_row
from pipeline.soft404 import ERROR, OK, Verdict, failure_verdict, observe, page_verdict
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
    kind = capture.get("kind") or "detail"
    status, error, body = capture.get("status"), capture.get("error"), capture.get("body")
    if kind != "detail":
        return PageReading(list_verdict(status, error))
    if error or not body:
        # No document here; the body may still name a challenge (a 521 from 加速乐, say).
        decoded = _decode(capture, profile) if body else None
        text = decoded.text if decoded else None
        verdict = observe(status, error, text, capture["url"], capture.get("final_url"))
        return _without_document(verdict, error, decoded)
    if not is_html(capture.get("headers")):
        reason = "not an HTML page: " + (content_type(capture.get("headers")) or "?")
        return PageReading(Verdict(ERROR, reason), error=reason, stat="not_html")
    decoded = _decode(capture, profile)
    url = capture.get("final_url") or capture["url"]
    # A soft-404 or challenge page must not become (or overwrite) a document.
    verdict = page_verdict(decoded.text, capture["url"], capture.get("final_url"))
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
