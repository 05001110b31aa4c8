"""``gongkai profiles detect``: fingerprint a saved page or a live URL, and draft its profile.

The fingerprinting is pure (``pipeline.platform_detect``); this module fetches a URL when
asked, and turns a detection into a profile skeleton: the column the page belongs to as start
URL (worked out from the platform's URL shapes), its host as allowed domain, the platform's
detail patterns, the settings the page states (gkmlpt's sid) and the agency when the page
names one. The skeleton is validated like any profile before it is written.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.platforms.spec import platform_spec
from crawler.profile import parse_profile
from pipeline.encoding import decode_html, header_charset
from pipeline.platform_detect import Detection, detect

USER_AGENT = "gongkai/0.1 (profiles detect)"


class Unreachable(Exception):
    """The URL gave no page: no answer at all, or an HTTP error instead of the page."""


@dataclass
class Page:
    text: str
    url: str | None
    source: str  # the file or URL it came from


def fetch(url: str, proxy: str = "", timeout: float = 20.0) -> Page:
    """GET one URL (through ``proxy`` when given); raises :class:`Unreachable` in one line."""
    handlers = [urllib.request.ProxyHandler({"http": proxy, "https": proxy} if proxy else {})]
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            body, headers, final = response.read(), dict(response.headers), response.geturl()
    except urllib.error.HTTPError as exc:
        raise Unreachable(f"{url}: HTTP {exc.code} instead of the page") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unreachable(f"{url}: cannot fetch: {reason}") from None
    return Page(decode_html(body, header_charset(headers), None).text, final, url)


def read_file(path: Path, url: str | None = None) -> Page:
    """A saved page; raises OSError when it cannot be read."""
    return Page(decode_html(path.read_bytes(), None, None).text, url, str(path))


# The column a page of each platform belongs to, from its URL: (pattern, start URL template).
COLUMN_OF = {
    "hanweb": [
        (r"^(?P<o>https?://[^/]+).*/art/\d{4}/\d{1,2}/\d{1,2}/art_(?P<c>\d+)_\d+\.html", "{o}/col/col{c}/index.html"),
        (r"^(?P<o>https?://[^/]+)(?P<p>.*/col/col\d+/)", "{o}{p}index.html"),
    ],
    "trs_wcm": [
        (r"^(?P<d>https?://.*/)\d{6}/t\d{8}_\d+\.s?html?$", "{d}"),
        (r"^(?P<d>https?://.*/)t\d{7,}\.s?html?$", "{d}"),
    ],
    "lonsun": [
        (r"^(?P<o>https?://[^/]+)(?:/[\w-]+)?/public/(?P<c>\d+)/\d+\.html$", "{o}/public/column/{c}?type=4&action=list"),
    ],
    "kaipu": [
        (r"^(?P<d>https?://.*/)\d{4}/\d{1,2}/\d{1,2}/[0-9a-f]{32}\.shtml$", "{d}"),
        (r"^(?P<d>https?://.*/)\d{6}/(?:[0-9a-f]{32}|\d+)\.shtml$", "{d}"),
    ],
    "gkmlpt": [
        (r"^(?P<b>https?://.*?)/gkmlpt/", "{b}/gkmlpt/index"),
        (r"^(?P<o>https?://[^/]+)/", "{o}/gkmlpt/index"),
    ],
}  # fmt: skip


def column_url(platform: str, url: str) -> str:
    """The start URL for the column ``url`` belongs to (``url`` itself when it is a list)."""
    for pattern, template in COLUMN_OF.get(platform, []):
        match = re.match(pattern, url)
        if match:
            return template.format(**match.groupdict())
    return url


def skeleton(detection: Detection, name: str, url: str) -> tuple[dict, str]:
    """The profile data for ``detection`` of the page at ``url``, and its YAML with comments."""
    facts = detection.facts
    platform = detection.platform
    host = (urlsplit(url).hostname or "").lower()
    agency = facts.get("agency")
    data = {
        "name": name,
        "agency": agency or f"待填写 ({host})",
        **({"site_name": facts["site_name"]} if facts.get("site_name") else {}),
        "platform": platform,
        "start_urls": [column_url(platform, url)],
        "allowed_domains": [host],
        **(
            {"detail_url_patterns": platform_spec(platform)["detail"]}
            if platform != "generic"
            else {}
        ),
        "pagination": {"max_pages": 50},
        "politeness": {"delay": 3.0, "concurrency": 1},
        **({"gkmlpt": {"sid": facts["sid"]}} if platform == "gkmlpt" and facts.get("sid") else {}),
        "sample": False,
        "exercised_offline": False,
        "notes": f"Skeleton written by gongkai profiles detect from {url} ({platform}, confidence "
        f"{detection.confidence}). Start URL and patterns follow the platform's URL shapes; "
        "confirm them on the site before crawling.",
    }
    header = [
        f"# Written by `gongkai profiles detect` from {url}.",
        f"# Platform {platform} (confidence {detection.confidence}); evidence:",
        *[f"#   - {line}" for line in detection.evidence[:8]],
        "# Check every field before the first crawl."
        + ("" if agency else " The page names no agency: fill in `agency`."),
        "# To follow list pages beyond the start column, add list_url_patterns.",
    ]
    text = (
        "\n".join(header)
        + "\n"
        + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    )
    return data, text


def write_skeleton(detection: Detection, path: Path, url: str) -> Path:
    """Validate the skeleton as a profile (ProfileError: one line), then write it to ``path``."""
    data, text = skeleton(detection, path.stem, url)
    parse_profile(data, path)
    path.write_text(text, encoding="utf-8")
    return path


def detect_page(page: Page) -> Detection:
    return detect(page.text, page.url)
