"""Language identification with py3langid's bundled model (nothing downloaded at run time).

py3langid walks its byte n-gram automaton in Python (about 0.5 s per MB), so a long body is
represented by `SAMPLE_WINDOWS` windows spread evenly from its beginning to its end, cut at
spaces, `SAMPLE_CHARS` characters in all: the whole body has a say, at a bounded cost.
"""

from __future__ import annotations

from functools import lru_cache

MIN_CHARS = 20
SAMPLE_CHARS = 3000
SAMPLE_WINDOWS = 6


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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


def detect_language(text: str) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, confidence 0..1) for the text, or (None, None) when it is too short.

    >>> detect_language("Der Hund läuft schnell über die Straße und bellt laut.")[0]
    'de'
    """
    if len(text) < MIN_CHARS:
        return None, None
    code, probability = _identifier().classify(sample(text))
    return code, round(float(probability), 4)
