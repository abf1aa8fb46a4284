"""Quality signals stored on every record (Gopher rules, Rae et al. 2021, as datatrove computes them).

Nothing is dropped by default; `filters.quality_thresholds` in the config turns a signal into a
filter (`{"dup_line_frac": {"max": 0.3}}`) and a document outside its bounds is rejected with
reason `quality.<signal>`.

Definitions follow datatrove's GopherQualityFilter and GopherRepetitionFilter:
- lines are the text split at runs of line breaks, paragraphs at runs of two or more;
- `dup_*_frac`: occurrences after the first of a repeated line/paragraph, over all lines/paragraphs;
  `dup_*_char_frac`: their characters over the text's characters;
- `top_{n}_gram_char_frac` (n = 2..4): characters of the most frequent word n-gram (words joined by
  spaces) times its count, over the text's characters (the first n-gram when none repeats);
- `dup_{n}_gram_char_frac` (n = 5..10): scanning left to right, each n-gram seen before adds its
  characters (words joined without spaces) and the scan jumps n words; over the text's characters.
One deliberate difference: words are runs of letters and digits (datatrove uses NLTK tokens,
which also count punctuation marks as words).  `stop_word_ratio` uses the stop-word list of the
detected language instead of Gopher's eight English words; `end_punctuation_line_ratio` (C4) and
the ratios below are extra measures.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np

from .dedup import utf8_bytes, word_hashes, word_spans
from .stopwords import stopwords_for

PARAGRAPH_BREAKS = re.compile("\n\n+")  # a literal prefix: faster than r"\n{2,}"
BULLETS = frozenset("•●▪◦‣⁃*·-")
END_PUNCTUATION = frozenset(".!?…\"'”’)»")
_NGRAM_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
TOP_NGRAMS = (2, 3, 4)
DUP_NGRAMS = (5, 6, 7, 8, 9, 10)
_CONTINUATION = np.zeros(256, dtype=bool)
_CONTINUATION[0x80:0xC0] = True
_LETTER = np.zeros(256, dtype=bool)
_LETTER[[*b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"]] = True
_LETTER[0x80:] = True  # every non-ASCII word character counts as a letter


def _ratio(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def _duplicates(items: list[str]) -> tuple[int, int]:
    """(occurrences after the first of repeated items, their characters), as datatrove's find_duplicates."""
    counts = Counter(items)
    return len(items) - len(counts), sum(len(item) * (count - 1) for item, count in counts.items() if count > 1)


def _line_shapes(lines: list[str]) -> tuple[int, int, int]:
    """How many lines start with a bullet, end with an ellipsis, end with terminal punctuation."""
    stripped = [line.strip() for line in lines]
    firsts = Counter(line[:1] for line in stripped)
    lasts = Counter(line[-1:] for line in stripped)
    bullets = sum(firsts[char] for char in BULLETS)
    ellipses = lasts["…"] + sum(line.endswith("...") for line in stripped if line.endswith("."))
    return bullets, ellipses, sum(lasts[char] for char in END_PUNCTUATION)


@lru_cache(maxsize=128)
def _stop_word_hashes(language: str | None) -> np.ndarray | None:
    """Hashes of a language's one-word stop words, comparable with `word_hashes` of lower-cased text."""
    words = sorted(stopwords_for(language))
    if not words:
        return None
    data = utf8_bytes(" ".join(words))
    _, starts, ends = word_spans(data)
    return np.unique(word_hashes(data, starts, ends))


def _count_in(values: np.ndarray, ordered: np.ndarray) -> int:
    """How many values occur in the sorted array `ordered`."""
    found = ordered.take(np.minimum(np.searchsorted(ordered, values), len(ordered) - 1))
    return int(np.count_nonzero(found == values))


def _prefix(values: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(values, dtype=np.int64)))


