"""The per-document flow: raw text -> cleaned Document -> output record (or a Reject).

Each stage is a small function Document -> Document; `Cleaner` holds what they
share (config, compiled rules, the corpus's frequent lines) and runs them in order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from itertools import groupby
from operator import attrgetter

from . import __version__
from .boilerplate import RuleSet, apply_rules, drop_box_text, drop_caption_repeats, drop_error_template, load_rules
from .classifier import classify_blocks, drop_author_bios
from .config import Config
from .document import Document, Line, Reject, split_lines
from .encoding import drop_stray_controls, is_code_block, normalize_whitespace, repair_text
from .language import record_language
from .metadata import (
    find_author_boxes,
    find_bios_below_headings,
    find_bylines,
    find_datelines,
    find_source_lines,
    find_title,
)
from .quality import failed_threshold, quality_signals
from .readers import RawDocument
from .repeats import drop_repeated_lines

MAX_ROUNDS = 8  # line-removing rounds per document; bench-corpus pages take 2-5, the last one removing nothing
MAX_EXTRA_REPAIRS = 2  # repair rounds after normalisation: cleaning the cleaned text changes nothing

METADATA_STAGES = (
    find_title,
    find_bylines,
    find_source_lines,
    find_datelines,
    find_author_boxes,
    find_bios_below_headings,
)


def prepare(raw: RawDocument) -> Document:
    """Drop stray controls, repair encoding, normalise whitespace, split into lines: what every later stage sees."""
    text, encoding = prepare_text(raw)
    return Document(raw.id, raw.source, raw.kind, split_lines(text), prepare_metadata(raw.metadata), encoding)


def prepare_metadata(metadata: dict) -> dict:
    """The input's own title, publisher and authors repaired and normalised like the text, each on one line."""
    prepared = dict(metadata)
    for key in ("title", "publisher"):
        if isinstance(metadata.get(key), str):
            prepared[key] = prepare_field(metadata[key])
    if isinstance(metadata.get("authors"), list):
        prepared["authors"] = [prepare_field(name) for name in metadata["authors"]]
    return {key: value for key, value in prepared.items() if value != ""}


def prepare_field(value: str) -> str:
    """One metadata string as `prepare_text` treats the text, with its lines joined by spaces."""
    return " ".join(normalize_whitespace(repair_text(drop_stray_controls(value))[0]).split())


def prepare_text(raw: RawDocument) -> tuple[str, dict]:
    """`prepare` up to the split into lines: the normalised text, and the encoding notes with the repairs made."""
    text, repairs = repair_text(drop_stray_controls(raw.text))
    text = normalize_whitespace(text)
    for _ in range(MAX_EXTRA_REPAIRS):  # normalising can make a new mojibake pair ("Â\t" -> "Â ")
        again, more = repair_text(text)
        if again == text:
            break
        text, repairs = normalize_whitespace(again), sorted({*repairs, *more})
    return text, {**raw.encoding, "repairs": repairs}


