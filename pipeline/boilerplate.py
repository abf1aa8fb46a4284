"""Boilerplate removal with rule tables: navigation, error pages, comments, share, credits, ...

Rules live in `rules/boilerplate.toml` (and any user rule files), grouped by family.
Each rule is compiled once; a line is matched whole, or searched for a `contains` rule's phrase.
Then what the removals reveal: an error page's template, a box's own text, a caption shown twice.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from re import _parser  # the parser of the re module: to read the literal text a rule requires
from re._constants import BRANCH, LITERAL, MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT, SUBPATTERN

from .config import ConfigError, load_toml
from .document import Document

SCOPES = {"line", "section", "tail", "zone"}
RULE_KEYS = {"id", "scope", "pattern", "contains", "max_tail_words", "prose_words", "resume", "min_prose_before"}
MAX_RULE_LINE_CHARS = 400  # longer lines are prose, never a furniture line
ERROR_PAGE_PROSE_WORDS = 12  # a line this long ending like a sentence is article text, not an error template
# IGNORECASE matches an ASCII character only with its other case and these four: İ ı K(elvin) ſ (checked
# by a test).  Folding them keeps every character in place.
ASCII_FOLD = str.maketrans(string.ascii_uppercase + "\u0130\u0131\u212a\u017f", string.ascii_lowercase + "iiks")
PREFILTER_CHARS = 3  # a required literal shorter than this (see `rarity`) is in too many lines to spare a search
REMEMBERED_LINES = 100_000  # verdicts kept per process (forgotten all at once beyond this)
# Apart from classifier.ends_sentence, which also takes 。！？ and a closing »: using that one here would
# change which lines stop a section, open a zone or save a page from being an error template.
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")
BOX_RULES = ("newsletter.", "cookie.", "comments.form_text")  # parts of a sign-up or consent box
BOX_TEXT_CHARS = 300  # a box's own text (what the newsletter is about) is shorter than this


@dataclass(frozen=True)
class Rule:
    id: str  # "family.rule"
    family: str
    scope: str
    pattern: str
    max_tail_words: int = 80
    prose_words: int = 12
    resume: tuple[str, ...] = ()
    min_prose_before: int = 3
    contains: bool = False  # found anywhere in the line instead of matching all of it


@dataclass(frozen=True)
class RuleSet:
    """Rules compiled one expression each: whole-line rules (fullmatch) and `contains` rules (search).

    A line's verdict is the first whole-line rule matching all of it, else the `contains` rule
    found leftmost in it (the first such rule on a tie): what one alternation of the rules would
    find, but separate expressions are tried much faster than one alternation.  Most rules
    require one of a few literal texts (words of the phrases they describe): one scan finds the
    literals a line holds, and only the rules requiring none or one of those are tried.  Lines
    repeat (menus, footers across a site's pages), so verdicts are remembered by line text.
    """

    rules: tuple[Rule, ...]
    compiled: tuple[tuple[re.Pattern, Rule], ...]  # the whole-line rules, then the `contains` rules
    whole_lines: int  # how many of `compiled` are whole-line rules
    always: frozenset[int] = frozenset()  # positions in `compiled` of the rules requiring no literal
    literals: re.Pattern | None = None  # finds the literals (lower case) the other rules require ...
    requiring: dict = field(default_factory=dict)  # ... and, for each, the positions of the rules it stands for
    verdicts: dict = field(default_factory=dict, compare=False, repr=False)

    def match(self, text: str) -> Rule | None:
        """The first whole-line rule matching the line, else the first `contains` rule found in it."""
        try:
            return self.verdicts[text]
        except KeyError:
            pass
        if len(self.verdicts) >= REMEMBERED_LINES:
            self.verdicts.clear()
        rule = self.verdicts[text] = self._match(text)
        return rule

    def _match(self, text: str) -> Rule | None:
        if len(text) > MAX_RULE_LINE_CHARS:
            return None
        held = self.literals.findall(text.translate(ASCII_FOLD)) if self.literals is not None else ()
        stripped = text.rstrip(" :|")
        best, best_start = None, len(text) + 1
        for position in sorted(self.always.union(*map(self.requiring.__getitem__, held))):
            pattern, rule = self.compiled[position]
            if position < self.whole_lines:
                if pattern.fullmatch(stripped):
                    return rule
                continue
            found = pattern.search(text)
            if found is not None and found.start() < best_start:
                best, best_start = rule, found.start()
                if best_start == 0:  # no later rule can be found further left
                    break
        return best


def _read_rules(data: dict, origin: str) -> list[Rule]:
    rules = []
    for family, table in data.items():
        if not isinstance(table, dict) or not isinstance(table.get("rules"), list):
            raise ConfigError(f"{origin}: [{family}] needs a `rules` list")
        rules.extend(_read_rule(entry, family, origin) for entry in table["rules"])
    return rules


RULE_ID = re.compile(r"[a-z0-9_]+")
BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def _read_rule(entry, family: str, origin: str) -> Rule:
    """One rule table, checked: known keys, a snake_case id, a scope, a plain regex."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{origin}: [{family}] rules must be tables, got {entry!r}")
    rule_id = f"{family}.{entry.get('id')}"
    where = f"{origin}: rule {rule_id}"
    unknown = set(entry) - RULE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]}")
    if not isinstance(entry.get("id"), str) or not RULE_ID.fullmatch(entry["id"]):
        raise ConfigError(f"{where}: id must be a snake_case name")
    if entry.get("scope") not in SCOPES:
        raise ConfigError(f"{where}: scope must be one of {sorted(SCOPES)}")
    pattern = entry.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        raise ConfigError(f"{where}: pattern must be a non-empty string")
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ConfigError(f"{where}: bad regular expression ({error})") from error
    if compiled.groupindex or BACKREFERENCE.search(pattern):
        raise ConfigError(f"{where}: no named groups or backreferences (a rule is a plain pattern)")
    numbers = {key: entry[key] for key in RULE_KEYS - {"id", "scope", "pattern", "resume", "contains"} if key in entry}
    for key, value in numbers.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{where}: {key} must be a whole number >= 0, got {value!r}")
    contains = entry.get("contains", False)
    if not isinstance(contains, bool):
        raise ConfigError(f"{where}: contains must be true or false, got {contains!r}")
    resume = entry.get("resume", [])
    if not isinstance(resume, list) or not all(isinstance(name, str) for name in resume):
        raise ConfigError(f"{where}: resume must be a list of family names")
    return Rule(rule_id, family, entry["scope"], pattern, resume=tuple(resume), contains=contains, **numbers)


