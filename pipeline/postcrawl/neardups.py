"""Post-crawl step: group near-duplicate documents over the archive (MinHash LSH).

Signatures are cached in the archive by content hash, so only new or changed documents are
hashed again; the groups themselves are recomputed and replaced as a whole.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import sqlite_utils

from archive import dedupe
from pipeline import neardup

if TYPE_CHECKING:
    from datasketch import MinHash

logger = logging.getLogger(__name__)


def group_near_duplicates(
    db: sqlite_utils.Database,
    threshold: float = neardup.DEFAULT_THRESHOLD,
    shingle_size: int = neardup.DEFAULT_SHINGLE,
    num_perm: int = neardup.DEFAULT_NUM_PERM,
) -> dict[str, int]:
    """Recompute near-duplicate groups over the whole archive; return counts."""
    signatures = _signatures(db, shingle_size, num_perm)
    groups = neardup.group(signatures.items(), threshold)
    dedupe.replace_near_dup_groups(
        db, [(g.representative, g.similarity) for g in groups], threshold, shingle_size, num_perm
    )
    counts = {
        "documents_compared": len(signatures),
        "near_dup_groups": len(groups),
        "documents_in_groups": sum(len(g.similarity) for g in groups),
    }
    logger.info("near-duplicate groups: %s", counts)
    return counts


def _signatures(db: sqlite_utils.Database, shingle_size: int, num_perm: int) -> dict[int, MinHash]:
    """MinHash per document, from the cache when its content hash and parameters match."""
    cached = dedupe.load_signatures(db.conn, shingle_size, num_perm)
    result: dict[int, MinHash] = {}
    fresh = []
    for doc_id, sha, title, body in list(dedupe.document_texts(db.conn)):
        if doc_id in cached and cached[doc_id][0] == sha:
            result[doc_id] = _from_blob(cached[doc_id][1], cached[doc_id][2], num_perm)
            continue
        sig = neardup.signature(_comparison_text(title, body), shingle_size, num_perm)
        if sig is None:
            continue
        result[doc_id] = sig
        fresh.append((doc_id, sha, shingle_size, num_perm, sig.scheme, sig.hashvalues.tobytes()))
    dedupe.save_signatures(db, fresh)
    return result


def _from_blob(scheme: str, blob: bytes, num_perm: int) -> MinHash:
    # datasketch 2 stores 32-bit values for its affine32 scheme and 64-bit ones otherwise.
    import numpy as np  # imported here: datasketch and numpy cost 0.6 s at crawl start-up
    from datasketch import MinHash

    dtype = np.uint32 if len(blob) == 4 * num_perm else np.uint64
    hashvalues = np.frombuffer(blob, dtype=dtype)
    return MinHash(num_perm=num_perm, seed=1, hashvalues=hashvalues, scheme=scheme)


def _comparison_text(title: str | None, body: str | None) -> str:
    # The title joins the body so that two attachment-only pages ("详见附件") are compared by
    # what they announce, not by their identical one-line body.
    return (title or "") + "\n" + (body or "")
