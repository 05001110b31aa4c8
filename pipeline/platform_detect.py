"""Which CMS platform a saved page (or API answer) comes from, with the evidence and a confidence.

Fingerprints are data (``platform_fingerprints.yml``): regular expressions over the raw text,
the page's links and its ``<meta>`` tags, each with a weight. A platform's belief is the
noisy-OR of the weights of its markers found (one 0.5 marker: 0.5; two: 0.75); the page is
placed on the best platform when that belief reaches 0.5 and beats the runner-up by 0.2, with
confidence ``belief × (1 − runner-up belief)``. Otherwise it is ``generic`` with what was seen
and a confidence of at most 0.5: not knowing is not a guess dressed up as certainty.

Why regular expressions and lxml rather than BeautifulSoup: most markers are in places a
parsed tree drops or hides (comments, script text, CDATA, attribute values of commented-out
links), so they are read from the raw text; the ``<meta>`` tags come from the same forgiving
lxml parser the rest of the pipeline uses (attribute order and quoting vary: re-serialised
pages write ``<meta content=… name=…/>``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import yaml
from lxml import etree

FINGERPRINTS = Path(__file__).with_name("platform_fingerprints.yml")
PLATFORMS = ("trs_wcm", "lonsun", "hanweb", "kaipu", "gkmlpt")
PLACE_AT, MARGIN, GENERIC_CEILING = 0.5, 0.2, 0.5
_ATTR_URL = re.compile(
    r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))|["'](https?://[^"'\s<>]+)["']""",
    re.I,
)  # href/src values, and quoted absolute URLs in scripts and JSON
_PARSER = etree.HTMLParser(huge_tree=True, remove_comments=True)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Rule:
    platform: str
    where: str  # text | link | meta
    pattern: re.Pattern
    weight: float
    says: str
    meta_name: re.Pattern | None = None


@dataclass
class Detection:
    """The JSON contract: ``{"platform", "evidence", "confidence"}``; ``facts`` feed profiles."""

    platform: str
    evidence: list[str]
    confidence: float
    beliefs: dict[str, float] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"platform": self.platform, "evidence": self.evidence, "confidence": self.confidence}


@cache
def rules() -> tuple[Rule, ...]:
    data = yaml.safe_load(FINGERPRINTS.read_text(encoding="utf-8"))
    out = []
    for platform, entries in data.items():
        for entry in entries:
            where = next(k for k in ("text", "link", "meta") if k in entry)
            spec = entry[where]
            pattern = spec["pattern"] if where == "meta" else spec
            name = re.compile(spec["name"], re.I) if where == "meta" else None
            out.append(
                Rule(
                    platform, where, re.compile(pattern, re.M), entry["weight"], entry["says"], name
                )
            )
    return tuple(out)


@dataclass
class PageSignals:
    """What the rules look at: the raw text, its href/src values and URL, its meta tags."""

    text: str
    links: list[str]
    metas: list[tuple[str, str]]

    @classmethod
    def read(cls, text: str, url: str | None = None) -> PageSignals:
        metas = meta_tags(text)
        home = _host(url) or _host(next((c for n, c in metas if n == "sitedomain"), None))
        links = [next(g for g in m.groups() if g is not None) for m in _ATTR_URL.finditer(text)]
        # A footer link to www.gov.cn says nothing about this site's platform.
        links = [u for u in links if _same_site(u, home)]
        return cls(text, ([url] if url else []) + links, metas)

    def meta(self, name: str) -> str | None:
        wanted = name.lower()
        return next((c for n, c in self.metas if n == wanted and c), None)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname
    return host.lower() if host else None


def _same_site(link: str, home: str | None) -> bool:
    """A relative link, or one to the page's own host (or a host above or below it)."""
    host = _host(link) if link.startswith(("http:", "https:", "//")) else None
    if not host or not home:
        return True
    return host == home or host.endswith("." + home) or home.endswith("." + host)


def meta_tags(text: str) -> list[tuple[str, str]]:
    """(lower-case name, content) of every <meta name=…> in the page, in order."""
    body = _XML_DECLARATION.sub("", text or "", count=1)
    if "<meta" not in body.lower():
        return []
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return []
    if root is None:
        return []
    return [
        ((m.get("name") or "").strip().lower(), (m.get("content") or "").strip())
        for m in root.iter("meta")
        if m.get("name")
    ]


