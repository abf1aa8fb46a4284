"""The cleaned corpus as a table: Parquet output next to (or instead of) JSONL, and `load_corpus`.

>>> import pipeline
>>> callable(pipeline.load_corpus)
True
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .writers import atomic_open, read_jsonl, remove_corpus_files

BATCH_RECORDS = 1000  # records per Parquet row group: memory stays flat whatever the file size

STRINGS = pa.list_(pa.string())
RECORD_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("kind", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("authors", STRINGS),
        ("publisher", pa.string()),
        ("date", pa.string()),
        ("language", pa.string()),
        ("language_confidence", pa.float64()),
        ("text", pa.string()),
        ("chars", pa.int64()),
        ("words", pa.int64()),
        ("paragraphs", pa.int64()),
        ("sha256", pa.string()),
        ("encoding", pa.struct([("detected", pa.string()), ("notes", STRINGS), ("repairs", STRINGS)])),
        ("removed", pa.list_(pa.struct([("rule", pa.string()), ("text", pa.string()), ("line", pa.int64())]))),
        ("quality", pa.map_(pa.string(), pa.float64())),
        ("duplicate_of", pa.string()),
        ("similarity", pa.float64()),
        ("pipeline_version", pa.string()),
    ]
)
NESTED_FIELDS = {"encoding": set(RECORD_SCHEMA.field("encoding").type.names)}


def _checked(record: dict) -> dict:
    """The record itself; a field the Parquet schema lacks is an error here, never silently dropped."""
    extra = set(record) - set(RECORD_SCHEMA.names)
    for name, known in NESTED_FIELDS.items():
        extra |= {f"{name}.{key}" for key in set(record.get(name) or {}) - known}
    if extra:
        raise ValueError(f"record field(s) {sorted(extra)} missing from corpus.RECORD_SCHEMA: add them there")
    return record


def jsonl_to_parquet(source: Path, target: Path) -> None:
    """Copy a corpus JSONL file to Parquet, one row group per BATCH_RECORDS records."""
    records = map(_checked, read_jsonl(source))
    with atomic_open(target, "wb") as handle, pq.ParquetWriter(handle, RECORD_SCHEMA) as writer:
        while batch := list(islice(records, BATCH_RECORDS)):
            writer.write_table(pa.Table.from_pylist(batch, schema=RECORD_SCHEMA))


def write_formats(output_dir: str | Path, written: list[dict], formats: tuple[str, ...]) -> list[dict]:
    """Give the corpus files just written as JSONL (`written`: [{"file", "records"}]) the asked formats.

    Returns the entries of every corpus file now in output_dir; stale Parquet files are removed.
    """
    output = Path(output_dir)
    remove_corpus_files(output, ".parquet")
    if "parquet" not in formats:
        return written
    entries = []
    for entry in written:
        jsonl = output / entry["file"]
        parquet = jsonl.with_suffix(".parquet")
        jsonl_to_parquet(jsonl, parquet)
        if "jsonl" in formats:
            entries.append(entry)
        else:
            jsonl.unlink()
        entries.append({"file": parquet.name, "records": entry["records"]})
    return entries


def _corpus_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"no such file or directory: {path}")
    for suffix in (".parquet", ".jsonl"):
        files = sorted(path.glob(f"corpus{suffix}")) or sorted(path.glob(f"corpus-[0-9]*{suffix}"))
        if files:
            return files
    raise FileNotFoundError(f"{path}: no corpus.parquet, corpus.jsonl or corpus-NNNNN shards")


def load_corpus(path: str | Path) -> pd.DataFrame:
    """The cleaned corpus as a DataFrame, one row per document.

    `path` is an output directory (Parquet preferred when both formats are there),
    a corpus JSONL file or a Parquet file.  Either way the rows are the same and
    nested fields (authors, removed, encoding, quality) are Python lists and dicts;
    in Parquet, quality values are all floats.
    """
    records: list[dict] = []
    for file in _corpus_files(Path(path)):
        if file.suffix == ".parquet":
            records += pq.read_table(file).to_pylist(maps_as_pydicts="strict")
        elif file.suffix in {".jsonl", ".ndjson"}:
            records += read_jsonl(file)
        else:
            raise ValueError(f"{file}: expected a .jsonl or .parquet corpus file")
    return pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=RECORD_SCHEMA.names)
