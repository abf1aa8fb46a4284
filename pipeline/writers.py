"""Output files, written atomically: a temporary file in the same directory, fsync, then rename."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_open(path: str | Path, mode: str = "w"):
    """Open a temporary sibling of `path`; on success it replaces `path`, on error it is removed."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    handle = open(temporary, mode, encoding=None if "b" in mode else "utf-8", newline=None if "b" in mode else "\n")  # noqa: SIM115
    try:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.replace(temporary, path)
    except BaseException:
        handle.close()
        temporary.unlink(missing_ok=True)
        raise


def remove_corpus_files(directory: str | Path, suffix: str) -> None:
    """Remove an earlier run's corpus files (corpus.jsonl, corpus-NNNNN.jsonl): never other files there."""
    for path in Path(directory).glob(f"corpus*{suffix}"):
        if re.fullmatch(rf"corpus(-[0-9]{{5,}})?{re.escape(suffix)}", path.name):
            path.unlink()


def remove_temporary_files(directory: str | Path) -> None:
    """Remove the temporaries `atomic_open` leaves when its process is killed (SIGKILL, pool terminate)."""
    for temporary in Path(directory).glob(".*.tmp-*"):
        temporary.unlink(missing_ok=True)


_LINE_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)  # records are trees


def json_line(record: dict) -> str:
    """One JSONL line: UTF-8 as is, keys in a fixed order, no trailing spaces."""
    return _LINE_ENCODER.encode(record) + "\n"


def write_jsonl(path: str | Path, records: Iterable[dict]) -> int:
    """Write records atomically; returns how many were written."""
    return write_lines(path, map(json_line, records))


def write_lines(path: str | Path, lines: Iterable[str]) -> int:
    """Write lines (each ending in a line break) atomically; returns how many were written."""
    count = 0
    with atomic_open(path) as handle:
        for line in lines:
            handle.write(line)
            count += 1
    return count


def read_jsonl(path: str | Path) -> Iterable[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def write_json(path: str | Path, data: dict) -> None:
    with atomic_open(path) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2, sort_keys=True)
        handle.write("\n")
