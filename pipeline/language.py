"""Language identification with py3langid's bundled model (nothing downloaded at run time)."""

from __future__ import annotations

from functools import lru_cache

MIN_CHARS = 20


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, confidence 0..1) for the text, or (None, None) when it is too short.

    >>> detect_language("Der Hund läuft schnell über die Straße und bellt laut.")[0]
    'de'
    """
    if len(text) < MIN_CHARS:
        return None, None
    code, probability = _identifier().classify(text[:20000])
    return code, round(float(probability), 4)
