"""Structural block classifier: keeps the dense main text, drops the furniture around it.

Works on what the rule tables cannot know: a block's length, its stop-word density in
the page's language, sentence punctuation, menu-like separators, code characters,
capitalisation and digits; then its context (after jusText's algorithm, Pomikálek 2011):

* a long block dense in stop words is `good` (article prose); a block with few stop
  words is `bad` (unless it has enough in its own language: a passage in another
  language than the page's); a medium one is `near`; a block under `SHORT_CHARS` is `short`;
* a short block takes the class of the good/bad blocks around it: between two good
  blocks it is content (a subheading, a one-line quote, a list item), a run of short
  blocks among bad ones is a menu; a near block is kept unless both sides are bad;
* the page's edges count as bad, so the header and footer zones around the dense
  main region go, and a short heading right before a good block is kept;
* program code (few stop words, many brackets and '=') is judged like a short block, by
  its context: kept inside a tutorial, and it does not break a run of its sentences.

Units: lines of one block are joined (text-blocks style input); inside a block, a line
that continues a sentence (the previous one does not end one, this one starts in lower
case or with punctuation) is merged into the same unit, so text broken at every tag
(inline links on their own lines) is judged as the paragraph it came from.

An extractor's output is the main text already: there only author bios are looked for (`drop_author_bios`).
Every removed line is recorded as `classifier.<reason>`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from .document import Document
from .language import detect_language
from .stopwords import stopwords_for

REMEMBERED_UNITS = 10_000  # unit verdicts and passage languages kept per process (least recently used forgotten) ...
REMEMBERED_CHARS = 2_000  # ... for units up to this long: at most ~20 MB of text each
SHORT_CHARS = 50  # below this a unit is too short to judge by itself
LONG_CHARS = 200  # a good unit is at least this long (shorter dense ones are `near`)
STOP_LOW = 0.25  # stop-word density below this: not prose
STOP_HIGH = 0.32  # at or above this (and long): prose
STOP_SENTENCE = 0.15  # enough for a unit that ends like a sentence
MIN_SENTENCE_WORDS = 4  # a short unit of this many words ending like a sentence is judged like a near one
WHOLE_SENTENCE_WORDS = 6  # a line read alone as a whole sentence has this many ("Sign up for our newsletter." has not)
PROSE_RUN = 3  # this many near sentences in a row are article paragraphs
NO_STOPLIST_SENTENCE_DENSITY = 0.35  # stand-in density for a sentence in a language without a stop list
MENU_SEPARATOR_SHARE = 0.2  # separators per word above this: a row of links
MENU_RUN = 3  # this many short non-sentences in a row are a menu or a list of links
MENU_ITEM_CHARS = 80  # a menu item or teaser headline is shorter than this
GAP_UNITS = 3  # this many bad units in a row separate two regions of the page
SIDE_REGION_SHARE = 0.3  # a region apart from the main one is kept when it weighs this share of it ...
SIDE_REGION_PARAGRAPHS = 2  # ... or holds this many good paragraphs (a long page's other sections)

WORD = re.compile(r"\w+")
FULL_STOPS = tuple(".!?…。！？")
SENTENCE_MARKS = (*FULL_STOPS, ":", ";")  # a sentence ends with one of these ...
CLOSERS = "\"'”’»)]"  # ... and perhaps closing quotes and brackets
SENTENCE_INSIDE = re.compile(f"[{''.join(FULL_STOPS)}][{re.escape(CLOSERS)}]*\\s")  # a sentence ends inside the text
CONTINUES = re.compile(r"^[\W\d_]*[a-zà-öø-ÿ,.;:)\]]")
CUT_MID_PHRASE = re.compile(r"[a-zà-öø-ÿ,–—-]$")
MID_PHRASE_WORDS = 3  # a line cut mid-phrase has at least this many words
SEPARATORS = re.compile(r"\s[|•·»›/]\s|\s[|•·]$|^[|•·]\s")
SEPARATOR_CHARS = "|•·»›/"  # every match of SEPARATORS holds one of these
AUTHOR_BIO = re.compile(
    r"(?:[A-Z][\w'’.-]+ ){0,3}[A-Z][\w'’.-]+,? (?:is|was|has been|has worked|writes|covers|joined|ist|war|est|es|fue) "
    r".{0,200}?\b(?i:writer|editor|reporter|journalist|author|columnist|correspondent|contributor|blogger|developer|"
    r"founder|co-founder|consultant|freelancer?|professor|Autorin|Autor|Redakteurin|Redakteur|Journalistin|journaliste|"
    r"rédacteur|rédactrice|periodista|redactora?)\b"
)
BIO_ZONE = 0.5  # an author's bio is looked for past this share of the page's prose only
CODE_CHARS = "{}[]=;<>_\\"  # characters of program code, rare in prose and menus (parentheses count half)
CODE_SHARE = 0.06  # code characters per non-space character from which a unit reads as code
COPYRIGHT = re.compile(r"©|\(c\) ?\d{4}|copyright \d{4}", re.IGNORECASE)

GOOD, NEAR, SHORT, BAD = "good", "near", "short", "bad"
REMOVED = "removed"  # stands in for lines an earlier stage removed
TRANSPARENT_REMOVALS = {"repeats.corpus_line"}  # removals that leave no trace for the context


@dataclass(slots=True)
class Unit:
    """Consecutive kept lines judged together; `reason` says why a bad unit is bad."""

    start: int  # index of its first line in doc.lines
    end: int  # one past its last line
    text: str
    kind: str = BAD
    reason: str = ""


def ends_sentence(text: str) -> bool:
    """The text ends like a sentence: a full stop, question mark, colon, ... and perhaps closing quotes or brackets."""
    return text.rstrip(CLOSERS).endswith(SENTENCE_MARKS)


def ends_full_stop(text: str) -> bool:
    """The text ends with . ! ? … (or a CJK full stop), perhaps followed by closing quotes or brackets."""
    return text.rstrip(CLOSERS).endswith(FULL_STOPS)


def reads_as_sentence(text: str) -> bool:
    """A whole sentence: a capital, digit or quote first, several words, a full stop last; no separator, no link."""
    return (
        (text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘«¿¡")
        and len(text.split()) >= WHOLE_SENTENCE_WORDS
        and ends_full_stop(text)
        and SEPARATORS.search(text) is None
        and "://" not in text
    )


def continues_sentence(previous: str, line: str) -> bool:
    """The previous line does not end a sentence and this one goes on with it.

    It goes on when it starts in lower case or with punctuation, or when the previous
    line is a sentence's beginning cut off mid-phrase (several words, ending in lower case
    or a comma or dash), as before a link with a name in it.
    """
    if ends_sentence(previous):
        return False
    return CONTINUES.match(line) is not None or (
        CUT_MID_PHRASE.search(previous) is not None and previous.count(" ") >= MID_PHRASE_WORDS - 1
    )


def make_units(doc: Document) -> list[Unit]:
    """Group kept lines into units: a block's lines, split where a line does not continue a sentence.

    Where earlier stages removed lines, an empty `removed` unit stands in for them, so the
    context still sees the menu or form that was there.
    """
    units: list[Unit] = []
    lines = doc.lines
    removed = sorted(entry["line"] for entry in doc.removed if entry["rule"] not in TRANSPARENT_REMOVALS)
    start = 0
    for index in range(1, len(lines) + 1):
        if index < len(lines):
            previous, line = lines[index - 1], lines[index]
            if previous.block == line.block and continues_sentence(previous.text, line.text):
                continue
        low = lines[start - 1].number if start else 0
        if removed and bisect_right(removed, low) < bisect_left(removed, lines[start].number):
            units.append(Unit(start, start, "", REMOVED, "removed"))
        text = lines[start].text if index - start == 1 else " ".join([line.text for line in lines[start:index]])
        units.append(Unit(start, index, text))
        start = index
    if lines and removed and removed[-1] > lines[-1].number:
        units.append(Unit(len(lines), len(lines), "", REMOVED, "removed"))
    return units


def stopword_density(text: str, stopwords: frozenset[str]) -> float:
    """Share of words that are stop words; without a stop list, a stand-in from sentence punctuation."""
    words = WORD.findall(text.lower())
    if not words:
        return 0.0
    if not stopwords:
        return NO_STOPLIST_SENTENCE_DENSITY if ends_sentence(text) or SENTENCE_INSIDE.search(text) else 0.0
    return sum(map(stopwords.__contains__, words)) / len(words)


def separator_count(text: str) -> int:
    """Menu separators in the text (most texts have none of their characters: no regex scan then)."""
    return len(SEPARATORS.findall(text)) if any(char in text for char in SEPARATOR_CHARS) else 0


def reads_as_code(text: str) -> bool:
    """Program code: brackets, '=', ';', '_' and the like make up a share of its characters (and it has letters)."""
    count = sum(map(text.count, CODE_CHARS)) + (text.count("(") + text.count(")")) / 2
    return count >= 2 and count >= CODE_SHARE * (len(text) - text.count(" ")) and any(map(str.isalpha, text))


def classify_unit(unit: Unit, stopwords: frozenset[str]) -> None:
    """The unit's class and reason from its own text (remembered for short units: furniture repeats
    across a site's pages, and each cleaning round sees the kept text again)."""
    judge = remembered_judge if len(unit.text) <= REMEMBERED_CHARS else judge_text
    unit.kind, unit.reason = judge(unit.text, stopwords)


