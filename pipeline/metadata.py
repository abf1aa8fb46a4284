"""Metadata from the text's structure: headline, bylines, 'Source:' lines, datelines, author boxes.

Each finder removes the lines it consumed (with a `metadata.*` or `author_box.*` rule id) and
fills a field; a field the text does not state stays empty.  Wording is recognised in English,
German, French and Spanish.  Dates are ISO 8601 (YYYY-MM-DD) or absent when the text does not
give day, month and year unambiguously.
"""

from __future__ import annotations

import re
from datetime import date

from .classifier import ends_full_stop, reads_as_sentence
from .document import Document

# --- names -------------------------------------------------------------------------------------
PARTICLES = frozenset({
    "da", "de", "del", "della", "der", "di", "dos", "du", "la", "le", "van", "von", "den", "ten", "ter", "al",
    "el", "bin", "ibn"
})
# Capitalised words that make a byline an organisation, a role or a sentence rather than a person.
NOT_NAME_WORDS = frozenset({
    "the", "a", "an", "this", "that", "these", "our", "my", "his", "her", "their", "news", "staff", "editor",
    "editors", "editorial", "reporter", "reporters", "writer", "writers", "team", "press", "agency", "agencies",
    "desk", "online", "media", "newsroom", "correspondent", "contributor", "contributors", "guest",
    "associated", "times", "post", "daily", "weekly", "magazine", "journal", "group", "inc", "ltd", "llc",
    "gmbh", "redaktion", "rédaction", "redacción", "der", "die", "das", "und", "mit", "für", "unser", "la",
    "las", "los", "el", "une", "un", "des", "les", "nos", "how", "what", "why", "when", "where", "who", "which",
    "to", "of", "in", "on", "at", "for", "from", "with", "into", "about", "is", "are", "was", "your", "you", "we",
    "it", "all", "more", "new", "best", "top", "university", "institute", "foundation", "association", "society",
    "council", "ministry", "department", "office", "company", "club"
})
CONJUNCTION = r"(?:and|und|et|y|e|&)"  # e: Portuguese and Italian
NAME_SEPARATOR = re.compile(rf"\s*,\s*(?:{CONJUNCTION}\s+)?|\s+{CONJUNCTION}\s+", re.IGNORECASE)
# Where the names in a byline end: a separator, a bracket, an e-mail address, a digit, "for The Times".
# An address is tried from the start of a word only: from inside one long word, \S+@ was quadratic.
BYLINE_TRAILER = re.compile(
    r"\s*(?:[|•·/(\[]|\s[–—-]\s|(?<!\S)\S+@\S+|\d|\s(?:for|For|FOR|für|pour|para|at|on|am|le|el|in)\s)"
)
BYLINE_PREFIX = re.compile(
    r"(?:(?:written|posted|reported|text|words|story)\s+by|by|von|par|por"
    r"|(?:authors?|autor(?:in|en|es)?|auteur(?:e|s)?|text|texte|redacci[oó]n)\s*:)(?=[\s:]|$)\s*:?\s*",
    re.IGNORECASE,
)


def is_name(text: str) -> bool:
    """A person's name: two to five words, capitalised but for particles, initials allowed.

    >>> [is_name(s) for s in ["Jane Doe", "María de la Cruz", "T. V. Raman", "the end of", "BBC News", "Paris"]]
    [True, True, True, False, False, False]
    """
    tokens = text.split()
    if not 2 <= len(tokens) <= 5:
        return False
    last = len(tokens) - 1
    for position, token in enumerate(tokens):
        word = token.strip("'’")
        if 0 < position < last and word in PARTICLES:
            continue
        if position < last and re.fullmatch(r"(?:\w\.){1,3}|\w", word) and word[0].isupper():
            continue  # an initial or a one-letter particle: "J.", "T.V.", "Ó"
        if not (word[:1].isupper() and any(c.islower() for c in word) and re.fullmatch(r"[^\W\d_][\w'’.-]*", word)):
            return False
        if word.lower().strip(".") in NOT_NAME_WORDS:
            return False
    return True


