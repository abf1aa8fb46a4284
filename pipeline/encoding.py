"""Bytes to clean Unicode: decoding, mojibake repair and whitespace normalisation.

Decoding tries a BOM, then strict UTF-8, then UTF-8 with stray non-UTF-8 bytes
read as cp1252 (a mostly-UTF-8 file with a few bad bytes), and only then
charset-normalizer.  Repair runs ftfy on the lines a fast pre-check flags as
possibly damaged; every other line only gets the cheap built-in normalisation.

>>> repair_text("It\u00e2\u20ac\u2122s fine")[0]
'It’s fine'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import charset_normalizer
import ftfy
from charset_normalizer.md import mess_ratio
from ftfy import chardata
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES
from ftfy.chardata import HTML_ENTITY_RE

from .classifier import reads_as_code

FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # curly quotes are correct text, not damage
    fix_character_width=False,  # full-width CJK punctuation is correct text
    explain=True,
)

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# UTF-16/32 are recognised above (BOM or NUL pattern); detection must not guess them for 8-bit text.
WIDE_ENCODINGS = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"]

# Most common legacy encodings on the web first: they win ties in detection.
WEB_ENCODING_RANK = {name: rank for rank, name in enumerate(
    ["cp1252", "latin_1", "iso8859_15", "cp1251", "cp1250", "gb18030", "shift_jis", "euc_kr", "big5", "koi8_r"]
)}

WEB_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}  # what browsers read a page declaring these as (WHATWG)

MAX_MESS = 0.2  # charset-normalizer's own default: a decoding messier than this is rejected
MIN_UTF16_NULS = 2  # one NUL is a stray byte in a short text, not its spaces in UTF-16

CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])  # all C0 controls but \t \n \v \f \r

BINARY_SIGNATURES = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x7fELF",
    b"\x1f\x8b", b"BZh", b"\x28\xb5\x2f\xfd", b"RIFF", b"OggS", b"ID3",
)

# The pre-check.  ftfy (with FTFY_CONFIG) can change a text only if one of its fixes
# has something to act on, so a text with none of these triggers is left as it is:
#   mojibake repair   -> ftfy's own detector BADNESS_RE (every encoding fix is gated by it)
#   HTML entities     -> ftfy's own entity pattern HTML_ENTITY_RE ('&amp;', '&#39;'; not a lone '&')
#   C0/C1 controls, terminal escapes, bidi controls, BOM, ligatures, line separators,
#   surrogates        -> the characters those fixes replace (from ftfy's own tables)
#   NFC normalisation -> text that is not NFC
# BADNESS_RE is slow, so it only runs on lines holding a MOJIBAKE_HINT: every one of
# its patterns needs at least one of these characters (accented Latin letters,
# currency, numeric and box symbols, a few Greek and Cyrillic capitals, never the
# typographic quotes and dashes of ordinary English text; tests/test_encoding.py checks this).
# And on a hint line it only runs where MOJIBAKE_PAIR finds something: every pattern of
# BADNESS_RE needs two non-ASCII characters side by side, except a lone C1 control, 'Ã' or
# 'Â' before a space, and 'œ' before a non-letter (tests/test_encoding.py checks this too).
_FTFY_CHARS = sorted(
    {*chardata.CONTROL_CHARS, *chardata.LIGATURES, *range(0x80, 0xA0), 0x1B, 0x2028, 0x2029, *range(0xD800, 0xE000)}
)
_FTFY_CLASS = "[" + "".join(re.escape(chr(code)) for code in _FTFY_CHARS) + "]"
FTFY_TRIGGER = re.compile(f"{HTML_ENTITY_RE.pattern}|{_FTFY_CLASS}")
MOJIBAKE_HINT = "[{c1}{bad}{law}{currency}{numeric}{upper_accented}{lower_accented}{box}ÙóвВГРСβΒΓΞΟ]".format(
    **MOJIBAKE_CATEGORIES
)
MOJIBAKE = re.compile(BADNESS_RE.pattern, BADNESS_RE.flags)
MOJIBAKE_PAIR = re.compile(r"[^\x00-\x7f]{2}|[\x80-\x9f]|[ÃÂ] |[Œœ][^A-Za-z]")
SUSPECT = re.compile(f"&|{_FTFY_CLASS}|{MOJIBAKE_HINT}")  # one character class: a fast scan
SUSPECT_IF_NOT_NFC = re.compile(r"[^\t\n\x20-\x25\x27-\x7e]")  # any non-ASCII, control or '&'

ODD_SPACE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")  # each becomes a plain space
DROPPED_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2060\ufeff]")  # control and invisible characters
# The same minus ESC, which ftfy needs to remove a whole terminal escape ("\x1b[31m").
STRAY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f\u200b\u2060\ufeff]")
MULTI_SPACE = re.compile("  +")  # not " {2,}": a literal prefix lets the regex engine skip ahead (3x faster)
BLANK_LINES = re.compile("\n\n\n+")
INDENTED_LINE = re.compile(r"^[^\S\n]+\S", re.MULTILINE)  # a line with leading whitespace
NOT_TAB = re.compile("[^\t]")
REMEMBERED_LINES = 1 << 12  # repairs remembered, of lines up to REMEMBERED_LINE_CHARS (bounded memory)
REMEMBERED_LINE_CHARS = 2000


@dataclass
class DecodedText:
    """Text decoded from bytes, with the encoding that was used and how sure we are."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


