"""Issue 4: language (ISO 639-1) and confidence from py3langid's bundled model, over the whole body."""

from __future__ import annotations

from importlib.metadata import version

import numpy as np
import pytest
from py3langid.langid import visit_counts

from pipeline import language
from pipeline.language import (
    AUTOMATON_DEPTH,
    SAMPLE_CHARS,
    convert_model,
    detect_language,
    feature_counts,
    identifier,
    model,
    probabilities,
    sample,
)

PARAGRAPHS = {
    "en": "The ferry between the two islands will run every hour this summer, and the operator has promised "
    "that tickets bought online will cost less than those sold at the harbour.",
    "de": "Die Fähre zwischen den beiden Inseln fährt in diesem Sommer jede Stunde, und der Betreiber hat "
    "versprochen, dass online gekaufte Fahrkarten weniger kosten als die am Hafen verkauften.",
    "fr": "Le bac entre les deux îles circulera toutes les heures cet été, et l'exploitant a promis que les "
    "billets achetés en ligne coûteront moins cher que ceux vendus au port.",
    "es": "El transbordador entre las dos islas saldrá cada hora este verano, y la empresa ha prometido que "
    "los billetes comprados por internet costarán menos que los vendidos en el puerto.",
    "it": "Il traghetto tra le due isole partirà ogni ora quest'estate e la compagnia ha promesso che i "
    "biglietti comprati online costeranno meno di quelli venduti al porto.",
    "pl": "Prom między dwiema wyspami będzie kursował tego lata co godzinę, a przewoźnik obiecał, że bilety "
    "kupione przez internet będą tańsze niż te sprzedawane w porcie.",
}


@pytest.mark.parametrize("language", sorted(PARAGRAPHS))
def test_languages_are_recognised_with_confidence(language):
    code, confidence = detect_language(PARAGRAPHS[language])
    assert code == language
    assert 0.5 < confidence <= 1.0


def test_too_short_text_has_no_language():
    assert detect_language("") == (None, None)
    assert detect_language("OK thanks") == (None, None)


def test_the_whole_body_decides_not_its_first_lines():
    english_intro = " ".join([PARAGRAPHS["en"]] * 20)  # longer than the sample
    german_body = " ".join([PARAGRAPHS["de"]] * 120)
    assert len(english_intro) > SAMPLE_CHARS
    assert detect_language(english_intro + "\n\n" + german_body)[0] == "de"
    assert detect_language(german_body[:4000] + "\n\n" + english_intro * 6)[0] == "en"


def test_sample_spreads_over_the_text_and_cuts_at_spaces():
    words = [f"w{i}" for i in range(3000)]
    text = " ".join(words)
    picked = sample(text).split()
    assert len(sample(text)) <= SAMPLE_CHARS + 10
    assert set(picked) <= set(words)  # only whole words
    numbers = [int(word[1:]) for word in picked]
    assert min(numbers) == 0 and max(numbers) == 2999  # from the beginning to the end
    assert any(1000 < number < 2000 for number in numbers)  # and the middle
    assert sample("short text") == "short text"


def test_same_answers_as_py3langid():
    reference = identifier()
    texts = [
        *PARAGRAPHS.values(),
        " ".join(PARAGRAPHS.values()),
        "HELLO WORLD, THIS IS AN ALL CAPS LINE",
        "x",
        "12345 67890",
        "Ünïcödé ñ ß 漢字 текст ελληνικά",
        PARAGRAPHS["fr"][:40],
    ]
    for text in texts:
        code, confidence = reference.classify(text)
        scores = probabilities(text)
        assert model().languages[int(scores.argmax())] == code
        assert float(scores.max()) == pytest.approx(confidence, abs=1e-4)
    assert model().aliases == tuple(reference._alias_pairs)


def test_automaton_depth_covers_the_model():
    """Breadth-first from the start state: no state is first reached by a string longer than AUTOMATON_DEPTH."""
    source = identifier()
    next_state = np.asarray(source.tk_nextmove)
    row_start = np.asarray(source.tk_row).astype(np.intp) << 8
    depth = np.full(len(row_start), -1)
    depth[0], frontier, level = 0, np.array([0]), 0
    while len(frontier):
        reached = next_state[row_start[frontier][:, None] + np.arange(256)]
        frontier = np.unique(reached[depth[reached] < 0])
        level += 1
        depth[frontier] = level
    assert depth.min() >= 0 and depth.max() == AUTOMATON_DEPTH


def test_feature_counts_are_py3langid_walks():
    """The walk by rows finds exactly the features py3langid's byte-by-byte walk visits."""
    source = identifier()
    texts = [*PARAGRAPHS.values(), "Ünïcödé ñ ß 漢字 текст ελληνικά", "ab", "", "a"]
    for text in texts:
        data = text.encode("utf-8")
        expected = visit_counts(source.tk_nextmove, source._rowbase, source.tk_output, data) or {}
        found, counts = feature_counts(data)
        assert dict(zip(found.tolist(), counts.tolist(), strict=True)) == dict(expected)
        assert found.tolist() == sorted(expected)