def names_in(text: str) -> list[str]:
    """The leading person names of a name list ('A, B and C'); stops at the first part that is not one.

    >>> names_in("Nada Tawfik, BBC News, New York")
    ['Nada Tawfik']
    >>> names_in("Emma Whitford, Mariana Simões and Tatyana Turner.")
    ['Emma Whitford', 'Mariana Simões', 'Tatyana Turner']
    """
    text = text.strip()
    if text.endswith(".") and not re.search(r"(?:^|\s)\w{1,3}\.$", text):  # a full stop, not "Jr." or "T."
        text = text[:-1]
    names = []
    for part in NAME_SEPARATOR.split(text):
        if not is_name(part.strip()):
            break
        names.append(part.strip())
    return names


def byline_names(text: str) -> list[str]:
    """Names in a byline without its prefix: cut at a date, a separator or a role, then split."""
    found = find_date(text)
    if found:
        text = text[: found[1]]
    trailer = BYLINE_TRAILER.search(text)
    return names_in(text[: trailer.start()] if trailer else text)


# --- dates -------------------------------------------------------------------------------------
MONTH_NAMES = {  # en, fr, de, es, it, pt, nl and pl (genitive, as in dates)
    1: "january jan janvier janv januar jänner jän enero ene gennaio janeiro januari stycznia",
    2: "february feb febr février févr fevrier februar febrero febbraio fevereiro februari lutego",
    3: "march mar mars märz mär marzo março maart marca",
    4: "april apr avril avr abril abr aprile kwietnia",
    5: "may mai mayo maggio maio mei maja",
    6: "june jun juin juni junio giugno junho czerwca",
    7: "july jul juillet juil juli julio luglio julho lipca",
    8: "august aug août aout agosto ago augustus sierpnia",
    9: "september sep sept septembre septiembre setiembre settembre setembro września",
    10: "october oct octobre oktober okt octubre ottobre outubro października",
    11: "november nov novembre noviembre novembro listopada",
    12: "december dec décembre déc decembre dezember dez diciembre dic dicembre dezembro grudnia",
}
MONTHS = {name: number for number, names in MONTH_NAMES.items() for name in names.split()}
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
MIN_YEAR, MAX_YEAR = 1800, 2100
DAY_FIRST_LANGUAGES = frozenset({"de", "fr", "es", "it", "pt", "nl", "pl"})
DATE_FORMS = (  # (pattern, order of the captured day/month/year groups)
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), "ymd"),
    (re.compile(rf"\b({MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE), "mdy"),
    (
        re.compile(
            rf"(?<!\d)(\d{{1,2}})(?:\.|st|nd|rd|th|er|º)?\s+(?:de\s+)?({MONTH})\.?,?\s+(?:de\s+|del\s+)?(\d{{4}})(?!\d)",
            re.IGNORECASE,
        ),
        "dmy",
    ),
    (re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)"), "dmy"),
    (re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)"), "numeric"),
)
YEAR = re.compile(r"\d{4}")  # every form in DATE_FORMS holds one


def find_date(text: str, language: str = "en") -> tuple[str, int, int] | None:
    """The first complete, unambiguous date in the text: (ISO date, start, end), or None.

    Numeric dates like 03/05/2022 are read day first in German, French and Spanish context and are
    ambiguous (None) in English unless one part is above 12.

    >>> find_date("Updated 2010 GMT (0410 HKT) March 14, 2021")[0]
    '2021-03-14'
    >>> find_date("Publicado el 3 de mayo de 2022", "es")[0], find_date("03/05/2022") is None
    ('2022-05-03', True)
    """
    if YEAR.search(text) is None:  # every form holds a four-digit year: most lines need no search for a month name
        return None
    best = None
    for pattern, order in DATE_FORMS:
        found = pattern.search(text)
        if found and (best is None or found.start() < best[0].start()):
            best = (found, order)
    if best is None:
        return None
    found, order = best
    first, second, third = found.groups()
    if order == "ymd":
        year, month, day = int(first), int(second), int(third)
    elif order == "mdy":
        year, month, day = int(third), MONTHS[first.lower()], int(second)
    elif order == "dmy":
        year, day = int(third), int(first)
        month = int(second) if second.isdigit() else MONTHS[second.lower()]
    else:
        a, b, year = int(first), int(second), int(third)
        if language in DAY_FIRST_LANGUAGES or a > 12:
            day, month = a, b
        elif b > 12 or a == b:
            day, month = b, a
        else:
            return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day).isoformat(), found.start(), found.end()
    except ValueError:
        return None


