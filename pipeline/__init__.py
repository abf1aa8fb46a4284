"""clean-corpus: turn scraped web articles into clean, trustworthy JSONL."""

__version__ = "0.1.0"
