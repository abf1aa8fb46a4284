"""The human-readable run report: OUTPUT/report.html (one self-contained page, plots embedded as PNG)
and OUTPUT/report.md (the same tables, for terminals and diffs).

Both are built from the run report (report.json) and the shard results, which carry
what the JSON summary leaves out: each kept document's length before and after
cleaning, and each shard's most frequent removed lines per rule.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .language import MIN_CHARS, MIN_CONFIDENCE
from .writers import atomic_open

EXAMPLES_PER_RULE = 3
EXAMPLE_CHARS = 90
MAX_CLUSTERS = 20


@dataclass
class Section:
    title: str
    note: str = ""
    table: pd.DataFrame | None = None
    plot: Figure | None = None


def _table(counts: dict, key: str, value: str, total: int, of: str) -> pd.DataFrame:
    """Counts largest first, with their share of `total` in a column named after `of`."""
    frame = pd.DataFrame(sorted(counts.items(), key=lambda item: (-item[1], item[0])), columns=[key, value])
    frame[f"share of {of}"] = (frame[value] / max(total, 1)).map("{:.1%}".format)
    return frame


def _short(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


def _examples(results) -> dict[str, list[tuple[str, int]]]:
    """rule -> most frequent removed lines with counts, summed over the shards' top lists."""
    merged: dict[str, Counter] = {}
    for result in results:
        for rule, pairs in result.removed_examples.items():
            merged.setdefault(rule, Counter()).update(dict(pairs))
    return {rule: sorted(counts.items(), key=lambda item: (-item[1], item[0])) for rule, counts in merged.items()}


def _figure(height: float) -> Figure:
    """A 7-inch-wide figure with fixed margins (room for labels; cheaper than a layout engine)."""
    figure = Figure(figsize=(7, height))
    figure.subplots_adjust(left=0.2, right=0.97, top=1 - 0.2 / height, bottom=0.6 / height)
    return figure


def _bar_plot(frame: pd.DataFrame, label: str, value: str, xlabel: str) -> Figure:
    figure = _figure(0.3 * len(frame) + 1.0)
    axes = figure.subplots()
    axes.barh(frame[label][::-1], frame[value][::-1], color="#4c72b0")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(xlabel)
    return figure


def _length_plot(lengths: pd.DataFrame) -> Figure:
    figure = _figure(3.2)
    axes = figure.subplots()
    values = lengths.to_numpy().clip(min=1)
    bins = np.logspace(np.log10(values.min()), np.log10(max(values.max(), 10)) + 0.01, 40)
    for column, color in (("before", "#c44e52"), ("after", "#4c72b0")):
        axes.hist(lengths[column].clip(lower=1), bins=bins, alpha=0.6, label=column, color=color)
    axes.set_xscale("log")
    axes.set_xlabel("characters per kept document (log scale)")
    axes.set_ylabel("documents")
    axes.legend()
    return figure


def overview(report: dict) -> Section:
    run = report.get("run", {})
    seconds = run.get("seconds") or 0.0
    removed = report["chars_in"] - report["chars_out"]
    timing = f"{seconds:.1f} s ({run.get('executor', '?')} executor, workers: {run.get('workers', '?')})"
    throughput = (f"{report['documents_read'] / seconds:,.1f} documents/s, "
                  f"{report['chars_in'] / seconds / 1e6:,.2f} M characters/s" if seconds else "n/a")
    if run.get("resumed_shards"):  # the time is this run's, the counts the whole corpus's: no rate to give
        timing += (f", this run only: {run['resumed_shards']:,} shards had been cleaned by an earlier run "
                   "(--resume)")
        throughput = "n/a (resumed run)"
    rows = [
        ("documents read (a JSONL line is one document)", f"{report['documents_read']:,}"),
        ("kept", f"{report['kept']:,}"),
        ("rejected", f"{report['rejected']:,}"),
        ("marked or dropped as duplicates", f"{report['duplicates']['duplicate_documents']:,}"),
        ("characters in kept documents, before → after", f"{report['chars_in']:,} → {report['chars_out']:,}"),
        ("characters removed from kept documents", f"{removed:,} ({removed / max(report['chars_in'], 1):.1%})"),
        ("run time", timing),
        ("throughput", throughput),
        ("output files", ", ".join(shard["file"] for shard in run.get("shards", [])) or "n/a"),
        ("config hash", report["config_hash"]),
    ]
    return Section("Overview", table=pd.DataFrame(rows, columns=["", "value"]))


