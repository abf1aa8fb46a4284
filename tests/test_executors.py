"""The same run in-process, on a local process pool and on a Dask LocalCluster writes the same bytes."""

from __future__ import annotations

import gzip
import os
import random
import signal
from pathlib import Path

import dask
import pytest

from pipeline import cli
from pipeline.config import config_from_dict
from pipeline.executors import ClusterError, DaskExecutor, ProcessExecutor, SerialExecutor
from pipeline.run import record_id, run
from pipeline.writers import json_line

SITES = {
    "gartenblog": (
        ["Startseite", "Über uns", "Newsletter abonnieren", "Kontakt", "Impressum"],
        ["Der Boden war nach dem langen Winter noch kalt und schwer.",
         "Im April setzten wir die ersten Kartoffeln in die Reihen.",
         "Die Nachbarin brachte Ableger ihrer alten Tomatensorte vorbei.",
         "Nach drei Wochen zeigten sich die ersten grünen Triebe.",
         "Schnecken sind in feuchten Jahren das größte Problem im Beet."],
    ),
    "recetas": (
        ["Inicio", "Recetas", "Suscríbete", "Política de privacidad"],
        ["Se pican las cebollas muy finas y se doran a fuego lento.",
         "El arroz debe quedar suelto, nunca pastoso.",
         "Mi abuela añadía siempre una hoja de laurel al caldo.",
         "Se sirve caliente con un chorrito de aceite de oliva."],
    ),
    "transit-news": (
        ["Home", "Routes", "Service alerts", "Sign in", "Follow us on Mastodon"],
        ["The council approved the new tram line on Tuesday evening.",
         "Construction is expected to close two bridges for six months.",
         "Commuters said the night buses are often late in winter.",
         "The operator plans to publish timetables in four languages.",
         "Fares will stay the same until the end of next year."],
    ),
}


