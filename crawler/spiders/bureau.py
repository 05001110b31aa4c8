"""The generic spider: one profile in, every list and document page of that site out.

Which links to follow is decided by the pure functions in ``crawler.platforms`` from the
profile's platform; this module only turns their answers into requests and every response
(or failure) into a :class:`~crawler.items.PageItem`, so nothing fetched goes unrecorded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler import platforms
from crawler.items import PageItem
from crawler.profile import Profile, find_profile
from pipeline.attachments import attachment_links, within_domains


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain_headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1"): ", ".join(v.decode("latin-1") for v in values)
        for key, values in response.headers.items()
    }


class BureauSpider(scrapy.Spider):
    """Crawl one bureau site described by a profile.

    Usage: ``scrapy crawl bureau -a profile=sample-suixi-jyj``
    """

    name = "bureau"

    def __init__(self, profile: str | Profile | None = None, **kwargs: Any) -> None:
        if profile is None:
            raise ValueError("the bureau spider needs -a profile=NAME")
        self.profile = profile if isinstance(profile, Profile) else find_profile(profile)
        super().__init__(**kwargs)
        self.profile_data = self.profile.as_dict()
        self.allowed_domains = list(self.profile.allowed_domains)

    async def start(self) -> AsyncIterator[Request]:
        for url in self.profile.start_urls:
            yield self._request(url, "list")

    def _request(self, url: str, kind: str, column: str | None = None) -> Request:
        meta: dict[str, Any] = {"kind": kind, "column": column}
        callback = self.parse_detail if kind == "detail" else self.parse_list
        return Request(url, callback=callback, errback=self.on_failure, meta=meta)

    def _item(self, response: Response, kind: str) -> PageItem:
        redirects = response.meta.get("redirect_urls") or []
        return PageItem(
            profile=self.profile.name,
            kind=kind,
            url=redirects[0] if redirects else response.url,
            final_url=response.url,
            status=response.status,
            headers=plain_headers(response),
            body=response.body,
            fetched_at=utc_now(),
            error=None if response.status < 400 else f"HTTP {response.status}",
            column=response.meta.get("column"),
            warc=response.meta.get("warc"),
        )

    def parse_list(self, response: Response) -> Iterator[PageItem | Request]:
        yield self._item(response, response.meta.get("kind", "list"))
        if response.status < 400 and isinstance(response, TextResponse):
            yield from self._follow(response)

    def _follow(self, response: TextResponse) -> Iterator[Request]:
        found = platforms.discover(
            response.text, response.url, self.profile_data, response.meta.get("column")
        )
        for url in found.list_urls:
            yield self._request(url, "list", found.column)
        for url in found.fragment_urls:
            yield self._request(url, "fragment", found.column)
        for url, column in found.detail_urls:
            yield self._request(url, "detail", column or found.column)

    def parse_detail(self, response: Response) -> Iterator[PageItem]:
        yield self._item(response, "detail")
        if response.status < 400 and isinstance(response, TextResponse):
            yield from self._attachments(response)

    def _attachments(self, response: TextResponse) -> Iterator[Request]:
        """Attachment links of a document page, inside allowed domains, size-limited."""
        for url in attachment_links(response.text, response.url):
            if within_domains(url, self.allowed_domains):
                meta = {"kind": "attachment", "column": response.meta.get("column"),
                        "download_maxsize": self.profile.attachment_max_bytes}  # fmt: skip
                yield Request(url, self.parse_attachment, errback=self.on_failure, meta=meta)

    def parse_attachment(self, response: Response) -> Iterator[PageItem]:
        yield self._item(response, "attachment")

    def on_failure(self, failure: Failure) -> Iterator[PageItem]:
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        if response is not None:
            yield self._item(response, request.meta.get("kind", "detail"))
            return
        # An attachment over its size limit (or unreachable) is recorded, not a site failure.
        attachment = request.meta.get("kind") == "attachment"
        self.crawler.stats.inc_value(
            "attachments/not_fetched" if attachment else "gongkai/fetch_failures"
        )
        yield PageItem(
            profile=self.profile.name,
            kind="failure",
            url=request.url,
            fetched_at=utc_now(),
            error=f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500],
            column=request.meta.get("column"),
        )