class UndecodableError(ValueError):
    """Raised for bytes that are not text in any encoding we can recognise."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


def _cp1252_for_stray_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("clean_corpus_cp1252", _cp1252_for_stray_bytes)


def looks_binary(data: bytes) -> bool:
    """True for bytes that start like a known binary format or are more than 1% control bytes.

    A few stray NUL or control bytes in a text file do not make it binary (they are removed later).

    >>> looks_binary(b"<p>text</p>" + bytes(20) + b" more text" * 300), looks_binary(bytes(range(256)) * 4)
    (False, True)
    """
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return data.startswith(BINARY_SIGNATURES) or controls > 0.01 * len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    r"""UTF-16 told by its NUL bytes (the high byte of ASCII characters: at least a few spaces) on one side only.

    >>> _utf16_without_bom("Новый бюджет города".encode("utf-16-le")), _utf16_without_bom(b"some text \x00 here")
    ('utf-16-le', None)
    """
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.1 * half and even_nuls < 0.05 * half and odd_nuls >= MIN_UTF16_NULS:
        return "utf-16-le"
    if even_nuls > 0.1 * half and odd_nuls < 0.05 * half and even_nuls >= MIN_UTF16_NULS:
        return "utf-16-be"
    return None


def _reads_as_text(sample: str) -> bool:
    """At most 5% control, unassigned or replacement characters (line breaks and tabs are text)."""
    odd = sum(ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cn") and ch not in "\t\n\r") for ch in sample)
    return odd <= 0.05 * len(sample)


def decode_bytes(data: bytes, declared: str | None = None) -> DecodedText:
    """Decode bytes: BOM, then UTF-8 (with stray bytes read as cp1252), then a declared charset, then detection.

    Bytes that are not mostly UTF-8 but hold cp1252's quotes, dashes or euro sign are read as cp1252;
    a declared or cp1252 reading that is a mess (a wrong guess) is left for detection.

    >>> decode_bytes("Le café est très chaud, déjà servi.".encode("cp1252")).text
    'Le café est très chaud, déjà servi.'
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            return DecodedText(data.decode(codec, errors="replace"), codec.replace("-sig", "") + " (BOM)")
    utf16 = _utf16_without_bom(data)
    if utf16:
        text = data.decode(utf16, errors="replace")
        if not _reads_as_text(text[:4096]):  # 16-bit binary data has the same NUL pattern
            raise UndecodableError("binary", f"binary content (not text when read as {utf16})")
        return DecodedText(text, utf16)
    if looks_binary(data):
        raise UndecodableError("binary", "binary content (a binary file signature, or more than 1% control bytes)")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    stray = ["stray non-UTF-8 bytes read as cp1252"]
    if _mostly_utf8(data):  # UTF-8 with a few bad bytes
        return DecodedText(data.decode("utf-8", errors="clean_corpus_cp1252"), "utf-8", stray)
    in_declared = None
    if declared:  # a legacy 8-bit page: its own word first, unless that reads as a mess (a wrong declaration)
        try:
            codec = WEB_ALIASES.get(codecs.lookup(declared).name, declared)
            in_declared = DecodedText(data.decode(codec), codecs.lookup(codec).name + " (declared)")
        except (LookupError, UnicodeDecodeError):
            pass
        if in_declared and not _is_mess(in_declared.text):
            return in_declared
    mixed = data.decode("utf-8", errors="clean_corpus_cp1252")
    if any(ord(ch) > 0x7FF for ch in mixed if ch > "\x7f") and not _is_mess(mixed):  # Windows quotes, dashes, €
        # cp1252, the commonest (Cyrillic or Greek in it is a mess); with some UTF-8 in it too, a mixed file
        return DecodedText(mixed, "utf-8", stray) if _UTF8_MULTIBYTE.search(data) else DecodedText(mixed, "cp1252")
    best = _detect(data[:262144])
    if best is None:
        if in_declared:
            return in_declared
        raise UndecodableError("undecodable", "no text encoding fits these bytes")
    return DecodedText(data.decode(best.encoding, errors="replace"), best.encoding + " (detected)")


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_NON_ASCII = re.compile(rb"[\x80-\xff]+")


