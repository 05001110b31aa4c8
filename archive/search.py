"""Chinese full-text search with exact substring recall on stock SQLite FTS5.

Why bigrams: unicode61 indexes a whole CJK run as one token (matches nothing useful),
trigram cannot match 2-character words, and a word segmenter (jieba) misses documents where
the query word was segmented together with its neighbours. Indexing every overlapping
character bigram of each CJK run, and querying a term as the *phrase* of its bigrams, finds
exactly the rows that contain the term as a substring (Lucene's CJK bigram approach).

Index form of a CJK run ``ABCD``: ``AB BC CD D``. The trailing unigram costs one token per
run and makes single-character queries exact too (``X*`` matches a bigram starting with X or
a run-final X). Non-CJK words (latin, digits) are kept as words; FTS5 folds their case.
Punctuation separates tokens, so a term containing punctuation matches regardless of which
punctuation sits there. The index text is not readable prose: snippets and highlighting
must be cut from documents.body using the query's terms (bm25() ranking works as is).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

# Han (incl. extensions and compatibility), 〇 and 々, kana, hangul: scripts written without spaces.
CJK_CHARS = (
    "\u3005\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
# Letters and numbers are token characters (as in unicode61); everything else separates.
NON_TOKEN = re.compile(r"[\W_]+")
# One regex pass gives the index tokens in order, all in C: at each CJK char the bigram it
# starts (or the char alone at a run's end), else a whole non-CJK word.
INDEX_TOKEN = re.compile(
    f"(?=([{CJK_CHARS}]{{2}}|[{CJK_CHARS}]|[^\\s{CJK_CHARS}]+))(?:[{CJK_CHARS}]|[^\\s{CJK_CHARS}]+)"
)
PIECE = re.compile(f"([{CJK_CHARS}]+)|([^\\s{CJK_CHARS}]+)")


def _normalise(text: str) -> str:
    """NFKC, separators as spaces. NFKC only when needed: it is half the cost of indexing."""
    text = NON_TOKEN.sub(" ", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = NON_TOKEN.sub(" ", unicodedata.normalize("NFKC", text))
    return text


def _run_bigrams(run: str) -> list[str]:
    """``ABCD`` -> [AB, BC, CD, D]: overlapping bigrams plus the run's last character."""
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def cjk_bigrams(text: str | None) -> str:
    """Index form of ``text``: CJK runs as overlapping bigrams (+ final char), words kept.

    >>> cjk_bigrams("政务公开 2021年")
    '政务 务公 公开 开 2021 年'
    """
    if not text:
        return ""
    normal = _normalise(text)
    if len(normal) >= VECTOR_FROM:
        return _vector_bigrams(normal)
    return " ".join(INDEX_TOKEN.findall(normal))


# Bodies are indexed with numpy (half the time of the regex on a 1,250-character body, a tenth
# of the writer's work per document); titles, shorter than this, with the regex.
VECTOR_FROM = 200
# Start and end+1 of each CJK_CHARS range, for np.searchsorted: odd index = inside a range.
CJK_BOUNDS = (0x3005, 0x3006, 0x3007, 0x3008, 0x3040, 0x3100, 0x3400, 0x4DC0, 0x4E00, 0xA000,
              0xAC00, 0xD7B0, 0xF900, 0xFB00, 0x20000, 0x31350)  # fmt: skip


def _vector_bigrams(normal: str) -> str:
    """INDEX_TOKEN's output, built with array operations: each CJK character writes itself,
    its successor if that is CJK too, and a space; each other character itself, and a space
    after the last one of a word. ``normal`` holds word characters and single spaces only."""
    import numpy as np  # imported here: numpy costs 0.1 s at start-up of every command

    chars = np.frombuffer(normal.encode("utf-32-le"), dtype=np.uint32)
    cjk = (np.searchsorted(np.array(CJK_BOUNDS, dtype=np.uint32), chars, side="right") & 1) == 1
    word = ~cjk & (chars != 32)
    next_cjk = np.append(cjk[1:], False)
    next_word = np.append(word[1:], False)
    width = np.where(cjk, np.where(next_cjk, 3, 2), np.where(word, np.where(next_word, 1, 2), 0))
    ends = np.cumsum(width)
    if not len(ends) or not ends[-1]:
        return ""
    out = np.full(int(ends[-1]), 32, dtype=np.uint32)
    starts = ends - width
    written = width > 0
    out[starts[written]] = chars[written]
    pairs = cjk & next_cjk
    out[starts[pairs] + 1] = np.append(chars[1:], 0)[pairs]
    return out[:-1].tobytes().decode("utf-32-le")


def _term_query(term: str) -> str | None:
    """One whitespace-separated query term -> one FTS5 phrase (None if nothing searchable)."""
    pieces = [(cjk or word, bool(cjk)) for cjk, word in PIECE.findall(_normalise(term))]
    if not pieces:
        return None
    tokens: list[str] = []
    for position, (token, is_cjk) in enumerate(pieces):
        if not is_cjk:
            tokens.append(token)
            continue
        is_last = position == len(pieces) - 1
        if not is_last:
            # Followed by a word, so the text's run ends here too: its final char is indexed.
            tokens.extend(_run_bigrams(token))
        elif len(token) > 1:
            # The text's run may continue past the term: match bigrams only.
            tokens.extend(_run_bigrams(token)[:-1])
        else:
            # A lone final CJK char: any bigram starting with it, or a run-final char.
            return '"{}" *'.format(" ".join(tokens + [token]))
    return '"{}"'.format(" ".join(tokens))


def to_fts_query(q: str | None) -> str:
    """FTS5 MATCH expression for a user's query: every term must occur (implicit AND).

    ``政务公开`` -> ``"政务 务公 公开"``; ``教育 招生`` -> ``"教育" "招生"``. Quotes and other
    FTS5 syntax are dropped with the punctuation, so user input can never break the query.
    A query with nothing searchable returns ``'""'``, which matches no row (no error).
    """
    phrases = [p for p in (_term_query(term) for term in (q or "").split()) if p]
    return " ".join(phrases) if phrases else '""'


def register(conn: sqlite3.Connection) -> None:
    """Register gongkai's SQL functions on ``conn``.

    ``escape_fts(q)`` replaces Datasette's own (which quotes whole CJK runs and so finds
    nothing), making the stock ``?_search=`` box work with unsegmented Chinese;
    ``cjk_bigrams(text)`` lets SQL build index text.
    """
    conn.create_function("escape_fts", 1, to_fts_query, deterministic=True)
    conn.create_function("cjk_bigrams", 1, cjk_bigrams, deterministic=True)
