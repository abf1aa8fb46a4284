"""Build a deterministic benchmark corpus of scraped text, with the damage real scrapes have.

The pages in ../shared/devset/html/ are turned into text the way a simple scraper
does it (BeautifulSoup `get_text` with a line break at every tag, nothing removed
but scripts and styles).  Each benchmark document keeps the furniture of one page
(menus, footers, share lines: the short lines) and gets a new body made of
sentences sampled from pages in the same language, so documents differ the way
articles of one site differ.  Then damage is mixed in, by seeded choice:

* mojibake on ~10% of documents (UTF-8 read as cp1252 or Latin-1; whole document or some lines),
* cp1252-encoded files, a UTF-8 BOM, CRLF line ends,
* ~3% exact and ~3% near duplicates of earlier documents,
* ~2% junk: empty files, binary files, pages that are only an error template,
* nested folders (site/year/month), and ~10% of files gzip-compressed.

Usage: `python scripts/make_bench_corpus.py --size 100 [--seed 1]` prints the corpus directory.
Corpora are cached in bench-data/ by (size, seed).
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import shutil
import warnings
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"
BENCH_DATA = ROOT / "bench-data"
SENTENCE = re.compile(r"(?<=[.!?])\s+")
ERROR_PAGES = (
    "404 Not Found\n\nThe requested URL was not found on this server.\n\nApache Server at {host} Port 80",
    "Page not found\n\nSorry, the page you are looking for does not exist or has been moved.\n\nBack to home",
    "Error 503\n\nService Unavailable\n\nThe server is temporarily busy, try again later.",
    "Seite nicht gefunden\n\nDie angeforderte Seite existiert nicht.\n\nZur Startseite",
    "Access denied\n\nYou don't have permission to access this resource.",
)


def scrape(html: bytes) -> str:
    """Page text as a tag-by-tag scraper sees it: every tag boundary a line break, blank runs collapsed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "template"]):
        tag.decompose()
    lines = [line.strip() for line in soup.get_text("\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def load_pages() -> list[tuple[str, str, str]]:
    """(name, language, scraped text) for every dev-set page, in name order."""
    import json

    languages = {}
    for line in (DEVSET / "snippets.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        languages[record["name"]] = record.get("language") or "en"
    pages = []
    for path in sorted((DEVSET / "html").glob("*.html.gz")):
        name = path.name.removesuffix(".html.gz")
        pages.append((name, languages.get(name, "en"), scrape(gzip.decompress(path.read_bytes()))))
    return pages


def body_sentences(pages) -> dict[str, list[str]]:
    """Sentences of the long (body) lines of all pages, by language."""
    pool: dict[str, list[str]] = {}
    for _, language, text in pages:
        for line in text.split("\n"):
            if len(line) > 100:
                pool.setdefault(language, []).extend(s for s in SENTENCE.split(line) if len(s) > 20)
    return pool


def new_document(rng: random.Random, page, pool: dict[str, list[str]]) -> str:
    """The page's short lines kept in place, each long line replaced by sampled sentences."""
    _, language, text = page
    sentences = pool.get(language) or pool["en"]
    out = []
    for line in text.split("\n"):
        if len(line) > 100:
            line = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 6)))
        out.append(line)
    return "\n".join(out)


def mojibake(rng: random.Random, text: str) -> str:
    """UTF-8 read as cp1252 or Latin-1: the whole text or only some of its lines."""
    codec = rng.choice(["sloppy-windows-1252", "sloppy-windows-1252", "latin-1"])
    if rng.random() < 0.5:
        return text.encode("utf-8").decode(codec)
    lines = text.split("\n")
    for i in range(len(lines)):
        if rng.random() < 0.3:
            lines[i] = lines[i].encode("utf-8").decode(codec)
    return "\n".join(lines)


def near_duplicate(rng: random.Random, text: str) -> str:
    """A copy with a few small edits: a changed number, a dropped short line, an added line."""
    lines = text.split("\n")
    short = [i for i, line in enumerate(lines) if 0 < len(line) < 60]
    if short:
        del lines[rng.choice(short)]
    update = f"Updated {rng.randint(1, 28)} March, {rng.randint(1, 12)}:{rng.randint(10, 59)}"
    lines.insert(rng.randrange(len(lines) + 1), update)
    return re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), "\n".join(lines), count=2)


def junk(rng: random.Random, host: str) -> bytes:
    kind = rng.choice(["empty", "blank", "binary", "png", "error", "error"])
    if kind == "empty":
        return b""
    if kind == "blank":
        return b" \n\n\t\n"
    if kind == "binary":
        return bytes(rng.randrange(256) for _ in range(2048)) + b"\x00" * 16
    if kind == "png":
        return b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(1024))
    return rng.choice(ERROR_PAGES).format(host=host).encode("utf-8")


def encode(rng: random.Random, text: str) -> bytes:
    """Bytes of a text file: mostly UTF-8; some cp1252, some with a BOM, some with CRLF."""
    roll = rng.random()
    if roll < 0.05:
        text = text.replace("\n", "\r\n")
    if 0.05 <= roll < 0.10:
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            pass
    if 0.10 <= roll < 0.14:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def generate(target: Path, size_mb: int, seed: int) -> None:
    rng = random.Random(seed)
    pages = load_pages()
    pool = body_sentences(pages)
    written, budget = 0, size_mb * 1_000_000
    earlier: list[str] = []
    number = 0
    while written < budget:
        page = pages[rng.randrange(len(pages))]
        host = page[0].split("-")[0][:24].lower() or "site"
        folder = target / host / str(2015 + rng.randrange(10)) / f"{rng.randrange(1, 13):02d}"
        name = f"doc-{number:07d}.txt"
        number += 1
        roll = rng.random()
        if roll < 0.02:
            data = junk(rng, host)
        else:
            if roll < 0.05 and earlier:
                text = rng.choice(earlier)
            elif roll < 0.08 and earlier:
                text = near_duplicate(rng, rng.choice(earlier))
            else:
                text = new_document(rng, page, pool)
                if len(earlier) < 500:
                    earlier.append(text)
                elif rng.random() < 0.05:
                    earlier[rng.randrange(500)] = text
            if rng.random() < 0.10:
                text = mojibake(rng, text)
            data = encode(rng, text)
        folder.mkdir(parents=True, exist_ok=True)
        if rng.random() < 0.10:
            (folder / (name + ".gz")).write_bytes(gzip.compress(data, mtime=0))
        else:
            (folder / name).write_bytes(data)
        written += len(data)


def corpus_dir(size_mb: int, seed: int = 1) -> Path:
    """The corpus for (size, seed), generated on first use."""
    target = BENCH_DATA / f"corpus-{size_mb}mb-seed{seed}"
    if target.exists():  # only ever created by the rename below, so complete
        return target
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    generate(building, size_mb, seed)
    building.rename(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100, help="corpus size in MB (uncompressed)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(corpus_dir(args.size, args.seed))


if __name__ == "__main__":
    main()