def _match(rule: Rule, page: PageSignals) -> str | None:
    """The text that matched ``rule`` (shortened), or None."""
    if rule.where == "text":
        found = rule.pattern.search(page.text)
        return found.group(0) if found else None
    if rule.where == "link":
        return next((u for u in page.links if rule.pattern.search(u)), None)
    for name, content in page.metas:
        if rule.meta_name.search(name) and rule.pattern.search(content):
            return f'<meta name="{name}" content="{content[:60]}">'
    return None


def detect(text: str, url: str | None = None) -> Detection:
    """Fingerprint one page (HTML, or a JSON/XML list answer). ``url``: where it was fetched."""
    own_url = url or _own_url(text or "")
    page = PageSignals.read(text or "", own_url)
    found: dict[str, list[tuple[float, str]]] = {p: [] for p in PLATFORMS}
    for rule in rules():
        matched = _match(rule, page)
        if matched is not None:
            snippet = " ".join(matched.split())[:80]
            found[rule.platform].append((rule.weight, f"{rule.says}: {snippet}"))
    beliefs = {p: _noisy_or(w for w, _ in marks) for p, marks in found.items()}
    ranked = sorted(PLATFORMS, key=lambda p: -beliefs[p])
    top, second = ranked[0], ranked[1]
    facts = page_facts(page, own_url)
    if beliefs[top] >= PLACE_AT and beliefs[top] - beliefs[second] >= MARGIN - 1e-9:
        evidence = [e for _, e in found[top]]
        evidence += [f"also seen ({p}): {e}" for p in ranked[1:] for _, e in found[p]]
        confidence = round(beliefs[top] * (1 - beliefs[second]), 2)
        return Detection(top, evidence, confidence, beliefs, facts)
    evidence = [f"{p}: {e}" for p in ranked for _, e in found[p]]
    if not evidence:
        evidence = ["no marker of trs_wcm, lonsun, hanweb, kaipu or gkmlpt"]
    confidence = round(GENERIC_CEILING * (1 - beliefs[top]), 2)
    return Detection("generic", evidence, confidence, beliefs, facts)


def _own_url(text: str) -> str | None:
    """The URL a page states for itself (``<meta name="url">``), when absolute."""
    stated = next((c for n, c in meta_tags(text) if n == "url"), None)
    return stated if stated and stated.startswith(("http://", "https://")) else None


def _noisy_or(weights) -> float:
    miss = 1.0
    for weight in weights:
        miss *= 1 - weight
    return round(1 - miss, 4)


_SID = re.compile(r"""(?:\bSID\s*:\s*["']?|NFCMS_SITE_ID\s*=\s*["']?)(\d+)""")
_AGENCY_LIKE = re.compile(
    r"^[\u4e00-\u9fff（）()·]{2,40}(?:局|委员会|委|厅|办公室|办|人民政府|政府|院|会|部|处|中心|所|站|队|署|馆)$"
)
_LABELED = re.compile(
    r"(?:发布机构|发文机关|信息来源|来\s*源)\s*[:：]\s*(?:</?\w[^>]*>\s*)*([^<\s]{2,30})"
)


def page_facts(page: PageSignals, url: str | None) -> dict[str, Any]:
    """What a profile skeleton can take from the page: its URL, names, ids the pagers need."""
    facts: dict[str, Any] = {}
    if url:
        facts["url"] = url
    for key, meta in (("site_name", "sitename"), ("column", "columnname")):
        if value := page.meta(meta):
            facts[key] = value
    agency = _agency(page)
    if agency:
        facts["agency"] = agency
    sid = _SID.search(page.text)
    api = next((u for u in page.links if "/gkmlpt/api/all/" in u), None)
    if sid:
        facts["sid"] = int(sid.group(1))
    elif api and (value := dict(parse_qsl(urlsplit(api).query)).get("sid", "")).isdigit():
        facts["sid"] = int(value)
    if api and url:
        facts["gkmlpt_api"] = urljoin(url, api)
    if _looks_json(page.text):
        facts["json"] = True
    return facts


def _agency(page: PageSignals) -> str | None:
    """The agency when the page states one: a 发布机构/来源 field, ContentSource, SiteName."""
    candidates = [m.group(1).strip("，,。 ") for m in _LABELED.finditer(page.text)]
    candidates += [page.meta("contentsource") or "", page.meta("sitename") or ""]
    for candidate in candidates:
        candidate = candidate.removesuffix("网站").removesuffix("门户网站")
        if _AGENCY_LIKE.match(candidate):
            return candidate
    return None


def _looks_json(text: str) -> bool:
    stripped = (text or "").lstrip()
    if not stripped.startswith(("{", "[")):
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True