# What a date line may hold besides the date: weekdays, times, time zones, separators, "at".
DATE_FURNITURE = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?\b\.?|"
    r"\b(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo)\b|"
    r"\d{1,2}(?:[:.h]\d{2})?\s*(?:[ap]\.?m\.?|uhr|h)?\b|\b(?:utc|gmt|[a-z]?[ecmp][sd]?t|mes?z|et|hkt|ist)\b|"
    r"\b(?:at|um|à|a las|a la)\b|[\s,.|/·•@()–—-]+",
    re.IGNORECASE,
)
DATELINE = re.compile(
    r"(?P<kind>published|posted|first published|originally published|updated|last updated|last modified|modified|"
    r"date|veröffentlicht|erschienen|aktualisiert|zuletzt aktualisiert|stand|publié|mis à jour|modifié|"
    r"publicado|actualizado|fecha|pubblicato|aggiornato|ultima modifica|atualizado|gepubliceerd|bijgewerkt|"
    r"laatst bijgewerkt|opublikowano|zaktualizowano|aktualizacja)(?!\w)"
    r"(?:\s+(?:on|am|le|el|at|il|em|op|dnia|:))?\s*:?\s*(?P<rest>.*)",
    re.IGNORECASE,
)
UPDATE_WORDS = (
    "updated", "modified", "aktualisiert", "stand", "mis à jour", "modifié", "actualizado", "aggiornato", "modifica",
    "atualizado", "bijgewerkt", "zaktualizowano", "aktualizacja",
)
UPDATE_WORD = re.compile(r"\b(?:" + "|".join(UPDATE_WORDS) + r")\b", re.IGNORECASE)
KEYWORD_LANGUAGE = {
    "veröffentlicht": "de", "erschienen": "de", "aktualisiert": "de", "zuletzt aktualisiert": "de", "stand": "de",
    "publié": "fr", "mis à jour": "fr", "modifié": "fr", "publicado": "es", "actualizado": "es", "fecha": "es",
    "pubblicato": "it", "aggiornato": "it", "ultima modifica": "it", "atualizado": "pt", "gepubliceerd": "nl",
    "bijgewerkt": "nl", "laatst bijgewerkt": "nl", "opublikowano": "pl", "zaktualizowano": "pl", "aktualizacja": "pl",
}
BYLINE_LANGUAGE = {"von": "de", "par": "fr", "por": "es"}
BY_WORDS = r"(?:by|von|par|por)"  # "by" and BYLINE_LANGUAGE's words, before a byline's names
BY_NAMES = re.compile(rf"{BY_WORDS}\s+(.+)", re.IGNORECASE)
BY_IN_LINE = re.compile(rf"(?:^|\s){BY_WORDS}\s+(.+)", re.IGNORECASE)  # "Posted on DATE by NAME"
HEADER_LINES = 6  # a date alone on its line, a source line: metadata within this many kept lines of an edge


def is_dateline_rest(rest: str, found: tuple[str, int, int]) -> bool:
    """What follows 'Published' is a date line, not a sentence ('Updated guidelines were issued on …').

    At most two words before the date besides weekday and time ('by NAME at …'); after it and up to
    the next separator, nothing but time and furniture, a 'by NAME' or at most three words.
    """
    before = DATE_FURNITURE.sub(" ", rest[: found[1]]).split()
    after = re.split(r"[|;(,·•]|\s[–—-]\s", rest[found[2] :], maxsplit=1)[0].strip()  # up to the next field
    return len(before) <= 2 and (
        not DATE_FURNITURE.sub(" ", after).split()
        or BY_NAMES.match(after) is not None
        or len(after.split()) <= 3
        or is_dateline(after)  # 'Published 3 May 2022 Updated 4 May 2022'
    )


