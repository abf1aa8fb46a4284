"""Issue 4: exact and near duplicates, found in a corpus with planted copies, deterministically."""

from __future__ import annotations

import importlib
import inspect
import itertools
import random

import numpy as np
import pytest
from conftest import clean_dir

from pipeline.config import Config, DedupConfig
from pipeline.dedup import DedupIndex, DedupKey, dedup_key, find_duplicates, similarity, source_order
from pipeline.executors import ProcessExecutor

CONFIG = DedupConfig()
# Prose to build documents from: docstrings of standard-library modules and their members.
MODULES = ["argparse", "asyncio", "collections", "csv", "dataclasses", "datetime", "decimal", "email", "enum",
           "functools", "heapq", "http.client", "inspect", "io", "itertools", "json", "logging", "pathlib", "pickle",
           "re", "shutil", "socket", "sqlite3", "statistics", "string", "subprocess", "tarfile", "threading",
           "unittest", "urllib.parse", "zipfile"]


def paragraphs() -> list[str]:
    """Distinct docstrings of 60-300 words, in a fixed order."""
    found: dict[str, None] = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for _, member in [("", module), *sorted(inspect.getmembers(module), key=lambda item: item[0])]:
            doc = inspect.getdoc(member) if callable(member) or member is module else None
            if doc and 60 <= len(doc.split()) <= 300:
                found.setdefault(doc.strip(), None)
    return list(found)


def edited(text: str, rate: float, rng: random.Random) -> str:
    """The text with about `rate` of its words replaced, deleted or with a word inserted."""
    words = text.split(" ")
    for _ in range(max(1, round(len(words) * rate))):
        index = rng.randrange(len(words))
        operation = rng.randrange(3)
        if operation == 0:
            words[index] = rng.choice(["notably", "however", "always", "river", "seven"])
        elif operation == 1:
            del words[index]
        else:
            words.insert(index, rng.choice(["also", "quite", "blue", "later"]))
    return " ".join(words)


def planted_corpus() -> tuple[dict[str, str], list[set[str]]]:
    """(source -> text, true clusters): 40 originals, exact and near copies, and look-alike decoys.

    Exact copies differ only in case, spacing and punctuation; near copies have 1-3 % of their
    words edited; decoys share one of their three paragraphs with an original and must stay apart.
    """
    rng = random.Random(4)
    pool = paragraphs()
    assert len(pool) >= 150, "not enough varied text to build the corpus"
    originals = ["\n\n".join(pool[i : i + 3]) for i in range(0, 120, 3)]
    corpus = {f"{i:03d}-a.txt": text for i, text in enumerate(originals)}
    clusters = []
    for i, text in enumerate(originals):
        members = {f"{i:03d}-a.txt"}
        if i % 3 == 0:  # an exact copy, re-typed
            copy = text.upper().replace(" ", "  ").replace(".", " .")
            corpus[f"{i:03d}-b-exact.txt"] = copy
            members.add(f"{i:03d}-b-exact.txt")
        if i % 2 == 0:  # one or two near copies
            for j in range(1 + i % 4 // 2):
                corpus[f"{i:03d}-c{j}-near.txt"] = edited(text, rng.choice([0.01, 0.02, 0.03]), rng)
                members.add(f"{i:03d}-c{j}-near.txt")
        clusters.append(members)
    for k, start in enumerate(range(120, 150, 3)):  # decoys: one shared paragraph, two new ones
        shared = originals[k * 3].split("\n\n")[0]
        corpus[f"{200 + k}-decoy.txt"] = "\n\n".join([shared, *pool[start : start + 2]])
    return corpus, clusters


def keys_for(corpus: dict[str, str]) -> list[DedupKey]:
    return [dedup_key(source, source, text, CONFIG) for source, text in corpus.items()]


def same_cluster_pairs(groups) -> set[frozenset[str]]:
    return {frozenset(pair) for group in groups for pair in itertools.combinations(sorted(group), 2)}


def test_planted_duplicates_are_found_with_high_precision_and_recall():
    corpus, truth = planted_corpus()
    duplicates = find_duplicates(keys_for(corpus), CONFIG)
    found: dict[str, set[str]] = {}
    for member, (representative, _) in duplicates.items():
        found.setdefault(representative, {representative}).add(member)
    predicted, expected = same_cluster_pairs(found.values()), same_cluster_pairs(truth)
    precision = len(predicted & expected) / len(predicted)
    recall = len(predicted & expected) / len(expected)
    print(f"\ndedup on {len(corpus)} documents, {len(expected)} true pairs: precision {precision:.3f}, recall {recall:.3f}")
    assert precision == 1.0
    assert recall >= 0.95
    for source in corpus:
        if "-b-exact" in source:
            assert duplicates[source] == (source[:3] + "-a.txt", 1.0)
        if "-near" in source and source in duplicates:
            representative, score = duplicates[source]
            assert representative == source[:3] + "-a.txt" and CONFIG.threshold <= score < 1.0
    assert not any("-a.txt" in source or "decoy" in source for source in duplicates)


def test_clusters_do_not_depend_on_input_order():
    corpus, _ = planted_corpus()
    keys = keys_for(corpus)
    expected = find_duplicates(keys, CONFIG)
    for seed in (1, 2):
        shuffled = keys[:]
        random.Random(seed).shuffle(shuffled)
        assert find_duplicates(shuffled, CONFIG) == expected


def test_the_compact_index_gives_the_same_clusters_whatever_the_batches():
    corpus, _ = planted_corpus()
    keys = keys_for(corpus)
    expected = find_duplicates(keys, CONFIG)
    assert expected
    shuffled = keys[:]
    random.Random(3).shuffle(shuffled)
    index = DedupIndex()
    for batch, start in enumerate(range(0, len(shuffled), 7)):
        index.add(batch, shuffled[start : start + 7])
    index.add(99, [])  # a shard without kept documents
    assert index.duplicates(CONFIG) == expected
    assert index.payload_bytes == len(keys) * (32 + 4 * CONFIG.num_perm)
    wanted = {keys[0].id, keys[-1].id}
    named = index.members(wanted)
    assert sorted(pair for pairs in named.values() for pair in pairs) == sorted([[k.id, k.source] for k in (keys[0], keys[-1])])
    assert all(pair in [[k.id, k.source] for k in shuffled[7 * batch : 7 * batch + 7]] for batch, pairs in named.items()
               for pair in pairs)


def test_a_chain_of_copies_has_one_representative_the_first_in_source_order():
    text = " ".join(f"word{i} sentence{i % 7}" for i in range(200))
    keys = [
        dedup_key("third", "b.jsonl:10", text, CONFIG),
        dedup_key("first", "b.jsonl:2", text, CONFIG),
        dedup_key("second", "b.jsonl:9", text.upper(), CONFIG),
    ]
    assert find_duplicates(keys, CONFIG) == {"second": ("first", 1.0), "third": ("first", 1.0)}
    assert sorted(["b.jsonl:10", "b.jsonl:9", "a.txt", "b.jsonl:2"], key=source_order) == [
        "a.txt", "b.jsonl:2", "b.jsonl:9", "b.jsonl:10"]


def test_normalised_text_ignores_case_spacing_and_punctuation_but_not_words():
    base = dedup_key("a", "a", "The committee met on “Monday”—briefly.", CONFIG)
    same = dedup_key("b", "b", "the COMMITTEE met on Monday, briefly", CONFIG)
    other = dedup_key("c", "c", "The committee met on Tuesday, briefly.", CONFIG)
    assert base.exact == same.exact and base.signature == same.signature
    assert base.exact != other.exact


def test_signatures_estimate_jaccard_similarity():
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(5000)]
    words = [rng.choice(vocabulary) for _ in range(2000)]
    config = DedupConfig(shingle_words=1)
    for keep in (1500, 1000):  # Jaccard of the first `keep` words' set with the whole set
        a = set(words)
        b = set(words[:keep])
        expected = len(a & b) / len(a | b)
        signature_a = np.frombuffer(dedup_key("a", "a", " ".join(words), config).signature, np.uint32)
        signature_b = np.frombuffer(dedup_key("b", "b", " ".join(words[:keep]), config).signature, np.uint32)
        assert similarity(signature_a, signature_b) == pytest.approx(expected, abs=0.15)


