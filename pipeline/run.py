"""One run over a corpus: discover inputs, count repeated lines (map/reduce), clean (map),
find duplicates (reduce), write the final outputs (map), and the report.

Work is cut into shards of input files in source order; each shard is one task for
the executor and, in a large run, one output file.  Intermediate shard results live
in OUTPUT/.work-<config hash>/ so that `--resume` can skip finished shards.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .clean import Cleaner, prepare, to_record
from .config import Config
from .dedup import DedupKey, clusters, dedup_key, find_duplicates
from .document import Reject
from .readers import InputFile, RawDocument, discover_inputs, read_documents
from .repeats import count_keys, document_keys, frequent_keys
from .writers import atomic_open, json_line, read_jsonl, write_json, write_jsonl

TOP_REMOVED_LINES = 10  # most frequent removed lines kept per rule and shard, for the report


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
    dedup: list[list[str]] = field(default_factory=list)  # [id, source, exact hex, signature hex]
    removed_examples: dict = field(default_factory=dict)  # rule -> [[line text, count], ...], this shard's top lines


@dataclass(frozen=True)
class CleanContext:
    config: Config
    frequent_lines: frozenset[int]
    work_dir: str


def make_shards(files: list[InputFile], size: int) -> list[Shard]:
    return [Shard(i // size, tuple(files[i : i + size])) for i in range(0, len(files), size)]


def _raw_documents(shard: Shard, config: Config):
    for item in shard.files:
        yield from read_documents(item, config)


def count_shard(shard: Shard, config: Config) -> tuple[int, Counter]:
    """Map step of the repeated-line count: (documents seen, key -> documents holding it)."""
    arrays = []
    for raw in _raw_documents(shard, config):
        if isinstance(raw, RawDocument):
            arrays.append(document_keys(prepare(raw), config.repeats))
    return len(arrays), count_keys(arrays)


def _part_paths(work_dir: str, index: int) -> tuple[Path, Path]:
    base = Path(work_dir) / f"part-{index:05d}"
    return base.with_suffix(".jsonl"), base.with_suffix(".result.json")


def clean_shard(shard: Shard, context: CleanContext) -> ShardResult:
    """Map step of cleaning: records to a part file, everything else in the returned ShardResult."""
    config = context.config
    cleaner = Cleaner(config, context.frequent_lines)
    result = ShardResult(shard.index)
    removed_lines: Counter = Counter()
    removed_chars: Counter = Counter()
    repairs: Counter = Counter()
    languages: Counter = Counter()
    removed_texts: Counter = Counter()
    part_path, result_path = _part_paths(context.work_dir, shard.index)
    with atomic_open(part_path) as part:
        for raw in _raw_documents(shard, config):
            result.documents += 1
            if isinstance(raw, Reject):
                result.rejects.append(raw.to_json())
                continue
            try:
                cleaned = cleaner.clean(raw)
            except Exception as error:  # one bad document never stops the run
                cleaned = Reject(raw.source, "internal_error", f"{type(error).__name__}: {error}")
            if isinstance(cleaned, Reject):
                result.rejects.append(cleaned.to_json())
                continue
            record = to_record(cleaned)
            part.write(json_line(record))
            result.kept += 1
            for entry in cleaned.removed:
                removed_lines[entry["rule"]] += 1
                removed_chars[entry["rule"]] += len(entry["text"])
                removed_texts[entry["rule"], entry["text"]] += 1
            repairs.update(cleaned.encoding.get("repairs", []))
            languages[record["language"] or "unknown"] += 1
            result.chars_in += len(raw.text)
            result.chars_out += record["chars"]
            result.lengths.append([len(raw.text), record["chars"]])
            if config.dedup.enabled:
                key = dedup_key(record["id"], record["source"], record["text"], config.dedup)
                result.dedup.append([key.id, key.source, key.exact.hex(), key.signature.hex()])
    result.removed_lines = dict(removed_lines)
    result.removed_chars = dict(removed_chars)
    result.repairs = dict(repairs)
    result.languages = dict(languages)
    for (rule, text), count in sorted(removed_texts.items(), key=lambda item: (-item[1], item[0])):
        examples = result.removed_examples.setdefault(rule, [])
        if len(examples) < TOP_REMOVED_LINES:
            examples.append([text, count])
    write_json(result_path, asdict(result))
    return result


@dataclass(frozen=True)
class FinalizeContext:
    work_dir: str
    output_dir: str
    duplicates: dict
    drop_duplicates: bool
    single_file: bool


def finalize_shard(index: int, context: FinalizeContext) -> tuple[int, list[dict]]:
    """Map step of writing: add duplicate fields to a part, write the shard; returns (kept, dropped)."""
    part_path, _ = _part_paths(context.work_dir, index)
    name = "corpus.jsonl" if context.single_file else f"corpus-{index:05d}.jsonl"
    dropped: list[dict] = []

    def records():
        for record in read_jsonl(part_path):
            duplicate = context.duplicates.get(record["id"])
            if duplicate:
                record["duplicate_of"], record["similarity"] = duplicate
                if context.drop_duplicates:
                    dropped.append({"source": record["source"], "reason": "duplicate", "detail": f"duplicate of {duplicate[0]} (similarity {duplicate[1]})"})
                    continue
            yield record

    kept = write_jsonl(Path(context.output_dir) / name, records())
    return kept, dropped


def run(paths: list[str], output_dir: str, config: Config, executor, resume: bool = False, progress=None) -> dict:
    """Clean the inputs into output_dir; returns the run report (also written as report.json and report.html/.md).

    `progress(stage, files)`, if given, is called with ("start", all input files), then for each
    pass ("count", then "clean") once with no files as it begins and once per finished shard.
    """
    started = time.time()
    files, input_rejects = discover_inputs(paths)
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    work_dir = output / f".work-{config.digest()}"
    if not resume and work_dir.exists():
        shutil.rmtree(work_dir)
    work_dir.mkdir(exist_ok=True)
    shards = make_shards(files, config.output.shard_docs)
    if progress:
        progress("start", files)

    frequent: frozenset[int] = frozenset()
    documents_counted = 0
    if config.repeats.enabled and len(files) >= config.repeats.min_corpus_docs:
        total: Counter = Counter()
        if progress:
            progress("count", ())
        for shard, (documents, counts) in zip(shards, executor.map(count_shard, shards, config), strict=True):
            documents_counted += documents
            total.update(counts)
            if progress:
                progress("count", shard.files)
        frequent = frequent_keys(total, documents_counted, config.repeats)

    context = CleanContext(config, frequent, str(work_dir))
    results: list[ShardResult] = []
    todo = []
    for shard in shards:
        _, result_path = _part_paths(str(work_dir), shard.index)
        if resume and result_path.exists():
            results.append(ShardResult(**json.loads(result_path.read_text(encoding="utf-8"))))
        else:
            todo.append(shard)
    if progress:
        progress("clean", ())
    for result in executor.map(clean_shard, todo, context):
        results.append(result)
        if progress:
            progress("clean", shards[result.index].files)
    results.sort(key=lambda result: result.index)

    keys = [DedupKey(i, s, bytes.fromhex(e), bytes.fromhex(g)) for r in results for i, s, e, g in r.dedup]
    duplicates = find_duplicates(keys, config.dedup) if config.dedup.enabled else {}
    single_file = len(shards) <= 1
    for stale in output.glob("corpus*.jsonl"):
        stale.unlink()
    finalize = FinalizeContext(str(work_dir), str(output), duplicates, config.dedup.drop, single_file)
    kept_total = 0
    dropped: list[dict] = []
    shard_counts = []
    for index, (kept, dropped_here) in zip(
        [s.index for s in shards], executor.map(finalize_shard, [s.index for s in shards], finalize)
    ):
        kept_total += kept
        dropped.extend(dropped_here)
        shard_counts.append({"file": "corpus.jsonl" if single_file else f"corpus-{index:05d}.jsonl", "records": kept})
    if not shards:
        write_jsonl(output / "corpus.jsonl", [])
        shard_counts.append({"file": "corpus.jsonl", "records": 0})
    from .corpus import write_formats  # imported here, not on top: pyarrow stays out of the worker processes

    shard_counts = write_formats(output, shard_counts, config.output.formats)

    rejects = sorted(
        [r.to_json() for r in input_rejects] + [r for result in results for r in result.rejects] + dropped,
        key=lambda reject: reject["source"],
    )
    write_jsonl(output / "rejected.jsonl", rejects)
    if not single_file:
        write_json(output / "manifest.json", {"config_hash": config.digest(), "shards": shard_counts})
    shutil.rmtree(work_dir, ignore_errors=True)

    report = build_report(results, rejects, input_rejects, config, duplicates, kept_total, frequent, documents_counted)
    report["run"] = {
        "executor": executor.name,
        "workers": executor.workers,
        "seconds": round(time.time() - started, 3),
        "shards": shard_counts,
        "pipeline_version": __version__,
    }
    write_json(output / "report.json", report)
    from .report import write_reports  # imported here, not on top: pandas and matplotlib stay out of the workers

    write_reports(output, report, results)
    return report


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