def is_dateline(text: str) -> bool:
    """'Updated 4 May 2022', 'Ultima modifica 4 maggio 2022 ore 10:00': a keyword and a date line."""
    keyword = DATELINE.fullmatch(text)
    found = find_date(keyword["rest"], KEYWORD_LANGUAGE.get(keyword["kind"].lower(), "en")) if keyword else None
    return found is not None and is_dateline_rest(keyword["rest"], found)


def bare_date(text: str) -> str | None:
    """The date of a line that holds a date and nothing else but weekday, time and separators, then perhaps
    a byline or an update line ('Oct 30 2020 by Ana Lima', '4 May 2022, 05:34 Updated 4 May 2022, 05:35').
    """
    found = find_date(text)
    if found is None or DATE_FURNITURE.sub("", text[: found[1]]):
        return None
    rest = after_furniture(text[found[2] :])
    by = BY_NAMES.fullmatch(rest)
    return found[0] if not rest or (by and byline_rest_names(by[1])) or is_dateline(rest) else None


def after_furniture(text: str) -> str:
    """The text from its first word that is not weekday, time or separator."""
    position = 0
    while (match := DATE_FURNITURE.match(text, position)) and match.end() > position:
        position = match.end()
    return text[position:]


# --- stages ------------------------------------------------------------------------------------
MIN_TITLE_WORDS = 3  # two words are mostly a menu entry or a button ("About us", "Jetzt abonnieren")
MAX_TITLE_WORDS = 20
MIN_RIVAL_WORDS = 4  # a title-like line above a headline this long is a kicker, a headline or a teaser: ambiguous
MAX_DATE_LINE_WORDS = 3  # words besides the date in a date line ("Politics", "by Ana Lima", "3 comments")
MAX_KICKER_WORDS = 5  # a short line in capitals is a kicker or a label, a longer one may be a headline
TITLE_END = tuple(".,;:–—-|/")  # a sentence, or a label or a dateline going on ("WASHINGTON —", "Read in:")
NOT_A_TITLE = re.compile(
    r"(?<![\d:])\d{1,2}:\d{2}(?![\d:])"  # a clock time: a date line, a teaser's time stamp
    r"|(?<!\d)\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?!\d)"  # a numeric date, also with a two-digit year
    r"|\b(?:funded|sponsored|supported|powered|presented|brought to you)\s+by\b|\bin partnership with\b"
    r"|[.!?]\s*\([^()]*\)$"  # a caption with its credit in brackets
    r"|\((?:[a-z]{2}(?:[-_][a-z]{2})?)\)$",  # a language code: "Forum thread (EN)", "Read in (pt-BR)"
    re.IGNORECASE,
)
QUANTITY_END = re.compile(
    r"\d(?:[.,]\d+)?\s*(?:g|kg|mg|µg|ml|cl|dl|l|kcal|cal|kj|oz|lbs?|mins?|hrs?|h|cm|mm|%)$", re.IGNORECASE
)
LANGUAGE_NAMES = frozenset({  # as language menus name them
    "english", "deutsch", "español", "français", "italiano", "português", "nederlands", "polski", "svenska", "dansk",
    "norsk", "suomi", "čeština", "magyar", "română", "türkçe", "ελληνικά", "русский", "українська", "العربية",
    "עברית", "日本語", "中文", "한국어", "bahasa", "tiếng",
})
TITLE_LOOKAHEAD = 4  # lines after a headline in which the article must begin
MIN_PARAGRAPH_WORDS = 20
MAX_BYLINE_EXTRA_WORDS = 8  # words besides the names: role, outlet, place, date ("By A, BBC News, New York")
MAX_BIO_WORDS = 120
MAX_NAME_CHARS = 60
MAX_META_LINE = 120  # longer lines are body text, never bylines, datelines or source lines
SENTENCE_TAIL_WORDS = 4  # lower-case words after a byline's names that, with a final stop, make it a sentence
LOWER_WORD = re.compile(r"(?<!\S)[a-zß-ÿ][\w'’-]*")
TWO_SENTENCES = re.compile(r"[a-zß-ÿ]{2}[.!?]\s+[A-ZÀ-Ý]")


