"""Attachments: find their links, sniff their type from the bytes, extract their text.

Why sniff: bureau sites serve RTF as ``.doc``, HTML error pages as ``.pdf`` and OFD under
any name; the extension and Content-Type are recorded as claims, the bytes decide which
extractor runs. A file nobody can read (OFD, WPS, images, archives) is kept with status
"no extractor"; an extractor that fails keeps the file and its error. Nothing raises.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF, RTF, DOC, XLS = (
    "application/pdf",
    "application/rtf",
    "application/msword",
    "application/vnd.ms-excel",
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFD, ZIP, HTML = "application/ofd", "application/zip", "text/html"
OCTET = "application/octet-stream"
# What an extension claims; the sniffed type is compared with it (type_note).
EXTENSION_TYPES = {
    "pdf": PDF, "doc": DOC, "docx": DOCX, "xls": XLS, "xlsx": XLSX, "rtf": RTF, "ofd": OFD,
    "wps": "application/vnd.ms-works", "et": "application/vnd.ms-excel", "zip": ZIP,
    "rar": "application/vnd.rar", "7z": "application/x-7z-compressed", "txt": "text/plain",
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "tif": "image/tiff",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}  # fmt: skip
_EXTENSIONS = "|".join(EXTENSION_TYPES)
ATTACHMENT_LINK = re.compile(
    r"""href\s*=\s*["']([^"'#]+?\.(?:""" + _EXTENSIONS + r"""))(?:[?#][^"']*)?["']""",
    re.IGNORECASE,
)
MAGIC = [
    (b"%PDF-", PDF), (b"{\\rtf", RTF), (b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"), (b"Rar!", "application/vnd.rar"), (b"7z\xbc\xaf", "application/x-7z-compressed"),
    (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"),
]  # fmt: skip


@dataclass
class AttachmentText:
    """Outcome of reading one file: status is extracted | no text | failed | no extractor |
    empty file; ``text`` is None unless something was extracted."""

    media_type: str | None
    status: str
    extractor: str | None = None
    text: str | None = None
    error: str | None = None


def attachment_links(html: str, base_url: str) -> list[str]:
    """Absolute URLs of links to attachment-like files in ``html``, in order, no repeats."""
    seen: dict[str, None] = {}
    for match in ATTACHMENT_LINK.finditer(html):
        url = urljoin(base_url, match.group(1).strip())
        if urlsplit(url).scheme in ("http", "https"):
            seen.setdefault(url, None)
    return list(seen)


def extension(url: str) -> str | None:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower().lstrip(".")
    return suffix if suffix and suffix.isalnum() and len(suffix) <= 8 else None


def _ole2_type(data: bytes) -> str:
    # Directory entries hold stream names in UTF-16LE; the main stream says which program.
    if "WordDocument".encode("utf-16-le") in data:
        return DOC
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return XLS
    if "PowerPoint Document".encode("utf-16-le") in data:
        return "application/vnd.ms-powerpoint"
    return "application/x-ole-storage"


def _zip_type(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError):
        return ZIP
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "OFD.xml" in names:
        return OFD
    if any(n.startswith("ppt/") for n in names):
        return EXTENSION_TYPES["pptx"]
    return ZIP


def sniff(data: bytes) -> str | None:
    """Media type from the bytes themselves; None for an empty file."""
    if not data:
        return None
    for magic, media_type in MAGIC:
        if data.startswith(magic):
            return media_type
    if data.startswith(OLE2):
        return _ole2_type(data)
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) or b"<html" in head:
        return HTML
    return OCTET


def type_note(url: str, declared: str | None, media_type: str | None) -> str | None:
    """Say when the URL's extension or the server's Content-Type disagree with the bytes."""
    if media_type is None:
        return None
    notes = []
    ext = extension(url)
    claimed = EXTENSION_TYPES.get(ext or "")
    if claimed and claimed != media_type:
        notes.append(f"extension .{ext} but content is {media_type}")
    declared_type = (declared or "").split(";")[0].strip().lower()
    if declared_type and declared_type not in (media_type, OCTET, claimed or ""):
        notes.append(f"served as {declared_type}")
    return "; ".join(notes) or None


def _pdf(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _xlsx(data: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if v is None else str(v) for v in row]
            if any(cells):
                lines.append("\t".join(cells))
    return "\n".join(lines)


def _xls(data: bytes) -> str:
    import xlrd

    book = xlrd.open_workbook(file_contents=data)
    lines = []
    for sheet in book.sheets():
        for n in range(sheet.nrows):
            cells = [str(v) for v in sheet.row_values(n)]
            if any(cells):
                lines.append("\t".join(cells))
    return "\n".join(lines)


def doc_tool() -> str | None:
    """antiword (better layout) or catdoc, whichever Debian package is installed."""
    return shutil.which("antiword") or shutil.which("catdoc")


def _doc(data: bytes) -> str:
    """Legacy Word via Debian's antiword or catdoc: no maintained Python reader exists."""
    tool = doc_tool()
    if tool is None:
        raise RuntimeError("neither antiword nor catdoc is installed")
    args = ["-m", "UTF-8.txt"] if tool.endswith("antiword") else ["-d", "utf-8"]
    with tempfile.NamedTemporaryFile(suffix=".doc") as handle:
        handle.write(data)
        handle.flush()
        run = subprocess.run([tool, *args, handle.name], capture_output=True, timeout=60)
    if run.returncode != 0:
        raise RuntimeError(run.stderr.decode("utf-8", "replace").strip()[:200] or "failed")
    return run.stdout.decode("utf-8", "replace")


RTF_TOKEN = re.compile(
    rb"\\u(-?\d+)\s?\??|\\'([0-9a-fA-F]{2})|\\([a-z]+)(-?\d+)? ?|([{}])|\\(.)|([^\\{}]+)"
)
RTF_SKIP = {b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"header", b"footer"}


def _rtf(data: bytes) -> str:
    """Minimal RTF text: \\uN and \\'hh (in the document's ANSI code page) and plain runs."""
    codepage = re.search(rb"\\ansicpg(\d+)", data)
    encoding = f"cp{codepage.group(1).decode()}" if codepage else "cp1252"
    out: list[str] = []
    pending = bytearray()
    depth, skip_at = 0, None
    for uni, hexbyte, word, _num, brace, symbol, text in RTF_TOKEN.findall(data):
        if hexbyte:
            pending.append(int(hexbyte, 16))
            continue
        if pending:
            out.append(pending.decode(encoding, "replace") if skip_at is None else "")
            pending.clear()
        if brace:
            depth += 1 if brace == b"{" else -1
            if skip_at is not None and depth < skip_at:
                skip_at = None
        elif skip_at is not None:
            continue
        elif word in RTF_SKIP:
            skip_at = depth
        elif uni:
            out.append(chr(int(uni) % 65536))
        elif word in (b"par", b"line"):
            out.append("\n")
        elif word == b"tab":
            out.append("\t")
        elif symbol and symbol not in b"*":
            out.append(symbol.decode("latin-1"))
        elif text and not word:
            out.append(text.replace(b"\r", b"").replace(b"\n", b"").decode(encoding, "replace"))
    return "".join(out)


EXTRACTORS: dict[str, tuple[str, Callable[[bytes], str]]] = {
    PDF: ("pdfminer.six", _pdf), DOCX: ("python-docx", _docx), XLSX: ("openpyxl", _xlsx),
    XLS: ("xlrd", _xls), DOC: ("antiword", _doc), RTF: ("rtf", _rtf),
}  # fmt: skip


def clean_text(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.replace("\x0c", "\n").splitlines()]
    return "\n".join(line for line in lines if line)


# A DOCX or XLSX whose members inflate past 200 MB (or past 20 MB at more than 200 times its
# size) is not read: its readers inflate whole members into memory, and a 1 MB file can
# declare gigabytes.
MAX_INFLATED = 200_000_000
MAX_RATIO = 200


def zip_bomb(data: bytes) -> str | None:
    """Why a ZIP-based file must not be inflated, or None: its members' declared sizes.

    Python's zipfile stops reading a member at its declared size, so the declared sizes bound
    what a reader can inflate.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError):
        return None  # the reader reports a broken file itself
    inflated = sum(m.file_size for m in members)
    ratio_too_high = inflated > 20_000_000 and inflated > MAX_RATIO * len(data)
    if inflated > MAX_INFLATED or ratio_too_high:
        return (
            f"zip bomb: members inflate to {inflated:,} bytes from {len(data):,}"
            f" (limit {MAX_INFLATED:,} bytes, ratio {MAX_RATIO}); not read"
        )
    return None


def extract_attachment(data: bytes) -> AttachmentText:
    """Sniff ``data`` and extract its text with the extractor for what it really is."""
    media_type = sniff(data)
    if media_type is None:
        return AttachmentText(None, "empty file", error="0-byte file")
    if media_type not in EXTRACTORS:
        return AttachmentText(media_type, "no extractor", error=f"no extractor for {media_type}")
    name, function = EXTRACTORS[media_type]
    if media_type == DOC:
        name = PurePosixPath(doc_tool() or name).name
    bomb = zip_bomb(data) if media_type in (DOCX, XLSX) else None
    if bomb:
        return AttachmentText(media_type, "failed", name, error=bomb)
    try:
        text = clean_text(function(data))
    except Exception as exc:  # any reader failure is recorded, never raised
        message = f"{type(exc).__name__}: {exc}".strip()[:300]
        return AttachmentText(media_type, "failed", name, error=message)
    if not text:
        return AttachmentText(media_type, "no text", name, error="extractor found no text")
    return AttachmentText(media_type, "extracted", name, text)
