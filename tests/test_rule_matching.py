"""The rule engine's shortcuts (one expression per rule, literal prefilter, remembered verdicts)
give the verdicts of the plain definition: the first whole-line rule matching all of the line,
else the `contains` rule found leftmost in it, every rule matched with IGNORECASE."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.boilerplate import ASCII_FOLD, MAX_RULE_LINE_CHARS, literal_index, load_rules, required_literals


def reference_verdict(rules, text: str):
    """The definition, written as two alternations of all rules (slow, simple)."""
    if len(text) > MAX_RULE_LINE_CHARS:
        return None
    for contains, find in ((False, "fullmatch"), (True, "search")):
        indexed = [(index, rule) for index, rule in enumerate(rules.rules) if rule.contains == contains]
        if not indexed:
            continue
        alternation = re.compile("|".join(f"(?P<r{index}>{rule.pattern})" for index, rule in indexed), re.IGNORECASE)
        found = getattr(alternation, find)(text.rstrip(" :|") if find == "fullmatch" else text)
        if found:
            return rules.rules[int(found.lastgroup[1:])]
    return None


LINES = [
    "We use cookies to give you the best experience on our site.",
    "This website uses cookies. By continuing to use this website you agree.",
    "Diese Website verwendet Cookies, um die Nutzung zu analysieren.",
    "Sign up for our free weekly newsletter",
    "Subscribe to our newsletter and never miss a story from the valley",
    "This post contains affiliate links; we may earn a small commission.",
    "Please disable your ad blocker to keep reading",
    "Photo: Marta Kowalczyk / Reuters",
    "© 2021 Regional Gazette. All rights reserved.",
    "Share on Facebook",
    "Read more",
    "Leave a comment",
    "Powered by a small content system",
    "The mayor said the bridge would reopen in spring after the repairs to its eastern pillar are finished.",
    "Die Brücke soll im Frühjahr wieder öffnen, sagte die Bürgermeisterin am Dienstag.",
    "Les commerçants du marché couvert ont retrouvé leurs étals après deux ans de travaux.",
]


def variants(line: str) -> list[str]:
    """The line, in upper case, and with the non-ASCII characters IGNORECASE equates with s, k and i."""
    return [
        line,
        line.upper(),
        line.replace("s", "\u017f"),
        line.replace("k", "\u212a").replace("K", "\u212a"),
        line.replace("i", "\u0131"),
        line.replace("I", "\u0130").replace("i", "\u0130"),
    ]


def test_verdicts_are_those_of_one_alternation_of_all_rules():
    rules = replace(load_rules(), verdicts={})
    checked = matched = 0
    for line in LINES:
        for text in variants(line):
            expected = reference_verdict(rules, text)
            assert rules.match(text) == expected, text
            assert rules.match(text) == expected, text  # remembered
            checked += 1
            matched += expected is not None
    assert matched > checked // 3  # the lines do exercise the rules


# Pieces of furniture phrases and of prose: a line made of a few of them may or may not match a rule.
PIECES = [
    "Read more",
    "Share on",
    "Facebook",
    "Photo: Ana Ruiz",
    "/ Reuters",
    "© 2023",
    "we use cookies",
    "sign up for our",
    "newsletter",
    "3 comments",
    "Home »",
    "the news",
    "ad",
    "Tags:",
    "page 2 of 9",
    "powered by",
    "all rights reserved",
    "x",
    "ok",
    "Kommentare",
    "we earn a commission",
    ".",
    "|",
    "Sie",
]


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map(" ".join))
def test_verdicts_on_lines_made_of_furniture_pieces(text):
    rules = replace(load_rules(), verdicts={})
    assert rules.match(text) == reference_verdict(rules, text), text

def test_a_long_s_still_finds_a_contains_rule(tmp_path):
    extra = tmp_path / "extra.toml"
    extra.write_text('[promo]\nrules = [{ id = "deal", scope = "line", contains = true, pattern = "\\\\bbest deals\\\\b" }]\n')
    rules = replace(load_rules((str(extra),)), verdicts={})
    assert rules.match("Our be\u017ft deals of the week, every Friday").id == "promo.deal"
    assert getattr(rules.match("The best dealers in town closed early on Friday"), "id", None) != "promo.deal"


def test_required_literals():
    assert required_literals(r"\b(we|this (web)?site) uses? cookies") == (" cookies",)
    assert required_literals(r"(sign up|subscribe) to (our|the) newsletter") == (" newsletter",)
    assert set(required_literals(r"(photo|image)s?\s*:")) == {"photo", "image"}
    assert required_literals(r"(Download|GET) the app") == (" the app",)
    assert required_literals(r"(ab|xy)+ and more") == (" and more",)
    assert required_literals(r"(ab|xy)+c") == ()  # too short to be worth a scan
    assert required_literals(r".{0,40}\d{4}") == ()  # nothing literal
    assert required_literals(r"(photo|\w+) credit") == (" credit",)
    assert required_literals(r"(photo|\w+)") == ()  # one branch requires nothing
    assert required_literals(r"(?:crédit|credit) photo") == (" photo",)  # é breaks the literal run
    assert required_literals(r"©|copyright \d{4}") == ("©", "copyright ")  # © has no case: only © matches it
    assert required_literals(r"[\s(](ap|afp)\s*/\s*\w+") == ("/",)  # a symbol is rarer than two letters
    assert required_literals(r"\s(ap|afp)\s") == ()


def test_ignorecase_equates_a_character_without_case_only_with_itself():
    everything = "".join(map(chr, range(0x110000)))
    for char in "©€→/中":
        assert char.lower() == char == char.upper()
        assert set(re.findall(re.escape(char), everything, re.IGNORECASE)) == {char}


def test_ascii_fold_covers_every_character_ignorecase_equates_with_ascii():
    everything = "".join(map(chr, range(0x80, 0x110000)))
    for code in range(128):
        char = chr(code)
        equal = set(re.findall(re.escape(char), everything, re.IGNORECASE))
        folded_to = {other for other in equal if other.translate(ASCII_FOLD) == char.lower()}
        assert equal == folded_to, char


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(
    st.lists(st.sets(st.text("abc .", min_size=1, max_size=4), max_size=3).map(tuple), min_size=1, max_size=6),
    st.text("abc .(", max_size=30),
)
def test_a_rule_is_tried_on_the_texts_holding_one_of_its_literals(required, text):
    scan, requiring = literal_index(required)
    tried = set().union(*(requiring[held] for held in scan.findall(text))) if scan else set()
    assert tried == {position for position, found in enumerate(required) if any(literal in text for literal in found)}


def test_a_rule_is_not_tried_on_a_text_without_its_literals():
    scan, requiring = literal_index([("cookies", "privacy"), ("comment",), ()])
    assert [requiring[held] for held in scan.findall("Leave a comment")] == [{1}]
    assert scan.findall("We use cookies") == ["cookies"] and requiring["cookies"] == {0}