def _is_mess(text: str) -> bool:
    """True when charset-normalizer's mess measure rejects this reading of the bytes (letters of mixed scripts,
    symbols among letters: how Cyrillic, Greek or Polish look when read as cp1252)."""
    return mess_ratio(text[:65536]) >= MAX_MESS


def _detect(sample: bytes):
    """charset-normalizer's best match; ties go to the encoding most common on the web."""
    matches = list(charset_normalizer.from_bytes(sample, cp_exclusion=WIDE_ENCODINGS))
    if not matches:
        return None
    best = matches[0]
    tied = [m for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence - 0.01]
    return min(tied, key=lambda m: WEB_ENCODING_RANK.get(m.encoding, len(WEB_ENCODING_RANK)))


def _mostly_utf8(data: bytes) -> bool:
    """True when at least two thirds of the non-ASCII bytes form valid UTF-8 sequences.

    Shift_JIS, EUC, GBK and Big5 text holds UTF-8-like byte pairs by chance, but far fewer (under half).
    """
    utf8 = sum(map(len, _UTF8_MULTIBYTE.findall(data)))
    return utf8 > 0 and 3 * utf8 >= 2 * sum(map(len, _NON_ASCII.findall(data)))


def needs_ftfy(line: str) -> bool:
    """Pre-check: can ftfy change this line?  False means it certainly cannot.

    >>> needs_ftfy("plain ‘quoted’ text, Müller and café"), needs_ftfy("donâ€™t"), needs_ftfy("a &amp; b")
    (False, True, True)
    >>> needs_ftfy("Tom & Jerry"), needs_ftfy("Crème brûlée à la carte")  # no entity; accents, but no mojibake pair
    (False, False)
    """
    if SUSPECT.search(line) is None:
        return not line.isascii() and not unicodedata.is_normalized("NFC", line)
    if FTFY_TRIGGER.search(line) or not unicodedata.is_normalized("NFC", line):
        return True
    return MOJIBAKE_PAIR.search(line) is not None and MOJIBAKE.search(line) is not None


