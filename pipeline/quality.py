"""Quality signals (Gopher-style), stored on every record; thresholds are opt-in in the config."""

from __future__ import annotations

import re
from collections import Counter

from .stopwords import stopwords_for

WORD = re.compile(r"\w+", re.UNICODE)
SYMBOLS = ("#", "...", "…")
END_PUNCTUATION = tuple(".!?…\"'”’)»")


def _duplicate_ngram_fraction(words: list[str], n: int) -> float:
    """Fraction of characters inside n-grams that occur more than once (Gopher's dup_ngram_char_frac)."""
    if len(words) < n:
        return 0.0
    ngrams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    counts = Counter(ngrams)
    covered = [False] * len(words)
    for i, gram in enumerate(ngrams):
        if counts[gram] > 1:
            for j in range(i, i + n):
                covered[j] = True
    total = sum(len(word) for word in words)
    return round(sum(len(w) for w, c in zip(words, covered) if c) / total, 4) if total else 0.0


def _top_ngram_fraction(words: list[str], n: int) -> float:
    """Fraction of characters covered by the most frequent n-gram (Gopher's top_ngram_char_frac)."""
    if len(words) < n:
        return 0.0
    counts = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    gram, count = counts.most_common(1)[0]
    total = sum(len(word) for word in words)
    return round(sum(len(w) for w in gram) * count / total, 4) if total and count > 1 else 0.0


def quality_signals(text: str, language: str | None) -> dict:
    """Word count, mean word length, punctuation, stop-word, symbol and repetition measures."""
    words = WORD.findall(text)
    lower = [word.lower() for word in words]
    lines = [line for line in text.split("\n") if line.strip()]
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    stop = stopwords_for(language)
    line_counts = Counter(lines)
    paragraph_counts = Counter(paragraphs)
    n_words = len(words)
    signals = {
        "word_count": n_words,
        "mean_word_length": round(sum(map(len, words)) / n_words, 3) if n_words else 0.0,
        "frac_lines_end_punctuation": round(sum(line.rstrip().endswith(END_PUNCTUATION) for line in lines) / len(lines), 4) if lines else 0.0,
        "stopword_ratio": round(sum(word in stop for word in lower) / n_words, 4) if n_words and stop else None,
        "symbol_ratio": round(sum(text.count(symbol) for symbol in SYMBOLS) / n_words, 4) if n_words else 0.0,
        "frac_duplicate_lines": round(sum(c for c in line_counts.values() if c > 1) / len(lines), 4) if lines else 0.0,
        "frac_duplicate_paragraphs": round(sum(c for c in paragraph_counts.values() if c > 1) / len(paragraphs), 4) if paragraphs else 0.0,
    }
    for n in (2, 3, 4):
        signals[f"top_{n}gram_char_frac"] = _top_ngram_fraction(lower, n)
    for n in (5, 6, 7, 8, 9, 10):
        signals[f"dup_{n}gram_char_frac"] = _duplicate_ngram_fraction(lower, n)
    return signals


def failed_threshold(signals: dict, thresholds: dict) -> str | None:
    """The name of the first signal outside its configured {min, max} bounds, if any."""
    for name in sorted(thresholds):
        value = signals.get(name)
        bounds = thresholds[name]
        if value is None:
            continue
        if "min" in bounds and value < bounds["min"] or "max" in bounds and value > bounds["max"]:
            return name
    return None