def test_short_and_empty_texts_get_keys():
    assert dedup_key("a", "a", "", CONFIG).signature == dedup_key("b", "b", "…", CONFIG).signature
    assert dedup_key("a", "a", "two words", CONFIG).signature != dedup_key("b", "b", "two birds", CONFIG).signature


def test_drop_duplicates_moves_copies_to_the_rejects_the_same_way_with_any_worker_count(tmp_path):
    corpus, _ = planted_corpus()
    chosen = {source: text for source, text in corpus.items() if source[:3] in {"000", "002", "005"}}
    inputs = tmp_path / "in"
    inputs.mkdir()
    for source, text in chosen.items():
        if "-exact" in source:  # the cleaning stages may treat an upper-case text differently: re-space instead
            text = chosen[source[:3] + "-a.txt"].replace(" ", "   ") + "\n\n"
        (inputs / source).write_text(text, encoding="utf-8")
    config = Config().replace("dedup", drop=True)
    serial = clean_dir([inputs], tmp_path / "serial", config)
    executor = ProcessExecutor(2)
    try:
        from pipeline.run import run

        run([str(inputs)], str(tmp_path / "pool"), config, executor)
    finally:
        executor.close()
    assert (tmp_path / "serial/corpus.jsonl").read_bytes() == (tmp_path / "pool/corpus.jsonl").read_bytes()
    assert (tmp_path / "serial/rejected.jsonl").read_bytes() == (tmp_path / "pool/rejected.jsonl").read_bytes()
    kept = sorted(record["source"] for record in serial["corpus"])
    assert kept == ["000-a.txt", "002-a.txt", "005-a.txt"]
    dropped = sorted(reject["source"] for reject in serial["rejected"] if reject["reason"] == "duplicate")
    assert dropped == sorted(source for source in chosen if not source.endswith("-a.txt"))
    cluster_sizes = {c["ids"][0]: c["size"] for c in serial["report"]["duplicates"]["clusters"]}
    ids = {record["source"]: record["id"] for record in serial["corpus"]}
    assert cluster_sizes == {ids["000-a.txt"]: 3, ids["002-a.txt"]: 3}  # 000: exact + near; 002: two near


def test_duplicates_are_marked_and_kept_by_default(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    text = "\n\n".join(paragraphs()[:3])
    (inputs / "a.txt").write_text(text, encoding="utf-8")
    (inputs / "b.txt").write_text(text.replace(" ", "  ") + "\n", encoding="utf-8")
    records = {record["source"]: record for record in clean_dir([inputs], tmp_path / "out")["corpus"]}
    assert records["a.txt"]["duplicate_of"] is None and records["a.txt"]["similarity"] is None
    assert records["b.txt"]["duplicate_of"] == records["a.txt"]["id"]
    assert records["b.txt"]["similarity"] == 1.0
