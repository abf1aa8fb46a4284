"""Metadata from the text's structure: headline, bylines, 'Source:' lines, datelines, author boxes.

Each finder removes the lines it consumed (with a `metadata.*` rule id) and
fills a field; a field the text does not state stays empty.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .document import Document

NAME_WORD = r"(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]*|d[ea]|de la|van|von|der|den|al|el|bin|ibn)"
NAME = rf"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]+(?: {NAME_WORD}){{0,3}}"
NAME_LIST = rf"{NAME}(?:(?:,| and| und| et| y| &) {NAME})*"
BYLINE = re.compile(
    rf"(?i:by|von|par|por|de)\s*:?\s+(?P<names>{NAME_LIST})"
    r"(?:\s*[,|–—-]\s*(?:[\w\s.'’]{0,60}))?"
)
ROLE_SUFFIX = re.compile(r",?\s+(?:for|für|pour|para|in|at)\s.*$|,\s*(?:staff writer|reporter|correspondent|editor|contributor).*$", re.I)
SOURCE_LINE = re.compile(r"(?:source|sources|quelle|fuente|fonte)\s*:\s*(?P<publisher>[^.:]{2,80}?)\.?", re.IGNORECASE)
DATELINE = re.compile(
    r"(?:(?:published|posted|updated|last updated|veröffentlicht|aktualisiert|publié le|mis à jour le|publicado|actualizado)"
    r"(?: on| am| le| el)?\s*:?\s*)(?P<date>.{4,60})",
    re.IGNORECASE,
)
BIO_VERB = re.compile(r"\s(?:is|was|has|writes|covers|ist|war|est|es|fue)\s")
MAX_TITLE_WORDS = 25
SENTENCE_PUNCT = tuple(".,;:")


def is_name(text: str) -> bool:
    """Two to five capitalised words and nothing else: 'Jane Doe', 'Mary Ann de la Cruz'."""
    words = text.split()
    return (
        2 <= len(words) <= 5
        and re.fullmatch(NAME, text) is not None
        and not text.endswith(".")
    )


def split_names(names: str) -> list[str]:
    """'A, B and C' -> ['A', 'B', 'C']."""
    parts = re.split(r",\s*|\s+(?:and|und|et|y|&)\s+", names)
    return [part.strip() for part in parts if part.strip()]


def find_title(doc: Document) -> Document:
    """The first line is the headline when it stands alone, is short and does not end like a sentence."""
    if doc.metadata.get("title"):
        title = doc.metadata["title"]
        drop = [i for i, line in enumerate(doc.lines[:3]) if line.text == title]
        doc.drop(drop[:1], "metadata.title")
        return doc
    if len(doc.lines) < 2:
        return doc
    first, second = doc.lines[0], doc.lines[1]
    words = first.text.split()
    if (
        first.block != second.block
        and 1 < len(words) <= MAX_TITLE_WORDS
        and not first.text.endswith(SENTENCE_PUNCT)
        and not BYLINE.fullmatch(first.text)
    ):
        doc.metadata["title"] = first.text
        doc.drop([0], "metadata.title")
    return doc


def find_bylines(doc: Document) -> Document:
    """'By A and B' / 'by A, B' lines anywhere: names to `authors`, the line removed."""
    authors = doc.metadata.setdefault("authors", [])
    drop = []
    for index, line in enumerate(doc.lines):
        if len(line.text) > 120:
            continue
        found = BYLINE.fullmatch(line.text)
        if found is None:
            continue
        names = ROLE_SUFFIX.sub("", found["names"])
        candidates = split_names(names)
        if candidates and all(is_name(name) or len(candidates) == 1 and len(name.split()) == 1 and name.istitle() for name in candidates):
            authors.extend(name for name in candidates if name not in authors)
            drop.append(index)
    doc.drop(drop, "metadata.byline")
    return doc


def find_source_lines(doc: Document) -> Document:
    """'Source: X' lines: X becomes the publisher, the line is removed."""
    drop = []
    for index, line in enumerate(doc.lines):
        found = SOURCE_LINE.fullmatch(line.text) if len(line.text) <= 100 else None
        if found:
            doc.metadata.setdefault("publisher", found["publisher"].strip())
            drop.append(index)
    doc.drop(drop, "metadata.source_line")
    return doc


def find_author_boxes(doc: Document) -> Document:
    """A name line followed by a bio that starts with that name (or its surname): an author box."""
    authors = doc.metadata.setdefault("authors", [])
    drop = []
    lines = doc.lines
    for index in range(len(lines) - 1):
        name = lines[index].text
        if not is_name(name):
            continue
        bio = lines[index + 1].text
        surname = name.split()[-1]
        if (bio.startswith(name) or bio.startswith(surname + " ")) and BIO_VERB.search(bio[:120]) and len(bio.split()) <= 120:
            if name not in authors:
                authors.append(name)
            drop.extend([index, index + 1])
    doc.drop(drop, "author_box.name_and_bio")
    return doc


@lru_cache(maxsize=4096)
def parse_date(text: str) -> str | None:
    """An ISO 8601 date from a date phrase in any common language, or None when unsure."""
    import dateparser

    parsed = dateparser.parse(
        text,
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return parsed.date().isoformat() if parsed else None


def find_datelines(doc: Document) -> Document:
    """'Published …' / 'Updated …' lines: the date (ISO 8601) to `date`, the line removed."""
    drop = []
    for index, line in enumerate(doc.lines):
        if len(line.text) > 80:
            continue
        found = DATELINE.fullmatch(line.text)
        if found:
            date = parse_date(found["date"].strip(" .|"))
            if date:
                doc.metadata.setdefault("date", date)
                drop.append(index)
    doc.drop(drop, "metadata.dateline")
    return doc