def _sorted_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values' argsort order, and along it where each run of equal values starts (True), with a
    True after the last run: a value is alone where its run starts and the next one starts too.

    Called for every document and n, on short arrays: plain ndarray methods (take() rather than
    indexing with an index array), no numpy helpers written in Python (np.diff, np.unique),
    which cost more than the work here.
    """
    order = values.argsort()
    ordered = values.take(order)
    run_start = np.empty(len(values) + 1, dtype=bool)
    run_start[0] = run_start[-1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=run_start[1:-1])
    return order, run_start


def _scan_duplicates(positions, grams, chars, n: int) -> int:
    """datatrove's find_all_duplicate: left to right, an n-gram already seen adds its characters and
    the scan jumps n words.  Only n-grams that occur more than once can ever be "seen", so only their
    positions are given here; the result is the same as scanning every position.
    """
    repeated = 0
    next_start = 0
    seen: set[int] = set()
    visits = zip(positions.tolist(), grams.tolist(), chars.tolist(), strict=True)
    for position, gram, length in visits:
        if position < next_start:
            continue
        if gram in seen:
            repeated += length
            next_start = position + n
        else:
            seen.add(gram)
    return repeated


def _repetition(hashes: np.ndarray, lengths: np.ndarray, total_chars: int) -> dict:
    """Top n-gram and duplicate n-gram character fractions from word hashes and word lengths.

    Each n only looks at the positions whose (n-1)-gram occurs more than once, since an n-gram
    cannot repeat where its first n-1 words do not: one full pass, then ever smaller ones.  An
    n-gram's hash is its (n-1)-gram's hash times _NGRAM_MULTIPLIER plus its last word's hash.
    """
    signals: dict[str, float] = {}
    cumulative = _prefix(lengths)
    positions = np.arange(len(hashes))
    grams = hashes
    for n in (*TOP_NGRAMS, *DUP_NGRAMS):
        inside = positions.searchsorted(len(hashes) - n, side="right")  # the n-grams within the text
        positions, grams = positions[:inside], grams[:inside]
        if inside == 0 and n in DUP_NGRAMS:  # nothing repeats any more
            signals[f"dup_{n}_gram_char_frac"] = 0.0
            continue
        grams = grams * _NGRAM_MULTIPLIER + hashes.take(positions + (n - 1))
        order, run_start = _sorted_runs(grams)
        repeats = np.empty(inside, dtype=bool)
        repeats[order] = ~(run_start[:-1] & run_start[1:])
        if n in TOP_NGRAMS:
            if len(hashes) < n:
                top = 0
            elif repeats.any():
                starts = run_start.nonzero()[0]
                counts = starts[1:] - starts[:-1]
                most = counts.max()
                best = int(positions[np.minimum.reduceat(order, starts[:-1])[counts == most].min()])
                top = (int(cumulative[best + n] - cumulative[best]) + n - 1) * int(most)  # ties: seen first
            else:
                top = int(cumulative[n]) + n - 1  # nothing repeats: the first n-gram, once
            signals[f"top_{n}_gram_char_frac"] = _ratio(top, total_chars)
        positions, grams = positions[repeats], grams[repeats]
        if n in DUP_NGRAMS:
            chars = cumulative.take(positions + n) - cumulative.take(positions)  # the n words' characters
            signals[f"dup_{n}_gram_char_frac"] = _ratio(_scan_duplicates(positions, grams, chars, n), total_chars)
    return signals


def quality_signals(text: str, language: str | None) -> dict:
    """Word, line, paragraph and repetition measures of a cleaned text (see the module docstring)."""
    total_chars = len(text)
    lines = [line for line in text.split("\n") if line]
    paragraphs = [p for p in PARAGRAPH_BREAKS.split(text.strip()) if p]
    data = utf8_bytes(text)
    word, starts, ends = word_spans(data)
    n_words = len(starts)
    char_starts = _prefix(~_CONTINUATION.take(data))
    lengths = char_starts.take(ends) - char_starts.take(starts)
    letters = _prefix(_LETTER.take(data) & word)
    lower = utf8_bytes(text.lower())
    if len(lower) != len(data):  # lower-casing changed byte lengths (rare): re-split the lower-cased text
        _, lower_starts, lower_ends = word_spans(lower)
    else:
        lower_starts, lower_ends = starts, ends
    stop_words = _stop_word_hashes(language)
    bullets, ellipses, end_punctuation = _line_shapes(lines)
    dup_lines, dup_line_chars = _duplicates(lines)
    dup_paragraphs, dup_paragraph_chars = _duplicates(paragraphs)
    signals = {
        "word_count": n_words,
        "mean_word_length": round(float(lengths.mean()), 3) if n_words else 0.0,
        "alpha_word_ratio": _ratio(int(np.count_nonzero(letters.take(ends) > letters.take(starts))), n_words),
        "stop_word_ratio": (
            _ratio(_count_in(word_hashes(lower, lower_starts, lower_ends), stop_words), n_words)
            if stop_words is not None
            else None
        ),
        "hash_word_ratio": _ratio(text.count("#"), n_words),
        "ellipsis_word_ratio": _ratio(text.count("...") + text.count("…"), n_words),
        "bullet_line_ratio": _ratio(bullets, len(lines)),
        "ellipsis_line_ratio": _ratio(ellipses, len(lines)),
        "end_punctuation_line_ratio": _ratio(end_punctuation, len(lines)),
        "dup_line_frac": _ratio(dup_lines, len(lines)),
        "dup_line_char_frac": _ratio(dup_line_chars, total_chars),
        "dup_para_frac": _ratio(dup_paragraphs, len(paragraphs)),
        "dup_para_char_frac": _ratio(dup_paragraph_chars, total_chars),
    }
    signals.update(_repetition(word_hashes(data, starts, ends), lengths, total_chars))
    return signals


def failed_threshold(signals: dict, thresholds: dict) -> str | None:
    """The name of the first signal (in name order) outside its configured {min, max} bounds, if any."""
    for name in sorted(thresholds):
        value = signals.get(name)
        bounds = thresholds[name]
        if value is None:
            continue
        if ("min" in bounds and value < bounds["min"]) or ("max" in bounds and value > bounds["max"]):
            return name
    return None
