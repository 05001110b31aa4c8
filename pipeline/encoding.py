"""Turn a page's raw bytes into text, the way a browser would, with one Chinese correction.

Order of evidence (WHATWG "encoding sniffing", simplified): an explicit override, then a
byte-order mark, then the HTTP header's charset, then a ``<meta charset>`` / ``http-equiv``
declaration in the first bytes, then UTF-8, then GB18030.

Chinese sites routinely declare ``gb2312`` while using characters outside it (镕, 喆, 堃 …);
browsers decode every GB label as GBK/GB18030, so we do too — GB18030 is a superset of both.
A declared charset that cannot decode the bytes (a wrong header is common) is skipped in
favour of the next piece of evidence, and only if nothing decodes cleanly do we replace.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Labels that all mean "some GB encoding": decode as the superset.
_GB_LABELS = frozenset(
    "gb2312 gbk x-gbk gb_2312-80 gb_2312 csgb2312 cp936 ms936 windows-936 euc-cn x-euc-cn"
    " iso-ir-58 chinese gb18030 hz-gb-2312".split()
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Only the first few KiB are searched for a declaration, as browsers do (1024 bytes is the
# spec's prescan; real CMS pages put 2-3 KiB of comments and scripts before the meta tag).
_PRESCAN_BYTES = 8192
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Decoded:
    """Decoded page text, the charset the page declared (if any) and the codec actually used."""

    text: str
    declared: str | None
    used: str


def normalise_charset(label: str | None) -> str | None:
    """Map a charset label to a Python codec name; GB labels become ``gb18030``.

    >>> normalise_charset("GB2312"), normalise_charset("utf8"), normalise_charset("nonsense")
    ('gb18030', 'utf-8', None)
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    if label in {"unicode", "utf-16"}:  # "unicode" is what some IIS sites send for UTF-16
        return "utf-16"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(body: bytes) -> str | None:
    """Return the charset label declared in the first bytes of ``body`` (meta or XML), lowercased."""
    head = body[:_PRESCAN_BYTES]
    match = _META_CHARSET.search(head) or _XML_DECL.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def _try(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def content_type(headers: dict[str, str] | None) -> str | None:
    """The Content-Type header's value, whatever the case of its name."""
    for key, value in (headers or {}).items():
        if key.lower() == "content-type":
            return value
    return None


def header_charset(headers: dict[str, str] | None) -> str | None:
    """The charset label in the Content-Type header, lower-cased, or None."""
    value = (content_type(headers) or "").lower()
    if "charset=" not in value:
        return None
    return value.split("charset=", 1)[1].split(";")[0].strip(" \"'") or None


def decode_html(
    body: bytes, header_charset: str | None = None, override: str | None = None
) -> Decoded:
    """Decode an HTML page's bytes; see the module docstring for the order of evidence.

    ``declared`` is the label the server or page declared (header first, then meta), as
    written; ``used`` is the Python codec that produced ``text``.
    """
    meta = declared_charset(body)
    declared = (header_charset.strip().lower() if header_charset else None) or meta
    if override:
        codec = normalise_charset(override) or "utf-8"
        return Decoded(body.decode(codec, errors="replace"), declared, codec)
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return Decoded(body.decode(codec, errors="replace"), declared, codec)
    candidates: list[str] = []
    for label in (header_charset, meta):
        codec = normalise_charset(label)
        if codec and codec not in candidates:
            candidates.append(codec)
    for codec in ("utf-8", "gb18030"):
        if codec not in candidates:
            candidates.append(codec)
    for codec in candidates:
        text = _try(body, codec)
        if text is not None:
            return Decoded(text, declared, codec)
    # Nothing decodes cleanly: keep the best evidence and mark bad bytes rather than fail.
    codec = candidates[0]
    return Decoded(body.decode(codec, errors="replace"), declared, codec)
