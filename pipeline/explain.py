"""`clean-corpus --explain FILE`: one input file, line by line, as the cleaning stages saw it.

The file goes through the same reader and the same `Cleaner` as in a run, so what
is shown kept or removed here is what a run keeps or removes, except for the two
decisions that need the whole corpus: repeated lines across documents and duplicates.
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .clean import Cleaner, prepare
from .config import Config
from .document import Document, Reject
from .language import MIN_CHARS, MIN_CONFIDENCE
from .readers import InputFile, RawDocument, read_documents
from .writers import atomic_open

CORPUS_NOTE = (
    "Not checked for one file: lines repeated across the corpus (repeats.corpus_line) "
    "and duplicates, which a run decides from all documents."
)
METADATA_KEYS = ("title", "authors", "publisher", "date", "url", "language", "language_confidence")


@dataclass
class ExplainedLine:
    number: int
    block: int
    text: str
    rule: str | None  # None when the line is kept


@dataclass
class Explanation:
    """What happened to one document (a file, or one line of a JSONL file)."""

    source: str
    kind: str = ""
    outcome: str = "kept"  # "kept", or the reject reason
    detail: str = ""
    encoding: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    signals: dict = field(default_factory=dict)
    lines: list[ExplainedLine] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return self.outcome == "kept"


class _WatchingCleaner(Cleaner):
    """The run's Cleaner, keeping the document it hands to the document-level filters."""

    seen: Document | None = None

    def filter(self, doc: Document) -> Document | Reject:
        self.seen = doc
        return super().filter(doc)


def explain_document(raw: RawDocument, config: Config) -> Explanation:
    """Clean one raw document and mark each of its lines kept or removed, with the deciding rule."""
    cleaner = _WatchingCleaner(config)
    result = cleaner.clean(raw)
    prepared = prepare(raw)
    doc = cleaner.seen or prepared
    rule_of = {entry["line"]: entry["rule"] for entry in doc.removed}
    explained = Explanation(
        raw.source, raw.kind, encoding=prepared.encoding, metadata=doc.metadata, signals=doc.signals
    )
    explained.lines = [
        ExplainedLine(line.number, line.block, line.text, rule_of.get(line.number)) for line in prepared.lines
    ]
    if isinstance(result, Reject):
        explained.outcome, explained.detail = result.reason, result.detail
    return explained


def explain_file(path: str | Path, config: Config) -> list[Explanation]:
    """Explanations for every document in the file (one, or one per JSONL line)."""
    path = Path(path)
    explanations = []
    for item in read_documents(InputFile(str(path), path.name), config):
        if isinstance(item, Reject):
            explanations.append(Explanation(item.source, outcome=item.reason, detail=item.detail))
        else:
            explanations.append(explain_document(item, config))
    return explanations


def _header(explained: Explanation) -> list[tuple[str, str]]:
    """(label, value) pairs shown above the lines."""
    kept_lines = sum(line.rule is None for line in explained.lines)
    if explained.kept:
        outcome = f"KEPT ({kept_lines} of {len(explained.lines)} lines kept)"
    else:
        outcome = f"REJECTED: {explained.outcome}" + (f" ({explained.detail})" if explained.detail else "")
    rows = [("outcome", outcome)]
    if explained.kind:
        rows.append(("kind", explained.kind))
    encoding = explained.encoding
    if encoding:
        rows.append(("decoded as", str(encoding.get("detected"))))
        rows += [("note", note) for note in encoding.get("notes", [])]
        rows.append(("encoding repairs", ", ".join(encoding.get("repairs", [])) or "none"))
    for key in METADATA_KEYS:
        value = explained.metadata.get(key)
        if key == "language" and value is None and key in explained.metadata:  # null in the record: say why
            guessed = explained.metadata.get("language_confidence") is not None
            value = f"none (guess under {MIN_CONFIDENCE} confidence)" if guessed else f"none (under {MIN_CHARS} chars)"
        if value not in (None, [], ""):
            rows.append((key, ", ".join(value) if isinstance(value, list) else str(value)))
    if explained.signals:
        rows.append(("quality", ", ".join(f"{name}={value}" for name, value in explained.signals.items())))
    return rows


def render_text(explanations: list[Explanation]) -> str:
    """Plain text: header, then each line as `number  +|-  rule  text`, a blank line between blocks."""
    parts = []
    for explained in explanations:
        parts.append(f"== {explained.source}")
        parts += [f"{label}: {value}" for label, value in _header(explained)]
        if explained.lines:
            width = max(len(line.rule or "") for line in explained.lines) or 4
            parts.append("")
            previous_block = explained.lines[0].block
            for line in explained.lines:
                if line.block != previous_block:
                    parts.append("")
                    previous_block = line.block
                mark = "-" if line.rule else "+"
                parts.append(f"{line.number:>5} {mark} {line.rule or 'kept':<{width}}  {line.text}")
        parts.append("")
    parts.append(CORPUS_NOTE)
    return "\n".join(parts) + "\n"


STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
dl { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; } dt { color: #666; }
table { border-collapse: collapse; width: 100%; } td { padding: .15rem .5rem; vertical-align: top; }
td.n { color: #999; text-align: right; } td.rule { white-space: nowrap; font-family: monospace; }
tr.kept td.rule { color: #2a7a2a; } tr.removed { background: #fde8e8; color: #7a2a2a; }
tr.removed td.text { text-decoration: line-through; text-decoration-color: #d99; }
tr.gap td { height: .6rem; } .rejected { color: #b00; font-weight: bold; } .note { color: #555; }
"""


def render_html(explanations: list[Explanation]) -> str:
    """The same as render_text, as one self-contained page: kept lines plain, removed lines red."""
    escape = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>clean-corpus explain: {escape(explanations[0].source if explanations else '')}</title>",
             f"<style>{STYLE}</style></head><body>"]
    for explained in explanations:
        parts.append(f"<h2>{escape(explained.source)}</h2><dl>")
        for label, value in _header(explained):
            css = ' class="rejected"' if label == "outcome" and not explained.kept else ""
            parts.append(f"<dt>{escape(label)}</dt><dd{css}>{escape(value)}</dd>")
        parts.append("</dl><table>")
        previous_block = explained.lines[0].block if explained.lines else 0
        for line in explained.lines:
            if line.block != previous_block:
                parts.append('<tr class="gap"><td colspan="3"></td></tr>')
                previous_block = line.block
            parts.append(
                f'<tr class="{"removed" if line.rule else "kept"}"><td class="n">{line.number}</td>'
                f'<td class="rule">{escape(line.rule or "kept")}</td><td class="text">{escape(line.text)}</td></tr>'
            )
        parts.append("</table>")
    parts.append(f'<p class="note">{escape(CORPUS_NOTE)}</p></body></html>\n')
    return "\n".join(parts)


def explain_command(path: str, html_out: str | None, config: Config) -> int:
    """`clean-corpus --explain FILE [--html OUT]`: the text on stdout, or the page written to OUT."""
    if not Path(path).is_file():
        problem = "not a file (--explain takes one file)" if Path(path).exists() else "no such file"
        print(f"clean-corpus: --explain: {problem}: {path}", file=sys.stderr)
        return 2
    explanations = explain_file(path, config)
    if html_out:
        with atomic_open(html_out) as handle:
            handle.write(render_html(explanations))
        print(f"clean-corpus: explanation written to {html_out}", file=sys.stderr)
    else:
        sys.stdout.write(render_text(explanations))
    return 0
