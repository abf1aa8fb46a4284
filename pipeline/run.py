"""One run over a corpus: discover inputs, count repeated lines (map/reduce), clean (map),
find duplicates (reduce), write the final outputs (map), and the report.

Work is cut into shards of input files in source order; each shard is one task for
the executor and, in a large run, one output file.  Everything a shard produces
lives in OUTPUT/.work-<config hash>/ until the run is complete:

    run.json                 the config hash and a digest of the inputs (a resumed run must match)
    prepared-NNNNN.jsonl     pass 1: the shard's documents read, repaired and normalised
    counts-NNNNN.npz         pass 1: its repeated-line keys and in how many documents each occurs
    part-NNNNN.jsonl         pass 2: its cleaned records
    part-NNNNN.result.json   pass 2: its counts, rejects and dedup signatures
    out/                     pass 3: the final corpus files, moved into OUTPUT at the end

Every file is written atomically, so `--resume` can trust whatever exists.  The
final outputs appear only when complete, and report.json is written last: a
directory without report.json holds an unfinished run.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import __version__
from .clean import Cleaner, prepare_metadata, prepare_text, to_record
from .config import Config
from .dedup import DedupIndex, DedupKey, clusters, dedup_key
from .document import Document, Reject, split_lines
from .readers import InputFile, UsageError, discover_inputs, read_documents
from .repeats import frequent_keys, text_keys
from .writers import (
    atomic_open,
    json_line,
    read_jsonl,
    remove_corpus_files,
    remove_temporary_files,
    write_json,
    write_jsonl,
    write_lines,
)

TOP_REMOVED_LINES = 10  # most frequent removed lines kept per rule and shard, for the report
# The stages make almost no reference cycles, but the caches hold many long-lived objects, which
# Python's default thresholds rescan in a full collection every few hundred documents (4% of a run).
GC_THRESHOLDS = (50_000, 20, 100)


@dataclass(frozen=True)
class Shard:
    index: int
    files: tuple[InputFile, ...]


@dataclass
class ShardResult:
    """What a cleaned shard reports back: small, JSON-serialisable, enough for every reduce step."""

    index: int
    documents: int = 0
    kept: int = 0
    rejects: list[dict] = field(default_factory=list)
    removed_lines: dict = field(default_factory=dict)
    removed_chars: dict = field(default_factory=dict)
    repairs: dict = field(default_factory=dict)
    languages: dict = field(default_factory=dict)
    chars_in: int = 0
    chars_out: int = 0
    lengths: list[list[int]] = field(default_factory=list)  # [chars before, chars after] per kept document
    dedup: list[list[str]] = field(default_factory=list)  # [id, source, exact hex, signature hex] ...
    # ... moved to the DedupIndex (`_compact`); after the reduce, [id, source] of its documents in a cluster
    removed_examples: dict = field(default_factory=dict)  # rule -> [[line text, count], ...], this shard's top lines


@dataclass(frozen=True)
class CountContext:
    config: Config
    work_dir: str


@dataclass(frozen=True)
class CleanContext:
    config: Config
    frequent_lines: frozenset[int]
    work_dir: str


def make_shards(files: list[InputFile], size: int) -> list[Shard]:
    return [Shard(i // size, tuple(files[i : i + size])) for i in range(0, len(files), size)]


def work_path(work_dir: str | Path, kind: str, index: int) -> Path:
    """prepared / counts / part / result / out file of shard `index` in the work directory."""
    names = {
        "prepared": f"prepared-{index:05d}.jsonl",
        "counts": f"counts-{index:05d}.npz",
        "part": f"part-{index:05d}.jsonl",
        "result": f"part-{index:05d}.result.json",
        "out": f"out/corpus-{index:05d}.jsonl",
    }
    return Path(work_dir) / names[kind]


def _prepared_records(shard: Shard, config: Config):
    """The prepared-file record of each document of the shard: read, repaired and normalised, or its Reject."""
    for item in shard.files:
        for raw in read_documents(item, config):
            if isinstance(raw, Reject):
                yield {"reject": raw.to_json()}
                continue
            try:
                text, encoding = prepare_text(raw)
            except Exception as error:  # one bad document never stops the run
                yield {"reject": Reject.internal_error(raw.source, error).to_json()}
                continue
            yield {
                "id": raw.id, "source": raw.source, "kind": raw.kind, "text": text,
                "metadata": prepare_metadata(raw.metadata), "encoding": encoding, "chars_in": len(raw.text),
            }


def _from_json(record: dict) -> tuple[Document | Reject, int]:
    if "reject" in record:
        reject = record["reject"]
        return Reject(reject["source"], reject["reason"], reject.get("detail", "")), 0
    lines = split_lines(record["text"])
    doc = Document(record["id"], record["source"], record["kind"], lines, record["metadata"], record["encoding"])
    return doc, record["chars_in"]


def count_shard(shard: Shard, context: CountContext) -> tuple[int, np.ndarray, np.ndarray]:
    """Map step of the repeated-line count: (documents, distinct line keys, documents holding each).

    The prepared documents are kept in the work directory, so the cleaning pass reads them
    instead of reading and repairing every file a second time.
    """
    gc.set_threshold(*GC_THRESHOLDS)
    arrays = []
    with atomic_open(work_path(context.work_dir, "prepared", shard.index)) as prepared:
        for record in _prepared_records(shard, context.config):
            prepared.write(json_line(record))
            if "reject" not in record:
                arrays.append(text_keys(record["text"], context.config.repeats))
    keys, counts = np.unique(np.concatenate(arrays or [np.empty(0, np.int64)]), return_counts=True)
    with atomic_open(work_path(context.work_dir, "counts", shard.index), "wb") as handle:
        np.savez(handle, documents=len(arrays), keys=keys, counts=counts)
    return len(arrays), keys, counts


def _load_counts(path: Path) -> tuple[int, np.ndarray, np.ndarray]:
    with np.load(path) as data:
        return int(data["documents"]), data["keys"], data["counts"]


def clean_shard(shard: Shard, context: CleanContext) -> ShardResult:
    """Map step of cleaning: records to a part file, everything else in the returned ShardResult."""
    gc.set_threshold(*GC_THRESHOLDS)
    config = context.config
    cleaner = Cleaner(config, context.frequent_lines)
    result = ShardResult(shard.index)
    repairs: Counter = Counter()
    languages: Counter = Counter()
    removed_texts: Counter = Counter()  # (rule, line text) -> removals: furniture repeats, so this stays small
    prepared_path = work_path(context.work_dir, "prepared", shard.index)
    records = read_jsonl(prepared_path) if prepared_path.exists() else _prepared_records(shard, config)
    documents = map(_from_json, records)
    with atomic_open(work_path(context.work_dir, "part", shard.index), "wb") as part:  # encoded per document below
        for doc, chars_in in documents:
            result.documents += 1
            if isinstance(doc, Reject):
                result.rejects.append(doc.to_json())
                continue
            try:
                cleaned = cleaner.clean(doc)
                if not isinstance(cleaned, Reject):
                    record = to_record(cleaned)
                    line = json_line(record).encode("utf-8")  # text UTF-8 cannot hold: this document fails
            except Exception as error:  # one bad document never stops the run
                cleaned = Reject.internal_error(doc.source, error)
            if isinstance(cleaned, Reject):
                result.rejects.append(cleaned.to_json())
                continue
            part.write(line)
            result.kept += 1
            removed_texts.update((entry["rule"], entry["text"]) for entry in cleaned.removed)
            repairs.update(cleaned.encoding.get("repairs", []))
            languages[record["language"] or "unknown"] += 1
            result.chars_in += chars_in
            result.chars_out += record["chars"]
            result.lengths.append([chars_in, record["chars"]])
            if config.dedup.enabled:
                key = dedup_key(record["id"], record["source"], record["text"], config.dedup)
                result.dedup.append([key.id, key.source, key.exact.hex(), key.signature.hex()])
    for (rule, text), count in removed_texts.items():
        result.removed_lines[rule] = result.removed_lines.get(rule, 0) + count
        result.removed_chars[rule] = result.removed_chars.get(rule, 0) + count * len(text)
    result.repairs = dict(repairs)
    result.languages = dict(languages)
    for (rule, text), count in sorted(removed_texts.items(), key=lambda item: (-item[1], item[0])):
        examples = result.removed_examples.setdefault(rule, [])
        if len(examples) < TOP_REMOVED_LINES:
            examples.append([text, count])
    with atomic_open(work_path(context.work_dir, "result", shard.index)) as handle:
        handle.write(json_line(asdict(result)))  # key order kept: a resumed run writes the same bytes
    prepared_path.unlink(missing_ok=True)
    return result


@dataclass(frozen=True)
class FinalizeContext:
    work_dir: str
    duplicates: dict
    drop_duplicates: bool


def finalize_shard(index: int, context: FinalizeContext) -> tuple[int, list[dict], list]:
    """Map step of writing: add duplicate fields to a part, write the final shard.

    Returns (kept, rejects of the dropped duplicates, [position in the part, tallied fields] of each).
    Records that are no duplicate are copied as they are: only duplicates are decoded and written again.
    """
    dropped: list[dict] = []
    forgotten: list = []

    def lines():
        with open(work_path(context.work_dir, "part", index), encoding="utf-8") as part:
            for position, line in enumerate(part):
                duplicate = context.duplicates.get(record_id(line))
                if not duplicate:
                    yield line
                    continue
                record = json.loads(line)
                record["duplicate_of"], record["similarity"] = duplicate
                if context.drop_duplicates:
                    detail = f"duplicate of {duplicate[0]} (similarity {duplicate[1]})"
                    dropped.append({"source": record["source"], "reason": "duplicate", "detail": detail})
                    forgotten.append([position, {key: record[key] for key in TALLIED_FIELDS}])
                    continue
                yield json_line(record)

    kept = write_lines(work_path(context.work_dir, "out", index), lines())
    return kept, dropped, forgotten


TALLIED_FIELDS = ("removed", "encoding", "language", "chars")


def forget_dropped(result: ShardResult, forgotten: list) -> None:
    """Take the duplicates dropped from this shard out of its tallies: the report describes the corpus written."""
    if not forgotten:
        return
    lines, chars, texts, repairs, languages = Counter(), Counter(), Counter(), Counter(), Counter()
    for position, record in forgotten:
        result.chars_in -= int(result.lengths[position][0])
        result.chars_out -= record["chars"]
        for entry in record["removed"]:
            lines[entry["rule"]] += 1
            chars[entry["rule"]] += len(entry["text"])
            texts[entry["rule"], entry["text"]] += 1
        repairs.update(record["encoding"].get("repairs", []))
        languages[record["language"] or "unknown"] += 1
    result.kept -= len(forgotten)
    result.lengths = np.delete(result.lengths, [position for position, _ in forgotten], axis=0)
    result.removed_lines = dict(Counter(result.removed_lines) - lines)
    result.removed_chars = dict(Counter(result.removed_chars) - chars)
    result.repairs = dict(Counter(result.repairs) - repairs)
    result.languages = dict(Counter(result.languages) - languages)
    result.removed_examples = {
        rule: left
        for rule, pairs in result.removed_examples.items()
        if (left := [[text, n - texts[rule, text]] for text, n in pairs if n > texts[rule, text]])
    }


_RECORD_START = '{"id":'
_DECODER = json.JSONDecoder()


def record_id(line: str) -> str:
    """The id of a record written by `json_line(to_record(...))` (its first key), without decoding the rest."""
    if not line.startswith(_RECORD_START):
        return json.loads(line)["id"]
    return _DECODER.raw_decode(line, len(_RECORD_START))[0]


class LineCounts:
    """Reduce state of the repeated-line count: sorted line keys and in how many documents each occurs.

    Shard results are merged in batches at least as large as the state, so merging costs
    O(n log n) overall and memory stays at a few arrays of 8-byte integers.
    """

    def __init__(self) -> None:
        self.documents = 0
        self.keys = np.empty(0, np.int64)
        self.counts = np.empty(0, np.int64)
        self.pending: list[tuple[np.ndarray, np.ndarray]] = []
        self.peak_bytes = 0

    def add(self, documents: int, keys: np.ndarray, counts: np.ndarray) -> None:
        self.documents += documents
        self.pending.append((keys, counts))
        if sum(len(keys) for keys, _ in self.pending) >= len(self.keys):
            self._merge()

    def _merge(self) -> None:
        keys = np.concatenate([self.keys, *(keys for keys, _ in self.pending)])
        counts = np.concatenate([self.counts, *(counts for _, counts in self.pending)])
        self.pending = []
        self.peak_bytes = max(self.peak_bytes, keys.nbytes + counts.nbytes)
        self.keys, inverse = np.unique(keys, return_inverse=True)
        self.counts = np.bincount(inverse, weights=counts).astype(np.int64)

    def frequent(self, config) -> frozenset[int]:
        """Keys found in enough documents to count as furniture (see repeats.frequent_keys); releases the state."""
        self._merge()
        frequent = frequent_keys(self.keys, self.counts, self.documents, config)
        self.keys = self.counts = np.empty(0, np.int64)
        return frequent


def inputs_digest(files: list[InputFile]) -> str:
    """A digest of the input files' names, sizes and modification times: a resumed run must see the same."""
    digest = hashlib.sha256()
    for item in files:
        try:
            stat = os.stat(item.path)
            size, mtime = stat.st_size, stat.st_mtime_ns
        except OSError:
            size = mtime = -1
        digest.update(f"{item.source}\0{size}\0{mtime}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:16]


def open_work_dir(output: Path, config: Config, files: list[InputFile], resume: bool) -> Path:
    """The work directory of this run.

    With `resume`, the work directory of an earlier run with the same config hash and the
    same inputs is kept; anything else (other hashes, changed inputs) starts over.
    """
    work_dir = output.absolute() / f".work-{config.digest()}"  # absolute: workers may run in other directories
    stamp = {"config_hash": config.digest(), "inputs": inputs_digest(files), "pipeline_version": __version__}
    for other in output.glob(".work-*"):
        if other != work_dir:
            shutil.rmtree(other, ignore_errors=True)
    stamp_path = work_dir / "run.json"
    resumed = resume and stamp_path.exists() and json.loads(stamp_path.read_text(encoding="utf-8")) == stamp
    if not resumed:
        shutil.rmtree(work_dir, ignore_errors=True)
    (work_dir / "out").mkdir(parents=True, exist_ok=True)
    for directory in (output, work_dir, work_dir / "out"):
        remove_temporary_files(directory)  # left by a killed run
    write_json(stamp_path, stamp)
    return work_dir


def count_pass(shards: list[Shard], context: CountContext, executor, line_counts: LineCounts, progress) -> None:
    """Pass 1 (map: count_shard, reduce: LineCounts), skipping shards a killed run already counted."""
    if progress:
        progress("count", ())
    todo = []
    for shard in shards:
        counts_path = work_path(context.work_dir, "counts", shard.index)
        if counts_path.exists():
            line_counts.add(*_load_counts(counts_path))
            if progress:
                progress("count", shard.files)
        else:
            todo.append(shard)
    for shard, counted in zip(todo, executor.map(count_shard, todo, context), strict=True):
        line_counts.add(*counted)
        if progress:
            progress("count", shard.files)


def clean_pass(shards: list[Shard], context: CleanContext, executor, dedup: DedupIndex, progress):
    """Pass 2 (map: clean_shard); returns the shard results in order and how many a killed run had finished."""
    results: list[ShardResult] = []
    todo = []
    for shard in shards:
        result_path = work_path(context.work_dir, "result", shard.index)
        if result_path.exists():
            results.append(_compact(ShardResult(**json.loads(result_path.read_text(encoding="utf-8"))), dedup))
        else:
            todo.append(shard)
    if progress:
        progress("clean", ())
    for result in executor.map(clean_shard, todo, context):
        results.append(_compact(result, dedup))
        if progress:
            progress("clean", shards[result.index].files)
    results.sort(key=lambda result: result.index)
    return results, len(shards) - len(todo)


def run(paths: list[str], output_dir: str, config: Config, executor, resume: bool = False, progress=None) -> dict:
    """Clean the inputs into output_dir; returns the run report (also written as report.json and report.html/.md).

    `progress(stage, files)`, if given, is called with ("start", all input files), then for each
    pass ("count", then "clean") once with no files as it begins and once per finished shard.
    On any interruption the workers are stopped and temporary files removed before it propagates.
    """
    output = Path(output_dir)
    try:
        return _run(paths, output, config, executor, resume, progress)
    except BaseException:
        executor.close()  # stop the workers first, so that nothing writes while we clean up
        for directory in [output, *output.glob(".work-*"), *output.glob(".work-*/out")]:
            remove_temporary_files(directory)
        raise


def _run(paths: list[str], output: Path, config: Config, executor, resume: bool, progress) -> dict:
    started = time.time()
    files, input_rejects = discover_inputs(paths, output)
    if output.exists() and not output.is_dir():
        raise UsageError(f"output {output} exists and is not a directory")
    output.mkdir(parents=True, exist_ok=True)
    work_dir = open_work_dir(output, config, files, resume)
    shards = make_shards(files, config.output.shard_docs)
    if progress:
        progress("start", files)

    line_counts = LineCounts()
    frequent: frozenset[int] = frozenset()
    if config.repeats.enabled:  # counted in documents, not files: one JSONL file can hold a whole corpus
        count_pass(shards, CountContext(config, str(work_dir)), executor, line_counts, progress)
        frequent = line_counts.frequent(config.repeats)
    dedup = DedupIndex()
    context = CleanContext(config, frequent, str(work_dir))
    results, resumed_shards = clean_pass(shards, context, executor, dedup, progress)

    duplicates = dedup.duplicates(config.dedup) if config.dedup.enabled else {}
    state_bytes = {"repeated_lines": line_counts.peak_bytes, "dedup": dedup.payload_bytes}
    named = dedup.members({name for pair in duplicates.items() for name in (pair[0], pair[1][0])})
    for result in results:
        result.dedup = named.get(result.index, [])  # the report names the documents of each cluster
    del dedup
    indexes = [shard.index for shard in shards]
    finalize = FinalizeContext(str(work_dir), duplicates, config.dedup.drop)
    outcomes = list(executor.map(finalize_shard, indexes, finalize))
    shard_counts = publish(output, work_dir, indexes, [kept for kept, _, _ in outcomes])
    dropped = [reject for _, dropped_here, _ in outcomes for reject in dropped_here]
    for result, (_, _, forgotten) in zip(results, outcomes, strict=True):
        forget_dropped(result, forgotten)

    from .corpus import write_formats  # imported here, not on top: pyarrow stays out of the worker processes

    shard_counts = write_formats(output, shard_counts, config.output.formats)
    rejects = sorted(
        [r.to_json() for r in input_rejects] + [r for result in results for r in result.rejects] + dropped,
        key=lambda reject: reject["source"],
    )
    write_jsonl(output / "rejected.jsonl", rejects)
    if len(shards) > 1:
        write_json(output / "manifest.json", {"config_hash": config.digest(), "shards": shard_counts})

    kept_total = sum(kept for kept, _, _ in outcomes)
    counted = line_counts.documents
    report = build_report(results, rejects, input_rejects, config, duplicates, kept_total, frequent, counted)
    report["run"] = {
        "executor": executor.name,
        "workers": executor.workers,
        "seconds": round(time.time() - started, 3),
        "shards": shard_counts,
        "resumed_shards": resumed_shards,
        "reduce_state_bytes": state_bytes,
        "pipeline_version": __version__,
    }
    from .report import write_reports  # imported here, not on top: pandas and matplotlib stay out of the workers

    write_reports(output, report, results)
    write_json(output / "report.json", report)  # last: its presence says the output is complete
    shutil.rmtree(work_dir, ignore_errors=True)
    return report


def _compact(result: ShardResult, dedup: DedupIndex) -> ShardResult:
    """Move a result's per-document state into compact form: dedup keys into `dedup`, lengths into an array."""
    keys = [DedupKey(doc_id, source, bytes.fromhex(exact), bytes.fromhex(signature))
            for doc_id, source, exact, signature in result.dedup]
    dedup.add(result.index, keys)
    result.dedup = []
    result.lengths = np.asarray(result.lengths, dtype=np.int64).reshape(-1, 2)
    return result


def publish(output: Path, work_dir: Path, indexes: list[int], kept: list[int]) -> list[dict]:
    """Move the finished corpus files from the work directory into the output; returns [{"file", "records"}].

    The previous run's report.json and manifest.json go first, so a run killed here leaves
    no report: never a mix of old and new files that looks complete.
    """
    for name in ("report.json", "manifest.json"):
        (output / name).unlink(missing_ok=True)
    remove_corpus_files(output, ".jsonl")
    if not indexes:
        write_jsonl(output / "corpus.jsonl", [])
        return [{"file": "corpus.jsonl", "records": 0}]
    entries = []
    for index, records in zip(indexes, kept, strict=True):
        name = "corpus.jsonl" if len(indexes) == 1 else f"corpus-{index:05d}.jsonl"
        os.replace(work_path(work_dir, "out", index), output / name)
        entries.append({"file": name, "records": records})
    return entries


def build_report(results, rejects, input_rejects, config, duplicates, kept, frequent, documents_counted) -> dict:
    """The run summary: counts, rejects by reason, removals by rule, repairs, languages, duplicates."""
    removed_lines: Counter = Counter()
    removed_chars: Counter = Counter()
    repairs: Counter = Counter()
    languages: Counter = Counter()
    for result in results:
        removed_lines.update(result.removed_lines)
        removed_chars.update(result.removed_chars)
        repairs.update(result.repairs)
        languages.update(result.languages)
    documents = sum(result.documents for result in results) + len(input_rejects)
    return {
        "documents_read": documents,
        "kept": kept,
        "rejected": len(rejects),
        "rejected_by_reason": dict(sorted(Counter(r["reason"] for r in rejects).items())),
        "removed_lines_by_rule": dict(sorted(removed_lines.items())),
        "removed_chars_by_rule": dict(sorted(removed_chars.items())),
        "encoding_repairs": dict(sorted(repairs.items())),
        "languages": dict(sorted(languages.items())),
        "chars_in": sum(result.chars_in for result in results),
        "chars_out": sum(result.chars_out for result in results),
        "repeated_lines": {
            "documents_counted": documents_counted,
            "frequent_lines": len(frequent),
            "min_docs": config.repeats.min_docs,
            "min_fraction": config.repeats.min_fraction,
            "min_corpus_docs": config.repeats.min_corpus_docs,
        },
        "duplicates": {
            "shingle_words": config.dedup.shingle_words,
            "num_perm": config.dedup.num_perm,
            "bands": config.dedup.bands,
            "threshold": config.dedup.threshold,
            "duplicate_documents": len(duplicates),
            "clusters": clusters(duplicates),
        },
        "config_hash": config.digest(),
        "config": config.to_dict(),
    }
