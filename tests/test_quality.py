"""Issue 4: Gopher quality signals, as datatrove defines them; thresholds are opt-in."""

from __future__ import annotations

import inspect
import json
import random
import re
from collections import Counter

import pytest
from conftest import clean_dir

from pipeline.config import config_from_dict
from pipeline.quality import failed_threshold, quality_signals

WORD = re.compile(r"\w+")


# A plain transcription of datatrove's GopherRepetitionFilter helpers, to compare against.
def reference_duplicates(items: list[str]) -> tuple[int, int]:
    seen, count, chars = set(), 0, 0
    for item in items:
        if item in seen:
            count, chars = count + 1, chars + len(item)
        else:
            seen.add(item)
    return count, chars


def reference_top(words: list[str], n: int) -> int:
    grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0
    gram, count = Counter(grams).most_common(1)[0]
    return len(gram) * count


def reference_all_duplicate(words: list[str], n: int) -> int:
    seen, repeated, index = set(), 0, 0
    while index < len(words) - n + 1:
        gram = "".join(words[index : index + n])
        if gram in seen:
            repeated += len(gram)
            index += n
        else:
            seen.add(gram)
            index += 1
    return repeated


def reference_signals(text: str) -> dict:
    words = WORD.findall(text)
    lines = re.split(r"\n+", text)
    paragraphs = re.split(r"\n{2,}", text.strip())
    signals = {
        "word_count": len(words),
        "dup_line_frac": reference_duplicates(lines)[0] / len(lines),
        "dup_line_char_frac": reference_duplicates(lines)[1] / len(text),
        "dup_para_frac": reference_duplicates(paragraphs)[0] / len(paragraphs),
        "dup_para_char_frac": reference_duplicates(paragraphs)[1] / len(text),
    }
    for n in (2, 3, 4):
        signals[f"top_{n}_gram_char_frac"] = reference_top(words, n) / len(text)
    for n in range(5, 11):
        signals[f"dup_{n}_gram_char_frac"] = reference_all_duplicate(words, n) / len(text)
    return {key: round(value, 4) for key, value in signals.items()}


def sample_texts() -> list[str]:
    """Prose, prose with repeated lines and paragraphs, and spam-like repetition."""
    rng = random.Random(3)
    prose = [inspect.getdoc(module) for module in (json, random, re, inspect)]
    texts = list(prose)
    for doc in prose:
        paragraphs = doc.split("\n\n")
        texts.append("\n\n".join(paragraphs + rng.sample(paragraphs, k=min(2, len(paragraphs)))))
    phrases = ["buy cheap watches now", "best price online", "free shipping today", "click here"]
    texts.append("\n".join(" ".join(rng.choice(phrases) for _ in range(5)) for _ in range(30)))
    texts.append("Home\nNews\nHome\nSport\n\nThe match ended in a draw after extra time was played.\n\nHome")
    return texts


@pytest.mark.parametrize("index", range(10))
def test_repetition_signals_match_datatrove_definitions(index):
    text = sample_texts()[index]
    signals = quality_signals(text, "en")
    for name, expected in reference_signals(text).items():
        assert signals[name] == pytest.approx(expected, abs=1e-4), name


def test_repetition_signals_match_datatrove_on_highly_repetitive_texts():
    """Few distinct words: many ties for the top n-gram, overlapping repeats and jumps in the scan."""
    rng = random.Random(11)
    for _ in range(200):
        words = [rng.choice(["ab", "c", "déf", "g"]) for _ in range(rng.randrange(1, 60))]
        text = "".join(word + rng.choice("  \n") for word in words).strip()
        signals = quality_signals(text, None)
        for name, expected in reference_signals(text).items():
            assert signals[name] == pytest.approx(expected, abs=1e-4), (name, text)


