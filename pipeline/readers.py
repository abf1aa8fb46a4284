"""Inputs: find the files, read their bytes (plain, gzip or bzip2) and turn them into raw text documents.

Every file found ends up as raw documents or as a Reject with a reason; nothing is skipped silently.
"""

from __future__ import annotations

import bz2
import codecs
import glob
import gzip
import hashlib
import json
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .document import Reject
from .encoding import UndecodableError, decode_bytes
from .extract import declared_charset, extract_html, only_link_text

KINDS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html"}
KINDS |= {".jsonl": "jsonl", ".ndjson": "jsonl"}
COMPRESSIONS = {".gz": gzip.open, ".bz2": bz2.open}
READ_ERRORS = (OSError, EOFError, zlib.error, ValueError)  # I/O errors and broken or fake archives
WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)  # UTF-32-LE starts like UTF-16-LE
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # half of an escaped pair ("\\ud83d"): not writable as UTF-8


class UsageError(ValueError):
    """A problem with the command line, such as an input path that does not exist."""


@dataclass(frozen=True)
class InputFile:
    """A file to read: its path on disk and its name in the output (relative to its input root)."""

    path: str  # absolute
    source: str


@dataclass
class RawDocument:
    """Decoded text of one document, before any cleaning."""

    source: str
    kind: str
    text: str
    encoding: dict
    metadata: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()[:16]


def _walk(root: Path, errors: list[OSError], skip: Path | None = None) -> Iterator[Path]:
    """Files under root, sorted, but none in the directory `skip`; directories that cannot be listed go to `errors`."""
    for directory, subdirs, files in os.walk(root, onerror=errors.append, followlinks=False):
        base = Path(directory)
        subdirs[:] = sorted(name for name in subdirs if base / name != skip)
        for name in sorted(files):
            yield base / name
        for name in subdirs:
            if (base / name).is_symlink():
                yield base / name  # a linked directory is reported, never followed (no loops)


def discover_inputs(paths: list[str], output: Path | None = None) -> tuple[list[InputFile], list[Reject]]:
    """Expand directories (recursively, also through a symlink), files and globs into input files sorted by source.

    A file reached twice (a directory and a file or directory inside it) is read once.  The `output`
    directory is never read, also when it lies inside an input directory.  Raises UsageError naming
    the first path that matches nothing, or an input directory that is `output` itself.
    """
    found: dict[str, InputFile] = {}
    seen: set[str] = set()
    rejects: list[Reject] = []
    output_dir = output.resolve() if output is not None else None
    for spec in paths:
        matches = [Path(p) for p in sorted(glob.glob(spec, recursive=True))] if glob.has_magic(spec) else [Path(spec)]
        if not matches or not (matches[0].exists() or matches[0].is_symlink()):
            raise UsageError(f"input path not found: {spec}")
        for match in matches:
            if not match.is_dir():  # a file named on the command line is read
                entry = os.path.join(os.path.realpath(match.parent), match.name)
                _add(found, seen, rejects, match, match.name, None, entry)
                continue
            root = match.resolve()
            if output_dir == root:
                raise UsageError(f"output directory {output} is the input directory {match}: choose another one")
            inside = output_dir is not None and output_dir.is_relative_to(root)
            skip = match / output_dir.relative_to(root) if inside else None
            errors: list[OSError] = []
            for path in _walk(match, errors, skip):  # the walk follows no link: a file's real directory is under root's
                relative = path.relative_to(match).as_posix()
                _add(found, seen, rejects, path, relative, root, os.path.join(root, relative))
            for error in errors:
                name = Path(error.filename).relative_to(match).as_posix()
                source = text_name(match.as_posix() if name == "." else name)
                detail = f"cannot list the directory: {type(error).__name__}: {error}"
                rejects.append(Reject(source, "unreadable", detail))
    return sorted(found.values(), key=lambda item: item.source), rejects


