"""Interruption: a killed run leaves no half-written output, SIGTERM/Ctrl-C stop promptly and clean up,
and `--resume` finishes a killed run with the same bytes as an uninterrupted one.

The run is held at a known point without relying on timing: the last input file is a named
pipe (FIFO), so the worker reading it blocks until the test writes into it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from conftest import ROOT
from test_executors import write_corpus

CONFIG = "[output]\nshard_docs = 4\n[repeats]\nenabled = false\n"
LAST = Path("zz") / "last.txt"
LAST_TEXT = "Abfahrt um acht\n\nDer letzte Zug fuhr pünktlich ab, und niemand blieb am Bahnsteig zurück.\n"
VISIBLE = ("corpus*.jsonl", "rejected.jsonl", "manifest.json", "report.json")


def make_inputs(root: Path, blocking: bool) -> Path:
    """The test corpus; its last file is a FIFO when `blocking`, else a regular file with the same text."""
    write_corpus(root, 30)
    (root / LAST).parent.mkdir()
    if blocking:
        os.mkfifo(root / LAST)
    else:
        (root / LAST).write_text(LAST_TEXT, encoding="utf-8")
    return root


def feed(fifo: Path) -> threading.Thread:
    """Write the last file's text into the FIFO once a reader opens it."""

    def write():
        with open(fifo, "w", encoding="utf-8") as pipe:
            pipe.write(LAST_TEXT)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def start():
    """Start the command in a process group of its own; the group is SIGKILLed at the end, so that a failed
    test leaves nothing running (a worker blocked on the FIFO would wait forever)."""
    processes = []

    def start_command(inputs: Path, output: Path, config: Path, *options: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "pipeline", str(inputs), "-o", str(output), "--config", str(config), "--quiet"]
        process = subprocess.Popen(
            [*command, *options], cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        processes.append(process)
        return process

    yield start_command
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stderr.close()


def wait_for_results(output: Path, process: subprocess.Popen, count: int) -> None:
    """Wait until `count` shards are cleaned (the run cannot finish: it blocks on the FIFO)."""
    deadline = time.monotonic() + 120
    while len(list(output.glob(".work-*/part-*.result.json"))) < count:
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "no shard finished within two minutes"
        time.sleep(0.05)


def visible_files(output: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for pattern in VISIBLE for path in sorted(output.glob(pattern))}


def temporary_files(output: Path) -> list[Path]:
    return [path for path in output.rglob("*") if ".tmp-" in path.name]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """The visible output of an uninterrupted run on the same inputs (the last file a regular file)."""
    root = tmp_path_factory.mktemp("reference")
    config = root / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    finished = subprocess.run(
        [sys.executable, "-m", "pipeline", str(make_inputs(root / "plain", False)), "-o", str(root / "out"),
         "--config", str(config), "--quiet", "--workers", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert finished.returncode == 0, finished.stderr
    return visible_files(root / "out")


@pytest.fixture
def setup(tmp_path, reference):
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return tmp_path, config, make_inputs(tmp_path / "blocking", True), dict(reference)


def test_kill_9_leaves_the_previous_output_and_resume_finishes_it_identically(setup, start):
    tmp_path, config, inputs, reference = setup
    assert len([name for name in reference if name.startswith("corpus-")]) == 9  # 34 inputs, 4 per shard
    output = tmp_path / "out"
    output.mkdir()
    for name, data in reference.items():  # a previous, complete run in the same directory
        (output / name).write_bytes(data)

    process = start(inputs, output, config, "--workers", "1")
    deadline = time.monotonic() + 120
    while not list(output.glob(".work-*/.part-00008.jsonl.tmp-*")):  # the last shard's part, held open by the FIFO
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "the last shard was not reached within two minutes"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert len(list(output.glob(".work-*/part-*.result.json"))) == 8  # in-process: every shard before the last
    assert visible_files(output) == reference  # the previous complete output, untouched
    assert temporary_files(output)  # what a SIGKILL cannot clean up ...

    feed(inputs / LAST)
    resumed = start(inputs, output, config, "--workers", "1", "--resume")
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    del reference["report.json"]  # differs in run time
    assert {name: data for name, data in visible_files(output).items() if name != "report.json"} == reference
    assert not temporary_files(output)  # ... the next run removes
    assert not list(output.glob(".work-*"))
    assert json.loads((output / "report.json").read_text(encoding="utf-8"))["run"]["resumed_shards"] == 8


def test_resume_after_a_config_change_starts_over(setup, start):
    tmp_path, config, inputs, _ = setup
    output = tmp_path / "out"
    process = start(inputs, output, config, "--workers", "1")
    wait_for_results(output, process, 2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not visible_files(output)  # first run into this directory: no output at all

    config.write_text(CONFIG + "[filters]\nmin_words = 2\n", encoding="utf-8")
    feed(inputs / LAST)
    resumed = start(inputs, output, config, "--workers", "1", "--resume")
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    assert json.loads((output / "report.json").read_text(encoding="utf-8"))["run"]["resumed_shards"] == 0


@pytest.mark.parametrize(
    ("how", "executor"),
    [("SIGTERM to the main process", "local"), ("Ctrl-C to the process group", "local"),
     ("SIGTERM to the main process", "dask")],
)
def test_interruption_stops_workers_and_removes_temporary_files(setup, start, how, executor):
    tmp_path, config, inputs, _ = setup
    output = tmp_path / "out"
    process = start(inputs, output, config, "--workers", "2", "--executor", executor)
    wait_for_results(output, process, 2)
    workers = psutil.Process(process.pid).children(recursive=True)
    assert workers
    if how.startswith("SIGTERM"):
        process.send_signal(signal.SIGTERM)
    else:
        os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in stderr
    _, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive
    assert not temporary_files(output)
    assert not visible_files(output)
    shutil.rmtree(output)
