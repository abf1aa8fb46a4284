"""Corpus-level repeated lines: a short line found in many documents is site furniture.

Map: each shard yields the set of line keys of each document (64-bit hashes of the
normalised line).  Reduce (run.LineCounts): count in how many documents each key occurs
and keep those above the threshold.  The second pass removes lines whose key is frequent,
except shared prose: a sentence that many articles use ("The company did not respond to a
request for comment.") standing between kept sentences of the body.  Furniture stands in
runs at the page's edges or among other removed or short lines, and rarely reads as a sentence.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from functools import lru_cache

import numpy as np

from .classifier import continues_sentence, reads_as_sentence
from .config import RepeatsConfig
from .document import Document

DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=1 << 16)  # lines repeat across a site's pages
def line_key(text: str) -> int:
    """A stable 64-bit key for a line: case and digits folded, so 'Page 2 of 9' ~ 'Page 3 of 9'."""
    folded = DIGITS.sub("0", text.lower())
    return int.from_bytes(hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def text_keys(text: str, config: RepeatsConfig) -> np.ndarray:
    """The distinct keys of a prepared text's candidate lines (not blank, short enough to be furniture), unindented."""
    keys = {line_key(line) for line in map(str.lstrip, text.split("\n")) if 0 < len(line) <= config.max_line_chars}
    return np.fromiter(keys, dtype=np.int64, count=len(keys))


def frequent_keys(keys: np.ndarray, counts: np.ndarray, documents: int, config: RepeatsConfig) -> frozenset[int]:
    """Keys found in enough documents (`counts`) to count as furniture; none for a small corpus."""
    if documents < config.min_corpus_docs:
        return frozenset()
    needed = max(config.min_docs, config.min_fraction * documents)
    return frozenset(keys[counts >= needed].tolist())


def inside_sentence(lines, index: int) -> bool:
    """A line that a sentence runs into or out of (text broken at an inline tag) is not furniture by itself."""
    line = lines[index]
    before = lines[index - 1] if index else None
    after = lines[index + 1] if index + 1 < len(lines) else None
    runs_in = before is not None and before.block == line.block and continues_sentence(before.text, line.text)
    runs_out = after is not None and after.block == line.block and continues_sentence(line.text, after.text)
    return runs_in or runs_out


def among_prose(lines, start: int, end: int, removed: list[int]) -> bool:
    """Lines start..end-1 stand between two kept sentences, with no line removed in between."""
    if start == 0 or end == len(lines):
        return False
    above, below = lines[start - 1], lines[end]
    return (
        all(reads_as_sentence(line.text) for line in (above, below))
        and bisect_left(removed, above.number) == bisect_left(removed, below.number)
    )


def shared_prose(lines, repeated: list[bool], removed: list[int]) -> set[int]:
    """Positions of repeated lines that are body text: runs of repeated sentences with kept prose on both sides."""
    kept: set[int] = set()
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and repeated[end] and reads_as_sentence(lines[end].text):
            end += 1
        if end > index and among_prose(lines, index, end, removed):
            kept.update(range(index, end))
        index = end + 1  # lines[end] starts no run
    return kept


def drop_repeated_lines(doc: Document, frequent: frozenset[int], config: RepeatsConfig) -> Document:
    """Remove lines whose key occurs across many documents of the corpus (not fragments of a sentence, not prose)."""
    if frequent:
        lines = doc.lines
        repeated = [len(line.text) <= config.max_line_chars and line_key(line.text) in frequent for line in lines]
        if any(repeated):
            prose = shared_prose(lines, repeated, sorted(entry["line"] for entry in doc.removed))
            doc.drop(
                [
                    i
                    for i, is_repeated in enumerate(repeated)
                    if is_repeated and i not in prose and not inside_sentence(lines, i)
                ],
                "repeats.corpus_line",
            )
    return doc
