"""Exact and near-duplicate detection: a signature per document (map), LSH clustering (reduce).

Words are lower-cased runs of letters and digits; a document's shingles are its runs of
`shingle_words` consecutive words.  The near-duplicate signature is a one-permutation MinHash
(one 64-bit hash per shingle, split into `num_perm` bins, the minimum kept per bin, empty bins
filled by rotation densification, Shrivastava & Li 2014): it estimates Jaccard similarity like
a classic `num_perm`-permutation MinHash at a fraction of the cost, all in numpy.

Clusters are deterministic: documents are taken in source order and each cluster's
representative is its first document, whatever order the files were listed in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np

from .config import DedupConfig

# Bytes of UTF-8 text that belong to words: ASCII letters, digits, '_' and every non-ASCII byte
# except the punctuation blocks handled in `word_mask`.
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[[*b"0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"]] = True
_WORD_BYTE[0x80:] = True
_BASE = 0x100000001B3  # odd multiplier of the per-word polynomial hash (mod 2**64)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_U64 = np.uint64


@dataclass(frozen=True)
class DedupKey:
    """The compact per-document state the reduce step needs."""

    id: str
    source: str
    exact: bytes  # sha256 of the normalised text (lower-cased words joined by single spaces)
    signature: bytes  # num_perm MinHash values as uint32


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the whole 64-bit output."""
    values = values ^ (values >> _U64(30))
    values = values * _U64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> _U64(27))
    values = values * _U64(0x94D049BB133111EB)
    return values ^ (values >> _U64(31))


def word_mask(data: np.ndarray) -> np.ndarray:
    """True for the bytes that belong to words; Unicode punctuation and spaces count as separators.

    Separators among non-ASCII characters: U+00A0-U+00BF (no-break space, « », ¡ ¿, ©, °),
    U+2000-U+207F (typographic spaces, dashes, curly quotes, …, •) and U+3000-U+303F (CJK punctuation).
    """
    word = _WORD_BYTE.take(data)  # take(): indexing, faster
    lead, second = data[:-1], data[1:]
    latin1 = np.flatnonzero((lead == 0xC2) & (second >= 0xA0))
    general = np.flatnonzero((lead[:-1] == 0xE2) & (second[:-1] <= 0x81) & (second[:-1] >= 0x80))
    cjk = np.flatnonzero((lead[:-1] == 0xE3) & (second[:-1] == 0x80))
    for starts, width in ((latin1, 2), (general, 3), (cjk, 3)):
        for offset in range(width):
            word[starts + offset] = False
    return word