@lru_cache(maxsize=8)
def load_rules(extra_files: tuple[str, ...] = (), disable: tuple[str, ...] = ()) -> RuleSet:
    """Built-in rules plus user rule files, minus disabled ids or families; compiled once."""
    builtin = resources.files("pipeline").joinpath("rules/boilerplate.toml").read_text(encoding="utf-8")
    rules = _read_rules(tomllib.loads(builtin), "pipeline/rules/boilerplate.toml")
    for path in extra_files:
        rules.extend(_read_rules(load_toml(path, "rules file"), path))
    rules = [rule for rule in rules if rule.id not in disable and rule.family not in disable]

    ordered = [rule for rule in rules if not rule.contains] + [rule for rule in rules if rule.contains]
    required = [required_literals(rule.pattern) for rule in ordered]
    return RuleSet(
        tuple(rules),
        tuple((re.compile(rule.pattern, re.IGNORECASE), rule) for rule in ordered),
        sum(not rule.contains for rule in rules),
        frozenset(position for position, found in enumerate(required) if not found),
        *literal_index(required),
    )


def literal_index(required: list[tuple[str, ...]]) -> tuple[re.Pattern | None, dict[str, frozenset[int]]]:
    """A scan finding the literals a text holds, and for each literal it finds, the positions i in
    `required` whose literals the text then holds: exactly those i with one of required[i] in the text.

    At each position the scan finds the longest literal starting there (a trie, greedy), which
    stands for the literals it begins with too.
    """
    literals = {literal for found in required for literal in found}
    requiring = {
        held: frozenset(position for position, found in enumerate(required) if held.startswith(found))
        for held in literals
    }
    return (re.compile(f"(?=({trie_pattern(literals)}))") if literals else None), requiring


def trie_pattern(literals: set[str]) -> str:
    """An expression matching any of the literals, the longest one where several begin at one place.

    One branch per first character, each followed by the rest of its literals: the re module
    tries one branch at a position instead of all of them.

    >>> trie_pattern({"cookies", "comment", "comments", "inbox"})
    '(?:co(?:mment(?:s)?|okies)|inbox)'
    """
    rests: dict[str, set[str]] = {}
    for literal in sorted(literals):
        if literal:
            rests.setdefault(literal[0], set()).add(literal[1:])
    if not rests:
        return ""
    branches = [re.escape(first) + trie_pattern(rest) for first, rest in rests.items()]
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in literals else body


def required_literals(pattern: str) -> tuple[str, ...]:
    """Lower-case texts of which every match of the pattern holds one (none when not known or too common).

    Under IGNORECASE a line can match an ASCII literal only where the line folded with
    ASCII_FOLD holds the literal in lower case, and a character without case (©, €) only
    where the line holds it: a line without any of the texts needs no search.
    """
    found = _required(_parser.parse(pattern, re.IGNORECASE))
    return found if found and min(map(rarity, found)) >= PREFILTER_CHARS else ()


def rarity(literal: str) -> int:
    """How seldom a literal is in a line, as a length: a symbol counts PREFILTER_CHARS ('/' is rarer than 'ap')."""
    return sum(1 if char.isalnum() or char.isspace() else PREFILTER_CHARS for char in literal)