def judge_text(text: str, stopwords: frozenset[str]) -> tuple[str, str]:
    """Class and reason of a text by itself (jusText's rules, link density replaced by menu signals).

    A text that reads as a sentence (ends like one) needs fewer stop words to count as prose.
    """
    words = text.split()
    sentence = ends_sentence(text)
    if len(text) < LONG_CHARS and COPYRIGHT.search(text):
        kind, reason = BAD, "copyright"
    elif separator_count(text) > MENU_SEPARATOR_SHARE * len(words):
        kind, reason = BAD, "menu"
    elif len(text) < SHORT_CHARS:
        short_sentence = sentence and len(words) >= MIN_SENTENCE_WORDS and stopword_density(text, stopwords) >= STOP_LOW
        kind, reason = (NEAR, "near_context") if short_sentence else (SHORT, "short_context")
    else:
        density = stopword_density(text, stopwords)
        if density >= STOP_HIGH or (sentence and density >= STOP_SENTENCE):
            kind, reason = (GOOD if len(text) >= LONG_CHARS else NEAR), "near_context"
        elif density >= STOP_LOW:
            kind, reason = NEAR, "near_context"
        else:
            kind, reason = BAD, "low_stopwords"
    if reason in ("menu", "short_context", "low_stopwords") and reads_as_code(text):
        kind, reason = SHORT, "code"  # few stop words, but no furniture: judged by its context
    return kind, reason


