"""Language identification with py3langid's bundled model (nothing downloaded at run time).

py3langid scores a text by walking its byte automaton in Python, about 0.5 s per MB.  This
module runs the same model with numpy and gives the same answers (tests/test_language.py
compares them): the automaton's state after a byte depends only on the last `AUTOMATON_DEPTH`
bytes, so every position's state is found by stepping all positions at once from the start
state over their preceding bytes.  Converting py3langid's compressed model takes most of a
second, so the converted arrays are cached beside the installed packages (`MODEL_CACHE`) and
memory-mapped by later processes, which then share their pages.

The record's language is measured on the whole body (up to `BODY_CHARS`) and left out (None) when
the model is not confident enough (`MIN_CONFIDENCE`); where a quick guess
is enough (the classifier's stop-word list), a long text is represented by `SAMPLE_WINDOWS`
windows spread evenly from its beginning to its end, cut at spaces, `SAMPLE_CHARS` characters
in all.
"""

from __future__ import annotations

import contextlib
import json
import math
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np

MIN_CHARS = 20
SAMPLE_CHARS = 3000  # enough to choose a stop-word list (the classifier)
BODY_CHARS = 1_000_000  # the record's language is measured on the whole body up to this size
SAMPLE_WINDOWS = 6
MIN_CONFIDENCE = 0.4  # a record's guess below this is no language: on 20-150-character pieces of the dev set's
# pages, guesses under 0.4 were right 23-83 % of the time (under 0.15: 23-57 %), guesses from 0.4 up 87-100 %
AUTOMATON_DEPTH = 6  # longest byte string the model's automaton tracks (checked by a test)
MODEL_CACHE = Path(sys.prefix) / "share" / "clean-corpus" / "langid"  # in the venv: one per environment
MODEL_FORMAT = 1  # raise when the conversion below changes: older caches are then ignored
MODEL_ARRAYS = ("next_row", "final_feature", "weights", "prior")


@dataclass(frozen=True)
class LanguageModel:
    """py3langid's model as arrays: automaton by rows of 256 bytes, feature per transition, weights.

    py3langid's automaton has many states sharing one row of transitions, so the walk keeps the
    row's offset (row * 256) and steps with one lookup: the next row is `next_row[offset + byte]`;
    the feature counted at a position is the one of the state the last step reaches, `final_feature`.
    """

    start: int  # offset of the start state's row
    next_row: np.ndarray  # row of the state reached from row r by byte b, at r * 256 + b
    final_feature: np.ndarray  # feature index of that state, -1 for none
    weights: np.ndarray  # features x languages, log-probabilities
    prior: np.ndarray  # languages
    languages: tuple[str, ...]
    aliases: tuple[tuple[int, int], ...]  # (first, duplicate) columns of one language


def identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def model() -> LanguageModel:
    """The converted model: memory-mapped from its cache, else converted (and cached where the cache is writable).

    Caching a model removes the caches of other py3langid versions or model formats (116 MB each).
    """
    folder = MODEL_CACHE / f"py3langid-{version('py3langid')}-format-{MODEL_FORMAT}"
    try:
        return load_model(folder)
    except (OSError, ValueError, KeyError):
        shutil.rmtree(folder, ignore_errors=True)  # missing or damaged: written anew below
    converted = convert_model()
    with contextlib.suppress(OSError):
        save_model(converted, folder)
    for stale in MODEL_CACHE.glob("py3langid-*-format-*"):  # another py3langid or MODEL_FORMAT: never read again
        if stale != folder:
            shutil.rmtree(stale, ignore_errors=True)
    return converted


def convert_model() -> LanguageModel:
    source = identifier()
    languages = tuple(source.nb_classes)
    first: dict[str, int] = {}
    aliases = []
    for index, code in enumerate(languages):
        if code in first:
            aliases.append((first[code], index))
        else:
            first[code] = index
    next_state = np.asarray(source.tk_nextmove)  # views of py3langid's arrays, no copies
    row_of_state = np.asarray(source.tk_row)  # uint16 for this model's 38,346 rows
    return LanguageModel(
        start=int(row_of_state[0]) << 8,
        next_row=row_of_state.take(next_state),
        final_feature=np.asarray(source.tk_output, dtype=np.int32).take(next_state),
        weights=np.ascontiguousarray(source.nb_ptc, dtype=np.float32),
        prior=np.asarray(source.nb_pc, dtype=np.float32),
        languages=languages,
        aliases=tuple(aliases),
    )


def save_model(lm: LanguageModel, folder: Path) -> None:
    """Write the model's arrays and fields to `folder`, all at once (a rename), so readers never see half."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent))
    try:
        staging.chmod(0o755)  # readable by everyone who uses the environment, like the packages beside it
        fields = {"start": lm.start, "languages": lm.languages, "aliases": lm.aliases}
        (staging / "fields.json").write_text(json.dumps(fields), encoding="utf-8")
        for name in MODEL_ARRAYS:
            np.save(staging / f"{name}.npy", getattr(lm, name))
        staging.rename(folder)  # fails when another process cached it first
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_model(folder: Path) -> LanguageModel:
    fields = json.loads((folder / "fields.json").read_text(encoding="utf-8"))
    arrays = {name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r")) for name in MODEL_ARRAYS}
    return LanguageModel(
        start=fields["start"],
        languages=tuple(fields["languages"]),
        aliases=tuple(tuple(pair) for pair in fields["aliases"]),
        **arrays,
    )


def feature_counts(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The model's features found in the UTF-8 bytes (ascending) and how often each occurs."""
    lm = model()
    octets = np.frombuffer(data, dtype=np.uint8)
    size = len(octets)
    offsets = np.full(size, lm.start, dtype=np.int32)
    for back in range(min(AUTOMATON_DEPTH, size) - 1, 0, -1):  # step over the byte `back` places before
        window = offsets[back:]  # updated in place
        window += octets[: size - back]
        np.left_shift(lm.next_row.take(window), 8, out=window, dtype=np.int32)
    offsets += octets
    features = lm.final_feature.take(offsets)
    features.sort()
    return _runs(features[features.searchsorted(0) :])  # without the -1 of no feature


def _runs(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a sorted array and how often each occurs (np.unique without its sort)."""
    new = np.empty(len(ordered), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = new.nonzero()[0]
    counts = np.empty(len(starts), dtype=np.intp)
    counts[:-1] = starts[1:] - starts[:-1]
    counts[-1:] = len(ordered) - starts[-1:]
    return ordered.take(starts), counts


def probabilities(text: str) -> np.ndarray:
    """Probability of each of the model's languages, as py3langid computes it with norm_probs=True."""
    lm = model()
    if text.isupper():
        text = text.lower()
    data = unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")
    found, counts = feature_counts(data)
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


def record_language(text: str) -> tuple[str | None, float | None]:
    """The record's (language, confidence), measured on the whole body.

    A guess under MIN_CONFIDENCE gives no language (None) but keeps its confidence: a short text of
    names and numbers ("Tel. 0711 2345 · Fax 0711 2346") gets a language at random.
    """
    language, confidence = detect_language(text, BODY_CHARS)
    if confidence is not None and confidence < MIN_CONFIDENCE:
        return None, confidence
    return language, confidence
