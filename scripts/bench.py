"""Benchmark: the pipeline (1 worker, all cores) beside two floors, on generated corpora.

    make bench                      # the 100 MB corpus
    make bench ARGS="--sizes 10"    # a quick run
    make bench ARGS="--sizes 100 1000"

Each variant runs as its own process tree, measured from outside: wall time, CPU
seconds of the whole tree (`os.wait4` of the variant, which includes its reaped
workers), and peak memory of the tree (RSS of the process and its children,
sampled every 50 ms; also apart: the main process, which holds the reduce state, and
the largest worker, whose caches are bounded).  Floor A reads every file and writes JSONL; floor B also
runs `ftfy.fix_text` on every document.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_bench_corpus import corpus_dir

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "pipeline"]  # the pipeline of this checkout (see measure: PYTHONPATH)


def input_files(corpus: Path) -> list[Path]:
    return sorted(path for path in corpus.rglob("*") if path.is_file())


def read_file(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def floor(corpus: str, output: str, fix: bool) -> None:
    """Read every file, decode it, (optionally run ftfy on it) and write one JSONL record per file."""
    import ftfy

    with open(Path(output) / "corpus.jsonl", "w", encoding="utf-8") as out:
        for path in input_files(Path(corpus)):
            text = read_file(path).decode("utf-8", errors="replace")
            if fix:
                text = ftfy.fix_text(text)
            out.write(json.dumps({"source": str(path), "text": text}, ensure_ascii=False) + "\n")


def measure(command: list[str]) -> dict:
    """Run a command; wall seconds, CPU seconds and peak RSS (MB) of its whole process tree, its main process
    and its largest child."""
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    peak = peak_main = peak_child = 0
    done = threading.Event()

    def sample():
        nonlocal peak, peak_main, peak_child
        root = psutil.Process(process.pid)
        while not done.is_set():
            try:
                sizes = []
                for member in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        sizes.append(member.memory_info().rss)
                peak = max(peak, sum(sizes))
                peak_main = max(peak_main, sizes[0] if sizes else 0)
                peak_child = max(peak_child, *sizes[1:], 0)
            except psutil.Error:
                pass
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed with status {status}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 1e6, "main_mb": peak_main / 1e6, "child_mb": peak_child / 1e6}


def reduce_state(output: Path) -> float:
    """Bytes per document of the compact state the reduce steps hold (from the run report)."""
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    state = report["run"].get("reduce_state_bytes", {})
    return sum(state.values()) / max(1, report["documents_read"]), state


VARIANTS = ("one", "all", "floor-a", "floor-b")


def bench_size(size: int, seed: int, workers: int, chosen: list[str]) -> dict:
    corpus = corpus_dir(size, seed)
    files = input_files(corpus)
    megabytes = sum(len(read_file(path)) for path in files) / 1e6  # also warms the page cache
    print(f"\n## {size} MB corpus: {corpus} ({megabytes:.1f} MB uncompressed, {len(files)} files)")
    print("note: one run on a shared machine; numbers are noisy")

    def pipeline(count: int):
        return lambda out: [*CLI, str(corpus), "-o", out, "--workers", str(count), "--quiet"]

    variants = {
        "pipeline, 1 worker": ("one", pipeline(1)),
        f"pipeline, {workers} workers": ("all", pipeline(workers)),
        "floor A: read + write": ("floor-a", lambda out: [sys.executable, __file__, "--floor", "A", str(corpus), out]),
        "floor B: A + ftfy": ("floor-b", lambda out: [sys.executable, __file__, "--floor", "B", str(corpus), out]),
    }
    variants = {name: command for name, (key, command) in variants.items() if key in chosen}
    rows = {}
    state = None
    for name, command in variants.items():
        with tempfile.TemporaryDirectory(dir=ROOT / "bench-data") as out:
            rows[name] = measure(command(out))
            if name.startswith("pipeline") and state is None:
                state = reduce_state(Path(out))
    print("| variant | wall s | MB/s | docs/s | CPU s | MB per CPU-s | peak MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, row in rows.items():
        row["mb_cpu"] = megabytes / row["cpu"]
        row["mb_s"] = megabytes / row["wall"]
        print(
            f"| {name} | {row['wall']:.1f} | {row['mb_s']:.2f} | {len(files) / row['wall']:.0f} | "
            f"{row['cpu']:.1f} | {row['mb_cpu']:.2f} | {row['peak_mb']:.0f} |"
        )
    one, many = rows.get("pipeline, 1 worker"), rows.get(f"pipeline, {workers} workers")
    floor_a, floor_b = rows.get("floor A: read + write"), rows.get("floor B: A + ftfy")
    if one and many:
        print(f"\nall cores / 1 worker throughput: {many['mb_s'] / one['mb_s']:.2f}x")
    if one and floor_b:
        print(f"pipeline vs floor B (MB per CPU-s): {one['mb_cpu'] / floor_b['mb_cpu']:.1f}x faster")
    if one and floor_a:
        print(f"floor A vs pipeline (MB per CPU-s): pipeline costs {floor_a['mb_cpu'] / one['mb_cpu']:.1f}x floor A")
    if floor_a and floor_b:
        print(f"floor A vs floor B (MB per CPU-s): ftfy costs {floor_a['mb_cpu'] / floor_b['mb_cpu']:.1f}x floor A")
    if state:
        per_doc, parts = state
        detail = ", ".join(f"{key} {value / 1e6:.1f} MB" for key, value in parts.items())
        print(f"compact reduce state (payload, no Python object overhead): {per_doc:.0f} bytes per document ({detail})")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="clean-corpus benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100], help="corpus sizes in MB (default 100)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="workers for the all-cores run")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS), help="what to measure")
    parser.add_argument("--floor", choices=["A", "B"], help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        floor(*args.paths, fix=args.floor == "B")
        return
    (ROOT / "bench-data").mkdir(exist_ok=True)
    by_size = {size: bench_size(size, args.seed, args.workers, args.variants) for size in args.sizes}
    if len(by_size) > 1:
        small, large = min(by_size), max(by_size)
        print(f"\npeak memory, {large} MB corpus / {small} MB corpus:")
        for name in [name for name in by_size[small] if name in by_size[large]]:
            ratio = by_size[large][name]["peak_mb"] / by_size[small][name]["peak_mb"]
            print(f"- {name}: {ratio:.2f}x")
            if name.startswith("pipeline"):
                for part, key in (("main process", "main_mb"), ("largest worker", "child_mb")):
                    sizes = by_size[small][name][key], by_size[large][name][key]
                    print(f"  - {part}: {sizes[0]:.0f} MB -> {sizes[1]:.0f} MB")


if __name__ == "__main__":
    main()
