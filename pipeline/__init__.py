"""clean-corpus: turn scraped web articles into clean, trustworthy JSONL."""

import os

# Parallelism comes from one worker process per core; numpy's BLAS threads on top of that only
# compete for the same cores (set before numpy is first imported; an explicit setting wins).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__version__ = "0.1.0"


def __getattr__(name: str):
    """`pipeline.load_corpus`, imported on first use so pandas and pyarrow stay out of worker processes."""
    if name == "load_corpus":
        from .corpus import load_corpus

        return load_corpus
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
