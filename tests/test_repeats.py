"""Corpus-level repeated lines: the keys a prepared text contributes to the count."""

from __future__ import annotations

import json

from conftest import clean_dir

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


def test_one_jsonl_file_holding_a_corpus_gets_repeated_lines_removed(tmp_path):
    """The corpus size that switches repeat removal on counts documents, not input files."""
    furniture = "Harbour Gazette Coastal Edition"
    lines = [
        json.dumps({"text": f"{furniture}\n\nStory number {n} tells how the harbour town rebuilt its pier after the "
                            f"storm of year {1900 + n}, with help from every family living there."})
        for n in range(RepeatsConfig().min_corpus_docs)
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "stories.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = clean_dir([tmp_path / "in"], tmp_path / "out")
    assert len(result["corpus"]) == len(lines)
    for record in result["corpus"]:
        assert furniture not in record["text"]
        assert {"rule": "repeats.corpus_line", "text": furniture, "line": 1} in record["removed"]