def word_spans(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(word mask, word start offsets, word end offsets) of UTF-8 bytes."""
    word = word_mask(data)
    edges = np.flatnonzero(np.diff(word, prepend=False, append=False))
    return word, edges[0::2], edges[1::2]


def utf8_bytes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


_CACHED_POWERS = 1 << 20  # texts up to 1 MiB reuse one table; longer ones compute their own


def _compute_powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**(i+1) and BASE**-(i+1) mod 2**64 for i < size."""
    inverse = pow(_BASE, -1, 2**64)
    return np.cumprod(np.full(size, _BASE, dtype=np.uint64)), np.cumprod(np.full(size, inverse, dtype=np.uint64))


@lru_cache(maxsize=1)
def _cached_powers() -> tuple[np.ndarray, np.ndarray]:
    return _compute_powers(_CACHED_POWERS)


def word_hashes(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit hash of every word, from prefix sums of a polynomial hash (mod 2**64)."""
    powers, inverses = _cached_powers() if len(data) < _CACHED_POWERS else _compute_powers(len(data) + 1)
    prefix = np.concatenate(([_U64(0)], np.cumsum(data * powers[: len(data)], dtype=np.uint64)))
    return _mix((prefix.take(ends) - prefix.take(starts)) * inverses.take(starts))


def ngram_hashes(words: np.ndarray, n: int) -> np.ndarray:
    """A 64-bit hash for each run of n consecutive words (one run of all words when fewer than n)."""
    n = min(n, len(words))
    if n == 0:
        return words
    count = len(words) - n + 1
    combined = words[:count].copy()
    for offset in range(1, n):
        combined = combined * _MIX + words[offset : offset + count]
    return _mix(combined)


def minhash_signature(shingles: np.ndarray, num_perm: int) -> np.ndarray:
    """One-permutation MinHash with rotation densification: num_perm uint32 values."""
    bins = (shingles % _U64(num_perm)).astype(np.intp)
    signature = np.full(num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
    np.minimum.at(signature, bins, shingles // _U64(num_perm))
    filled = np.flatnonzero(signature != np.iinfo(np.uint64).max)
    if len(filled) == 0:
        return np.zeros(num_perm, dtype=np.uint32)
    slots = np.arange(num_perm)
    source = filled[np.searchsorted(filled, slots) % len(filled)]
    distance = ((source - slots) % num_perm).astype(np.uint64)
    densified = signature[source] + distance * _MIX
    return (_mix(densified) >> _U64(32)).astype(np.uint32)


def dedup_key(doc_id: str, source: str, text: str, config: DedupConfig) -> DedupKey:
    """Exact hash and MinHash signature of a document's cleaned text.

    >>> a = dedup_key("a", "a", "The cat sat. On the mat!", DedupConfig())
    >>> b = dedup_key("b", "b", "the CAT sat on\\nthe mat", DedupConfig())
    >>> a.exact == b.exact, a.signature == b.signature
    (True, True)
    """
    data = utf8_bytes(text.lower())
    word, starts, ends = word_spans(data)
    spaced = np.where(word, data, np.uint8(32))
    keep = word.copy()
    keep[starts[1:] - 1] = True  # one space before every word but the first
    exact = hashlib.sha256(spaced[keep].tobytes()).digest()
    shingles = ngram_hashes(word_hashes(data, starts, ends), config.shingle_words)
    return DedupKey(doc_id, source, exact, minhash_signature(shingles, config.num_perm).tobytes())


def source_order(source: str) -> tuple[str, int]:
    """Sort key for sources: by file, then by line number for JSONL lines ('a.jsonl:10' after 'a.jsonl:9')."""
    head, _, tail = source.rpartition(":")
    return (head, int(tail)) if head and tail.isdigit() else (source, 0)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the fraction of equal values."""
    return round(float(np.mean(a == b)), 4)


def _band_hashes(signatures: np.ndarray, rows: int, band: int) -> np.ndarray:
    """One 64-bit hash per document of its `band`-th run of `rows` signature values."""
    block = signatures[:, band * rows : (band + 1) * rows].astype(np.uint64)
    multipliers = (np.arange(1, rows + 1, dtype=np.uint64) * _MIX) | _U64(1)
    return (block * multipliers).sum(axis=1, dtype=np.uint64)


def _buckets(signatures: np.ndarray, rows: int, bands: int):
    """For each band, the documents sharing its values (two or more, in index order): the LSH candidates."""
    for band in range(bands):
        hashes = _band_hashes(signatures, rows, band)
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        ends = np.r_[starts[1:], len(order)]
        for start, end in zip(starts[ends - starts > 1], ends[ends - starts > 1], strict=True):
            yield sorted(order[start:end].tolist())


class DedupIndex:
    """The reduce state of duplicate detection, kept compact: per batch of documents (a shard) one string
    of their ids and one of their sources, and per document its exact hash and signature as raw bytes
    (`payload_bytes` in all); no Python object per document until the reduce itself.
    """

    def __init__(self) -> None:
        self.batches: dict[int, tuple[str, str]] = {}  # batch -> (ids, sources), each joined by NUL
        self.exact = bytearray()
        self.signatures = bytearray()
        self.documents = 0

    def add(self, batch: int, keys: list[DedupKey]) -> None:
        if not keys:
            return
        self.batches[batch] = ("\0".join(key.id for key in keys), "\0".join(key.source for key in keys))
        for key in keys:
            self.exact += key.exact
            self.signatures += key.signature
        self.documents += len(keys)

    @property
    def payload_bytes(self) -> int:
        return len(self.exact) + len(self.signatures)

    def names(self) -> tuple[list[str], list[str]]:
        """(ids, sources) of every document, in the order they were added."""
        ids = [doc_id for joined, _ in self.batches.values() for doc_id in joined.split("\0")]
        sources = [source for _, joined in self.batches.values() for source in joined.split("\0")]
        return ids, sources

    def members(self, ids: set[str]) -> dict[int, list[list[str]]]:
        """batch -> [[id, source], ...] of the documents with these ids."""
        found: dict[int, list[list[str]]] = {}
        for batch, (joined_ids, joined_sources) in self.batches.items():
            names = zip(joined_ids.split("\0"), joined_sources.split("\0"), strict=True)
            pairs = [[doc_id, source] for doc_id, source in names if doc_id in ids]
            if pairs:
                found[batch] = pairs
        return found

    def duplicates(self, config: DedupConfig) -> dict[str, tuple[str, float]]:
        """id -> (id of its cluster's first document, estimated Jaccard similarity to it).

        Same normalised text joins a cluster at once; otherwise two LSH candidates (documents sharing at
        least one band of `num_perm // bands` values) join when their estimated similarity reaches
        `threshold`.  Only documents that belong to a cluster are in the result; representatives are not.
        Documents are taken in source order, so the result does not depend on the order they were added in.
        """
        if not self.documents:
            return {}
        ids, sources = self.names()
        exact = np.frombuffer(self.exact, dtype=np.uint8).reshape(self.documents, -1)
        signatures = np.frombuffer(self.signatures, dtype=np.uint32).reshape(self.documents, -1)
        in_order = all(a <= b for a, b in pairwise(zip(map(source_order, sources), ids, strict=True)))
        if not in_order:  # shards came back out of order (a resumed run): sort, at the cost of copies
            order = sorted(range(self.documents), key=lambda i: (source_order(sources[i]), ids[i]))
            ids, exact, signatures = [ids[i] for i in order], exact[order], signatures[order]
        return _clusters_of(ids, exact, signatures, config)


def find_duplicates(keys: list[DedupKey], config: DedupConfig) -> dict[str, tuple[str, float]]:
    """`DedupIndex.duplicates` of one batch of keys (the tests' way in)."""
    index = DedupIndex()
    index.add(0, keys)
    return index.duplicates(config)


def _clusters_of(ids: list[str], exact: np.ndarray, signatures: np.ndarray, config: DedupConfig) -> dict:
    """`DedupIndex.duplicates` of documents in source order: exact hashes (one row each) and signature matrix."""
    rows = max(1, config.num_perm // config.bands)
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    _, first, group = np.unique(exact, axis=0, return_index=True, return_inverse=True)
    first_same_text = first[group.ravel()]
    for i in np.flatnonzero(first_same_text != np.arange(len(ids))).tolist():
        join(int(first_same_text[i]), i)
    # Two candidates join when similar enough.  Only components matter, so in a bucket a document is
    # compared, in one numpy step, with the first member of each other component before it, then with
    # the rest of the components that did not match: thousands of near copies cost a comparison each,
    # thousands of dissimilar documents one vector each, not a Python call per pair.
    num_perm = signatures.shape[1]  # `similarity` >= threshold, by the number of equal values:
    similar_enough = np.array([round(equal / num_perm, 4) >= config.threshold for equal in range(num_perm + 1)])
    for bucket in _buckets(signatures, rows, min(config.bands, config.num_perm // rows)):
        block = signatures[bucket]
        labels = np.array([root(i) for i in bucket])  # component of each member, kept current below
        is_head = _first_occurrences(labels)
        for position in range(1, len(bucket)):
            other = labels[:position] != labels[position]
            if not other.any():
                continue
            heads = np.flatnonzero(other & is_head[:position])
            matched = _similar_labels(block, labels, heads, position, similar_enough)
            rest = np.flatnonzero(other & ~is_head[:position] & ~np.isin(labels[:position], matched))
            matched = np.union1d(matched, _similar_labels(block, labels, rest, position, similar_enough))
            if not len(matched):
                continue
            for label in matched.tolist():
                join(label, bucket[position])
            merged = np.isin(labels, matched) | (labels == labels[position])
            labels[merged] = root(bucket[position])
            is_head[merged] = False
            is_head[np.argmax(merged)] = True
    result = {}
    for i, doc_id in enumerate(ids):
        representative = root(i)
        if representative != i:
            same_text = first_same_text[representative] == first_same_text[i]
            score = 1.0 if same_text else similarity(signatures[i], signatures[representative])
            result[doc_id] = (ids[representative], score)
    return result


def _first_occurrences(labels: np.ndarray) -> np.ndarray:
    """True at the first position of each label."""
    first = np.zeros(len(labels), dtype=bool)
    first[np.unique(labels, return_index=True)[1]] = True
    return first


def _similar_labels(block, labels, candidates: np.ndarray, position: int, similar_enough) -> np.ndarray:
    """The labels of the candidates (positions in a bucket) whose signatures in `block` are similar enough to
    the one at `position`; `similar_enough[n]` says whether n equal values are."""
    if not len(candidates):
        return candidates
    equal = np.count_nonzero(block[candidates] == block[position], axis=1)
    return np.unique(labels[candidates[similar_enough[equal]]])


def clusters(duplicates: dict[str, tuple[str, float]]) -> list[dict]:
    """Clusters for the report: representative id, size, member ids; largest first."""
    members: dict[str, list[str]] = {}
    for doc_id, (representative, _) in duplicates.items():
        members.setdefault(representative, []).append(doc_id)
    listed = [{"representative": rep, "size": len(ids) + 1, "ids": [rep, *sorted(ids)]} for rep, ids in members.items()]
    return sorted(listed, key=lambda cluster: (-cluster["size"], cluster["representative"]))
