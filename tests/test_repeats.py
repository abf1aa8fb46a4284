"""Corpus-level repeated lines: the keys a prepared text contributes to the count."""

from __future__ import annotations

from pipeline.config import RepeatsConfig
from pipeline.repeats import line_key, text_keys


def test_text_keys_are_the_distinct_short_lines_with_case_and_digits_folded():
    config = RepeatsConfig()
    long_line = "word " * (config.max_line_chars // 5 + 1)
    text = f"Seite 2 von 9\nSEITE 3 VON 9\n\nAbonnieren\n{long_line.strip()}\n\nAbonnieren"
    keys = text_keys(text, config)
    assert sorted(keys.tolist()) == sorted({line_key("Seite 2 von 9"), line_key("Abonnieren")})
    assert line_key("Seite 2 von 9") == line_key("seite 7 von 1")
    assert len(text_keys("", config)) == 0