def suspect_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of `text` that holds a character the pre-check must look at."""
    pattern = SUSPECT if unicodedata.is_normalized("NFC", text) else SUSPECT_IF_NOT_NFC
    match = pattern.search(text)
    while match:
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.start())
        if end < 0:
            end = len(text)
        yield start, end
        match = pattern.search(text, end)


def _describe(step) -> str:
    if step.action in ("encode", "decode", "transcode"):
        return f"{step.action}:{step.parameter}"
    return step.parameter if step.action == "apply" else step.action


def drop_stray_controls(text: str) -> str:
    r"""Remove control and invisible characters before repair, so that ftfy sees the characters
    that really stand next to each other (removing them afterwards could join a new mojibake pair).

    >>> drop_stray_controls("a\x0cb\u200bc\x1b")
    'abc\x1b'
    """
    return STRAY_CONTROL.sub("", text)


def repair_line(line: str) -> tuple[str, tuple[str, ...]]:
    """ftfy's repair of one line and the repairs made; the line itself when the pre-check says ftfy cannot change it.

    Lines up to REMEMBERED_LINE_CHARS are remembered: a text is repaired twice (see clean.prepare_text)
    and furniture lines repeat across a site's pages.
    """
    return _remembered_repair(line) if len(line) <= REMEMBERED_LINE_CHARS else _repair_line(line)


def _repair_line(line: str) -> tuple[str, tuple[str, ...]]:
    if not needs_ftfy(line):
        return line, ()
    fixed, steps = ftfy.fix_and_explain(line, FTFY_CONFIG)
    return fixed, tuple(_describe(step) for step in steps or ())


_remembered_repair = lru_cache(maxsize=REMEMBERED_LINES)(_repair_line)


def repair_text(text: str) -> tuple[str, list[str]]:
    """Repair mojibake, entities and control characters line by line, where the pre-check says ftfy can.

    Returns the repaired text and the sorted list of repairs ftfy applied.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    repairs: set[str] = set()
    pieces: list[str] = []
    done = 0
    for start, end in suspect_lines(text):
        line = text[start:end]
        fixed, steps = repair_line(line)
        if fixed != line:
            pieces += [text[done:start], fixed]
            done = end
            repairs.update(steps)
    if not pieces:
        return text, []
    pieces.append(text[done:])
    return "".join(pieces), sorted(repairs)


def normalize_whitespace(text: str) -> str:
    """Odd spaces to plain spaces, drop invisible and control characters, NFC, strip lines,
    at most one blank line in a row, none at either end.

    A block of code keeps its lines' leading whitespace (odd spaces in it as plain spaces, tabs as tabs):
    a block of two or more lines not all indented alike that `is_code_block` accepts (the HTML extractor
    puts each <pre> block on lines of its own paragraph).  Inside the line its spaces still collapse.

    >>> normalize_whitespace("a\u00a0 b\u200b \\n\\n\\n\\nc ")
    'a b\\n\\nc'
    >>> normalize_whitespace("  Intro  line\\n  if x:\\n      y = f(x)\\n\\n  Prose\\n    lines")
    '  Intro line\\n  if x:\\n      y = f(x)\\n\\nProse\\nlines'
    """
    text = DROPPED_CHARACTER.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    lines = list(map(str.strip, MULTI_SPACE.sub(" ", ODD_SPACE.sub(" ", text)).split("\n")))
    if INDENTED_LINE.search(text):
        keep_code_indentation(lines, text.split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines).strip("\n"))


def keep_code_indentation(lines: list[str], unstripped: list[str]) -> None:
    """Put back the leading whitespace of the lines of each block of code (see `normalize_whitespace`)."""
    start = 0
    for end, line in enumerate([*lines, ""]):
        if line:
            continue
        if end - start >= 2:
            indents = [indentation(text) for text in unstripped[start:end]]
            if is_code_block(indents, lines[start:end]):
                lines[start:end] = map(str.__add__, indents, lines[start:end])
        start = end + 1


def is_code_block(indents: list[str], lines: list[str]) -> bool:
    """Lines of one block (stripped, and their indentation) that keep their indentation: two or more lines
    not all indented alike, one of which reads as code or opens a deeper-indented part with ':' or '{'
    (YAML, Python, a JSON object)."""
    return (
        len(lines) >= 2
        and len(set(indents)) > 1
        and (
            any(map(reads_as_code, lines))
            or any(
                line.endswith((":", "{")) and len(deeper) > len(indent)
                for line, indent, deeper in zip(lines, indents, indents[1:], strict=False)
            )
        )
    )


def indentation(line: str) -> str:
    """A line's leading whitespace, tabs kept and any other space as a plain space."""
    return NOT_TAB.sub(" ", line[: len(line) - len(line.lstrip())])