def looks_like_title(text: str) -> bool:
    """A headline: 3-20 words, starts with a capital, digit or quote, one sentence, no final stop, dash or colon.

    Furniture that has that shape is none (`is_label`).
    """
    words = [word for word in text.split() if any(c.isalnum() for c in word)]  # not "/", "–" or "|"
    return (
        MIN_TITLE_WORDS <= len(words) <= MAX_TITLE_WORDS
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘«¿¡")
        and not text.rstrip().endswith(TITLE_END)
        and TWO_SENTENCES.search(text) is None
        and BYLINE_PREFIX.match(text) is None
        and DATELINE.fullmatch(text) is None
        and not is_name_list(text)
        and not is_label(text, words)
    )


def is_name_list(text: str) -> bool:
    """A person's name or a list of them, and nothing else: "Ana Lima, Rui Costa and Lea Roth"."""
    return all(is_name(part.strip()) for part in NAME_SEPARATOR.split(text))


def is_label(text: str, words: list[str]) -> bool:
    """Short furniture shaped like a headline: a kicker in capitals, a date or time line, a quantity, a
    language menu entry, a sponsor note, a photo caption with its credit, a credit of names between slashes.

    >>> [is_label(s, s.split()) for s in ["LISTEN TO THE STORY", "Fat 12 g", "Deutsch (Schweiz)", "Español"]]
    [True, True, True, True]
    >>> is_label("The Harbour Reopens After the Storm", "The Harbour Reopens After the Storm".split())
    False
    """
    return (
        (len(words) <= MAX_KICKER_WORDS and not any(c.islower() for c in text))
        or find_date(text) is not None
        or NOT_A_TITLE.search(text) is not None
        or (len(words) <= MAX_KICKER_WORDS and QUANTITY_END.search(text) is not None)
        or (words[0].lower() in LANGUAGE_NAMES and (len(words) == 1 or text.endswith(")")))
        or ("/" in text and all(word[0].isupper() or word == "/" for word in text.replace("/", " / ").split()))
    )


def is_header_line(text: str) -> bool:
    """A byline or a dateline: what may stand between a headline and the article's first paragraph."""
    prefix = BYLINE_PREFIX.match(text)
    return (prefix is not None and bool(byline_names(text[prefix.end() :]))) or DATELINE.fullmatch(text) is not None


def find_title(doc: Document) -> Document:
    """The page's own title when it has one, else the first headline above the article's first paragraph.

    A headline is a title-like line (`looks_like_title`) in a block of its own that opens the article
    (`opens_article`).  Only the lines above the first paragraph are looked at: the headline may stand
    below menus, which a later cleaning round would remove with it, but never inside the article.
    """
    if doc.metadata.get("title"):
        title = doc.metadata["title"]
        drop = [i for i, line in enumerate(doc.lines[:3]) if line.text == title]
        doc.drop(drop[:1], "metadata.title")
        return doc
    for index, line in enumerate(doc.lines):
        if is_paragraph(line.text):
            break
        if looks_like_title(line.text) and not has_rival_above(doc.lines, index) and opens_article(doc.lines, index):
            doc.metadata["title"] = line.text
            doc.drop([index], "metadata.title")
            break
    return doc


def has_rival_above(lines, index: int) -> bool:
    """Above the line, past bylines and datelines, stands a line that could be the headline as well.

    Then it is a kicker, a headline with its standfirst below, or a teaser's headline: none is taken.
    """
    for line in reversed(lines[:index]):
        if not (is_header_line(line.text) or is_date_line(line.text)):
            return len(line.text.split()) >= MIN_RIVAL_WORDS and looks_like_title(line.text)
    return False


