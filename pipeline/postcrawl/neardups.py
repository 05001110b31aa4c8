"""Post-crawl step: group near-duplicate documents (MinHash LSH), looking only at what changed.

The archive keeps each document's signature and its LSH band keys (archive.near_dups), and a
queue of documents inserted or changed since the step last ran (archive.progress). A run:

1. signs the changed documents (a signature is recomputed only when the content hash moved)
   and files their band keys;
2. finds their candidates with one indexed query per chunk and confirms each on the full
   signature (estimated Jaccard >= threshold), as MinHashLSH would;
3. recomputes the groups those documents and their confirmed neighbours belong to, and
   replaces only those groups.

Pairs of unchanged documents were confirmed or rejected when one of them last changed, so the
result equals grouping the whole archive from scratch, which is what the first run on an
archive (or a run with other parameters) does. A crawl that changed nothing costs two queries.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

import sqlite_utils

from archive import near_dups, progress
from archive.db import archive_option
from pipeline import neardup

logger = logging.getLogger(__name__)

STEP = "near_duplicates"


class Signatures:
    """Signatures as numpy arrays, loaded from the archive on demand, and their band keys.

    At most CACHE arrays are held at a time (a full pass over a million documents would
    otherwise hold half a gigabyte of them).
    """

    CACHE = 50_000

    def __init__(self, conn, threshold: float, shingle_size: int, num_perm: int) -> None:
        from datasketch import MinHashLSH  # imported here: see pipeline.neardup's docstring

        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.bands, self.rows = lsh.b, lsh.r
        self.conn, self.threshold = conn, threshold
        self.shingle_size, self.num_perm = shingle_size, num_perm
        self.arrays: dict = {}

    def array(self, blob: bytes):
        import numpy as np  # imported here: datasketch and numpy cost 0.6 s at crawl start-up

        dtype = np.uint32 if len(blob) == 4 * self.num_perm else np.uint64
        return np.frombuffer(blob, dtype=dtype)

    def keys(self, values) -> list[int]:
        """One 64-bit key per LSH band: the band's hash values, hashed with the band number."""
        values = values.astype("<u8")
        return [
            int.from_bytes(
                hashlib.blake2b(
                    bytes([band]) + values[band * self.rows : (band + 1) * self.rows].tobytes(),
                    digest_size=8,
                ).digest(),
                "little",
                signed=True,
            )
            for band in range(self.bands)
        ]

    def load(self, ids: Iterable[int]) -> None:
        """Have the stored signatures of ``ids`` at hand (all at once, whatever was evicted)."""
        ids = set(ids)
        if len(self.arrays) + len(ids - self.arrays.keys()) > self.CACHE:
            self.arrays.clear()
        missing = [i for i in ids if i not in self.arrays]
        stored = near_dups.load_signatures(self.conn, missing, self.shingle_size, self.num_perm)
        for doc_id, (_, _, blob) in stored.items():
            self.arrays[doc_id] = self.array(blob)

    def similarity(self, a: int, b: int) -> float:
        import numpy as np

        return float(np.count_nonzero(self.arrays[a] == self.arrays[b])) / self.num_perm


def sign(sigs: Signatures, ids: list[int]) -> list[int]:
    """(Re)compute signatures and band keys of ``ids`` where their content changed; return
    the ids that have a signature."""
    signed = []
    for start in range(0, len(ids), 2000):
        signed += _sign(sigs, ids[start : start + 2000])
    return signed