remembered_judge = lru_cache(maxsize=REMEMBERED_UNITS)(judge_text)


def judge_in_own_language(unit: Unit, page_language: str | None) -> None:
    """A long passage in another language than the page's (an English review on a German blog, a quote)
    is judged by the stop words of its own language (remembered as unit verdicts are)."""
    text = unit.text
    language = remembered_language(text) if len(text) <= REMEMBERED_CHARS else passage_language(text)
    if language != page_language:
        classify_unit(unit, stopwords_for(language))


def passage_language(text: str) -> str | None:
    """The language of a passage by itself."""
    return detect_language(text)[0]


remembered_language = lru_cache(maxsize=REMEMBERED_UNITS)(passage_language)  # as remembered_judge
# The page's language, for its stop words: a round whose earlier stages removed nothing sees the text it saw last.
guess_language = lru_cache(maxsize=1)(passage_language)


def mark_author_bios(units: list[Unit]) -> None:
    """Past the middle of the page's prose, a paragraph that opens 'Name is a writer/editor/...' is an author box.

    The middle is measured in characters of good units, so long comments below do not move it.
    """
    start = bio_zone_start([len(unit.text) if unit.kind == GOOD else 0 for unit in units])
    for unit in units[start:]:
        if unit.kind in (GOOD, NEAR) and AUTHOR_BIO.match(unit.text):
            unit.kind, unit.reason = BAD, "author_bio"


