"""Shared helpers: run the real pipeline in-process on a directory and read what it wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pipeline.config import Config
from pipeline.executors import SerialExecutor
from pipeline.run import run

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Hypothesis as in CI (its built-in "ci" profile), wherever the tests run: the same examples on every run,
# no deadline or too-slow check (timing, which a busy machine fails), no example database in the tree.
settings.register_profile(
    "deterministic", derandomize=True, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("deterministic")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def clean_dir(inputs: list[str | Path], output: Path, config: Config | None = None) -> dict:
    """Run the pipeline serially; returns {"corpus": [...], "rejected": [...], "report": {...}}."""
    report = run([str(path) for path in inputs], str(output), config or Config(), SerialExecutor())
    return {
        "corpus": read_jsonl(output / "corpus.jsonl"),
        "rejected": read_jsonl(output / "rejected.jsonl"),
        "report": report,
    }


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory) -> dict:
    """The seeds cleaned once for the whole session."""
    return clean_dir([SEEDS], tmp_path_factory.mktemp("seeds-out"))