def rejects(report: dict) -> Section:
    if not report["rejected_by_reason"]:
        return Section("Rejected documents", "No document was rejected.")
    return Section(
        "Rejected documents",
        "Every rejected input is listed in rejected.jsonl with its reason and a detail.",
        _table(report["rejected_by_reason"], "reason", "documents", report["rejected"], "rejected"),
    )


def removals_by_family(report: dict) -> Section:
    lines = pd.Series(report["removed_lines_by_rule"], dtype="int64")
    if lines.empty:
        return Section("Removed lines by rule family", "No line was removed.")
    chars = pd.Series(report["removed_chars_by_rule"], dtype="int64").reindex(lines.index, fill_value=0)
    frame = pd.DataFrame({"lines": lines, "characters": chars})
    frame = frame.groupby(frame.index.str.split(".").str[0]).sum()
    frame = frame.sort_values(["characters", "lines"], ascending=False).rename_axis("family").reset_index()
    plot = _bar_plot(frame, "family", "characters", "characters removed")
    return Section("Removed lines by rule family", "Families are the first part of a rule id.", frame, plot)


def removals_by_rule(report: dict, examples: dict) -> Section:
    lines = report["removed_lines_by_rule"]
    if not lines:
        return Section("Removed lines by rule", "No line was removed.")
    frame = pd.DataFrame(
        [
            (rule, count, report["removed_chars_by_rule"].get(rule, 0),
             " · ".join(f"{_short(text)} (×{n})" for text, n in examples.get(rule, [])[:EXAMPLES_PER_RULE]))
            for rule, count in lines.items()
        ],
        columns=["rule", "lines", "characters", "most frequent removed lines"],
    ).sort_values(["lines", "rule"], ascending=[False, True])
    note = ("Examples are counted within each shard's most frequent lines, so their counts can be "
            "lower than the true ones in a run with many shards. Each record's `removed` field lists all.")
    return Section("Removed lines by rule", note, frame)


def repairs(report: dict) -> Section:
    if not report["encoding_repairs"]:
        return Section("Encoding repairs", "No kept document needed an encoding repair.")
    return Section(
        "Encoding repairs",
        "Documents repaired by kind of fix (one document can need several).",
        _table(report["encoding_repairs"], "repair", "documents", report["kept"], "kept"),
    )


def languages(report: dict) -> Section:
    frame = _table(report["languages"], "language", "documents", report["kept"], "kept")
    plot = _bar_plot(frame.head(15), "language", "documents", "kept documents") if len(frame) > 1 else None
    note = "Kept documents by detected language."
    if "unknown" in report["languages"]:
        note += (f" `unknown`: no language recorded (`language` null): texts under {MIN_CHARS} characters "
                 f"and guesses under {MIN_CONFIDENCE} confidence.")
    return Section("Languages", note, frame, plot)


def lengths(results) -> Section:
    pairs = [pair for result in results for pair in result.lengths]
    if not pairs:
        return Section("Document length", "No document was kept.")
    frame = pd.DataFrame(pairs, columns=["before", "after"])
    stats = frame.quantile([0.1, 0.5, 0.9]).round().astype(int)
    stats.loc["mean"] = frame.mean().round().astype(int)
    stats.index = ["10th percentile", "median", "90th percentile", "mean"]
    table = stats.rename_axis("characters").reset_index()
    note = "Characters per kept document before cleaning (after decoding and HTML extraction) and after."
    return Section("Document length", note, table, _length_plot(frame))


