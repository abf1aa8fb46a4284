"""Command line: `clean-corpus INPUT... -o OUTPUT_DIR [--config FILE]`.

Exit codes: 0 the run completed (some inputs may be rejected), 2 usage or config
error, 1 fatal error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from . import __version__
from .config import OUTPUT_FORMATS, ConfigError, config_to_toml, load_config
from .executors import ClusterError, make_executor
from .explain import explain_command
from .progress import ProgressBar, show_progress
from .readers import UsageError
from .run import run


def worker_count(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, got {value!r}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clean-corpus",
        description="Clean scraped web articles (.txt, .html, .jsonl, optionally .gz/.bz2) into JSONL with metadata.",
        epilog="Exit codes: 0 the run completed (even with rejected inputs), 2 usage or config error, "
        "1 fatal error, 130 interrupted.",
    )
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="directories (read recursively), files or globs")
    parser.add_argument("-o", "--output", metavar="OUTPUT_DIR", help="where the corpus, rejects and report go")
    parser.add_argument("--config", metavar="FILE", help="TOML configuration file (see README)")
    parser.add_argument(
        "--workers",
        metavar="N",
        type=worker_count,
        default=os.cpu_count() or 1,
        help="worker processes (default: all cores; 1: in-process; with --executor dask and no --scheduler: "
        "the LocalCluster's workers; with --scheduler: unused)",
    )
    parser.add_argument(
        "--executor", choices=["local", "dask"], default="local", help="local process pool or a Dask cluster"
    )
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running Dask scheduler (default with --executor dask: a LocalCluster)"
    )
    parser.add_argument(
        "--drop-duplicates", action="store_true", help="move duplicates to the rejects instead of marking them"
    )
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run from its finished shards")
    parser.add_argument(
        "--format", choices=["jsonl", "parquet", "both"], help="corpus file format (default: jsonl, or output.formats)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar (the closing summary is still printed)")
    parser.add_argument("--explain", metavar="FILE", help="show how one input file is cleaned, line by line, and exit")
    parser.add_argument("--html", metavar="OUT.html", help="with --explain: write the explanation as a coloured page")
    parser.add_argument(
        "--print-config",
        action="store_true",
        help="print the effective config (defaults, --config and flags) as TOML and exit",
    )
    parser.add_argument("--version", action="version", version=f"clean-corpus {__version__}")
    return parser


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def format_summary(report: dict, output: str) -> str:
    if not report["documents_read"]:
        return f"clean-corpus: 0 documents read (no input files found); empty output in {output}"
    rejected = ", ".join(f"{reason} {count}" for reason, count in report["rejected_by_reason"].items()) or "none"
    rules = sorted(report["removed_lines_by_rule"].items(), key=lambda item: (-item[1], item[0]))
    removed = ", ".join(f"{rule} {count}" for rule, count in rules[:8]) or "none"
    return (
        f"clean-corpus: {plural(report['documents_read'], 'document')} read, {report['kept']} kept, "
        f"{report['rejected']} rejected ({rejected}); lines removed by rule: {removed}; "
        f"{plural(report['duplicates']['duplicate_documents'], 'duplicate')}; output in {output}"
    )


def main(argv: list[str] | None = None) -> int:
    """The `clean-corpus` command; returns the exit code."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # before the run started, or during --explain: nothing to clean up
        print("clean-corpus: interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.html and not args.explain:
        parser.error("--html goes with --explain FILE")
    if args.explain or args.print_config:
        if args.inputs or args.output:
            parser.error("--explain and --print-config take no INPUT or -o OUTPUT_DIR")
    elif not (args.inputs and args.output):
        parser.error("INPUT and -o OUTPUT_DIR are required (unless --explain or --print-config)")
    if args.scheduler and args.executor != "dask":
        parser.error("--scheduler goes with --executor dask")
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        config = load_config(args.config)
        if args.drop_duplicates:
            config = config.replace("dedup", drop=True)
        if args.format:
            config = config.replace("output", formats=OUTPUT_FORMATS if args.format == "both" else (args.format,))
        from .boilerplate import load_rules

        load_rules(config.boilerplate.rules_files, config.boilerplate.disable)
        if args.print_config:
            print(config_to_toml(config), end="")
            return 0
        if args.explain:
            return explain_command(args.explain, args.html, config)
    except ConfigError as error:
        print(f"clean-corpus: config error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # the --html page cannot be written
        print(f"clean-corpus: fatal: cannot write {args.html}: {error.strerror}", file=sys.stderr)
        return 1
    try:
        executor = make_executor(args.executor, args.workers, args.scheduler)
    except ValueError as error:  # a malformed --scheduler address
        print(f"clean-corpus: cannot start the {args.executor} executor: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a Dask scheduler that cannot be reached
        print(f"clean-corpus: cannot start the {args.executor} executor: {error}", file=sys.stderr)
        return 1
    if executor.workers == 0:  # Dask waits for a worker to join
        print("clean-corpus: the Dask scheduler has no workers yet; waiting for one (Ctrl-C stops)", file=sys.stderr)
    bar = ProgressBar() if show_progress(args.quiet) else None
    try:
        report = run(args.inputs, args.output, config, executor, resume=args.resume, progress=bar)
    except UsageError as error:
        print(f"clean-corpus: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        message = "interrupted; workers stopped, temporary files removed (rerun with --resume to continue)"
        print(f"clean-corpus: {message}", file=sys.stderr)
        return 130
    except OSError as error:  # the output cannot be written: nothing to do per document
        where = f"cannot write {error.filename}: " if error.filename else ""
        print(f"clean-corpus: fatal: {where}{error.strerror or error}", file=sys.stderr)
        return 1
    except ClusterError as error:
        print(f"clean-corpus: fatal: {error}; rerun with --resume to continue", file=sys.stderr)
        return 1
    finally:
        if bar:
            bar.close()
        executor.close()
    print(format_summary(report, args.output), file=sys.stderr)
    return 0