def is_date_line(text: str) -> bool:
    """A complete date and a few words besides weekday and time: a date line in any form ("Politik, 4. Mai 2022")."""
    found = find_date(text)
    rest = f"{text[: found[1]]} {text[found[2] :]}" if found else ""
    return found is not None and len(DATE_FURNITURE.sub(" ", rest).split()) <= MAX_DATE_LINE_WORDS


def is_paragraph(text: str) -> bool:
    """A paragraph of the article: at least MIN_PARAGRAPH_WORDS words, and no headline."""
    return len(text.split()) >= MIN_PARAGRAPH_WORDS and not looks_like_title(text)


def opens_article(lines, index: int) -> bool:
    """The line at `index` is followed, in another block, by bylines or date lines and the first paragraph.

    Within TITLE_LOOKAHEAD lines the article begins: a paragraph, with nothing but bylines and date
    lines before it, or bylines and date lines up to a line that is no headline either.  A menu, a
    list of teasers or a site's furniture goes on with more short lines.  Below other lines, a byline
    or a date line must come first: what stands right above a paragraph there is as often a label, a
    caption or a button ("Photo of the day", "About us").
    """
    following = lines[index + 1 : index + 1 + TITLE_LOOKAHEAD]
    if not following or following[0].block == lines[index].block:
        return False
    header = False
    for line in following:
        if is_paragraph(line.text):
            return header or index == 0
        if not (is_header_line(line.text) or is_date_line(line.text)):
            return header and not looks_like_title(line.text)
        header = True
    return header


def _add_authors(doc: Document, names: list[str]) -> None:
    authors = doc.metadata.setdefault("authors", [])
    known = set(authors)
    for name in names:
        if name not in known:
            known.add(name)
            authors.append(name)


def byline_rest_names(rest: str) -> list[str]:
    """The names of a byline after its prefix; none when the rest has too many other words or goes on as a sentence."""
    names = byline_names(rest)
    other_words = len(rest.split()) - sum(len(name.split()) for name in names)
    if not names or other_words > MAX_BYLINE_EXTRA_WORDS or goes_on_after(rest, names[-1]):
        return []
    return names


def goes_on_after(text: str, name: str) -> bool:
    """After the name the line goes on as a sentence: several lower-case words and a full stop.

    >>> goes_on_after("Thomas Hale in 1811, the letters describe the siege.", "Thomas Hale")
    True
    >>> goes_on_after("Ana Lima, staff writer.", "Ana Lima"), goes_on_after("Ana Lima, in Kyiv", "Ana Lima")
    (False, False)
    """
    tail = text[text.rindex(name) + len(name) :]
    return ends_full_stop(tail) and len(LOWER_WORD.findall(tail)) >= SENTENCE_TAIL_WORDS


def inside_article(lines, first: int, last: int) -> bool:
    """Lines first..last end a sentence and stand between two sentences, more than HEADER_LINES lines from an edge."""
    return (
        first >= HEADER_LINES
        and last < len(lines) - HEADER_LINES
        and ends_full_stop(lines[last].text)
        and reads_as_sentence(lines[first - 1].text)
        and reads_as_sentence(lines[last + 1].text)
    )


def find_bylines(doc: Document) -> Document:
    """The first 'By A and B' / 'von A, B' / 'Author: A' line: names to `authors`, a date to `date`, line removed.

    A line holding only the prefix ('By', 'Autor:') followed by a line of names counts too.  Later
    bylines are removed as well (repeats, or teasers of other articles) but give no authors: left in
    place, the first of them would be taken for the article's byline when the text is cleaned again.
    A sentence is no byline: one that goes on after the names ('Written by Thomas Hale in 1811, the
    letters describe …'), or one inside the article, between two of its sentences ('Written by Thomas Hale.').
    """
    drop: set[int] = set()
    lines = doc.lines
    authors: list[str] = []
    for index, line in enumerate(lines):
        prefix = BYLINE_PREFIX.match(line.text)
        if prefix is None or len(line.text) > MAX_META_LINE or index in drop:
            continue
        rest = line.text[prefix.end() :]
        consumed = [index]
        if not rest.strip() and index + 1 < len(lines) and len(lines[index + 1].text) <= MAX_META_LINE:
            rest = lines[index + 1].text
            consumed.append(index + 1)
        names = byline_rest_names(rest)
        if not names or inside_article(lines, index, consumed[-1]):
            continue
        if not authors:
            authors = names
            language = BYLINE_LANGUAGE.get(prefix.group().split()[0].lower(), "en")
            dated = find_date(rest, language)
            if dated and not UPDATE_WORD.search(rest[: dated[1]]):  # 'By A | Updated DATE': not the publication
                doc.metadata.setdefault("date", dated[0])
        drop.update(consumed)
    _add_authors(doc, authors)
    doc.drop(drop, "metadata.byline")
    return doc