def duplicates(report: dict, results) -> Section:
    found = report["duplicates"]
    clusters = found["clusters"]
    settings = (f"MinHash on {found['shingle_words']}-word shingles, {found['num_perm']} permutations, "
                f"{found['bands']} bands, threshold {found['threshold']}.")
    if not clusters:
        return Section("Duplicate clusters", f"No duplicates found. {settings}")
    source_of = {entry[0]: entry[1] for result in results for entry in result.dedup}
    frame = pd.DataFrame(
        [(c["size"], source_of.get(c["representative"], c["representative"]),
          ", ".join(source_of.get(i, i) for i in c["ids"][1:])) for c in clusters[:MAX_CLUSTERS]],
        columns=["documents", "first document", "duplicates"],
    )
    shown = f" The {MAX_CLUSTERS} largest are shown." if len(clusters) > MAX_CLUSTERS else ""
    note = f"{len(clusters)} clusters, {found['duplicate_documents']} duplicate documents. {settings}{shown}"
    return Section("Duplicate clusters", note, frame)


def repeated_lines(report: dict) -> Section:
    repeated = report["repeated_lines"]
    if not report["config"]["repeats"]["enabled"]:
        note = "Not used: repeats.enabled is false."
    elif repeated["documents_counted"] < repeated["min_corpus_docs"]:
        note = (f"Not used: the corpus has fewer than repeats.min_corpus_docs = {repeated['min_corpus_docs']} "
                "documents.")
    else:
        note = (f"{repeated['frequent_lines']:,} distinct short lines occur in at least "
                f"max({repeated['min_docs']}, {repeated['min_fraction']:.1%} of {repeated['documents_counted']:,}) "
                "documents; they were removed as `repeats.corpus_line`.")
    return Section("Corpus-level repeated lines", note)


def build_sections(report: dict, results) -> list[Section]:
    examples = _examples(results)
    return [
        overview(report), rejects(report), removals_by_family(report), removals_by_rule(report, examples),
        repairs(report), languages(report), lengths(results), duplicates(report, results), repeated_lines(report),
    ]


def _markdown_cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(map(_markdown_cell, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(map(_markdown_cell, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def render_markdown(sections: list[Section]) -> str:
    parts = ["# clean-corpus run report", "", "Plots are in report.html; the counts are also in report.json.", ""]
    for section in sections:
        parts += [f"## {section.title}", ""]
        if section.note:
            parts += [section.note, ""]
        if section.table is not None:
            parts += [_markdown_table(section.table), ""]
    return "\n".join(parts).rstrip() + "\n"


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { padding: .2rem .6rem; text-align: left;
  vertical-align: top; border-bottom: 1px solid #eee; } th { background: #f4f4f4; }
td:nth-child(n+2) { font-variant-numeric: tabular-nums; } img { max-width: 100%; display: block; }
.note { color: #555; }
"""


def render_html(sections: list[Section]) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>clean-corpus run report</title>", f"<style>{STYLE}</style></head><body>",
             "<h1>clean-corpus run report</h1>"]
    for section in sections:
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        if section.note:
            parts.append(f'<p class="note">{html.escape(section.note)}</p>')
        if section.table is not None:
            parts.append(section.table.to_html(index=False, border=0, escape=True))
        if section.plot is not None:
            parts.append(f'<img alt="{html.escape(section.title)}" src="data:image/png;base64,{_png(section.plot)}">')
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_reports(output_dir: str | Path, report: dict, results) -> None:
    """Write report.md and report.html into output_dir (atomically, like every output)."""
    sections = build_sections(report, results)
    output = Path(output_dir)
    with atomic_open(output / "report.md") as handle:
        handle.write(render_markdown(sections))
    with atomic_open(output / "report.html") as handle:
        handle.write(render_html(sections))
