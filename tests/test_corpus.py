"""--format parquet|jsonl|both and pipeline.load_corpus: the same rows from either format, in source order."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import clean_dir, read_jsonl
from test_report import FRENCH, NEWS_DE, RECIPE

import pipeline
from pipeline.config import Config
from pipeline.corpus import jsonl_to_parquet
from pipeline.executors import SerialExecutor
from pipeline.run import run


def write_inputs(root):
    root.mkdir()
    (root / "a-recipe.txt").write_text(RECIPE, encoding="utf-8")
    (root / "b-bibliothek.txt").write_text(NEWS_DE, encoding="utf-8")
    (root / "c-quartier.txt").write_text(FRENCH, encoding="utf-8")
    (root / "d-empty.txt").write_text("", encoding="utf-8")
    return root


def with_formats(*formats: str, shard_docs: int = 1000) -> Config:
    return Config().replace("output", formats=formats, shard_docs=shard_docs)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    base = tmp_path_factory.mktemp("corpus")
    output = base / "out"
    report = clean_dir([write_inputs(base / "in")], output, with_formats("jsonl", "parquet"))["report"]
    return output, report


def test_both_formats_hold_the_same_records(both):
    output, report = both
    assert [entry["file"] for entry in report["run"]["shards"]] == ["corpus.jsonl", "corpus.parquet"]
    from_jsonl = pipeline.load_corpus(output / "corpus.jsonl")
    from_parquet = pipeline.load_corpus(output / "corpus.parquet")
    assert list(from_jsonl["source"]) == ["a-recipe.txt", "b-bibliothek.txt", "c-quartier.txt"]
    assert list(from_parquet.columns) == list(from_jsonl.columns)
    assert from_parquet.to_dict("records") == from_jsonl.to_dict("records")
    assert from_parquet.loc[0, "removed"][0] == {"rule": "metadata.title", "line": 1,
                                                 "text": "Slow-Roasted Tomato Soup for Cold Evenings"}
    assert isinstance(from_parquet.loc[0, "authors"], list)


def test_directory_with_only_parquet_loads_it(both):
    output, _ = both
    (output / "corpus.jsonl").rename(output / "hidden.jsonl")
    try:
        frame = pipeline.load_corpus(output)
    finally:
        (output / "hidden.jsonl").rename(output / "corpus.jsonl")
    assert len(frame) == 3 and frame["language"].tolist() == ["en", "de", "fr"]


def test_parquet_only_run_and_stale_files(tmp_path):
    inputs = write_inputs(tmp_path / "in")
    output = tmp_path / "out"
    report = run([str(inputs)], str(output), with_formats("parquet"), SerialExecutor())
    assert not (output / "corpus.jsonl").exists()
    assert report["run"]["shards"] == [{"file": "corpus.parquet", "records": 3}]
    assert pipeline.load_corpus(output)["source"].tolist() == ["a-recipe.txt", "b-bibliothek.txt", "c-quartier.txt"]
    run([str(inputs)], str(output), with_formats("jsonl"), SerialExecutor())
    assert sorted(path.name for path in output.glob("corpus*")) == ["corpus.jsonl"]


def test_sharded_run_writes_one_parquet_file_per_shard(tmp_path):
    output = tmp_path / "out"
    run([str(write_inputs(tmp_path / "in"))], str(output), with_formats("jsonl", "parquet", shard_docs=2), SerialExecutor())
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    files = [entry["file"] for entry in manifest["shards"]]
    assert files == ["corpus-00000.jsonl", "corpus-00000.parquet", "corpus-00001.jsonl", "corpus-00001.parquet"]
    for entry in manifest["shards"]:
        path = output / entry["file"]
        rows = pq.read_metadata(path).num_rows if path.suffix == ".parquet" else len(read_jsonl(path))
        assert rows == entry["records"]
    assert [entry["records"] for entry in manifest["shards"]] == [2, 2, 1, 1]  # the empty file is rejected
    frame = pipeline.load_corpus(output)
    assert frame["source"].tolist() == ["a-recipe.txt", "b-bibliothek.txt", "c-quartier.txt"]


def test_unknown_record_field_is_an_error_not_a_silent_drop(tmp_path):
    source = tmp_path / "corpus.jsonl"
    source.write_text(json.dumps({"id": "x", "text": "t", "toxicity": 0.1}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="toxicity"):
        jsonl_to_parquet(source, tmp_path / "corpus.parquet")
    assert list(tmp_path.iterdir()) == [source]


def test_load_corpus_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        pipeline.load_corpus(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="no corpus"):
        pipeline.load_corpus(tmp_path)
    (tmp_path / "corpus.jsonl").write_text("", encoding="utf-8")
    empty = pipeline.load_corpus(tmp_path)
    assert isinstance(empty, pd.DataFrame) and len(empty) == 0 and "text" in empty.columns
