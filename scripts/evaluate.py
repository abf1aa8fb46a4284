"""Score the pipeline on the annotated dev set (`make eval`).

Runs the real pipeline (`pipeline.run.run`, the code behind the CLI) once per input
kind over the whole dev set, so the corpus-level repeated-line stage sees it as one
corpus, then scores the cleaned text with the dev set's snippet metric (see
devset/README.md).  References in the same table: the raw text (no cleaning) and
trafilatura's default extraction of the HTML.  Also printed: the score on two fixed
halves of the pages ("tune" and "held-out", split by a hash of the page name), the
worst pages with what was lost or left, and with --rules each removal rule's line
count and how many of those lines were annotated as content.  Tune on one half only:
--half tune restricts those listings, the table and --dump (the cleaned pages
written to a directory for reading) to that half.

    .venv/bin/python scripts/evaluate.py [--devset DIR] [--workers N] [--rules] [--worst N] [--half H] [--dump DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.config import Config  # noqa: E402
from pipeline.encoding import UndecodableError, decode_bytes  # noqa: E402
from pipeline.executors import make_executor  # noqa: E402
from pipeline.extract import declared_charset  # noqa: E402
from pipeline.run import run  # noqa: E402

DEFAULT_DEVSET = REPO.parent / "shared" / "devset"
WHITESPACE = re.compile(r"\s+")
INPUTS = {"text-blocks": ("text-blocks", ".txt"), "text-tags": ("text-tags", ".txt"), "html": ("html", ".html.gz")}
MIN_RULE_CHECK_WORDS = 3  # a removed line shorter than this is too short to say it was inside a snippet


def normalise(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def half_of(name: str) -> str:
    """A fixed split of the pages: 'tune' or 'held-out', by a hash of the page name."""
    return "tune" if hashlib.sha256(name.encode("utf-8")).digest()[0] % 2 == 0 else "held-out"


@dataclass
class Page:
    name: str
    language: str
    with_: list[str]
    without: list[str]


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.tn += other.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0


@dataclass
class Result:
    """One system on one input kind: its output text per page, and removals per page (ours only)."""

    label: str
    texts: dict[str, str | None]
    removed: dict[str, list[dict]] = field(default_factory=dict)
    titles: dict[str, str | None] = field(default_factory=dict)


def load_pages(devset: Path) -> list[Page]:
    pages = []
    with open(devset / "snippets.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            pages.append(Page(record["name"], record["language"], record["with"], record["without"]))
    return pages


def score_page(page: Page, text: str | None) -> tuple[Score, list[str], list[str]]:
    """(counts, lost `with` snippets, left `without` snippets) for one page's output."""
    if text is None:
        return Score(fn=len(page.with_), tn=len(page.without)), list(page.with_), []
    cleaned = normalise(text)
    lost = [s for s in page.with_ if normalise(s) not in cleaned]
    left = [s for s in page.without if normalise(s) in cleaned]
    score = Score(len(page.with_) - len(lost), len(lost), len(left), len(page.without) - len(left))
    return score, lost, left


def score_result(pages: list[Page], result: Result, half: str | None = None) -> Score:
    total = Score()
    for page in pages:
        if half is None or half_of(page.name) == half:
            total.add(score_page(page, result.texts.get(page.name))[0])
    return total


def page_name(source: str, suffix: str) -> str:
    return Path(source).name.removesuffix(suffix)


def run_pipeline(devset: Path, kind: str, workers: int) -> Result:
    """Clean one input kind of the dev set with the real pipeline; rejected pages produce no text."""
    folder, suffix = INPUTS[kind]
    config = Config().replace("output", shard_docs=25)  # several shards so the workers share the work
    executor = make_executor("local", workers)
    texts: dict[str, str | None] = {}
    removed: dict[str, list[dict]] = {}
    titles: dict[str, str | None] = {}
    with tempfile.TemporaryDirectory(prefix="eval-") as output:
        try:
            run([str(devset / folder)], output, config, executor)
        finally:
            executor.close()
        for path in sorted(Path(output).glob("corpus*.jsonl")):
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    record = json.loads(line)
                    name = page_name(record["source"], suffix)
                    texts[name] = record["text"]
                    removed[name] = record["removed"]
                    titles[name] = record["title"]
    return Result(kind, texts, removed, titles)


