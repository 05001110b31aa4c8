"""The generic spider: one profile in, every list and document page of that site out.

Which links to follow is decided by the pure functions in ``crawler.platforms`` from the
profile's platform; this module only turns their answers into requests and every response
(or failure) into a :class:`~crawler.items.PageItem`, so nothing fetched goes unrecorded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, DownloadCancelledError
from scrapy.http import FormRequest, Request, Response, TextResponse
from twisted.python.failure import Failure

from archive.timestamps import utc_now
from crawler import platforms
from crawler.items import PageItem
from crawler.profile import Profile, find_profile
from crawler.render import FOLLOWED_UP, STATE, RenderPolicy
from crawler.revisit import RevisitPlan, parse_policy
from pipeline.attachments import attachment_links
from pipeline.urls import within_domains


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
        # Which known pages to revisit and how (crawler.revisit); loaded from the archive.
        self.revisit = RevisitPlan(parse_policy(self.profile.raw.get("revisit")))
        self._revisited_unlisted = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BureauSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        settings = crawler.settings
        spider.render = RenderPolicy(
            mode=spider.profile.render,
            available=settings.getbool("RENDER_ENABLED") and bool(settings.get("RENDER_CHROMIUM")),
            allowed_domains=spider.allowed_domains,
            timeout=spider.profile.timeout or settings.getfloat("RENDER_TIMEOUT"),
            max_challenges=settings.getint("RENDER_MAX_CHALLENGES"),
            crawler=crawler,
        )
        return spider

    async def start(self) -> AsyncIterator[Request]:
        if self.settings.getbool("REVISIT_ENABLED"):
            self.revisit.load(self.settings.get("ARCHIVE_DB_PATH"), self.profile.name)
        for url in self.profile.start_urls:
            yield self._request(url, "list")
        for url, column in self.revisit.due_pages():
            yield self._request(url, "detail", column)

    def _request(
        self, url: str, kind: str, column: str | None = None, force: bool = False
    ) -> Request | None:
        if kind == "detail" and not force and not self.revisit.wants(url):
            return None  # known and not due this run (its listing is still recorded)
        self.revisit.requested.add(url)
        meta: dict[str, Any] = {"kind": kind, "column": column,
                                "download_maxsize": self.profile.page_max_bytes}  # fmt: skip
        if self.profile.timeout:
            meta["download_timeout"] = self.profile.timeout
        callback = self.parse_detail if kind == "detail" else self.parse_list
        request = Request(
            url, callback=callback, errback=self.on_failure, meta=meta,
            headers=self.revisit.headers(url),
        )  # fmt: skip
        return self.render.browser_request(request, again=False) if self.render.always else request

    def on_idle(self) -> None:
        """Before closing, fetch known pages the lists no longer link: delisted, or gone?"""
        if self._revisited_unlisted:
            return
        self._revisited_unlisted = True
        # A failed list page hides what it links: that says nothing about those pages.
        pending = self.revisit.unlisted_known() if self.revisit.lists_complete else []
        for url, column in pending:
            self.crawler.engine.crawl(self._request(url, "detail", column, force=True))
        if pending:
            raise DontCloseSpider

    def _item(self, response: Response, kind: str, render_note: str | None = None) -> PageItem:
        redirects = response.meta.get("redirect_urls") or []
        error = None if response.status < 400 else f"HTTP {response.status}"
        if response.meta.get("redirect_refused"):  # crawler.middlewares.RedirectGuardMiddleware
            error = response.meta["redirect_refused"]
        return PageItem(
            profile=self.profile.name,
            kind=kind,
            url=redirects[0] if redirects else response.url,
            final_url=response.url,
            status=response.status,
            headers=plain_headers(response),
            body=response.body,
            fetched_at=utc_now(precise=True),
            error=error,
            column=response.meta.get("column"),
            warc=response.meta.get("warc"),
            fetched_via="browser" if STATE in response.meta else None,
            render_note=render_note or response.meta.get("render_note"),
        )

    def _captures(self, response: Response, kind: str) -> tuple[list[PageItem], Request | None]:
        """The response's captures, and the request that fetches its URL again, if any.

        A challenge a browser can pass is kept as it came and its URL fetched again: in the
        browser, or plainly once the browser has earned the host's cookie (``followed_up``; the
        request may also wait for a browser already at work, then None comes back). A browser
        fetch brings the challenges Chromium was shown on the way: each a capture of its own,
        followed up by the browser's answer.
        """
        items = [
            PageItem(
                profile=self.profile.name,
                kind=kind,
                url=seen["url"],
                final_url=seen["url"],
                status=seen["status"],
                headers=seen["headers"] or {},
                body=seen["body"],
                fetched_at=utc_now(precise=True),
                error=f"HTTP {seen['status']}" if seen["status"] >= 400 else None,
                column=response.meta.get("column"),
                warc=seen.get("warc"),
                fetched_via="browser",
                render_note="shown to the browser before the page",
                followed_up=True,
            )  # fmt: skip
            for seen in (response.meta.get(STATE) or {}).get("challenge_captures", [])
        ]
        follow, note = self.render.after(response)
        item = self._item(response, kind, note)
        item.followed_up = note in FOLLOWED_UP
        return [*items, item], follow

    def parse_list(self, response: Response) -> Iterator[PageItem | Request]:
        """A list page, AJAX fragment or JSON/XML list answer: its capture, then what it links.

        The capture carries the error of an answer that could not be read (an API that
        answered an HTML error page, malformed JSON), so nothing is lost. A challenge a
        browser can pass is kept as it came and its URL fetched again (``_captures``).
        """
        items, refetch = self._captures(response, response.meta.get("kind", "list"))
        item = items[-1]
        if item.followed_up:  # the list is read from the answer to the fetch again
            yield from items
            yield from [refetch] if refetch else []
            return
        follow: list[Request] = []
        try:
            if response.status == 304:  # unchanged since the archived copy: follow that copy
                self.crawler.stats.inc_value("gongkai/not_modified")
                response = self.revisit.replay(response) or response
            if response.status >= 300:
                self.revisit.lists_complete = False
            elif isinstance(response, TextResponse):
                follow = list(self._follow(response, item))
            else:
                item.error = f"list answer is not text: {response.headers.get('Content-Type')!r}"
                self._list_error(item)
        except Exception:
            # A list page we could not read says nothing about what it links: no delistings.
            self.revisit.lists_complete = False
            self.crawler.stats.inc_value("gongkai/list_errors")
            self.logger.exception("cannot follow the links of %s", response.url)
        yield from items
        yield from follow

    def _list_error(self, item: PageItem) -> None:
        self.revisit.lists_complete = False
        self.crawler.stats.inc_value("gongkai/list_errors")
        self.logger.warning("list answer of %s kept with its error: %s", item.url, item.error)

    def _follow(self, response: TextResponse, item: PageItem) -> Iterator[Request]:
        found = platforms.discover(
            response.text, response.url, self.profile_data, response.meta.get("column")
        )
        if found.error:
            item.error = found.error[:500]
            self._list_error(item)
        for what in found.capped:
            self.crawler.stats.inc_value("gongkai/pagers_capped")
            self.logger.warning("pager cut at max_pages: %s", what)
        for url in found.list_urls:
            yield self._request(url, "list", found.column)
        for url in found.fragment_urls:
            yield self._request(url, "fragment", found.column)
        for spec in found.requests:
            yield self._form_request(spec, found.column)
        self.revisit.listed.update(url for url, _ in found.detail_urls)
        for url, column in found.detail_urls:
            if request := self._request(url, "detail", column or found.column):
                yield request

    def _form_request(self, spec: platforms.FetchRequest, column: str | None) -> Request:
        """A pager POST (Hanweb's jpage): never conditional, it names no one page."""
        meta: dict[str, Any] = {"kind": "fragment", "column": column}
        if self.profile.timeout:
            meta["download_timeout"] = self.profile.timeout
        return FormRequest(
            spec.url, method=spec.method, formdata=list(spec.form), headers=dict(spec.headers),
            callback=self.parse_list, errback=self.on_failure, meta=meta,
        )  # fmt: skip

    def parse_detail(self, response: Response) -> Iterator[PageItem | Request]:
        if response.status == 304:
            self.crawler.stats.inc_value("gongkai/not_modified")
        items, follow = self._captures(response, "detail")
        yield from items
        if items[-1].followed_up:
            yield from [follow] if follow else []
        elif response.status < 400 and isinstance(response, TextResponse):
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
        if STATE in request.meta:  # the browser fetch failed: what waited on it goes again
            self.crawler.stats.inc_value("render/browser_failed")
            why = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:200]
            for held in self.render.release(request, passed=False, why=why):
                self.crawler.engine.crawl(held)
        response = getattr(failure.value, "response", None)
        if response is not None:
            yield self._item(response, request.meta.get("kind", "detail"))
            return
        # An attachment over its size limit (or unreachable) is recorded, not a site failure.
        attachment = request.meta.get("kind") == "attachment"
        self.crawler.stats.inc_value(
            "attachments/not_fetched" if attachment else "gongkai/fetch_failures"
        )
        if request.meta.get("kind") in ("list", "fragment"):
            self.revisit.lists_complete = False
        error = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        if failure.check(DownloadCancelledError) and not failure.getErrorMessage():
            # Scrapy cancels a body that grows past download_maxsize without a message.
            limit = request.meta.get("download_maxsize")
            error = f"DownloadCancelledError: over the size limit ({limit} bytes)"
        yield PageItem(
            profile=self.profile.name,
            kind="failure",
            url=request.url,
            fetched_at=utc_now(precise=True),
            error=error[:500],
            column=request.meta.get("column"),
        )
