"""Exact and near-duplicate detection: MinHash signatures per document (map), LSH clustering (reduce).

Clusters are deterministic: documents are taken in source order and each cluster's
representative is its first document, whatever order the files were listed in.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from .config import DedupConfig

WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class DedupKey:
    """The compact per-document state the reduce step needs."""

    id: str
    source: str
    exact: bytes  # sha256 of the normalised text
    signature: bytes  # MinHash values as uint32


def normalised_words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def dedup_key(doc_id: str, source: str, text: str, config: DedupConfig) -> DedupKey:
    """Exact hash and MinHash signature of a document's cleaned text."""
    words = normalised_words(text)
    exact = hashlib.sha256(" ".join(words).encode("utf-8")).digest()
    n = config.shingle_words
    shingles = {" ".join(words[i : i + n]).encode("utf-8") for i in range(max(1, len(words) - n + 1))}
    minhash = MinHash(num_perm=config.num_perm, seed=1)
    minhash.update_batch(sorted(shingles))
    return DedupKey(doc_id, source, exact, minhash.hashvalues.astype(np.uint32).tobytes())


def find_duplicates(keys: list[DedupKey], config: DedupConfig) -> dict[str, tuple[str, float]]:
    """id -> (id of its cluster's first document, estimated Jaccard similarity to it).

    Only documents that belong to a cluster are in the result; representatives are not.
    """
    keys = sorted(keys, key=lambda key: key.source)
    rows = config.num_perm // config.bands
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    signatures = [np.frombuffer(key.signature, dtype=np.uint32) for key in keys]
    first_exact: dict[bytes, int] = {}
    buckets: dict[tuple[int, bytes], int] = {}
    for i, key in enumerate(keys):
        if key.exact in first_exact:
            join(first_exact[key.exact], i)
            continue
        first_exact[key.exact] = i
        candidates = set()
        for band in range(config.bands):
            bucket = (band, key.signature[band * rows * 4 : (band + 1) * rows * 4])
            if bucket in buckets:
                candidates.add(buckets[bucket])
            else:
                buckets[bucket] = i
        for j in sorted(candidates):
            if float(np.mean(signatures[i] == signatures[j])) >= config.threshold:
                join(j, i)
    result = {}
    for i, key in enumerate(keys):
        representative = root(i)
        if representative != i:
            same_text = keys[representative].exact == key.exact
            similarity = 1.0 if same_text else round(float(np.mean(signatures[i] == signatures[representative])), 4)
            result[key.id] = (keys[representative].id, similarity)
    return result


def clusters(duplicates: dict[str, tuple[str, float]]) -> list[dict]:
    """Clusters for the report: representative id, size, member ids; largest first."""
    members: dict[str, list[str]] = {}
    for doc_id, (representative, _) in duplicates.items():
        members.setdefault(representative, []).append(doc_id)
    listed = [{"representative": rep, "size": len(ids) + 1, "ids": [rep, *sorted(ids)]} for rep, ids in members.items()]
    return sorted(listed, key=lambda cluster: (-cluster["size"], cluster["representative"]))
