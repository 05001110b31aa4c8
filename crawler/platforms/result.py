"""What link discovery hands the spider: URLs to fetch, requests that are not plain GETs,
and what went wrong or was cut short on the way."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FetchRequest:
    """A list request that is not a plain GET: Hanweb's jpage pager is a form POST."""

    url: str
    method: str = "POST"
    form: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Discovered:
    """What a page links to. ``column`` is this page's own column name, when it states one.

    ``error`` says why a list answer could not be read (an API that answered an HTML error
    page, malformed JSON): the capture keeps it. ``capped`` names each pager that claimed
    more pages than the profile's ``pagination.max_pages`` and was cut there.
    """

    detail_urls: list[tuple[str, str | None]] = field(default_factory=list)
    list_urls: list[str] = field(default_factory=list)
    fragment_urls: list[str] = field(default_factory=list)
    requests: list[FetchRequest] = field(default_factory=list)
    column: str | None = None
    error: str | None = None
    capped: list[str] = field(default_factory=list)

    def cap(self, what: str, claimed: int, limit: int) -> int:
        """How many pages to take of ``claimed``; records the cut when there are more."""
        if claimed > limit:
            self.capped.append(f"{what}: {claimed} pages claimed, {limit} taken (max_pages)")
            return limit
        return claimed
