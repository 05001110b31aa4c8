"""What the spider hands to the pipeline: one item per HTTP response or failed fetch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageItem:
    """One capture: every response (or failure) the crawl saw, kept as evidence.

    ``kind`` is ``list`` (a column/list page), ``fragment`` (an AJAX list fragment),
    ``detail`` (a document page) or ``failure`` (no response: DNS, refused, timeout).
    The pipeline stages fill ``observation`` (what the fetch says about the URL),
    ``document`` (the documents row of a document page) or ``error``.
    """

    profile: str
    kind: str
    url: str
    fetched_at: str
    final_url: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    error: str | None = None
    column: str | None = None
    declared_encoding: str | None = None
    used_encoding: str | None = None
    # {outcome, reason}: ok | not_modified | missing | blocked | unreachable | error
    # (pipeline.soft404), set by pipeline.stages.ExtractStage for every item.
    observation: dict[str, Any] | None = None
    document: dict[str, Any] | None = None
    # WARC pointer of the response record ({file, offset, length, record_id, ...}), set by
    # crawler.warc.WarcCaptureMiddleware; None for failures or when WARC writing is off.
    warc: dict[str, Any] | None = None
    # For kind "attachment": what pipeline.attachments read from the bytes (sniffed type,
    # extractor, status, text, error), set by pipeline.stages.AttachmentStage.
    attachment: dict[str, Any] | None = None
    # "browser" when Chromium fetched it (crawler.render), None for a plain HTTP fetch.
    fetched_via: str | None = None
    # Why a challenge still stands, from crawler.render: "needs a browser: install chromium",
    # or "not passed in the browser: …"; pipeline.page puts it in the observation's reason.
    render_note: str | None = None
    # True for a challenge whose URL was fetched again (in the browser, or plainly with the
    # cookie it earned): a later capture answers for it, so it is not counted a fetch error.
    followed_up: bool = False
