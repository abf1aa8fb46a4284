"""The records that flow between stages: a Document being cleaned, or a Reject."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise


@dataclass(slots=True)  # not frozen: a frozen dataclass is three times slower to create
class Line:
    """One non-blank line of a document: its 1-based line number, its block and its text.

    A line of code keeps its leading whitespace in `indent`, apart from the text the stages judge.
    """

    number: int
    block: int
    text: str
    indent: str = ""


@dataclass
class Document:
    """A document on its way through the stages.

    `lines` holds the lines still kept; every line a stage drops goes to
    `removed` with the id of the rule that dropped it.
    """

    id: str
    source: str
    kind: str  # "text", "html" or "jsonl"
    lines: list[Line] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    encoding: dict = field(default_factory=dict)
    removed: list[dict] = field(default_factory=list)
    signals: dict = field(default_factory=dict)

    def drop(self, indexes, rule: str) -> None:
        """Remove the kept lines at these positions, recording `rule` for each."""
        self.drop_marked(dict.fromkeys(indexes, rule))

    def drop_marked(self, marks: dict[int, str]) -> None:
        """Remove the kept lines at the positions in `marks`, each with its rule id."""
        if not marks:
            return
        lines = self.lines
        kept: list[Line] = []
        start = 0  # lines[start:] are not yet copied to `kept`
        for index in sorted(marks):
            if 0 <= index < len(lines):
                line = lines[index]
                self.removed.append({"rule": marks[index], "text": line.text, "line": line.number})
                kept += lines[start:index]
                start = index + 1
        self.lines = kept + lines[start:]

    def lines_around(self) -> tuple[dict[int, int], dict[int, int]]:
        """For each line number, kept or removed, the number of the line right above and right below it.

        >>> removed = [{"rule": "menu.x", "text": "Home", "line": 3}]
        >>> Document("id", "a.txt", "text", [Line(1, 0, "a"), Line(5, 1, "b")], removed=removed).lines_around()
        ({3: 1, 5: 3}, {1: 3, 3: 5})
        """
        numbers = sorted({entry["line"] for entry in self.removed} | {line.number for line in self.lines})
        pairs = list(pairwise(numbers))
        return {below: above for above, below in pairs}, dict(pairs)

    @property
    def text(self) -> str:
        """Kept lines, each after its indentation: one line break inside a block, one blank line between blocks."""
        parts: list[str] = []
        previous_block = None
        for line in self.lines:
            if previous_block is not None:
                parts.append("\n" if line.block == previous_block else "\n\n")
            parts.append(line.indent + line.text)
            previous_block = line.block
        return "".join(parts)


@dataclass(frozen=True)
class Reject:
    """An input (a file, or one line of a JSONL file) that did not make it into the corpus."""

    source: str
    reason: str
    detail: str = ""

    @classmethod
    def internal_error(cls, source: str, error: Exception) -> Reject:
        """An input whose reading or cleaning raised an unexpected error (the run goes on without it)."""
        return cls(source, "internal_error", f"{type(error).__name__}: {error}")

    def to_json(self) -> dict:
        record = {"source": self.source, "reason": self.reason}
        if self.detail:
            record["detail"] = self.detail
        return record


def split_lines(text: str) -> list[Line]:
    """Split normalised text into non-blank lines, numbering blocks at blank lines; a line's leading
    spaces and tabs (only lines of code keep them) go to its `indent`.

    >>> [(l.number, l.block, l.indent, l.text) for l in split_lines("a\\n  b\\n\\nc")]
    [(1, 0, '', 'a'), (2, 0, '  ', 'b'), (4, 1, '', 'c')]
    """
    lines: list[Line] = []
    block = 0
    for number, part in enumerate(text.split("\n"), start=1):
        if part:
            stripped = part.lstrip(" \t") or part
            lines.append(Line(number, block, stripped, part[: len(part) - len(stripped)]))
        elif lines and lines[-1].block == block:
            block += 1
    return lines