def test_repetition_signals_by_hand():
    text = "a b c a b c"  # 11 characters
    signals = quality_signals(text, None)
    assert signals["top_2_gram_char_frac"] == round(2 * len("a b") / 11, 4)  # "a b" twice, seen before "b c"
    assert signals["top_4_gram_char_frac"] == round(len("a b c a") / 11, 4)  # nothing repeats: the first, once
    assert signals["dup_5_gram_char_frac"] == 0.0
    lines = quality_signals("Menu\nThe text.\nMenu\nMenu", None)
    assert lines["dup_line_frac"] == 0.5 and lines["dup_line_char_frac"] == round(8 / 24, 4)
    repeated = " ".join(["one two three four five six"] * 3)  # 83 characters
    # the scan finds "one..five" again at word 6, jumps to word 11 and finds "six..four" seen at word 5
    assert quality_signals(repeated, None)["dup_5_gram_char_frac"] == round((19 + 18) / 83, 4)


def test_word_and_line_signals():
    text = "Lorem ipsum dolor #tag #more...\n• first item\n• second item…\nA sentence that ends.\n2024 42"
    signals = quality_signals(text, "en")
    assert signals["word_count"] == 15
    assert signals["mean_word_length"] == round(sum(map(len, WORD.findall(text))) / 15, 3)
    assert signals["hash_word_ratio"] == round(2 / 15, 4)
    assert signals["ellipsis_word_ratio"] == round(2 / 15, 4)
    assert signals["bullet_line_ratio"] == 0.4
    assert signals["ellipsis_line_ratio"] == 0.4
    assert signals["end_punctuation_line_ratio"] == 0.6  # '...' and '…' end in punctuation too
    assert signals["alpha_word_ratio"] == round(13 / 15, 4)  # '2024' and '42' have no letter


def test_stop_word_ratio_uses_the_documents_language():
    german = "Die Katze schläft auf dem Sofa und der Hund liegt unter dem Tisch."
    assert quality_signals(german, "de")["stop_word_ratio"] == pytest.approx(7 / 13, abs=0.08)
    assert quality_signals(german, "de")["stop_word_ratio"] > quality_signals(german, "en")["stop_word_ratio"]
    assert quality_signals("Über dem Tal", "de")["stop_word_ratio"] > 0  # capitalised non-ASCII stop word
    assert quality_signals(german, None)["stop_word_ratio"] is None
    assert quality_signals(german, "xx")["stop_word_ratio"] is None


def test_empty_and_tiny_texts():
    for text in ("", "word", "…"):
        signals = quality_signals(text, "en")
        assert signals["word_count"] == len(WORD.findall(text))
        assert all(value is None or value >= 0 for value in signals.values())


def test_failed_threshold_names_the_first_signal_out_of_bounds():
    signals = {"word_count": 40, "dup_line_frac": 0.5, "stop_word_ratio": None}
    assert failed_threshold(signals, {}) is None
    assert failed_threshold(signals, {"word_count": {"min": 50}, "dup_line_frac": {"max": 0.3}}) == "dup_line_frac"
    assert failed_threshold(signals, {"word_count": {"min": 50}}) == "word_count"
    assert failed_threshold(signals, {"stop_word_ratio": {"min": 0.1}}) is None  # unknown language: not judged


def test_quality_is_stored_by_default_and_thresholds_reject_with_the_signals_name(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "spam.txt").write_text(sample_texts()[8], encoding="utf-8")
    (inputs / "prose.txt").write_text(sample_texts()[0], encoding="utf-8")
    default = clean_dir([inputs], tmp_path / "default")
    assert sorted(record["source"] for record in default["corpus"]) == ["prose.txt", "spam.txt"]
    spam = next(record for record in default["corpus"] if record["source"] == "spam.txt")
    assert spam["quality"]["top_2_gram_char_frac"] > 0.2
    config = config_from_dict({"filters": {"quality_thresholds": {"top_2_gram_char_frac": {"max": 0.2}}}})
    strict = clean_dir([inputs], tmp_path / "strict", config)
    assert [record["source"] for record in strict["corpus"]] == ["prose.txt"]
    assert [(r["source"], r["reason"]) for r in strict["rejected"]] == [("spam.txt", "quality.top_2_gram_char_frac")]
