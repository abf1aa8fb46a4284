"""Language identification with py3langid's bundled model (nothing downloaded at run time).

py3langid scores a text by walking its byte automaton in Python, about 0.5 s per MB.  This
module runs the same model with numpy and gives the same answers (tests/test_language.py
compares them): the automaton's state after a byte depends only on the last `AUTOMATON_DEPTH`
bytes, so every position's state is found by stepping all positions at once from the start
state over their preceding bytes.  The record's language is measured on the whole body (up to
`BODY_CHARS`); where a quick guess is enough (the classifier's stop-word list), a long text is
represented by `SAMPLE_WINDOWS` windows spread evenly from its beginning to its end, cut at
spaces, `SAMPLE_CHARS` characters in all.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

MIN_CHARS = 20
SAMPLE_CHARS = 3000  # enough to choose a stop-word list (the classifier)
BODY_CHARS = 1_000_000  # the record's language is measured on the whole body up to this size
SAMPLE_WINDOWS = 6
AUTOMATON_DEPTH = 6  # longest byte string the model's automaton tracks (checked by a test)


@dataclass(frozen=True)
class LanguageModel:
    """py3langid's model as arrays: automaton (next state per state and byte), feature per state, weights."""

    next_state: np.ndarray  # next_state[row_start[state] + byte]
    row_start: np.ndarray
    feature: np.ndarray  # feature index reached in each state, -1 for none
    weights: np.ndarray  # features x languages, log-probabilities
    prior: np.ndarray  # languages
    languages: tuple[str, ...]
    aliases: tuple[tuple[int, int], ...]  # (first, duplicate) columns of one language


def identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def model() -> LanguageModel:
    source = identifier()
    languages = tuple(source.nb_classes)
    first: dict[str, int] = {}
    aliases = []
    for index, code in enumerate(languages):
        if code in first:
            aliases.append((first[code], index))
        else:
            first[code] = index
    return LanguageModel(
        next_state=np.asarray(source.tk_nextmove, dtype=np.int32),
        row_start=np.asarray(source.tk_row, dtype=np.int32) << 8,
        feature=np.asarray(source.tk_output, dtype=np.int32),
        weights=np.ascontiguousarray(source.nb_ptc, dtype=np.float32),
        prior=np.asarray(source.nb_pc, dtype=np.float32),
        languages=languages,
        aliases=tuple(aliases),
    )


def probabilities(text: str) -> np.ndarray:
    """Probability of each of the model's languages, as py3langid computes it with norm_probs=True."""
    lm = model()
    if text.isupper():
        text = text.lower()
    data = unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")
    octets = np.frombuffer(data, dtype=np.uint8).astype(np.int32)
    size = len(octets)
    states = np.zeros(size, dtype=np.int32)
    for back in range(min(AUTOMATON_DEPTH, size) - 1, -1, -1):  # step over the byte `back` places before
        window = states[back:]  # updated in place: no temporary arrays
        np.take(lm.row_start, window, out=window)
        window += octets[: size - back]
        np.take(lm.next_state, window, out=window)
    features = lm.feature.take(states)
    found, counts = np.unique(features[features >= 0], return_counts=True)
    if len(found):  # take(): the same rows as weights[found], gathered twice as fast
        scores = np.log1p(counts.astype(np.float32)) @ lm.weights.take(found, axis=0) + lm.prior
    else:
        scores = np.zeros(len(lm.languages), dtype=np.float32)
    scores = np.exp((scores - scores.max()) / math.sqrt(len(data) or 1))
    scores /= scores.sum()
    for first, duplicate in lm.aliases:
        scores[first] += scores[duplicate]
        scores[duplicate] = 0.0
    return scores


def sample(text: str, size: int = SAMPLE_CHARS, windows: int = SAMPLE_WINDOWS) -> str:
    """The text itself when short, else `windows` pieces spread evenly over it, cut at spaces.

    >>> sample("abc def", 100)
    'abc def'
    >>> sample("one two three four five six seven eight", 16, 2)
    'one two\\neight'
    """
    if len(text) <= size:
        return text
    width = size // windows
    step = (len(text) - width) / (windows - 1)
    pieces = []
    for index in range(windows):
        start = round(index * step)
        if start:
            start = text.find(" ", start) + 1 or start
        end = len(text) if start + width >= len(text) else text.rfind(" ", start, start + width)
        pieces.append(text[start : end if end > start else start + width])
    return "\n".join(pieces)


def detect_language(text: str, max_chars: int = SAMPLE_CHARS) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, confidence 0..1) for the text, or (None, None) when it is too short.

    Texts longer than `max_chars` are represented by windows spread over them (see `sample`).

    >>> detect_language("Der Hund läuft schnell über die Straße und bellt laut.")[0]
    'de'
    """
    if len(text) < MIN_CHARS:
        return None, None
    scores = probabilities(sample(text, max_chars))
    best = int(scores.argmax())
    return model().languages[best], round(float(scores[best]), 4)
