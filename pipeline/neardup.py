"""Duplicate evidence from text: an exact-duplicate key and MinHash near-duplicate groups.

Exact duplicates (the same notice under another URL, column or mirror domain) share
:func:`dedupe_key`: the hash of the body with whitespace removed and full/half-width
punctuation unified. Near-duplicates (reposts with a new date, small edits, one template
filled in twice) are found with MinHash LSH over character shingles and are only *grouped*:
similarity says two texts overlap, never what changed, so nothing here merges documents.

Why datasketch: it provides MinHash with numpy-vectorised hashing and an LSH index whose
banding is derived from a Jaccard threshold, so grouping an archive costs one pass instead of
comparing every pair; it is maintained and already used for this job by text-dedupe tools.
It is imported inside the functions that use it: with numpy and scipy it costs 0.6 s, which
every crawl would otherwise pay at start-up for grouping that only runs after the crawl.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash

# 5–8 characters: long enough that two notices filled into one template differ in many
# shingles (3-grams are shared by nearly all bureau prose), short enough that a changed
# date or name only disturbs a few.
DEFAULT_SHINGLE = 6
DEFAULT_NUM_PERM = 128
DEFAULT_THRESHOLD = 0.85
# Below this many characters a body ("详见附件。", "正文见附件") is too little evidence that two
# pages are one notice: such pages are never folded, only near-dup grouped (by title and body).
MIN_BODY_FOR_KEY = 100

# Full-width forms are folded by NFKC; these CJK marks have no NFKC equivalent.
_PUNCT = str.maketrans(
    {"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "《": "<", "》": ">",
     "〈": "<", "〉": ">", "【": "[", "】": "]", "〔": "[", "〕": "]", "「": '"', "」": '"',
     "『": '"', "』": '"', "—": "-", "–": "-", "…": "...", "·": ".", "・": "."}
)  # fmt: skip
_SPACE = re.compile(r"\s+")


def normalise_text(text: str | None) -> str:
    """The comparison form: NFKC, CJK punctuation mapped to ASCII, no whitespace at all.

    >>> normalise_text("关于 做好2021年“双减”工作的通知。") == normalise_text('关于做好2021年"双减"工作的通知.')
    True
    """
    folded = unicodedata.normalize("NFKC", text or "").translate(_PUNCT)
    return _SPACE.sub("", folded)


def dedupe_key(body: str | None) -> str | None:
    """Key shared by exact duplicates: the hash of the normalised body.

    ``None`` when the body is too short to tell one notice from another. The title is left out
    on purpose: a repost of the same text under a retitled link is still the same notice.
    """
    norm_body = normalise_text(body)
    if len(norm_body) < MIN_BODY_FOR_KEY:
        return None
    return hashlib.sha256(norm_body.encode("utf-8")).hexdigest()


def shingles(text: str, size: int = DEFAULT_SHINGLE) -> set[str]:
    """Character shingles of the normalised text (the whole text if it is shorter)."""
    norm = normalise_text(text)
    if len(norm) <= size:
        return {norm} if norm else set()
    return {norm[i : i + size] for i in range(len(norm) - size + 1)}


def jaccard(a: str, b: str, size: int = DEFAULT_SHINGLE) -> float:
    """Exact Jaccard similarity of two texts' shingle sets (for measurement and tests)."""
    sa, sb = shingles(a, size), shingles(b, size)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def signature(
    text: str, size: int = DEFAULT_SHINGLE, num_perm: int = DEFAULT_NUM_PERM
) -> MinHash | None:
    """MinHash of the text's shingles; ``None`` for a text with no characters."""
    grams = shingles(text, size)
    if not grams:
        return None
    from datasketch import MinHash  # imported here: see the module docstring

    sig = MinHash(num_perm=num_perm, seed=1)
    sig.update_batch([g.encode("utf-8") for g in grams])
    return sig


@dataclass(frozen=True)
class NearDupGroup:
    representative: int  # lowest document id of the group
    similarity: dict[int, float]  # member id -> estimated Jaccard with the representative


def group(
    signatures: Iterable[tuple[int, MinHash]], threshold: float = DEFAULT_THRESHOLD
) -> list[NearDupGroup]:
    """Group ids whose texts are near-duplicates (estimated Jaccard >= ``threshold``).

    Candidates come from LSH; each candidate pair is confirmed on the full signature, and
    confirmed pairs are joined transitively (a chain of small edits stays one group).
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    sigs = dict(signatures)
    if not sigs:
        return []
    num_perm = len(next(iter(sigs.values())).hashvalues)
    from datasketch import MinHashLSH  # imported here: see the module docstring

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for doc_id, sig in sigs.items():
        lsh.insert(doc_id, sig)
    parent = {doc_id: doc_id for doc_id in sigs}
    for doc_id, sig in sigs.items():
        for other in lsh.query(sig):
            if other != doc_id and sig.jaccard(sigs[other]) >= threshold:
                _union(parent, doc_id, other)
    members: dict[int, list[int]] = {}
    for doc_id in sigs:
        members.setdefault(_find(parent, doc_id), []).append(doc_id)
    groups = []
    for ids in members.values():
        if len(ids) < 2:
            continue
        rep = min(ids)
        groups.append(
            NearDupGroup(rep, {i: round(sigs[rep].jaccard(sigs[i]), 4) for i in sorted(ids)})
        )
    return sorted(groups, key=lambda g: g.representative)


def _find(parent: dict[int, int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _union(parent: dict[int, int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)