SOURCE_LINE = re.compile(r"(?:source|sources|quelle|quellen|fuente|fuentes)\s*:\s*(?P<publisher>.+?)\.?", re.IGNORECASE)
PICTURE_WORDS = re.compile(r"\b(?:images?|photos?|fotos?|bild|bilder|pictures?|illustrations?)\b", re.IGNORECASE)


def publisher_in(text: str) -> str | None:
    """A publisher's name: 1-6 words, no sentence, not a link or a picture credit; short lower-case agencies allowed."""
    words = text.split()
    if not 1 <= len(words) <= 6 or "://" in text or "www." in text or PICTURE_WORDS.search(text):
        return None
    if not (text[0].isupper() or text[0].isdigit() or (len(words) == 1 and len(text) <= 5 and text.isalpha())):
        return None
    return text


def find_source_lines(doc: Document) -> Document:
    """'Source: X' / 'Quelle: X' / 'Fuente: X' near the top, the end or a byline: X becomes the publisher.

    Near means among the first or last HEADER_LINES lines, not counting the source lines
    themselves: a run of them is removed whole, not a few more at every cleaning.  A source
    line inside the article credits a chart or a quote, not the page, and stays.
    """
    found = {}
    for index, line in enumerate(doc.lines):
        match = SOURCE_LINE.fullmatch(line.text) if len(line.text) <= MAX_META_LINE else None
        if match and (publisher := publisher_in(match["publisher"].strip())):
            found[index] = publisher
    byline_numbers = {entry["line"] for entry in doc.removed if entry["rule"] == "metadata.byline"}
    others = len(doc.lines) - len(found)
    drop = []
    for rank, (index, publisher) in enumerate(found.items()):
        before = index - rank
        in_frame = before < HEADER_LINES or others - before < HEADER_LINES
        number = doc.lines[index].number
        if in_frame or any(number + offset in byline_numbers for offset in range(-2, 3)):
            doc.metadata.setdefault("publisher", publisher)
            drop.append(index)
    doc.drop(drop, "metadata.source_line")
    return doc


def find_datelines(doc: Document) -> Document:
    """'Published …' / 'Updated …' lines, and a date line near the top (`bare_date`): the date to `date`.

    A 'Published' date wins over a date standing alone, which wins over an 'Updated' date; a
    'Posted on DATE by NAME' or 'DATE by NAME' line also gives the authors when no byline did.
    """
    drop = []
    published, bare, updated = [], [], []
    for index, line in enumerate(doc.lines):
        if len(line.text) > MAX_META_LINE:
            continue
        keyword = DATELINE.fullmatch(line.text)
        if keyword:
            kind = keyword["kind"].lower()
            found = find_date(keyword["rest"], KEYWORD_LANGUAGE.get(kind, "en"))
            if found is None or not is_dateline_rest(keyword["rest"], found):
                continue
            (updated if any(word in kind for word in UPDATE_WORDS) else published).append(found[0])
            undated = keyword["rest"][: found[1]] + " " + keyword["rest"][found[2] :]
        elif index - len(drop) < HEADER_LINES and (date_alone := bare_date(line.text)):  # lines kept before it
            bare.append(date_alone)
            undated = line.text
        else:
            continue
        by = BY_IN_LINE.search(undated)
        if by and not doc.metadata.get("authors"):
            _add_authors(doc, byline_names(by[1]))
        drop.append(index)
    chosen = (published or bare or updated or [None])[0]
    if chosen:
        doc.metadata.setdefault("date", chosen)
    doc.drop(drop, "metadata.dateline")
    return doc