def bio_zone_start(weights: list[int]) -> int:
    """The position right after the one where the running sum of the weights reaches BIO_ZONE of their total.

    >>> bio_zone_start([10, 0, 10, 10]), bio_zone_start([])
    (3, 0)
    """
    half, seen = sum(weights) * BIO_ZONE, 0
    for index, weight in enumerate(weights):
        seen += weight
        if seen >= half:
            return index + 1
    return len(weights)


def mark_prose_runs(units: list[Unit]) -> None:
    """Runs of at least PROSE_RUN near units that end like sentences are article paragraphs: good.

    A removed line inside the run (an ad label, a caption) does not break it.
    """
    real = [unit for unit in units if unit.reason not in ("removed", "code")]
    flags = [unit.kind == NEAR and ends_sentence(unit.text) for unit in real]
    for first, end in runs(flags):
        if end - first >= PROSE_RUN:
            for unit in real[first:end]:
                unit.kind = GOOD


def runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(first, end) of each run of true flags."""
    found = []
    index = 0
    while index < len(flags):
        if flags[index]:
            end = index
            while end < len(flags) and flags[end]:
                end += 1
            found.append((index, end))
            index = end
        else:
            index += 1
    return found


def is_menu_item(text: str) -> bool:
    """Short, no sentence end, starts with a capital (ingredient or step lists start lower case or with digits)."""
    return len(text) < MENU_ITEM_CHARS and not ends_sentence(text) and text[:1].isupper()


def mark_menu_runs(units: list[Unit]) -> None:
    """Runs of at least MENU_RUN menu-like units are bad, wherever they are (except a heading ending one)."""
    flags = [
        unit.reason == "removed" or (unit.kind != GOOD and unit.reason != "code" and is_menu_item(unit.text))
        for unit in units
    ]
    for first, end in runs(flags):
        if end < len(units) and units[end].kind == GOOD:
            end -= 1  # the last item right before prose is the article's heading
        if end - first >= MENU_RUN:
            for unit in units[first:end]:
                if unit.reason != "removed":
                    unit.kind, unit.reason = BAD, "menu_run"


def neighbours(kinds: list[str], skip: set[str]) -> tuple[list[str], list[str]]:
    """For each unit, the class of the nearest unit before and after it whose class is not in `skip`.

    Page edges and removed lines (unless skipped) count as bad.  One pass each way.
    """

    def scan(order) -> list[str]:
        found = [BAD] * len(kinds)
        last = BAD
        for index in order:
            found[index] = last
            if kinds[index] not in skip:
                last = BAD if kinds[index] == REMOVED else kinds[index]
        return found

    return scan(range(len(kinds))), scan(range(len(kinds) - 1, -1, -1))


def mark_headings(units: list[Unit]) -> None:
    """A short unit that does not end a sentence, right before a good unit, is its heading: near."""
    for unit, following in pairwise(units):
        if unit.kind == SHORT and following.kind == GOOD and not ends_sentence(unit.text):
            unit.kind = NEAR


def revise_in_context(units: list[Unit]) -> list[str]:
    """Final good/bad for every unit from its neighbours (jusText's context rules).

    Beyond jusText: a long unit with few stop words between two good ones is content too
    (a quote full of names, a technical sentence).
    """
    kinds = [unit.kind for unit in units]
    final = list(kinds)
    before, after = neighbours(kinds, {SHORT, NEAR})
    before_any, after_any = neighbours(kinds, {SHORT})
    for index, kind in enumerate(kinds):
        if kind == SHORT:
            if before[index] == after[index]:
                final[index] = before[index]
            elif (before[index] == BAD and before_any[index] == NEAR) or (
                after[index] == BAD and after_any[index] == NEAR
            ):
                final[index] = GOOD
            else:
                final[index] = BAD
    before, after = neighbours(kinds, {SHORT, NEAR, REMOVED})
    for index, unit in enumerate(units):
        if unit.reason == "low_stopwords" and before[index] == after[index] == GOOD:
            final[index] = GOOD
    before, after = neighbours(final, {SHORT, NEAR, REMOVED})
    for index, kind in enumerate(kinds):
        if kind == NEAR:
            final[index] = BAD if before[index] == BAD and after[index] == BAD else GOOD
    return [BAD if kind == REMOVED else kind for kind in final]


def main_regions(units: list[Unit], final: list[str]) -> list[tuple[int, int]]:
    """The dense main region and any other region nearly as heavy, as (first, end) unit ranges.

    Regions are cut at runs of at least GAP_UNITS bad units (a menu, a list of teasers,
    a form); short ones (a date, a name between standfirst and article) do not count.
    A region weighs the characters of its good units.  Good prose in a light
    region apart from the article (an author's bio, a newsletter pitch, a teaser) goes,
    unless the region holds several good paragraphs (another section of a long page).
    """
    regions: list[tuple[int, int, int, int]] = []
    first, last, weight, paragraphs, bad_run = None, 0, 0, 0, 0
    for index, (unit, kind) in enumerate(zip(units, final, strict=True)):
        if kind == BAD:
            bad_run += unit.kind != SHORT
            if bad_run == GAP_UNITS and first is not None:
                regions.append((weight, paragraphs, first, last + 1))
                first, weight, paragraphs = None, 0, 0
            continue
        bad_run, last = 0, index
        if first is None:
            first = index
        if unit.kind != SHORT:
            weight += len(unit.text)
        paragraphs += unit.kind == GOOD
    if first is not None:
        regions.append((weight, paragraphs, first, len(units)))
    heaviest = max((region[0] for region in regions), default=0)
    return [
        (first, end)
        for weight, paragraphs, first, end in regions
        if weight >= SIDE_REGION_SHARE * heaviest or paragraphs >= SIDE_REGION_PARAGRAPHS
    ]


def classify_blocks(doc: Document) -> Document:
    """Remove the units the classifier finds to be furniture; nothing when no unit reads as prose."""
    if not doc.lines:
        return doc
    language = guess_language(doc.text)
    stopwords = stopwords_for(language)
    units = make_units(doc)
    for unit in units:
        if unit.reason != "removed":
            classify_unit(unit, stopwords)
            if unit.reason == "low_stopwords":
                judge_in_own_language(unit, language)
    if not any(unit.kind == GOOD for unit in units):
        return doc
    mark_author_bios(units)
    mark_prose_runs(units)
    mark_menu_runs(units)
    mark_headings(units)
    final = revise_in_context(units)
    inside = [False] * len(units)
    for first, end in main_regions(units, final):
        inside[first:end] = [True] * (end - first)
    marks = {}
    for unit, kind, in_region in zip(units, final, inside, strict=True):
        if kind == BAD or not in_region:
            reason = unit.reason if kind == BAD else "outside_main"
            marks.update(dict.fromkeys(range(unit.start, unit.end), f"classifier.{reason}"))
    doc.drop_marked(marks)
    return doc


def drop_author_bios(doc: Document) -> Document:
    """In an extractor's output: past the middle of the text (all of it: no line is classified), a paragraph
    opening 'Name is a writer/...' goes."""
    lines = doc.lines
    start = bio_zone_start([len(line.text) for line in lines])
    bios = [index for index in range(start, len(lines)) if AUTHOR_BIO.match(lines[index].text)]
    doc.drop(bios, "classifier.author_bio")
    return doc