def _required(parsed) -> tuple[str, ...] | None:
    """What every match of a parsed sequence holds: a run of literal characters (ASCII or without case),
    or what an alternation (each branch), a group or a repeat done at least once requires; the rarest."""
    options: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, argument in parsed:
        if op is LITERAL and (argument < 128 or chr(argument).lower() == chr(argument) == chr(argument).upper()):
            run.append(chr(argument).lower())
            continue
        if run:
            options.append(("".join(run),))
            run = []
        found = None
        if op is SUBPATTERN:
            found = _required(argument[-1])
        elif op is BRANCH:
            branches = [_required(branch) for branch in argument[1]]
            if all(branches):
                found = tuple(literal for branch in branches for literal in branch)
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT) and argument[0] >= 1:
            found = _required(argument[2])
        if found:
            options.append(found)
    if run:
        options.append(("".join(run),))
    return max(options, key=lambda literals: min(map(rarity, literals)), default=None)


def word_count(text: str) -> int:
    return len(text.split())


def reads_as_prose(text: str, min_words: int) -> bool:
    """A line long enough and ending like a sentence."""
    return word_count(text) >= min_words and SENTENCE_END.search(text) is not None


def prose_reached(lines, prose_words: int, needed: int) -> int:
    """The position just after the `needed`-th line that reads as prose (past the end when there are fewer).

    A zone header at a position before this one is above the article and opens no zone.
    """
    count = 0
    for position, line in enumerate(lines):
        if count >= needed:
            return position
        count += reads_as_prose(line.text, prose_words)
    return len(lines) if count >= needed else len(lines) + 1


def words_from(lines, start: int, limit: int) -> int:
    """Words in lines[start:], counted no further than limit + 1 (linear time overall, even for huge documents)."""
    total = 0
    for position in range(start, len(lines)):
        total += word_count(lines[position].text)
        if total > limit:
            break
    return total


def apply_rules(doc: Document, rules: RuleSet) -> Document:
    """Remove furniture lines, sections, tails and zones that the rule table recognises."""
    lines = doc.lines
    marks: dict[int, str] = {}
    reached = lru_cache(maxsize=None)(lambda words, needed: prose_reached(lines, words, needed))  # once per document
    index = 0
    while index < len(lines):
        rule = rules.match(lines[index].text)
        if rule is None:
            index += 1
            continue
        marks[index] = rule.id
        end = index + 1
        if rule.scope == "section":
            while end < len(lines) and end - index <= 30 and rules.match(lines[end].text) is None:
                if reads_as_prose(lines[end].text, rule.prose_words):
                    break
                marks[end] = rule.id
                end += 1
        elif rule.scope == "tail":
            if words_from(lines, end, rule.max_tail_words) <= rule.max_tail_words:
                for later in range(end, len(lines)):
                    marks[later] = rule.id
                end = len(lines)
        elif rule.scope == "zone" and index >= reached(rule.prose_words, rule.min_prose_before):
            while end < len(lines):
                later_rule = rules.match(lines[end].text)
                if later_rule is not None and later_rule.family in rule.resume:
                    break
                marks[end] = later_rule.id if later_rule else rule.id
                end += 1
        index = end
    doc.drop_marked(marks)
    return doc


def drop_error_template(doc: Document) -> Document:
    """A page where an error-page rule fired and no prose is left is only an error template: drop the rest."""
    if any(entry["rule"].startswith("error_page.") for entry in doc.removed) and not any(
        reads_as_prose(line.text, ERROR_PAGE_PROSE_WORDS) for line in doc.lines
    ):
        doc.drop(range(len(doc.lines)), "error_page.template")
    return doc


def drop_box_text(doc: Document) -> Document:
    """A short line right between two removed lines of a box is the box's own text.

    Newsletter or consent box: its heading above, its form field, consent or button below
    ("Daily news about ..."). Teaser of another article: a removed line above (its byline,
    a related heading) and its "Read more" link below.
    """
    removed = {entry["line"]: entry["rule"] for entry in doc.removed}
    box_lines = {number for number, rule in removed.items() if rule.startswith(BOX_RULES)}
    teaser_ends = {number for number, rule in removed.items() if rule == "navigation.read_more"}
    if len(box_lines) < 2 and not teaser_ends:
        return doc
    line_above, line_below = doc.lines_around()
    marks = {}
    for index, line in enumerate(doc.lines):
        above, below = line_above.get(line.number), line_below.get(line.number)
        if len(line.text) > BOX_TEXT_CHARS or above not in removed:
            continue
        if above in box_lines and below in box_lines:
            marks[index] = removed[above].split(".")[0] + ".box_text"
        elif below in teaser_ends:
            marks[index] = "related.teaser_text"
    doc.drop_marked(marks)
    return doc


def drop_caption_repeats(doc: Document) -> Document:
    """A short line repeated as the start of the next line is a caption shown twice (image alt + caption).

    Only fires when the longer line was already removed as a credit, or is itself
    the short line plus a credit-like tail with no sentence in it.
    """
    credit_lines = {entry["line"] for entry in doc.removed if entry["rule"].startswith("credits.")}
    removed_texts = {entry["line"]: entry["text"] for entry in doc.removed}
    drop = set()
    for index, line in enumerate(doc.lines):
        following = removed_texts.get(line.number + 1)
        if following and line.number + 1 in credit_lines and following.startswith(line.text) and following != line.text:
            drop.add(index)
    doc.drop(drop, "credits.caption_repeat")
    return doc
