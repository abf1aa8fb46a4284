"""Encoding repair: the fast pre-check never keeps ftfy from a line it would change, and repairs are right.

The reference for "would change" is ftfy itself: `ftfy.fix_and_explain(line, FTFY_CONFIG)`
on every line.  Samples: /work/shared/mojibake (ftfy's own test cases) and dev-set
lines turned into mojibake with the codecs ftfy knows.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # registers sloppy-windows-*
import pytest
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.encoding import (
    FTFY_CONFIG,
    MOJIBAKE_HINT,
    MOJIBAKE_PAIR,
    decode_bytes,
    needs_ftfy,
    normalize_whitespace,
    repair_text,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
MOJIBAKE_DIR = SHARED / "mojibake"


def cases(name: str) -> list[dict]:
    return json.loads((MOJIBAKE_DIR / f"{name}.json").read_text(encoding="utf-8"))


def ftfy_every_line(text: str) -> str:
    """What repair_text must produce: ftfy on every line, no pre-check."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(ftfy.fix_and_explain(line, FTFY_CONFIG).text for line in text.split("\n"))


def category_chars(*names: str) -> set[str]:
    chars: set[str] = set()
    for name in names:
        spec = MOJIBAKE_CATEGORIES[name]
        for first, last in re.findall(r"(.)-(.)", spec):
            chars.update(chr(code) for code in range(ord(first), ord(last) + 1))
        chars.update(re.sub(r".-.", "", spec))
    return chars


ALL_CATEGORY_CHARS = category_chars(*MOJIBAKE_CATEGORIES)
HINT = re.compile(MOJIBAKE_HINT)
NOT_HINT = sorted(ch for ch in ALL_CATEGORY_CHARS if not HINT.match(ch))


def repaired_as_expected(case: dict) -> bool:
    """The pipeline's repair of a case equals `fixed-encoding`, or `fixed` once quotes are straightened
    (ftfy's default `fixed` straightens curly quotes, which the pipeline keeps)."""
    repaired = normalize_whitespace(repair_text(case["original"])[0])
    if "fixed-encoding" in case and repaired == normalize_whitespace(case["fixed-encoding"]):
        return True
    return ftfy.fixes.uncurl_quotes(repaired) == normalize_whitespace(case["fixed"])


@pytest.mark.parametrize("name", ["in-the-wild", "synthetic"])
def test_every_damaged_case_reaches_ftfy_and_is_repaired(name):
    damaged = [case for case in cases(name) if case["fixed"] != ftfy.fixes.uncurl_quotes(case["original"])]
    assert len(damaged) >= 18  # 70 of 70 in the wild; 18 of 30 synthetic (the others are negative cases)
    for case in damaged:
        assert needs_ftfy(case["original"]), case["label"]
    for case in cases(name):
        assert repaired_as_expected(case), case["label"]


def test_negative_cases_come_out_unchanged_apart_from_normalisation():
    for case in cases("negative"):
        original = case["original"]
        assert repaired_as_expected(case), case["label"]
        if case["fixed"] == original:
            assert normalize_whitespace(repair_text(original)[0]) == normalize_whitespace(original), case["label"]


def test_repair_reports_what_ftfy_did_and_keeps_curly_quotes():
    text, repairs = repair_text("Plain line.\r\nIt\u00e2\u20ac\u2122s \u201cfine\u201d &amp; done\n")
    assert text == "Plain line.\nIt\u2019s \u201cfine\u201d & done\n"
    # “ and ” do not survive a cp1252 round trip, so ftfy decodes the UTF-8 sequences in place
    assert repairs == ["decode_inconsistent_utf8", "unescape_html"]