# After the name at the start of a bio: an optional aside, then a verb ("Jane Doe (@jd) is a reporter").
BIO_START = re.compile(
    r"(?:,[^,.]{1,40},|\s\([^)]{1,40}\))?\s(?:is|was|has|writes|covers|ist|war|schreibt|est|était|écrit|es|fue|escribe)\s"
)


NAME_THEN_VERB = re.compile(r"(?:[A-ZÀ-Ý][\w'’.-]+ ){0,3}[A-ZÀ-Ý][\w'’.-]+" + BIO_START.pattern)


def find_bios_below_headings(doc: Document) -> Document:
    """The paragraph right below an 'About the author' heading that opens with a name and a verb is the bio."""
    headings = {entry["line"] for entry in doc.removed if entry["rule"] == "author_box.about_author"}
    if not headings:
        return doc
    above, _ = doc.lines_around()
    drop = [
        index
        for index, line in enumerate(doc.lines)
        if above.get(line.number) in headings
        and NAME_THEN_VERB.match(line.text)
        and len(line.text.split()) <= MAX_BIO_WORDS
    ]
    doc.drop(drop, "author_box.bio_below_heading")
    return doc


def find_author_boxes(doc: Document) -> Document:
    """A name line followed by a bio that starts with that name and a verb ('Jane Doe is …'): an author box.

    A name at the top of a text without a headline is the headline of a page about that person
    ('Ada Lovelace' / 'Ada Lovelace was a mathematician …'), not a box.  Removing one box can
    bring a name next to another bio (a box shown twice, boxes nested): one pass keeps a stack
    of the lines not yet removed, so a bio also closes a box whose name is above the boxes just
    removed (a bio is never a name: the two never overlap).  Authors are added innermost box
    first, as repeated passes would find them; one pass over the cleaned text then finds nothing more.
    """
    lines = doc.lines
    first_name = 0 if doc.metadata.get("title") else 1
    stack: list[tuple[int, int]] = []  # kept lines: (position, depth of the deepest box removed right below it)
    boxes: list[tuple[int, int, int]] = []  # (depth, name position, bio position); depth 1: no box inside
    for index, line in enumerate(lines):
        if stack and stack[-1][0] >= first_name and is_box(lines[stack[-1][0]].text, line.text):
            name_position, inside = stack.pop()
            boxes.append((inside + 1, name_position, index))
            if stack:
                stack[-1] = (stack[-1][0], max(stack[-1][1], inside + 1))
        else:
            stack.append((index, 0))
    if boxes:
        _add_authors(doc, [lines[position].text for _, position, _ in sorted(boxes)])
    doc.drop([index for _, name, bio in boxes for index in (name, bio)], "author_box.name_and_bio")
    return doc


def is_box(name: str, bio: str) -> bool:
    """A name line and the bio below it that starts with that name and a verb."""
    return (
        len(name) <= MAX_NAME_CHARS
        and bio.startswith(name)
        and BIO_START.match(bio[len(name) :]) is not None
        and len(bio.split()) <= MAX_BIO_WORDS
        and is_name(name)
    )


def clean_authors(names: list[str]) -> list[str]:
    """Authors from page metadata: prefixes and trailers removed, only names that look like persons kept."""
    cleaned: list[str] = []
    for text in names:
        prefix = BYLINE_PREFIX.match(text)
        for name in byline_names(text[prefix.end() :] if prefix else text):
            if name not in cleaned:
                cleaned.append(name)
    return cleaned


def clean_date(text: str | None) -> str | None:
    """An ISO 8601 date (YYYY-MM-DD) from page metadata, or None when it is not one.

    January 1st is dropped too: it is what htmldate returns when it found only a year (a copyright line).
    """
    try:
        parsed = date.fromisoformat((text or "")[:10])
    except ValueError:
        return None
    return None if (parsed.month, parsed.day) == (1, 1) else parsed.isoformat()
