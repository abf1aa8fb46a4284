"""clean-corpus: turn scraped web articles into clean, trustworthy JSONL."""

__version__ = "0.1.0"


def __getattr__(name: str):
    """`pipeline.load_corpus`, imported on first use so pandas and pyarrow stay out of worker processes."""
    if name == "load_corpus":
        from .corpus import load_corpus

        return load_corpus
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