def raw_text(devset: Path, kind: str, pages: list[Page]) -> Result:
    folder, suffix = INPUTS[kind]
    texts = {p.name: (devset / folder / f"{p.name}{suffix}").read_text(encoding="utf-8") for p in pages}
    return Result(f"raw {kind}", texts)


def _trafilatura_one(path: str) -> tuple[str, str | None]:
    import gzip

    import trafilatura

    name = page_name(path, ".html.gz")
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    try:
        html = decode_bytes(data, declared_charset(data)).text
    except UndecodableError:
        return name, None
    return name, trafilatura.extract(html)


def trafilatura_reference(devset: Path, pages: list[Page], workers: int) -> Result:
    """trafilatura.extract with its default settings on the same decoded HTML the pipeline sees."""
    paths = [str(devset / "html" / f"{p.name}.html.gz") for p in pages]
    with get_context("spawn").Pool(workers) as pool:
        texts = dict(pool.map(_trafilatura_one, paths, chunksize=4))
    return Result("trafilatura html", texts)


def print_table(pages: list[Page], results: list[Result], half: str | None = None) -> None:
    """Scores on all pages with F1 on each half; with `half`, on that half only (nothing of the other shown)."""
    header = f"{'system':<20} {'precision':>9} {'recall':>7} {'F1':>6} {'accuracy':>8}"
    if half is None:
        header += f" | {'F1 tune':>7} {'held-out':>8}"
    else:
        print(f"(scores on the {half} half only)")
    print(header)
    print("-" * len(header))
    for result in results:
        s = score_result(pages, result, half)
        row = f"{result.label:<20} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.accuracy:>8.3f}"
        if half is None:
            tune, held = (score_result(pages, result, name).f1 for name in ("tune", "held-out"))
            row += f" | {tune:>7.3f} {held:>8.3f}"
        print(row)
    halves = Counter(half_of(p.name) for p in pages)
    print(f"({len(pages)} pages: {halves['tune']} tune, {halves['held-out']} held-out)")


def title_words(title: str) -> list[str]:
    """A title compared loosely: its case-folded runs of letters and digits."""
    return re.findall(r"[^\W_]+", title.casefold())


def same_title(found: str, reference: str) -> bool:
    """Equal when compared loosely, or one is a run of whole words of the other holding at least half of its
    words (a site name, a kicker or a subtitle more or less).

    >>> same_title("Flood warning: ferries stop", "Flood Warning - Ferries Stop"), same_title("Ferries", "Ferries stop")
    (True, True)
    >>> same_title("Ferries stop", "Ferries stopped running"), same_title("Ferries", "Ferries stop until the storm")
    (False, False)
    """
    short, long = sorted((title_words(found), title_words(reference)), key=len)
    return 2 * len(short) >= len(long) and any(
        long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1)
    )


def title_counts(pages: list[Page], result: Result, html: Result, half: str | None = None) -> Counter:
    """Text records' titles against the same page's html-record title: right, wrong, missing (pages with one)."""
    counts: Counter = Counter()
    for page in pages:
        reference = html.titles.get(page.name)
        if reference is None or (half is not None and half_of(page.name) != half):
            continue
        found = result.titles.get(page.name)
        counts["missing" if found is None else "right" if same_title(found, reference) else "wrong"] += 1
    return counts


def print_titles(pages: list[Page], results: list[Result], html: Result, half: str | None = None) -> None:
    """Per text kind, titles right / wrong / missing against the html records' titles, per half unless `half`."""
    halves = [half] if half else ["tune", "held-out"]
    print("\ntitles of text records against the same page's html-record title (pages whose html title is not None;")
    print(" right: equal as case-folded letters and digits, or one a run of at least half the other's words)")
    header = f"{'system':<20}" + "".join(f" | {name + ' right':>14} {'wrong':>5} {'missing':>7}" for name in halves)
    print(header)
    print("-" * len(header))
    for result in results:
        row = f"{result.label:<20}"
        for name in halves:
            counts = title_counts(pages, result, html, name)
            row += f" | {counts['right']:>14} {counts['wrong']:>5} {counts['missing']:>7}"
        print(row)


