"""Config and usage errors stop the run before any work, with exit code 2 and a message naming the key and the file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.cli import main
from pipeline.config import ConfigError, load_config

ARTICLE = "Die Fähre fuhr bei Sonnenaufgang los und erreichte die Insel noch vor Mittag.\n"


def cli(*args: str) -> subprocess.CompletedProcess:
    """The real command line: `python -m pipeline ARGS`."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture
def inputs(tmp_path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    (root / "article.txt").write_text(ARTICLE, encoding="utf-8")
    return root


def test_unknown_key_stops_the_run_end_to_end(tmp_path, inputs):
    config = tmp_path / "run.toml"
    config.write_text("[input]\nmax_bytes = 1000\n", encoding="utf-8")
    finished = cli(str(inputs), "-o", str(tmp_path / "out"), "--config", str(config))
    assert finished.returncode == 2
    assert "input.max_bytes" in finished.stderr and str(config) in finished.stderr
    assert not (tmp_path / "out").exists()  # nothing was written: the run never started


def test_bad_regex_in_a_rules_file_stops_the_run_end_to_end(tmp_path, inputs):
    rules = tmp_path / "my-rules.toml"
    rules.write_text("[promo]\nrules = [ { id = \"buy_now\", scope = \"line\", pattern = '(buy|order now' } ]\n")
    config = tmp_path / "run.toml"
    config.write_text('[boilerplate]\nrules_files = ["my-rules.toml"]\n', encoding="utf-8")
    finished = cli(str(inputs), "-o", str(tmp_path / "out"), "--config", str(config))
    assert finished.returncode == 2
    assert "promo.buy_now" in finished.stderr and str(rules) in finished.stderr
    assert "bad regular expression" in finished.stderr
    assert not (tmp_path / "out").exists()


def test_missing_input_path_is_a_usage_error_end_to_end(tmp_path, inputs):
    missing = tmp_path / "no such dir"
    finished = cli(str(inputs), str(missing), "-o", str(tmp_path / "out"))
    assert finished.returncode == 2
    assert finished.stderr.strip().splitlines() == [f"clean-corpus: input path not found: {missing}"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("[inputs]\nmax_document_bytes = 5\n", "[inputs]"),
        ("[dedup]\nthreshold = \"high\"\n", "dedup.threshold"),
        ("[dedup]\nenabled = 1\n", "dedup.enabled"),
        ("[output]\nshard_docs = 0\n", "output.shard_docs"),
        ("[repeats]\nmin_fraction = -0.5\n", "repeats.min_fraction"),
        ("[input]\nmax_document_bytes = 2.5\n", "input.max_document_bytes"),
        ("[boilerplate]\nrules_files = \"extra.toml\"\n", "boilerplate.rules_files"),
        ("[boilerplate]\ndisable = [\"navigaton\"]\n", "boilerplate.disable"),
        ("[filters]\nquality_thresholds = { stopword_ratio = { min = 0.1 } }\n", "quality_thresholds.stopword_ratio"),
        ("[filters]\nquality_thresholds = { word_count = { least = 5 } }\n", "quality_thresholds.word_count"),
        ("[filters]\nquality_thresholds = { word_count = { min = \"5\" } }\n", "quality_thresholds.word_count.min"),
        ("[dedup\nthreshold = 0.9\n", "not valid TOML"),
        ("[dedup]\nthreshold = 1.5\n", "dedup.threshold: must be at most 1"),
        ("[repeats]\nmin_fraction = 2\n", "repeats.min_fraction: must be at most 1"),
        ("[repeats]\nmin_docs = 1\n", "repeats.min_docs: must be at least 2"),
        ("[dedup]\nnum_perm = 10\nbands = 24\n", "dedup.bands: must be at most dedup.num_perm (10)"),
        ("[filters]\nquality_thresholds = { word_count = { min = 50, max = 10 } }\n", "word_count: min 50 is above max 10"),
        ("[output]\nformats = [\"csv\"]\n", "output.formats: expected one or both of"),
        ("[output]\nformats = []\n", "output.formats: expected one or both of"),
        ("[output]\nformats = [\"jsonl\", \"xml\"]\n", "output.formats: expected one or both of"),
        ("[input]\njsonl_text_field = \"\"\n", "input.jsonl_text_field: must not be empty"),
    ],
)
def test_config_errors_name_the_key_and_the_file(tmp_path, capsys, inputs, toml, named):
    config = tmp_path / "run.toml"
    config.write_text(toml, encoding="utf-8")
    assert main([str(inputs), "-o", str(tmp_path / "out"), "--config", str(config)]) == 2
    message = capsys.readouterr().err
    assert message.startswith(f"clean-corpus: config error: {config}: ")
    assert named in message
    assert not (tmp_path / "out").exists()


