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
from dataclasses import dataclass, field

import charset_normalizer
import ftfy

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

BINARY_SIGNATURES = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x7fELF",
    b"\x1f\x8b", b"BZh", b"\x28\xb5\x2f\xfd", b"RIFF", b"OggS", b"ID3",
)

# A line can need ftfy only if it holds a character outside this set: ASCII
# printable text, common typographic punctuation, and scripts whose text no
# single-byte mojibake produces (CJK, kana, Hangul, Arabic, Hebrew, Indic, Thai).
# Latin-1 letters, Latin Extended, Greek and Cyrillic are all possible
# mojibake, so lines with them go to ftfy.  '&' (HTML entities) and control
# characters are caught by their own checks.
_SAFE_CHARS = (
    "\t\x20-\x25\x27-\x7e"
    "\u2018\u2019\u201c\u201d\u2013\u2014\u2026"
    "\u0590-\u06ff\u0900-\u0dff\u0e00-\u0e7f"
    "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff01-\uff60"
)
NEEDS_FTFY = re.compile(f"[^{_SAFE_CHARS}]|&(?:#\\d+|#x[0-9a-fA-F]+|[A-Za-z]+\\d*);?")

ODD_SPACES = dict.fromkeys(
    map(ord, "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
        "\u200a\u202f\u205f\u3000\t\x0b\x0c"),
    " ",
)
INVISIBLES = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"), None)
CONTROL_CHARS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F], None)
WHITESPACE_TABLE = {**ODD_SPACES, **INVISIBLES, **CONTROL_CHARS}
MULTI_SPACE = re.compile(" {2,}")


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
    """True for bytes that start like a known binary format or hold NUL bytes."""
    return data.startswith(BINARY_SIGNATURES) or b"\x00" in data[:65536]


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> DecodedText:
    """Decode bytes: BOM, then UTF-8, then a declared charset, then detection.

    >>> decode_bytes("Le café est très chaud, déjà servi.".encode("cp1252")).text
    'Le café est très chaud, déjà servi.'
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            return DecodedText(data.decode(codec, errors="replace"), codec.replace("-sig", "") + " (BOM)")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return DecodedText(data.decode(utf16, errors="replace"), utf16)
    if looks_binary(data):
        raise UndecodableError("binary", "binary content (NUL bytes or a binary file signature)")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mixed = data.decode("utf-8", errors="clean_corpus_cp1252")
    if any(ord(ch) > 0x7FF for ch in mixed if ch > "\x7f") or _has_utf8_multibyte(data):
        return DecodedText(mixed, "utf-8", ["stray non-UTF-8 bytes read as cp1252"])
    if declared:
        try:
            return DecodedText(data.decode(declared), codecs.lookup(declared).name + " (declared)")
        except (LookupError, UnicodeDecodeError):
            pass
    best = _detect(data[:262144])
    if best is None:
        raise UndecodableError("undecodable", "no text encoding fits these bytes")
    return DecodedText(data.decode(best.encoding, errors="replace"), best.encoding + " (detected)")


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _detect(sample: bytes):
    """charset-normalizer's best match; ties go to the encoding most common on the web."""
    matches = list(charset_normalizer.from_bytes(sample, cp_exclusion=WIDE_ENCODINGS))
    if not matches:
        return None
    best = matches[0]
    tied = [m for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence - 0.01]
    return min(tied, key=lambda m: WEB_ENCODING_RANK.get(m.encoding, len(WEB_ENCODING_RANK)))


def _has_utf8_multibyte(data: bytes) -> bool:
    return _UTF8_MULTIBYTE.search(data) is not None


def needs_ftfy(line: str) -> bool:
    """Fast pre-check: can ftfy change this line?  False means it certainly cannot.

    >>> needs_ftfy("plain ‘quoted’ text"), needs_ftfy("donâ€™t")
    (False, True)
    """
    return NEEDS_FTFY.search(line) is not None


def _describe(step) -> str:
    if step.action in ("encode", "decode", "transcode"):
        return f"{step.action}:{step.parameter}"
    return step.parameter if step.action == "apply" else step.action


def repair_text(text: str) -> tuple[str, list[str]]:
    """Repair mojibake, entities and control characters line by line.

    Returns the repaired text and the sorted list of repairs ftfy applied.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii() and "&" not in text:
        return text, []
    repairs: set[str] = set()
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if needs_ftfy(line):
            fixed, steps = ftfy.fix_and_explain(line, FTFY_CONFIG)
            if fixed != line:
                lines[index] = fixed
                repairs.update(_describe(step) for step in steps or ())
    return "\n".join(lines), sorted(repairs)


def normalize_whitespace(text: str) -> str:
    """Odd spaces to plain spaces, drop invisible and control characters, NFC, strip lines.

    >>> normalize_whitespace("a\u00a0 b\u200b \\n\\n\\n\\nc ")
    'a b\\n\\nc'
    """
    text = text.translate(WHITESPACE_TABLE)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    lines = [MULTI_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