def test_clean_text_is_returned_without_calling_ftfy(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("ftfy called on clean text")

    monkeypatch.setattr(ftfy, "fix_and_explain", fail)
    text = "Straße in München \u2013 \u201cein Café\u201d, 20 \u00b0C\n\u65e5\u672c\u8a9e\u306e\u6587\n\u0645\u0631\u062d\u0628\u0627"
    assert repair_text(text) == (text, [])


def test_mojibake_of_real_lines_is_sent_to_ftfy_whenever_ftfy_would_change_it():
    lines = [
        line
        for path in sorted((SHARED / "devset" / "text-blocks").glob("*.txt"))[::3]
        for line in path.read_text(encoding="utf-8").split("\n")
        if not line.isascii()
    ]
    assert len(lines) > 500
    flagged = 0
    for codec in ["sloppy-windows-1252", "latin-1", "sloppy-windows-1251", "macroman", "cp437", "iso-8859-2"]:
        for line in lines:
            try:
                damaged = line.encode("utf-8").decode(codec)
            except UnicodeDecodeError:
                continue
            if needs_ftfy(damaged):
                flagged += 1
            else:
                assert ftfy.fix_and_explain(damaged, FTFY_CONFIG).text == damaged, (codec, damaged)
    assert flagged > len(lines)  # most damaged lines are flagged, not just tolerated


def test_badness_never_matches_without_a_hint_character():
    """Every short string over the non-hint alphabet (plus ASCII stand-ins) is clean to ftfy's detector."""
    alphabet = [*NOT_HINT, "a", "Z", " ", ".", "1"]
    for length in (1, 2, 3):
        for chars in itertools.product(alphabet, repeat=length):
            assert not BADNESS_RE.search("".join(chars)), chars


def test_badness_never_matches_without_a_mojibake_pair():
    """Strings whose non-ASCII characters all stand between ASCII ones (the stand-ins cover every ASCII
    class BADNESS_RE names) match its patterns only where MOJIBAKE_PAIR finds something."""
    singles = sorted(ALL_CATEGORY_CHARS | set(MOJIBAKE_CATEGORIES["c1"]) | set("ÂÃÎÐØÙàâóвВГРСβΒΓΞΟāŒœ√≈‚×°"))
    singles = [ch for ch in singles if not ch.isascii()]
    stand_ins = ["a", "Z", " ", ".", "!", "1", "_", "\t", "#", ""]
    for before, after in itertools.product(stand_ins, repeat=2):
        for middle in singles:
            text = before + middle + after
            assert MOJIBAKE_PAIR.search(text) or not BADNESS_RE.search(text), text
    for first, second in itertools.product(singles, repeat=2):
        for between in stand_ins[:-1]:
            text = first + between + second
            assert MOJIBAKE_PAIR.search(text) or not BADNESS_RE.search(text), text


MOJIBAKE_ALPHABET = st.sampled_from(
    sorted(ALL_CATEGORY_CHARS | set("aeZ .,!?&;#1\t\x1b\x00\x7f\u0301\u2028\ufb01\ufeffÂÃ"))
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(MOJIBAKE_ALPHABET, max_size=12), max_size=4))
def test_repair_equals_ftfy_on_every_line(lines):
    text = "\n".join(lines)
    assert repair_text(text)[0] == ftfy_every_line(text)


WHITESPACE_ALPHABET = st.sampled_from(list(" \t\n\x0b\x0c\x1f\x7f\x85\u2028\xa0\u200b\ufeff\u3000ab\u0301e"))


@settings(max_examples=300, deadline=None)
@given(st.text(WHITESPACE_ALPHABET, max_size=40))
def test_normalised_whitespace_is_stripped_collapsed_and_stable(text):
    normal = normalize_whitespace(text)
    assert normalize_whitespace(normal) == normal
    assert "\n\n\n" not in normal and "  " not in normal and normal == normal.strip()
    assert all(line == line.strip() for line in normal.split("\n"))
    assert not set(normal) & set("\t\x0b\x0c\x1f\x7f\xa0\u200b\ufeff\u3000")


@pytest.mark.parametrize(
    "text, codec, declared",
    [
        ("«Новости» — это „важно“: город открыл новую библиотеку.", "cp1251", "windows-1251"),
        ("„Żółta łódź” — tak nazywa się nowa kawiarnia w Łodzi.", "cp1250", "windows-1250"),
        ("Ελληνικά: «Η βιβλιοθήκη» άνοιξε – επιτέλους.", "cp1253", "windows-1253"),
    ],
)
def test_a_page_in_a_declared_legacy_charset_is_read_in_it_despite_its_quotes(text, codec, declared):
    """Its curly quotes and dashes are bytes that cp1252 reads as quotes too, but the page says what it is."""
    decoded = decode_bytes(text.encode(codec), declared)
    assert decoded.text == text
    assert decoded.encoding == f"{codec} (declared)"


def test_a_page_declaring_latin_1_is_read_as_windows_1252_like_browsers_do():
    text = "Caf\u00e9 \u201cdu coin\u201d \u2013 ouvert le dimanche, 5\u00a0\u20ac le menu."
    decoded = decode_bytes(text.encode("cp1252"), "iso-8859-1")
    assert decoded.text == text
    assert decoded.encoding == "cp1252 (declared)"


def test_a_file_read_as_cp1252_for_its_quotes_says_cp1252_unless_it_also_holds_utf8():
    """encoding.detected names what the bytes were: a wholly cp1252 file is not 'utf-8 with stray bytes'."""
    text = "Microsoft\u2019s \u201cnew\u201d plan \u2013 a caf\u00e9 for 5 \u20ac."
    decoded = decode_bytes(text.encode("cp1252"))
    assert (decoded.text, decoded.encoding, decoded.notes) == (text, "cp1252", [])
    mixed = decode_bytes("Caf\u00e9 \u00fcber alles. ".encode() + text.encode("cp1252") * 3)
    assert mixed.text == "Caf\u00e9 \u00fcber alles. " + text * 3
    assert (mixed.encoding, mixed.notes) == ("utf-8", ["stray non-UTF-8 bytes read as cp1252"])