RULE_ERRORS = [
    ("rules = [ { id = \"x\", scope = \"line\", pattern = '[a-' } ]", "rule promo.x: bad regular expression"),
    ("rules = [ { id = \"x\", scope = \"page\", pattern = 'buy' } ]", "rule promo.x: scope must be one of"),
    ("rules = [ { id = \"x\", scope = \"line\", pattern = 'buy', colour = 'red' } ]", "rule promo.x: unknown key colour"),
    ("rules = [ { id = \"x\", scope = \"line\" } ]", "rule promo.x: pattern must be a non-empty string"),
    ("rules = [ { id = \"x\", scope = \"line\", pattern = 42 } ]", "rule promo.x: pattern must be a non-empty string"),
    ("rules = [ { id = \"Buy Now\", scope = \"line\", pattern = 'buy' } ]", "rule promo.Buy Now: id must be a snake_case"),
    ("rules = [ { id = \"x\", scope = \"tail\", pattern = 'buy', max_tail_words = 'many' } ]", "max_tail_words must be"),
    ("rules = [ { id = \"x\", scope = \"line\", pattern = '(?P<r0>buy)' } ]", "no named groups or backreferences"),
    ("rules = [ { id = \"x\", scope = \"line\", pattern = '(buy) \\1' } ]", "no named groups or backreferences"),
    ("rules = [ { id = \"x\", scope = \"zone\", pattern = 'buy', resume = 'related' } ]", "resume must be a list"),
    ("rules = [ \"buy now\" ]", "[promo] rules must be tables"),
    ("rules = \"buy now\"", "[promo] needs a `rules` list"),
]


@pytest.mark.parametrize(("table", "named"), RULE_ERRORS)
def test_rules_file_errors_name_the_rule_and_the_file(tmp_path, table, named):
    rules = tmp_path / "extra.toml"
    rules.write_text(f"[promo]\n{table}\n", encoding="utf-8")
    config = tmp_path / "run.toml"
    config.write_text('[boilerplate]\nrules_files = ["extra.toml"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    assert str(raised.value).startswith(f"{rules}: ")
    assert named in str(raised.value)


def test_missing_rules_or_config_file_is_a_config_error(tmp_path, capsys, inputs):
    config = tmp_path / "run.toml"
    config.write_text('[boilerplate]\nrules_files = ["gone.toml"]\n', encoding="utf-8")
    assert main([str(inputs), "-o", str(tmp_path / "out"), "--config", str(config)]) == 2
    assert f"{tmp_path / 'gone.toml'}: cannot read rules file" in capsys.readouterr().err
    assert main([str(inputs), "-o", str(tmp_path / "out"), "--config", str(tmp_path / "none.toml")]) == 2
    assert f"{tmp_path / 'none.toml'}: cannot read config file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_valid_config_with_user_rules_and_thresholds_is_accepted(tmp_path):
    (tmp_path / "extra.toml").write_text(
        "[promo]\nrules = [ { id = \"buy_now\", scope = \"tail\", pattern = '(jetzt|hier) kaufen', max_tail_words = 20 } ]\n",
        encoding="utf-8",
    )
    config = tmp_path / "run.toml"
    config.write_text(
        '[boilerplate]\nrules_files = ["extra.toml"]\ndisable = ["share", "navigation.read_more"]\n'
        "[filters]\nquality_thresholds = { word_count = { min = 5 }, stop_word_ratio = { min = 0.1, max = 0.9 } }\n",
        encoding="utf-8",
    )
    loaded = load_config(config)
    assert loaded.boilerplate.rules_files == (str(tmp_path / "extra.toml"),)
    assert loaded.filters.quality_thresholds["word_count"] == {"min": 5}


def test_a_config_or_rules_file_that_is_not_utf8_is_a_config_error(tmp_path, capsys, inputs):
    config = tmp_path / "run.toml"
    config.write_bytes("[dedup]\n# seuil réglé\nthreshold = 0.8\n".encode("cp1252"))
    assert main([str(inputs), "-o", str(tmp_path / "out"), "--config", str(config)]) == 2
    assert capsys.readouterr().err == f"clean-corpus: config error: {config}: not valid TOML (not UTF-8: byte 0xe9 at offset 17)\n"
    (tmp_path / "extra.toml").write_bytes("[promo]\n# Größe\nrules = []\n".encode("latin-1"))
    config.write_text('[boilerplate]\nrules_files = ["extra.toml"]\n', encoding="utf-8")
    assert main([str(inputs), "-o", str(tmp_path / "out"), "--config", str(config)]) == 2
    assert f"{tmp_path / 'extra.toml'}: not valid TOML (not UTF-8: byte 0xf6 at offset 12)" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
