"""Readable search snippets: the real text around a match, with the matched parts marked.

FTS5's snippet() works on the index text, which for Chinese is overlapping bigrams
(``政务 务公 公开``) and unreadable, so snippets are cut from the stored body in Python.
Matching mirrors archive.search: NFKC, case-folded, punctuation separates terms, so a match
found by the index is found here too. Output is a list of (text, matched) segments; the
caller escapes them (nothing here returns HTML).
"""

from __future__ import annotations

import re
import unicodedata

from archive.search import NON_TOKEN

Segment = tuple[str, bool]
WHITESPACE = re.compile(r"\s+")
# Only the first occurrences are scored when choosing the window: enough for a good passage.
MAX_CANDIDATES = 200


def query_pieces(q: str | None) -> list[str]:
    """The searchable pieces of a query, normalised as the index normalises text.

    >>> query_pieces("义务教育 招生，2021")
    ['义务教育', '招生', '2021']
    """
    text = unicodedata.normalize("NFKC", q or "").lower()
    pieces = [p for p in NON_TOKEN.sub(" ", text).split() if p]
    return list(dict.fromkeys(pieces))


def _normalised_with_map(text: str) -> tuple[str, list[int] | None]:
    """Text as matched (NFKC, lower case) and, if lengths differ, each char's source index."""
    fast = text.lower()
    if len(fast) == len(text) and unicodedata.is_normalized("NFKC", text):
        return fast, None
    chars: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        normal = unicodedata.normalize("NFKC", char).lower()
        chars.append(normal)
        index.extend([position] * len(normal))
    return "".join(chars), index


def find_spans(text: str, pieces: list[str]) -> list[tuple[int, int, int]]:
    """(start, end, piece number) of every occurrence of each piece, in ``text`` positions."""
    if not text or not pieces:
        return []
    normal, index = _normalised_with_map(text)
    spans = []
    for number, piece in enumerate(pieces):
        start = normal.find(piece)
        while start != -1:
            end = start + len(piece)
            if index is None:
                spans.append((start, end, number))
            else:
                spans.append((index[start], index[end - 1] + 1, number))
            start = normal.find(piece, end)
    return sorted(spans)


def _segments(text: str, spans: list[tuple[int, int, int]], start: int, end: int) -> list[Segment]:
    """Split text[start:end] into plain and matched segments (overlapping spans merged)."""
    out: list[Segment] = []
    cursor = start
    for span_start, span_end, _ in spans:
        span_start, span_end = max(span_start, cursor), min(span_end, end)
        if span_end <= span_start:
            continue
        if span_start > cursor:
            out.append((text[cursor:span_start], False))
        out.append((text[span_start:span_end], True))
        cursor = span_end
    if cursor < end:
        out.append((text[cursor:end], False))
    return out


def highlight(text: str | None, pieces: list[str]) -> list[Segment]:
    """The whole of ``text`` (e.g. a title) with every occurrence of the pieces marked."""
    text = text or ""
    return _segments(text, find_spans(text, pieces), 0, len(text))


def _best_window(spans: list[tuple[int, int, int]], width: int, length: int) -> int:
    """Start of the window of ``width`` chars holding the most distinct pieces (earliest wins)."""
    best_start, best_score = 0, -1
    for span_start, _, _ in spans[:MAX_CANDIDATES]:
        start = max(0, min(span_start - width // 4, length - width))
        inside = {n for s, e, n in spans if s >= start and e <= start + width}
        if len(inside) > best_score:
            best_start, best_score = start, len(inside)
    return best_start


def snippet(text: str | None, pieces: list[str], width: int = 120) -> list[Segment]:
    """About ``width`` characters of ``text`` around the best match, matches marked.

    Whitespace (paragraph breaks) is shown as single spaces; an ellipsis marks a cut.
    With no match in ``text`` (e.g. only the title matched) the text's opening is returned.
    """
    text = WHITESPACE.sub(" ", text or "").strip()
    spans = find_spans(text, pieces)
    start = _best_window(spans, width, len(text)) if spans else 0
    end = min(len(text), start + width)
    segments = _segments(text, spans, start, end)
    if start > 0:
        segments.insert(0, ("…", False))
    if end < len(text):
        segments.append(("…", False))
    return segments