def _sign(sigs: Signatures, ids: list[int]) -> list[int]:
    conn = sigs.conn
    stored = near_dups.load_signatures(conn, ids, sigs.shingle_size, sigs.num_perm)
    signed, fresh, gone, removed, added = [], [], [], [], []
    for doc_id, sha, title, body in near_dups.document_texts(conn, ids):
        old = stored.get(doc_id)
        if old is not None and old[0] == sha:
            added += [(k, doc_id) for k in sigs.keys(sigs.array(old[2]))]
            signed.append(doc_id)
            continue
        if old is not None:
            removed += [(k, doc_id) for k in sigs.keys(sigs.array(old[2]))]
        sig = neardup.signature(_comparison_text(title, body), sigs.shingle_size, sigs.num_perm)
        if sig is None:
            gone.append(doc_id)
            continue
        values = sig.hashvalues
        fresh.append((doc_id, sha, sigs.shingle_size, sigs.num_perm, sig.scheme, values.tobytes()))
        added += [(k, doc_id) for k in sigs.keys(values)]
        signed.append(doc_id)
    near_dups.save_signatures(conn, fresh)
    near_dups.forget_signatures(conn, gone)
    near_dups.replace_band_keys(conn, removed, added)
    sigs.arrays.clear()  # signatures that changed were cached under their old values
    return signed


def confirmed_pairs(sigs: Signatures, ids: list[int]) -> list[tuple[int, int]]:
    """Pairs (a, b), a in ``ids``, that share a band and whose signatures agree >= threshold."""
    pairs = []
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        sigs.load(chunk)
        wanted = {}
        for doc_id in chunk:
            if doc_id in sigs.arrays:
                for key in sigs.keys(sigs.arrays[doc_id]):
                    wanted.setdefault(key, []).append(doc_id)
        found = near_dups.documents_with_keys(sigs.conn, list(wanted))
        candidates = {(a, b) for key, b in found for a in wanted[key] if a != b}
        sigs.load(set(chunk) | {b for _, b in candidates})
        pairs += [(a, b) for a, b in candidates if sigs.similarity(a, b) >= sigs.threshold]
    return pairs


def components(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for doc_id in parent:
        members.setdefault(find(doc_id), []).append(doc_id)
    return [sorted(ids) for ids in members.values() if len(ids) > 1]


def group_near_duplicates(
    db: sqlite_utils.Database,
    threshold: float = neardup.DEFAULT_THRESHOLD,
    shingle_size: int = neardup.DEFAULT_SHINGLE,
    num_perm: int = neardup.DEFAULT_NUM_PERM,
) -> dict[str, int]:
    """Bring near-duplicate groups up to date with the archive; return counts.

    ``documents_compared`` is how many documents this run looked at (0 when nothing changed);
    ``near_dup_groups`` and ``documents_in_groups`` describe the whole archive.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    conn = db.conn
    settings = f"{threshold}/{shingle_size}/{num_perm}"
    changed, end = progress.changed_since(conn, STEP)
    full = changed is None or archive_option(conn, "near_dup_settings") != settings
    sigs = Signatures(conn, threshold, shingle_size, num_perm)
    with db.atomic():
        if full:
            near_dups.clear_band_keys(conn)
            changed = near_dups.document_ids(conn)
        signed = sign(sigs, changed)
        pairs = confirmed_pairs(sigs, signed)
        affected = None
        if not full:
            # Their neighbours' groups and their own old groups are recomputed whole.
            affected = near_dups.group_members(conn, set(changed) | {b for _, b in pairs})
            unchanged = sorted(affected - set(signed))
            pairs += confirmed_pairs(sigs, unchanged)
        groups = []
        for ids in components(pairs):
            sigs.load(ids)
            groups.append((ids[0], {i: round(sigs.similarity(ids[0], i), 4) for i in ids}))
        near_dups.replace_groups(conn, affected, groups, (threshold, shingle_size, num_perm))
        conn.execute(
            "INSERT OR REPLACE INTO archive_options (name, value) VALUES ('near_dup_settings', ?)",
            [settings],
        )
        progress.mark_done(conn, STEP, end)
    total_groups, in_groups = near_dups.group_totals(conn)
    counts = {
        "documents_compared": len(changed) if not full else len(signed),
        "near_dup_groups": total_groups,
        "documents_in_groups": in_groups,
    }
    logger.info("near-duplicate groups: %s", counts)
    return counts


def _comparison_text(title: str | None, body: str | None) -> str:
    # The title joins the body so that two attachment-only pages ("详见附件") are compared by
    # what they announce, not by their identical one-line body.
    return (title or "") + "\n" + (body or "")