def print_worst(pages: list[Page], result: Result, count: int) -> None:
    """The pages with most errors, with their lost and left snippets."""
    rows = []
    for page in pages:
        text = result.texts.get(page.name)
        score, lost, left = score_page(page, text)
        rows.append((score.fn + score.fp, page, text, lost, left))
    rows.sort(key=lambda row: (-row[0], row[1].name))
    print(f"\nworst {count} pages ({result.label}): errors = lost `with` + left `without`")
    for errors, page, text, lost, left in rows[:count]:
        state = "REJECTED/no text" if text is None else f"{len(text)} chars out"
        print(f"  {errors}  {page.name} [{page.language}, {half_of(page.name)}] {state}")
        for snippet in lost:
            print(f"      lost: {snippet[:90]!r}")
        for snippet in left:
            print(f"      left: {snippet[:90]!r}")


def print_rules(pages: list[Page], result: Result) -> None:
    """Per rule: lines removed, and how many of them contain or sit inside an annotated `with` snippet."""
    lines: Counter = Counter()
    content: Counter = Counter()
    by_name = {p.name: [normalise(s) for s in p.with_] for p in pages}
    for name, snippets in by_name.items():
        for entry in result.removed.get(name, []):
            text = normalise(entry["text"])
            lines[entry["rule"]] += 1
            long_enough = len(text.split()) >= MIN_RULE_CHECK_WORDS
            if any(s in text or (long_enough and text in s) for s in snippets):
                content[entry["rule"]] += 1
    print(f"\nremovals by rule ({result.label}, kept pages): lines, lines with annotated content, false-positive rate")
    for rule, count in sorted(lines.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {rule:<36} {count:>6} {content[rule]:>5} {content[rule] / count:>7.1%}")


def dump_pages(pages: list[Page], result: Result, folder: Path) -> None:
    """Write each page's cleaned text and removals to folder/KIND/NAME.txt, to read what was kept and why."""
    target = folder / result.label
    target.mkdir(parents=True, exist_ok=True)
    for page in pages:
        removed = "\n".join(f"{e['line']:>5} {e['rule']:<32} {e['text']}" for e in result.removed.get(page.name, []))
        text = result.texts.get(page.name)
        body = "(rejected: no text)" if text is None else text
        (target / f"{page.name}.txt").write_text(f"{body}\n\n===== removed =====\n{removed}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET, help="the annotated dev set directory")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--rules", action="store_true", help="per removal rule: lines removed and false positives")
    parser.add_argument("--worst", type=int, default=10, help="how many worst pages to list per input kind")
    parser.add_argument(
        "--half", choices=["tune", "held-out"], help="list worst pages, rules, dumps and scores of this half only"
    )
    parser.add_argument("--dump", type=Path, help="write cleaned text and removals per page to this directory")
    parser.add_argument("--kinds", nargs="+", choices=list(INPUTS), default=list(INPUTS), help="input kinds to run")
    args = parser.parse_args(argv)

    started = time.time()
    pages = load_pages(args.devset)
    ours = []
    for kind in args.kinds:
        ours.append(run_pipeline(args.devset, kind, args.workers))
        print(f"({kind}: cleaned in {time.time() - started:.0f} s)", file=sys.stderr)
    references = [raw_text(args.devset, kind, pages) for kind in ("text-blocks", "text-tags")]
    references.append(trafilatura_reference(args.devset, pages, args.workers))
    listed = [page for page in pages if args.half is None or half_of(page.name) == args.half]
    for result in ours:
        print_worst(listed, result, args.worst)
        if args.dump:
            dump_pages(listed, result, args.dump)
    if args.rules:
        for result in ours:
            print_rules(listed, result)
    print()
    print_table(pages, ours + references, args.half)  # last, so the summary is what a terminal shows
    html = next((result for result in ours if result.label == "html"), None)
    if html is not None:
        print_titles(pages, [result for result in ours if result is not html], html, args.half)
    print(f"\n({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