@dataclass
class Cleaner:
    """Runs the cleaning stages on raw documents with one config and one corpus context."""

    config: Config
    frequent_lines: frozenset[int] = frozenset()

    @property
    def rules(self) -> RuleSet:
        return load_rules(self.config.boilerplate.rules_files, self.config.boilerplate.disable)

    def clean(self, raw: RawDocument | Document) -> Document | Reject:
        """All stages in order (a raw document is prepared first); a Reject when nothing worth keeping is left.

        Removing furniture can change what the context-dependent stages see (a line near the
        end, a short line between two paragraphs), so these stages run again on the cleaned text
        until they remove nothing more (at most MAX_ROUNDS times, to bound the work on pathological
        pages): cleaning the cleaned text again changes nothing.  The rule stages need no second
        round: no line they kept matches a rule.
        """
        doc = prepare(raw) if isinstance(raw, RawDocument) else raw
        if not doc.lines:
            return Reject(doc.source, "empty", "no text after decoding and whitespace normalisation")
        arrived = dict(doc.metadata)
        doc = self.remove_by_context(self.remove_rule_matches(doc))
        for _ in range(MAX_ROUNDS - 1):
            if not (doc.lines and doc.removed):
                break
            fresh = renumbered(doc.lines)  # the cleaned text's lines as the stages would read them from a file
            again = self.remove_by_context(replace(doc, lines=fresh, metadata=dict(arrived), removed=[]))
            if not again.removed:
                break
            doc = merge_round(doc, fresh, again)
        return self.filter(settle_indentation(doc))

    def remove_rule_matches(self, doc: Document) -> Document:
        """The rule tables' furniture, and what it reveals: an error template, captions shown twice.

        Every line a rule matches goes (with the section, tail or zone it opens), so on the kept
        lines these stages find nothing more.
        """
        return drop_caption_repeats(drop_error_template(apply_rules(doc, self.rules)))

    def remove_by_context(self, doc: Document) -> Document:
        """The stages that judge a line by the lines around it: metadata, box text, repeated lines, the classifier."""
        for stage in METADATA_STAGES:
            doc = stage(doc)
        doc = drop_box_text(doc)
        doc = drop_repeated_lines(doc, self.frequent_lines, self.config.repeats)
        if self.config.boilerplate.classifier:  # an extractor's output is the main text already, but for a bio
            extracted = doc.metadata.get("extractor") == "trafilatura"
            doc = drop_author_bios(doc) if extracted else classify_blocks(doc)
        return doc

    def filter(self, doc: Document) -> Document | Reject:
        """Document-level decisions: error pages, empty or too short, opt-in quality thresholds.

        On the way, a document long enough gets its language and quality signals (the thresholds judge them).
        """
        text = doc.text
        if not doc.lines:
            if any(entry["rule"].startswith("error_page.") for entry in doc.removed):
                return Reject(doc.source, "error_page", "the page is only an error template")
            return Reject(doc.source, "empty_after_cleaning", f"all {len(doc.removed)} lines were furniture")
        words = len(text.split(maxsplit=self.config.filters.min_words))  # counted up to min_words + 1
        if words < self.config.filters.min_words:
            return Reject(doc.source, "too_short", f"{words} words < filters.min_words")
        language, confidence = record_language(text)
        doc.metadata["language"] = language
        doc.metadata["language_confidence"] = confidence
        doc.signals = quality_signals(text, language)
        failed = failed_threshold(doc.signals, self.config.filters.quality_thresholds)
        if failed:
            return Reject(doc.source, f"quality.{failed}", f"{failed} = {doc.signals[failed]}")
        return doc


def renumbered(lines: list[Line]) -> list[Line]:
    """The lines numbered as `split_lines` numbers the document's text (a blank line between blocks).

    >>> [(l.number, l.block) for l in renumbered([Line(3, 1, "a"), Line(7, 1, "b"), Line(9, 4, "c")])]
    [(1, 0), (2, 0), (4, 1)]
    """
    fresh = []
    number = block = 0
    for index, line in enumerate(lines):
        if index and line.block != lines[index - 1].block:
            number += 1
            block += 1
        number += 1
        fresh.append(Line(number, block, line.text, line.indent))
    return fresh


def settle_indentation(doc: Document) -> Document:
    """Lines of code keep their indentation only while their block's kept lines still make a block of code
    (`is_code_block`: removed lines can leave one line, lines indented alike, or none that reads as code),
    so that the text as written normalises to itself.
    """
    if not any(line.indent for line in doc.lines):
        return doc
    lines: list[Line] = []
    for _, group in groupby(doc.lines, key=attrgetter("block")):
        block = list(group)
        indents = [line.indent for line in block]
        if any(indents) and not is_code_block(indents, [line.text for line in block]):
            block = [replace(line, indent="") for line in block]
        lines += block
    return replace(doc, lines=lines)


def merge_round(doc: Document, fresh: list[Line], again: Document) -> Document:
    """Fold a later round (run on `fresh`, the kept lines renumbered) into the document.

    Kept and removed lines get their numbers in the input back; metadata found only
    in the later round is added.
    """
    original = {line.number: kept for line, kept in zip(fresh, doc.lines, strict=True)}
    removed = [{**entry, "line": original[entry["line"]].number} for entry in again.removed]
    kept = [original[line.number] for line in again.lines]
    return replace(doc, lines=kept, metadata={**again.metadata, **doc.metadata}, removed=doc.removed + removed)


def to_record(doc: Document) -> dict:
    """The output record of a kept document (duplicate fields are added after the reduce step)."""
    text = doc.text
    metadata = doc.metadata
    return {
        "id": doc.id,
        "source": doc.source,
        "kind": doc.kind,
        "url": metadata.get("url"),
        "title": metadata.get("title"),
        "authors": metadata.get("authors", []),
        "publisher": metadata.get("publisher"),
        "date": metadata.get("date"),
        "language": metadata.get("language"),
        "language_confidence": metadata.get("language_confidence"),
        "text": text,
        "chars": len(text),
        "words": len(text.split()),
        "paragraphs": text.count("\n\n") + 1,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "encoding": doc.encoding,
        "removed": sorted(doc.removed, key=lambda entry: entry["line"]),
        "quality": doc.signals,
        "duplicate_of": None,
        "similarity": None,
        "pipeline_version": __version__,
    }
