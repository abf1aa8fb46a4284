"""A progress bar on stderr (files, MB, ETA) for `run(progress=...)`, one bar per pass over the inputs."""

from __future__ import annotations

import contextlib
import os
import sys

from tqdm import tqdm

PASSES = {"count": "counting repeated lines", "clean": "cleaning"}


def input_bytes(files) -> int:
    """Bytes on disk of the input files; a file that cannot be read counts as 0 (it becomes a reject)."""
    total = 0
    for item in files:
        with contextlib.suppress(OSError):
            total += os.path.getsize(item.path)
    return total


class ProgressBar:
    """Called by `run` as progress(stage, files): a tqdm bar per pass, opened when the pass begins.

    The bar moves as shards finish (output.shard_docs input files each).
    """

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.bar: tqdm | None = None
        self.stage = ""
        self.files = 0
        self.total_mb = 0.0
        self.done_mb = 0.0

    def __call__(self, stage: str, files) -> None:
        if stage == "start":
            self.files, self.total_mb = len(files), input_bytes(files) / 1e6
            return
        if stage != self.stage:
            self.close()
            self.stage, self.done_mb = stage, 0.0
            description = PASSES.get(stage, stage)
            width = terminal_columns(self.stream)  # 0 when unknown: tqdm would then draw nothing at all
            self.bar = tqdm(
                total=self.files,
                desc=description,
                unit="file",
                file=self.stream,
                dynamic_ncols=width > 0,
                ncols=None if width else 80,
            )
        self.done_mb += input_bytes(files) / 1e6
        self.bar.set_postfix_str(f"{self.done_mb:,.1f}/{self.total_mb:,.1f} MB", refresh=False)
        self.bar.update(len(files))
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def terminal_columns(stream) -> int:
    """The width of the terminal behind `stream`; 0 when it is unknown."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):  # io.UnsupportedOperation is an OSError
        return 0


def show_progress(quiet: bool, stream=None) -> bool:
    """A bar only for a person watching: not with --quiet, not when stderr is a file or a pipe."""
    stream = stream or sys.stderr
    return not quiet and stream.isatty()