def text_name(name: str) -> str:
    """A file name as valid Unicode for the output: bytes that are not UTF-8 become \\xNN escapes.

    >>> print(text_name(os.fsdecode(b"caf\\xe9.txt")))
    caf\\xe9.txt
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _add(found: dict, seen: set, rejects: list, path: Path, source: str, root: Path | None, entry: str) -> None:
    """Record one input under its source name, unless its `entry` (the path with its directory resolved) was
    seen before; a symlink is followed only to a file inside root."""
    if entry in seen:
        return  # the same file named twice
    seen.add(entry)
    source = text_name(source)
    if source in found:
        source = text_name(path.as_posix())  # another input with the same relative name: keep the path given
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            rejects.append(Reject(source, "unreadable", "broken symlink or symlink loop"))
            return
        if root is not None and not target.is_relative_to(root):
            rejects.append(Reject(source, "outside_input", f"symlink leads outside the input ({target})"))
            return
        if target.is_dir():
            rejects.append(Reject(source, "not_a_file", "symlink to a directory inside the input (read there)"))
            return
    found[source] = InputFile(os.path.abspath(path), source)  # the same file for a worker in another directory


def kind_of(name: str) -> tuple[str | None, str | None]:
    """(kind, compression) from a file name: 'a.html.gz' -> ('html', '.gz')."""
    stem, compression = name, None
    suffix = Path(name).suffix.lower()
    if suffix in COMPRESSIONS:
        compression = suffix
        stem = name[: -len(suffix)]
    return KINDS.get(Path(stem).suffix.lower()), compression


def read_bytes(path: str, compression: str | None, limit: int) -> bytes:
    """At most limit + 1 bytes of the file, decompressed; the caller checks the size."""
    opener = COMPRESSIONS.get(compression, open)
    with opener(path, "rb") as handle:
        return handle.read(limit + 1)


def read_documents(item: InputFile, config: Config) -> Iterator[RawDocument | Reject]:
    """Raw documents from one input file (one, or one per JSONL line), or Rejects saying why not.

    An unexpected error in one file becomes a Reject (`internal_error`), never the end of the run.
    """
    try:
        yield from _read_file(item, config)
    except Exception as error:  # one bad file never stops the run
        yield Reject.internal_error(item.source, error)


def _read_file(item: InputFile, config: Config) -> Iterator[RawDocument | Reject]:
    kind, compression = kind_of(item.source)
    if kind is None:
        yield Reject(item.source, "unsupported_type", "not .txt, .html, .htm or .jsonl (optionally .gz/.bz2)")
        return
    limit = config.input.max_document_bytes
    try:
        mode = os.stat(item.path).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):  # a named pipe streams a file from another program
            yield Reject(item.source, "not_a_file", "not a file or a named pipe (a directory, socket or device)")
            return
        if kind == "jsonl":
            yield from _jsonl_documents(item, compression, limit, config.input.jsonl_text_field)
            return
        data = read_bytes(item.path, compression, limit)
    except READ_ERRORS as error:
        yield _read_error(item.source, compression, error)
        return
    if len(data) > limit:
        yield Reject(item.source, "too_large", f"more than input.max_document_bytes = {limit} bytes")
        return
    if not data.strip():
        yield Reject(item.source, "empty", "no content")
        return
    try:
        decoded = decode_bytes(data, declared_charset(data) if kind == "html" else None)
    except UndecodableError as error:
        yield Reject(item.source, error.reason, str(error))
        return
    encoding = {"detected": decoded.encoding, "notes": decoded.notes}
    if kind == "text":
        yield RawDocument(item.source, kind, decoded.text, encoding)
        return
    extracted = extract_html(decoded.text)
    if extracted is None:
        yield Reject(item.source, "unparseable_html", "no text could be extracted from the HTML")
        return
    text, metadata, method = extracted
    if only_link_text(decoded.text, text):
        yield Reject(item.source, "navigation_only", "every line of the page's text is the text of a link")
        return
    encoding["notes"] = [*decoded.notes, f"text extracted by {method}"]
    yield RawDocument(item.source, kind, text, encoding, metadata)


def _read_error(source: str, compression: str | None, error: Exception) -> Reject:
    system_error = isinstance(error, OSError) and error.errno is not None  # not found, permission, I/O: not the archive
    reason = "corrupt_archive" if compression and not system_error else "unreadable"
    return Reject(source, reason, f"{type(error).__name__}: {error}")


def _lines(handle, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line of a binary file; None for a line longer than limit (skipped)."""
    number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        else:
            yield number, line


def _jsonl_documents(item: InputFile, compression: str | None, limit: int, text_field: str):
    """One raw document per JSONL line, read as a stream; each bad line becomes a Reject with its number."""
    found = False
    with COMPRESSIONS.get(compression, open)(item.path, "rb") as handle:
        for number, line in _lines(handle, limit):
            line_source = f"{item.source}:{number}"
            if number == 1 and line and line.startswith(WIDE_BOMS):
                yield Reject(item.source, "undecodable", "JSONL must be UTF-8 (RFC 8259); this file is UTF-16/32")
                return
            if line is None:
                found = True
                yield Reject(line_source, "too_large", f"line {number}: more than input.max_document_bytes = {limit}")
                continue
            if not line.strip():
                continue
            found = True
            yield _jsonl_document(line_source, number, line, text_field)
    if not found:
        yield Reject(item.source, "empty", "no content")


def _jsonl_document(source: str, number: int, line: bytes, text_field: str) -> RawDocument | Reject:
    try:
        decoded = decode_bytes(line.removeprefix(codecs.BOM_UTF8) if number == 1 else line)
        if decoded.encoding.startswith(("utf-16", "utf-32")):  # sniffed from the NUL bytes of this line
            return Reject(source, "bad_jsonl_line", f"line {number}: reads as {decoded.encoding}; JSONL must be UTF-8")
        record = json.loads(decoded.text)
    except UndecodableError as error:
        return Reject(source, "bad_jsonl_line", f"line {number}: {error}")
    except (json.JSONDecodeError, RecursionError) as error:
        detail = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
        return Reject(source, "bad_jsonl_line", f"line {number}: invalid JSON ({detail})")
    text = record.get(text_field) if isinstance(record, dict) else None
    if not isinstance(text, str):
        return Reject(source, "bad_jsonl_line", f"line {number}: field {text_field!r} is missing or not a string")
    metadata = {
        key: LONE_SURROGATE.sub("\ufffd", record[key]) for key in ("url", "title") if isinstance(record.get(key), str)
    }
    return RawDocument(source, "jsonl", text, {"detected": decoded.encoding, "notes": decoded.notes}, metadata)