def test_the_record_language_is_measured_on_the_whole_body(monkeypatch):
    from pipeline import language
    from pipeline.clean import Cleaner
    from pipeline.config import Config
    from pipeline.readers import RawDocument

    body = "\n\n".join([PARAGRAPHS["en"]] * 40)
    assert len(body) > 2 * SAMPLE_CHARS
    seen = []
    real = language.probabilities
    monkeypatch.setattr(language, "probabilities", lambda text: seen.append(text) or real(text))
    cleaned = Cleaner(Config().replace("boilerplate", classifier=False)).clean(RawDocument("a.txt", "text", body, {}))
    assert seen[-1] == cleaned.text


def same_model(a, b) -> bool:
    arrays = all(np.array_equal(getattr(a, name), getattr(b, name)) for name in language.MODEL_ARRAYS)
    return arrays and (a.start, a.languages, a.aliases) == (b.start, b.languages, b.aliases)


def test_the_model_in_use_is_a_fresh_conversion():
    """Fails when the conversion changed but MODEL_FORMAT did not: the cache would hold the old model."""
    assert same_model(model(), convert_model())


def test_the_first_process_caches_the_model_and_later_ones_map_it(tmp_path, monkeypatch):
    monkeypatch.setattr(language, "MODEL_CACHE", tmp_path / "cache")
    model.cache_clear()
    try:
        converted = model()
        (folder,) = (tmp_path / "cache").iterdir()
        assert sorted(path.name for path in folder.iterdir()) == [
            "fields.json",
            "final_feature.npy",
            "next_row.npy",
            "prior.npy",
            "weights.npy",
        ]
        model.cache_clear()
        mapped = model()
        assert isinstance(mapped.weights.base, np.memmap)
        assert same_model(mapped, converted)
        assert detect_language(PARAGRAPHS["de"])[0] == "de"
    finally:
        model.cache_clear()


def test_caching_a_model_removes_the_caches_of_other_versions(tmp_path, monkeypatch):
    monkeypatch.setattr(language, "MODEL_CACHE", tmp_path / "cache")
    stale = tmp_path / "cache" / "py3langid-0.0.1-format-1"
    other_format = tmp_path / "cache" / f"py3langid-{version('py3langid')}-format-0"
    unrelated = tmp_path / "cache" / "notes"
    for folder in (stale, other_format, unrelated):
        folder.mkdir(parents=True)
        (folder / "weights.npy").write_bytes(b"old")
    model.cache_clear()
    try:
        model()
        names = sorted(path.name for path in (tmp_path / "cache").iterdir())
        assert names == ["notes", f"py3langid-{version('py3langid')}-format-{language.MODEL_FORMAT}"]
    finally:
        model.cache_clear()


def test_a_damaged_cache_is_written_anew(tmp_path, monkeypatch):
    monkeypatch.setattr(language, "MODEL_CACHE", tmp_path / "cache")
    model.cache_clear()
    try:
        model()
        (folder,) = (tmp_path / "cache").iterdir()
        (folder / "weights.npy").write_bytes(b"cut short")
        model.cache_clear()
        assert same_model(model(), convert_model())
        assert np.array_equal(language.load_model(folder).weights, convert_model().weights)
    finally:
        model.cache_clear()


def test_without_a_writable_cache_the_model_is_converted(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(language, "MODEL_CACHE", blocker / "cache")
    model.cache_clear()
    try:
        assert same_model(model(), convert_model())
        assert detect_language(PARAGRAPHS["fr"])[0] == "fr"
    finally:
        model.cache_clear()


@pytest.mark.parametrize("text", ["Tel. 0711 2345 · Fax 0711 2346", "Ref. 2024/117 – Lot B7, Halle 3, Stand 12"])
def test_a_record_whose_language_is_a_wild_guess_gets_none_and_keeps_the_confidence(text):
    from pipeline.clean import Cleaner
    from pipeline.config import Config
    from pipeline.readers import RawDocument

    guess, confidence = detect_language(text)
    assert guess is not None and confidence < language.MIN_CONFIDENCE  # the model still names some language
    doc = Cleaner(Config()).clean(RawDocument("card.txt", "text", text, {}, {}))
    assert doc.text == text
    assert (doc.metadata["language"], doc.metadata["language_confidence"]) == (None, confidence)
    assert doc.signals["stop_word_ratio"] is None  # no stop-word list of a guessed language


@pytest.mark.parametrize("code", sorted(PARAGRAPHS))
def test_a_confident_record_language_is_kept(code):
    assert language.record_language(PARAGRAPHS[code])[0] == code