def write_corpus(root: Path, documents: int, seed: int = 7) -> Path:
    """A small scraped corpus: site menus around article text, some .gz, a duplicate, junk files."""
    rng = random.Random(seed)
    names = sorted(SITES)
    for number in range(documents):
        site = names[number % len(names)]
        menu, sentences = SITES[site]
        paragraphs = [" ".join(rng.sample(sentences, 3)) + f" ({number})" for _ in range(rng.randint(2, 5))]
        text = "\n".join(menu) + "\n\n" + "\n\n".join(paragraphs) + "\n\n© 2024 " + site + "\n"
        folder = root / site / f"{2020 + number % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        if number % 5 == 0:
            (folder / f"page-{number:04d}.txt.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
        else:
            (folder / f"page-{number:04d}.txt").write_text(text, encoding="utf-8")
    (root / "copies").mkdir(exist_ok=True)
    (root / "copies" / "again.txt").write_bytes(next(root.glob("gartenblog/*/page-*.txt")).read_bytes())
    (root / "copies" / "empty.txt").write_bytes(b"")
    (root / "copies" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00 not text")
    return root


def output_bytes(output: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(output.glob("*.jsonl")) if path.is_file()}


def test_output_is_byte_identical_for_every_executor(tmp_path):
    corpus = write_corpus(tmp_path / "in", 40)
    config = config_from_dict({"output": {"shard_docs": 9}})
    outputs = {}
    for name, make in [
        ("serial", SerialExecutor),
        ("processes", lambda: ProcessExecutor(2)),
        ("dask", lambda: DaskExecutor(None, 2)),
    ]:
        executor = make()
        try:
            report = run([str(corpus)], str(tmp_path / name), config, executor)
        finally:
            executor.close()
        assert report["run"]["executor"] == name
        outputs[name] = output_bytes(tmp_path / name)

    reference = outputs["serial"]
    assert sorted(reference) == ["corpus-00000.jsonl", "corpus-00001.jsonl", "corpus-00002.jsonl",
                                 "corpus-00003.jsonl", "corpus-00004.jsonl", "rejected.jsonl"]
    assert b'"reason":"empty"' in reference["rejected.jsonl"] and b'"reason":"binary"' in reference["rejected.jsonl"]
    assert b'"rule":"repeats.corpus_line"' in b"".join(reference.values())  # the two-pass work ran
    assert b'"duplicate_of":"' in b"".join(reference.values())
    assert outputs["processes"] == reference
    assert outputs["dask"] == reference


class ElsewhereExecutor(SerialExecutor):
    """Runs every task from another working directory, as a worker of a cluster may."""

    def __init__(self, directory: Path):
        self.directory = directory

    def map(self, fn, items, shared):
        for item in items:
            here = os.getcwd()
            os.chdir(self.directory)
            try:
                yield fn(item, shared)
            finally:
                os.chdir(here)


def test_relative_paths_reach_workers_in_other_directories(tmp_path, monkeypatch):
    write_corpus(tmp_path / "in", 12)
    config = config_from_dict({"output": {"shard_docs": 5}})
    run([str(tmp_path / "in")], str(tmp_path / "reference"), config, SerialExecutor())
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    run(["in"], "out", config, ElsewhereExecutor(tmp_path / "elsewhere"))
    assert output_bytes(tmp_path / "out") == output_bytes(tmp_path / "reference")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_small_run_writes_one_corpus_file(tmp_path):
    corpus = write_corpus(tmp_path / "in", 6)
    run([str(corpus)], str(tmp_path / "out"), config_from_dict({}), SerialExecutor())
    assert sorted(path.name for path in (tmp_path / "out").iterdir() if path.suffix == ".jsonl") == [
        "corpus.jsonl", "rejected.jsonl"
    ]
    assert not (tmp_path / "out" / "manifest.json").exists()
    assert not list((tmp_path / "out").glob(".work-*"))


def test_record_id_is_read_without_decoding_the_record():
    tricky = 'id "quoted" \\ \u2028 ü'
    assert record_id(json_line({"id": tricky, "text": "x", "removed": [{"id": "other"}]})) == tricky
    assert record_id(json_line({"source": "a.txt", "id": "later"})) == "later"  # id not first: decoded fully


def add_after_killing_the_worker_once(marker: str, shared: int) -> int:
    """Kills the worker process the first time it runs for `marker` (as an out-of-memory kill would)."""
    if not os.path.exists(marker):
        Path(marker).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return shared + len(marker)


def test_dask_run_survives_losing_every_worker_holding_the_shared_context(tmp_path):
    """The only worker dies mid-map: Dask restarts it and retries, and the shared context is still there."""
    executor = DaskExecutor(None, 1)
    try:
        markers = [str(tmp_path / name) for name in ("a", "bb")]
        assert list(executor.map(add_after_killing_the_worker_once, markers, 100)) == [
            100 + len(markers[0]), 100 + len(markers[1])
        ]
    finally:
        executor.close()


def kill_the_worker(item, shared):
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_task_that_keeps_killing_its_workers_is_a_cluster_error():
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        executor = DaskExecutor(None, 1)
    try:
        with pytest.raises(ClusterError, match="KilledWorker"):
            list(executor.map(kill_the_worker, ["x"], None))
    finally:
        executor.close()


class LostCluster(SerialExecutor):
    def map(self, fn, items, shared):
        raise ClusterError("the Dask cluster lost a task (KilledWorker: ...)")


def test_a_lost_cluster_ends_the_run_with_a_message_and_keeps_the_finished_work(monkeypatch, capsys, tmp_path):
    corpus = write_corpus(tmp_path / "in", 6)
    monkeypatch.setattr(cli, "make_executor", lambda *args: LostCluster())
    assert cli.main([str(corpus), "-o", str(tmp_path / "out"), "--quiet"]) == 1
    assert "fatal: the Dask cluster lost a task (KilledWorker: ...); rerun with --resume" in capsys.readouterr().err
    assert not (tmp_path / "out" / "report.json").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["IN", "-o", "OUT", "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler goes with --executor dask"),
    ],
)
def test_scheduler_option_misuse_is_a_usage_error(capsys, args, message):
    with pytest.raises(SystemExit) as stop:
        cli.main(args)
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("address", ["bogus://127.0.0.1:8786", "tcp://127.0.0.1:port"])
def test_a_malformed_scheduler_address_is_a_usage_error(capsys, tmp_path, address):
    args = [str(tmp_path), "-o", str(tmp_path / "out"), "--executor", "dask", "--scheduler", address]
    assert cli.main(args) == 2
    assert "clean-corpus: cannot start the dask executor: " in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_scheduler_without_workers_is_reported_before_the_run_waits(monkeypatch, capsys, tmp_path):
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=0, dashboard_address=None, host="127.0.0.1") as cluster:
        executor = DaskExecutor(cluster.scheduler_address, 2)
        try:
            assert executor.workers == 0
        finally:
            executor.close()

    class NoWorkersYet(SerialExecutor):
        workers = 0

    corpus = write_corpus(tmp_path / "in", 6)
    monkeypatch.setattr(cli, "make_executor", lambda *args: NoWorkersYet())
    assert cli.main([str(corpus), "-o", str(tmp_path / "out"), "--quiet"]) == 0
    assert "the Dask scheduler has no workers yet; waiting for one" in capsys.readouterr().err
